// The full shadow pipeline on a capture held in memory: parse -> book -> strategy -> maker policy
// -> risk gate -> journal (fsync none) -> simulated venue -> fills -> positions. Prints
// messages/s, book updates/s, the decision latency (book update -> order intents sent, i.e. the
// whole execution_loop::on_book call) p50/p99, and heap allocations (counted by the replaced
// global operator new of //tests/venue/sim:counting_new, every form of it; the bench checks at
// start that the counter moves). Allocations are reported three ways:
//   - per message over a whole run (start-up included: the loop, metrics, first-seen books);
//   - per message in steady state on the market-data path: messages after the first 10 % of the
//     capture during which the engine neither placed, cancelled nor blocked anything and the
//     venue reported nothing (parse -> book -> strategy decision "keep" -> sim book walk);
//   - per order action (place, cancel, ack, fill, block) for the rest: the order path.
// docs/performance.md has the numbers and the captures they came from.
//
// --record's cost on the trading thread (issue 19.1): the latency pass runs twice more, side by
// side, without and with a feed::capture_recorder taking every line (as ws_feed's tap hands it each
// frame, on the same thread, before the engine sees it; the writer thread compresses to /tmp). It
// prints the decision latency and the whole message's latency (read + decode + tap + engine) of
// both, and the frames the recorder dropped.
//
//   bazel run -c opt //bench:shadow_pipeline_bench -- "$PWD/data/sample/bybit_btcusdt_sample.jsonl" [repeats]
//   bazel run -c opt //bench:shadow_pipeline_bench -- /path/to/bybit_v5_linear_capture.jsonl 20
#include "mmbot/app/config.hpp"
#include "mmbot/app/gates.hpp"
#include "mmbot/app/sim_engine.hpp"
#include "mmbot/feed/capture_recorder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mmbot::test {
std::uint64_t allocations() noexcept;
}

namespace {

using namespace mmbot;
using steady = std::chrono::steady_clock;

class null_sink final : public obs::log_sink {
public:
    void write_line(std::string_view /*line*/) override {}
};

struct result {
    std::uint64_t messages = 0;
    std::uint64_t book_updates = 0;
    std::uint64_t allocations = 0;
    std::uint64_t quiet_messages = 0;      ///< steady state, no order activity
    std::uint64_t quiet_allocations = 0;   ///< allocations during those messages
    std::uint64_t busy_messages = 0;       ///< steady state, with order activity
    std::uint64_t busy_allocations = 0;
    std::uint64_t order_actions = 0;       ///< places + cancels + acks + fills + blocks, steady state
    std::chrono::nanoseconds elapsed{0};
    std::vector<std::int64_t> decision_ns;
    std::vector<std::int64_t> quiet_decision_ns;   ///< decisions that sent nothing (keep)
    std::vector<std::int64_t> acting_decision_ns;  ///< decisions that placed/cancelled/blocked
    std::vector<std::int64_t> message_ns;          ///< read + decode + record tap + engine, per message
    std::int64_t fills = 0;
};

result run_once(const std::string& capture, const app::config& cfg, bool time_decisions,
                feed::capture_recorder* rec = nullptr) {
    // Where each line starts, for the recorder's tap (ev.line is 1-based).
    std::vector<std::size_t> line_at{0};
    for (std::size_t i = 0; i < capture.size(); ++i) {
        if (capture[i] == '\n') line_at.push_back(i + 1);
    }
    std::istringstream in(capture);
    null_sink sink;
    obs::fake_clock clock;
    obs::json_logger<obs::fake_clock> log(sink, clock, obs::log_level::error);
    obs::registry registry;
    obs::mm_metrics metrics(registry);
    const std::string journal_path = "/tmp/mmbot-shadow-bench.journal";
    std::remove(journal_path.c_str());
    engine::journal_options jo;
    jo.policy = engine::fsync_policy::none;
    engine::journal journal = std::move(engine::journal::open(journal_path, "shadow", jo).value().log);
    const auto setups = app::to_setups(cfg).value();
    // What mmbot-shadow runs (app/sim_engine.hpp): the simulated venue as the config says.
    app::sim_engine<app::standard_gate, obs::json_logger<obs::fake_clock>> eng(cfg, setups, journal, metrics, log);
    auto& sim = eng.venue();
    feed::replay_reader replay(in);
    feed::replay_event ev;
    result r;
    r.decision_ns.reserve(8192);
    // Steady state starts after the first 10 % of the lines (books, symbols and buffers seen).
    const auto lines = static_cast<std::uint64_t>(std::count(capture.begin(), capture.end(), '\n'));
    const std::uint64_t warm_lines = lines / 10;
    const auto t0 = steady::now();
    const std::uint64_t a0 = test::allocations();
    std::chrono::nanoseconds last_tick{0};
    const auto activity = [&]() -> std::uint64_t {
        if (!eng.started()) return 0;
        const auto& ls = eng.loop().stats();
        const auto& vs = sim.stats();
        return static_cast<std::uint64_t>(ls.orders_placed + ls.orders_cancelled + ls.orders_rejected +
                                          ls.orders_blocked + ls.fills + ls.cancel_all_requests) +
               vs.placed + vs.acked + vs.cancelled + vs.rejected + vs.fills + vs.cancel_rejected;
    };
    std::uint64_t msg_a0 = test::allocations();
    for (;;) {
        const auto m0 = steady::now();
        if (!replay.next(ev)) break;
        if (rec != nullptr) {
            const std::size_t b = line_at[ev.line - 1];
            const std::size_t e = ev.line < line_at.size() ? line_at[ev.line] - 1 : capture.size();
            rec->record(ev.event_time_ns, std::string_view(capture).substr(b, e - b));
        }
        const std::uint64_t act0 = activity();
        if (ev.event_time_ns == 0) continue;
        const std::chrono::nanoseconds now(ev.event_time_ns);
        clock.set(now);
        auto& loop = eng.start_at(now);
        eng.advance(now);
        const auto& msg = *ev.msg;
        if (msg.kind == feed::message_kind::book && ev.book != nullptr && ev.book->valid()) {
            ++r.book_updates;
            if (time_decisions) {
                // The same two steps as sim_engine::on_book, the loop's timed alone.
                sim.on_book(*ev.book, now, loop);
                const strategy::market_top top = app::top_of(*ev.book);
                const std::uint64_t before = activity();
                const auto d0 = steady::now();
                loop.on_book(msg.book.sym.view(), top, now);
                const std::int64_t ns = (steady::now() - d0).count();
                r.decision_ns.push_back(ns);
                (activity() == before ? r.quiet_decision_ns : r.acting_decision_ns).push_back(ns);
            } else {
                eng.on_book(msg.book.sym.view(), *ev.book, now);
            }
        } else if (msg.kind == feed::message_kind::trades) {
            for (const auto& p : msg.trades.prints) eng.on_trade(p, now);
        }
        if (now - last_tick >= std::chrono::milliseconds(100)) {
            loop.on_tick(now);
            last_tick = now;
        }
        ++r.messages;
        if (time_decisions) r.message_ns.push_back((steady::now() - m0).count());
        // This message's allocations: its line's read and decode (next()) and the engine's work.
        const std::uint64_t msg_a1 = test::allocations();
        if (ev.line > warm_lines) {
            const std::uint64_t actions = activity() - act0;
            if (actions == 0) {
                ++r.quiet_messages;
                r.quiet_allocations += msg_a1 - msg_a0;
            } else {
                ++r.busy_messages;
                r.busy_allocations += msg_a1 - msg_a0;
                r.order_actions += actions;
            }
        }
        msg_a0 = msg_a1;
    }
    r.elapsed = steady::now() - t0;
    r.allocations = test::allocations() - a0;
    r.fills = eng.started() ? eng.loop().stats().fills : 0;
    return r;
}

}  // namespace

namespace {

/// The counter must see the allocations this bench wants to count, or "0 allocations" means
/// nothing: plain, array and aligned new, and a std::string / std::vector that outgrow SSO.
bool counter_counts() {
    const std::uint64_t a0 = test::allocations();
    std::string s(64, 'x');
    std::vector<int> v(16);
    auto arr = std::make_unique<int[]>(8);  // NOLINT(*-avoid-c-arrays)
    struct alignas(64) wide {
        std::array<char, 64> b;
    };
    auto w = std::make_unique<wide>();
    const std::uint64_t counted = test::allocations() - a0;
    return counted == 4 && !s.empty() && !v.empty() && arr != nullptr && w != nullptr;
}

int bench_main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: shadow_pipeline_bench CAPTURE.jsonl [repeats]\n");
        return 2;
    }
    std::ifstream f(argv[1], std::ios::binary);  // NOLINT(*-pointer-arithmetic)
    if (!f) {
        fmt::print(stderr, "cannot open {}\n", argv[1]);  // NOLINT(*-pointer-arithmetic)
        return 2;
    }
    if (!counter_counts()) {
        fmt::print(stderr, "shadow_pipeline_bench: the allocation counter is not linked in\n");
        return 1;
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
    (void)run_once(capture, cfg, false);  // warm-up
    double best_mps = 0;
    double best_bps = 0;
    result timed;
    for (int i = 0; i < repeats; ++i) {
        const result r = run_once(capture, cfg, false);
        const double secs = std::chrono::duration<double>(r.elapsed).count();
        best_mps = std::max(best_mps, static_cast<double>(r.messages) / secs);
        best_bps = std::max(best_bps, static_cast<double>(r.book_updates) / secs);
        timed = r;
    }
    result lat = run_once(capture, cfg, true);
    for (auto* v : {&lat.decision_ns, &lat.quiet_decision_ns, &lat.acting_decision_ns}) {
        std::sort(v->begin(), v->end());
    }
    const auto pct_of = [](const std::vector<std::int64_t>& v, double p) -> std::int64_t {
        return v.empty() ? 0 : v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
    };
    const auto pct = [&](double p) { return pct_of(lat.decision_ns, p); };
    fmt::print("messages per run      {}\n", timed.messages);
    fmt::print("book updates per run  {}\n", timed.book_updates);
    fmt::print("fills per run         {}\n", timed.fills);
    fmt::print("throughput            {:.0f} messages/s, {:.0f} book updates/s (best of {})\n",
               best_mps, best_bps, repeats);
    fmt::print("decision latency      p50 {} ns, p99 {} ns, max {} ns (book update -> intents sent)\n",
               pct(0.50), pct(0.99), lat.decision_ns.empty() ? 0 : lat.decision_ns.back());
    fmt::print("  no order sent       p50 {} ns, p99 {} ns ({} decisions)\n",
               pct_of(lat.quiet_decision_ns, 0.50), pct_of(lat.quiet_decision_ns, 0.99),
               lat.quiet_decision_ns.size());
    fmt::print("  orders sent/blocked p50 {} ns, p99 {} ns ({} decisions; each placement journals "
               "one record with a write(2) before it is sent)\n",
               pct_of(lat.acting_decision_ns, 0.50), pct_of(lat.acting_decision_ns, 0.99),
               lat.acting_decision_ns.size());
    // --record side by side: alternate runs without and with the recorder, pooled.
    result off;
    result on;
    std::uint64_t dropped = 0;
    std::uint64_t recorded = 0;
    for (int i = 0; i < 3; ++i) {
        auto r0 = run_once(capture, cfg, true);
        off.decision_ns.insert(off.decision_ns.end(), r0.decision_ns.begin(), r0.decision_ns.end());
        off.message_ns.insert(off.message_ns.end(), r0.message_ns.begin(), r0.message_ns.end());
        auto rec = feed::capture_recorder::open({.dir = "/tmp/mmbot-bench-record"}).value();
        auto r1 = run_once(capture, cfg, true, rec.get());
        rec->close();
        dropped += rec->stats().frames_dropped;
        recorded += rec->stats().frames_recorded;
        on.decision_ns.insert(on.decision_ns.end(), r1.decision_ns.begin(), r1.decision_ns.end());
        on.message_ns.insert(on.message_ns.end(), r1.message_ns.begin(), r1.message_ns.end());
    }
    for (auto* v : {&off.decision_ns, &off.message_ns, &on.decision_ns, &on.message_ns}) std::sort(v->begin(), v->end());
    fmt::print("--record, side by side (3 runs each, alternating)\n");
    fmt::print("  decision  without   p50 {} ns, p99 {} ns\n", pct_of(off.decision_ns, 0.50), pct_of(off.decision_ns, 0.99));
    fmt::print("  decision  with      p50 {} ns, p99 {} ns\n", pct_of(on.decision_ns, 0.50), pct_of(on.decision_ns, 0.99));
    fmt::print("  message   without   p50 {} ns, p99 {} ns (read + decode + engine)\n", pct_of(off.message_ns, 0.50),
               pct_of(off.message_ns, 0.99));
    fmt::print("  message   with      p50 {} ns, p99 {} ns (read + decode + record tap + engine)\n",
               pct_of(on.message_ns, 0.50), pct_of(on.message_ns, 0.99));
    fmt::print("  recorder            {} frames recorded, {} dropped\n", recorded, dropped);
    fmt::print("heap allocations      {:.2f} per message ({} in {} messages, including start-up)\n",
               static_cast<double>(timed.allocations) / static_cast<double>(timed.messages),
               timed.allocations, timed.messages);
    const auto per = [](std::uint64_t n, std::uint64_t d) {
        return d == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(d);
    };
    fmt::print("  steady, market data {:.3f} per message ({} in {} messages without order activity)\n",
               per(timed.quiet_allocations, timed.quiet_messages), timed.quiet_allocations,
               timed.quiet_messages);
    fmt::print("  steady, order path  {:.2f} per order action ({} in {} messages, {} actions)\n",
               per(timed.busy_allocations, timed.order_actions), timed.busy_allocations,
               timed.busy_messages, timed.order_actions);
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    try {
        return bench_main(argc, argv);
    } catch (const std::exception& e) {
        fmt::print(stderr, "shadow_pipeline_bench: {}\n", e.what());
        return 1;
    }
}
