// bench/tick_to_wire_bench.cpp
//
// Tick to wire: one public orderbook message in, the signed order/create request bytes out. For
// every book message of a capture held in memory it times
//   decode (replay_reader::next) -> L2 book -> execution_loop::on_book (quoter, maker policy,
//   risk gate, journal append with fsync none, order store) -> venue.place ->
//   bybit::write_create (exact body) + signer::sign_rest (HMAC-SHA256 hex)
// up to the moment the first create's body and signature are ready, and reports p50/p99/max over
// the messages that produced at least one create (target: p99 <= 20 us). The venue behind the
// signing step is the simulator, so acks, cancels and fills keep the engine in a realistic state.
//
//   bazel run -c opt //bench:tick_to_wire_bench -- "$PWD/data/sample/bybit_btcusdt_sample.jsonl" [repeats]
#include "mmbot/app/config.hpp"
#include "mmbot/app/gates.hpp"
#include "mmbot/app/sim_engine.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace mmbot;
using steady = std::chrono::steady_clock;

class null_sink final : public obs::log_sink {
public:
    void write_line(std::string_view /*line*/) override {}
};

/// The simulator behind a venue that first produces the wire bytes of each request.
struct wire_venue {
    venue::sim::simulated_venue* sim = nullptr;
    venue::bybit::signer* sig = nullptr;
    venue::bybit::rest_request req;
    std::int64_t venue_ms = 1'786'310'400'000;
    std::optional<steady::time_point> first_wire;
    std::int64_t creates = 0;
    std::int64_t failures = 0;

    void place(const venue::order_request& r, std::chrono::nanoseconds now) {
        auto ok = venue::bybit::write_create(venue::bybit::category::linear, r, req);
        auto s = ok ? sig->sign_rest(venue_ms, req.payload())
                    : core::result<venue::bybit::rest_signature>(ok.error());
        if (!s) {
            ++failures;
        } else if (!first_wire) {
            first_wire = steady::now();
        }
        ++creates;
        app::sim_order_venue{*sim}.place(r, now);
    }
    void cancel(std::string_view symbol, std::string_view id, std::chrono::nanoseconds now) {
        app::sim_order_venue{*sim}.cancel(symbol, id, now);
    }
    void cancel_all(std::string_view symbol, std::chrono::nanoseconds now) {
        app::sim_order_venue{*sim}.cancel_all(symbol, now);
    }
};

struct result {
    std::vector<std::int64_t> tick_to_wire_ns;
    /// The same samples split by what the book message was: a delta (the steady state of a live
    /// connection) or a snapshot (the whole book, 50-200 levels a side, to parse and rebuild:
    /// Bybit sends one per subscription, the synthetic sample one in four).
    std::vector<std::int64_t> after_delta_ns;
    std::vector<std::int64_t> after_snapshot_ns;
    /// The same samples cut in two: message in -> book updated (read, decode, apply), and book
    /// updated -> signed create (strategy, policy, risk, journal write, store, request, HMAC).
    std::vector<std::int64_t> feed_ns;
    std::vector<std::int64_t> decision_ns;
    std::int64_t creates = 0;
    std::int64_t failures = 0;
    std::uint64_t book_messages = 0;
};

result run_once(const std::string& capture, const app::config& cfg, venue::bybit::signer& sig) {
    std::istringstream in(capture);
    null_sink sink;
    obs::fake_clock clock;
    obs::json_logger<obs::fake_clock> log(sink, clock, obs::log_level::error);
    obs::registry registry;
    obs::mm_metrics metrics(registry);
    venue::sim::simulated_venue sim(app::sim_config_of(cfg));
    wire_venue venue{&sim, &sig, {}, 1'786'310'400'000, {}, 0, 0};
    const std::string journal_path = "/tmp/mmbot-tick-to-wire-bench.journal";
    std::remove(journal_path.c_str());
    engine::journal_options jo;
    jo.policy = engine::fsync_policy::none;
    engine::journal journal = std::move(engine::journal::open(journal_path, "testnet", jo).value().log);
    using loop_t = engine::execution_loop<wire_venue, app::standard_gate, obs::json_logger<obs::fake_clock>>;
    std::optional<loop_t> loop;
    feed::replay_reader replay(in);
    feed::replay_event ev;
    result r;
    const auto setups = app::to_setups(cfg).value();
    std::chrono::nanoseconds last_tick{0};
    for (;;) {
        venue.first_wire.reset();
        const auto t0 = steady::now();
        if (!replay.next(ev)) break;
        const auto t_book = steady::now();
        if (ev.event_time_ns == 0) continue;
        const std::chrono::nanoseconds now(ev.event_time_ns);
        clock.set(now);
        if (!loop) {
            loop.emplace(venue, journal, engine::order_store{}, engine::position_book{},
                         app::to_options(cfg), setups, metrics, log,
                         engine::client_order_id_generator::for_run(now, 0));
            loop->start(now);
        }
        const auto& msg = *ev.msg;
        if (msg.kind == feed::message_kind::book && ev.book != nullptr && ev.book->valid()) {
            ++r.book_messages;
            loop->on_book(msg.book.sym.view(), strategy::market_top{ev.book->best_bid(), ev.book->best_ask()},
                          now);
            if (venue.first_wire) {
                const auto ns = (*venue.first_wire - t0).count();
                r.tick_to_wire_ns.push_back(ns);
                (msg.book.action == feed::book_action::delta ? r.after_delta_ns : r.after_snapshot_ns)
                    .push_back(ns);
                r.feed_ns.push_back((t_book - t0).count());
                r.decision_ns.push_back((*venue.first_wire - t_book).count());
            }
            // The simulator's own work (matching, acks) is not on the path being timed.
            sim.on_book(*ev.book, now, *loop);
        } else if (msg.kind == feed::message_kind::trades) {
            for (const auto& p : msg.trades.prints) sim.on_trade(p, now, *loop);
        }
        sim.advance(now, *loop);
        if (now - last_tick >= std::chrono::milliseconds(100)) {
            loop->on_tick(now);
            last_tick = now;
        }
    }
    r.creates = venue.creates;
    r.failures = venue.failures;
    return r;
}

int bench_main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: tick_to_wire_bench CAPTURE.jsonl [repeats]\n");
        return 2;
    }
    std::ifstream f(argv[1], std::ios::binary);  // NOLINT(*-pointer-arithmetic)
    if (!f) {
        fmt::print(stderr, "cannot open {}\n", argv[1]);  // NOLINT(*-pointer-arithmetic)
        return 2;
    }
    std::stringstream text;
    text << f.rdbuf();
    const std::string capture = text.str();
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;  // NOLINT(*)
    const auto cfg = app::parse_config(R"({"environment":"shadow",
        "maker":{"maker_only":true,"post_only_offset_bps":"1.5","min_qty_pad":"1.1"},
        "journal":{"path":"unused","fsync":"none"},
        "risk":{"max_total_loss":"300","max_orders_per_second":20,"max_ack_latency_ms":2000,
                "ack_latency_window":20,"freeze_cool_down_ms":0},
        "sim":{"maker_fee_rate":"0.0002","latency_ms":20},
        "symbols":{"BTCUSDT":{"filters":{"tick_size":"0.10","qty_step":"0.001","min_qty":"0.001",
            "max_qty":"1190","min_notional":"5","min_price":"0.10","max_price":"1999999.80"},
          "strategy":{"fair_price":"mid","half_spread_bps":"2.5","order_qty":"0.01",
            "skew_bps_at_max":"1","max_position":"0.1","requote_threshold_bps":"2","max_quote_age_ms":10000},
          "risk":{"max_position_qty":"0.1","max_position_notional":"10000","max_loss":"200",
            "edge_floor_bps":"3.0","stale_after_ms":5000,"max_order_notional":"2000","price_band_bps":"100"}},
          "ETHUSDT":{"filters":{"tick_size":"0.01","qty_step":"0.01","min_qty":"0.01",
            "max_qty":"7240","min_notional":"5","min_price":"0.01","max_price":"199999.98"},
          "strategy":{"fair_price":"mid","half_spread_bps":"2.5","order_qty":"0.2",
            "skew_bps_at_max":"1","max_position":"2","requote_threshold_bps":"2","max_quote_age_ms":10000},
          "risk":{"max_position_qty":"2","max_position_notional":"10000","max_loss":"200",
            "edge_floor_bps":"3.0","stale_after_ms":5000,"max_order_notional":"2000","price_band_bps":"100"}}}})",
                                       "bench").value();
    // A throwaway key pair: the bench signs, nothing is sent anywhere.
    auto sig = venue::bybit::signer::make(secrets::credentials{
        secrets::secret_string{std::string("BENCHKEY0000")},
        secrets::secret_string{std::string("BENCHSECRET000000000000000000000000")}}).value();
    (void)run_once(capture, cfg, sig);  // warm-up
    std::vector<std::int64_t> all;
    std::vector<std::int64_t> deltas;
    std::vector<std::int64_t> snapshots;
    std::vector<std::int64_t> feed;
    std::vector<std::int64_t> decision;
    result last;
    for (int i = 0; i < repeats; ++i) {
        last = run_once(capture, cfg, sig);
        all.insert(all.end(), last.tick_to_wire_ns.begin(), last.tick_to_wire_ns.end());
        deltas.insert(deltas.end(), last.after_delta_ns.begin(), last.after_delta_ns.end());
        snapshots.insert(snapshots.end(), last.after_snapshot_ns.begin(), last.after_snapshot_ns.end());
        feed.insert(feed.end(), last.feed_ns.begin(), last.feed_ns.end());
        decision.insert(decision.end(), last.decision_ns.begin(), last.decision_ns.end());
    }
    for (auto* v : {&all, &deltas, &snapshots, &feed, &decision}) std::sort(v->begin(), v->end());
    const auto pct_of = [](const std::vector<std::int64_t>& v, double p) -> std::int64_t {
        return v.empty() ? 0 : v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
    };
    const auto pct = [&](double p) { return pct_of(all, p); };
    fmt::print("book messages per run   {}\n", last.book_messages);
    fmt::print("creates signed per run  {} ({} refused by the request builder)\n", last.creates,
               last.failures);
    fmt::print("tick to wire            p50 {} ns, p99 {} ns, max {} ns ({} samples over {} runs; "
               "book message in -> signed order/create bytes out)\n",
               pct(0.50), pct(0.99), all.empty() ? 0 : all.back(), all.size(), repeats);
    fmt::print("  after a delta         p50 {} ns, p99 {} ns ({} samples)\n", pct_of(deltas, 0.50),
               pct_of(deltas, 0.99), deltas.size());
    fmt::print("  after a snapshot      p50 {} ns, p99 {} ns ({} samples)\n", pct_of(snapshots, 0.50),
               pct_of(snapshots, 0.99), snapshots.size());
    fmt::print("  of which: message -> book p50 {} ns, p99 {} ns; book -> signed create p50 {} ns, "
               "p99 {} ns\n",
               pct_of(feed, 0.50), pct_of(feed, 0.99), pct_of(decision, 0.50), pct_of(decision, 0.99));
    std::ifstream load("/proc/loadavg");
    std::string l1;
    std::string l5;
    load >> l1 >> l5;
    fmt::print("load average            {} {} (timings on a loaded machine spread)\n", l1, l5);
    fmt::print("target p99 <= 20000 ns: {} (all), {} (deltas)\n", pct(0.99) <= 20000 ? "met" : "NOT met",
               pct_of(deltas, 0.99) <= 20000 ? "met" : "NOT met");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return bench_main(argc, argv);
    } catch (const std::exception& e) {
        std::fputs(e.what(), stderr);
        return 1;
    }
}
