// tests/engine/loop_harness.hpp
//
// The execution loop over a scripted venue, a fake clock and a real journal in TEST_TMPDIR: what
// execution_loop_test and execution_loop_alloc_test drive. The scripted venue records what the
// loop sends and the journal sequence at each send (journaled before sent).
#pragma once

#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/risk/checks.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::engine::test {

using namespace std::chrono_literals;

inline core::price P(std::string_view s) { return core::price::parse(s).value(); }
inline core::quantity Q(std::string_view s) { return core::quantity::parse(s).value(); }

/// Records what the loop sends; checks that every order was journaled before it arrived.
struct scripted_venue {
    struct placed {
        std::string client_order_id;
        std::string symbol;
        core::side side;
        core::price price;
        core::quantity qty;
        bool post_only;
        std::uint64_t journal_seq_at_send;
    };
    engine::journal* journal = nullptr;
    std::vector<placed> orders;
    std::vector<std::string> cancels;
    std::vector<std::string> cancel_alls;

    void place(const venue::order_request& r, std::chrono::nanoseconds /*now*/) {
        orders.push_back({std::string(r.client_order_id), std::string(r.symbol), r.side, r.price,
                          r.qty, r.post_only, journal->last_sequence()});
    }
    void cancel(std::string_view /*symbol*/, std::string_view id, std::chrono::nanoseconds) {
        cancels.emplace_back(id);
    }
    void cancel_all(std::string_view symbol, std::chrono::nanoseconds) {
        cancel_alls.emplace_back(symbol);
    }
};

struct fill_event {
    std::string client_order_id;
    std::string exec_id;
    core::price price;
    core::quantity qty;
    core::notional fee;
    std::chrono::nanoseconds at;
};

using gate_t = risk::gate<risk::stale_market_data, risk::price_band, risk::inventory_limit,
                          risk::edge_floor, risk::loss_limit, risk::order_rate_cap>;
using logger_t = obs::json_logger<obs::fake_clock>;

/// `Venue` needs a `journal` pointer member (scripted_venue's journaled-before-sent check).
template <class Gate, class Venue = scripted_venue>
struct basic_harness {
    using loop_t = engine::execution_loop<Venue, Gate, logger_t>;
    std::filesystem::path dir;
    obs::fake_clock clock{std::chrono::seconds(1'700'000'000)};
    obs::string_sink sink;
    logger_t log{sink, clock, obs::log_level::debug};
    obs::registry registry;
    obs::mm_metrics metrics{registry};
    Venue venue;
    std::optional<engine::journal> journal;
    std::optional<loop_t> loop;

    explicit basic_harness(std::string_view half_spread_bps = "5",
                           engine::engine_options options = {}) {
        dir = std::filesystem::path(std::getenv("TEST_TMPDIR")) /
              ("loop-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        std::filesystem::create_directories(dir);
        auto opened = engine::journal::open((dir / "journal.log").string(), "testnet", {}).value();
        journal.emplace(std::move(opened.log));
        venue.journal = &*journal;

        engine::symbol_setup btc;
        btc.filters = core::make_filters({.symbol = "BTCUSDT", .tick_size = "0.10",
                                           .qty_step = "0.001", .min_qty = "0.001",
                                           .max_qty = "100", .min_notional = "5",
                                           .min_price = "0.10", .max_price = "1999999.80"})
                          .value();
        btc.quoting.half_spread = core::bps::parse(half_spread_bps).value();
        btc.quoting.order_qty = Q("0.01");
        btc.quoting.max_position = Q("0.1");
        btc.quoting.requote_threshold = core::bps::parse("2").value();
        btc.limits.max_position_qty = Q("0.1");
        btc.limits.price_band_bps = core::bps::parse("100").value();
        std::map<std::string, engine::symbol_setup, std::less<>> symbols;
        symbols.emplace("BTCUSDT", btc);
        loop.emplace(venue, *journal, engine::order_store{}, engine::position_book{},
                     std::move(options), std::move(symbols), metrics, log,
                     engine::client_order_id_generator::for_run(clock.now(), 42));
        loop->start(clock.now());
    }
    strategy::market_top top(std::string_view bid, std::string_view ask) {
        return {feed::level{P(bid), Q("1")}, feed::level{P(ask), Q("1")}};
    }
    void book(std::string_view bid, std::string_view ask) {
        clock.advance(100ms);
        loop->on_book("BTCUSDT", top(bid, ask), clock.now());
    }
};

using harness = basic_harness<gate_t>;


}  // namespace mmbot::engine::test
