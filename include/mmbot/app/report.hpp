// mmbot/app/report.hpp
//
// The final report of a run: deterministic JSON (sorted keys, two-space indentation, every money
// value an exact decimal string), so the same input gives a byte-identical file. docs/report.md
// describes every field.
//
//   {"execution_params": {...}, "stats": {...}, "symbols": {"BTCUSDT": {...}}, "pnl": {...},
//    "blocked_orders": {"min_qty": 3}, "risk": {"freeze_triggered": false, ...},
//    "market_data": {"messages": ..., "gaps": 0, ...}}
#pragma once

#include "mmbot/app/book_faults.hpp"
#include "mmbot/app/detail/stable_json.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/app/report/run_timeline.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/ws_feed_stats.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace mmbot::app {

/// What the run was asked to do (echoed in the report so a report explains itself).
struct run_params {
    std::string environment;
    std::string feed;
    std::vector<std::string> symbols;
    std::int64_t iterations = 0;
    policy::maker_params maker;
    /// The venue the binary was built for (venue/venues.hpp: "bybit", "binance").
    std::string venue;
};

namespace detail {
template <class Unit>
[[nodiscard]] boost::json::value dec(const core::decimal<Unit>& d) {
    return boost::json::value(d.to_string());
}
[[nodiscard]] inline boost::json::value count(std::uint64_t n) {
    return boost::json::value(static_cast<std::int64_t>(n));
}
}  // namespace detail

namespace detail {

[[nodiscard]] inline boost::json::object report_exec(const run_params& params) {
    boost::json::object exec;
    exec["environment"] = params.environment;
    exec["feed"] = params.feed;
    exec["iterations"] = params.iterations;
    exec["maker_only"] = params.maker.maker_only;
    exec["post_only_offset_bps"] = dec(params.maker.post_only_offset_bps);
    exec["min_qty_pad"] = dec(params.maker.min_qty_pad);
    boost::json::array syms;
    for (const auto& s : params.symbols) syms.emplace_back(s);
    exec["symbols"] = std::move(syms);
    exec["venue"] = params.venue;
    return exec;
}

template <class Loop>
[[nodiscard]] boost::json::object report_stats(const Loop& loop) {
    const auto& st = loop.stats();
    boost::json::object stats;
    stats["orders_placed"] = st.orders_placed;
    stats["orders_filled"] = st.orders_filled;
    stats["orders_cancelled"] = st.orders_cancelled;
    stats["orders_rejected"] = st.orders_rejected;
    stats["orders_blocked"] = st.orders_blocked;
    stats["duplicate_events"] = st.duplicate_events;
    stats["cancels_already_pending"] = st.cancels_already_pending;
    stats["fills_for_unknown_orders"] = st.fills_for_unknown_orders;
    stats["fills"] = st.fills;
    stats["cancel_all_requests"] = st.cancel_all_requests;
    stats["requotes"] = st.requotes;
    stats["cancel_retries"] = st.cancel_retries;
    stats["cancel_failures"] = st.cancel_failures;
    stats["stale_quote_pulls"] = st.stale_quote_pulls;
    stats["open_orders_at_end"] = static_cast<std::int64_t>(loop.store().open_count());
    return stats;
}

/// The PnL summed over the symbols (the report's top-level "pnl").
struct pnl_totals {
    core::notional realized, unrealized, fees;
};

/// One symbol's position and PnL fields of `s` (zeros when it never filled), added to `totals`.
inline void report_position(boost::json::object& s, const engine::position* p, const core::price& mark,
                            pnl_totals& totals) {
    boost::json::object pnl;
    if (p != nullptr) {
        const core::notional u = mark.is_positive() ? p->unrealized_pnl(mark) : core::notional{};
        s["fills"] = static_cast<std::int64_t>(p->fills);
        s["bought"] = dec(p->bought);
        s["sold"] = dec(p->sold);
        s["inventory"] = dec(p->qty);
        s["avg_entry"] = dec(p->avg_entry(core::rounding::down));
        pnl["realized"] = dec(p->realized_pnl);
        pnl["unrealized"] = dec(u);
        pnl["fees"] = dec(p->fees);
        pnl["net"] = dec(p->realized_pnl + u - p->fees);
        totals.realized += p->realized_pnl;
        totals.unrealized += u;
        totals.fees += p->fees;
    } else {
        s["fills"] = 0;
        s["bought"] = "0";
        s["sold"] = "0";
        s["inventory"] = "0";
        s["avg_entry"] = "0";
        pnl["realized"] = "0";
        pnl["unrealized"] = "0";
        pnl["fees"] = "0";
        pnl["net"] = "0";
    }
    s["pnl"] = std::move(pnl);
}

/// A symbol's markouts per side (app/report/run_timeline.hpp): the fills with a mid at the fill
/// and their average edge then, and per horizon how many fills reached it and their average
/// (null: none). Zeros when the run recorded nothing for the symbol.
[[nodiscard]] inline boost::json::object report_markouts(const report::symbol_timeline* s) {
    boost::json::object out;
    for (const core::side side : {core::side::buy, core::side::sell}) {
        const std::size_t i = side == core::side::buy ? 0 : 1;
        const report::side_edges sums = s == nullptr ? report::side_edges{} : s->edges[i];
        const auto avg = [](const report::edge_sums& e) -> boost::json::value {
            const auto a = e.average();
            return a ? boost::json::value(a->to_string()) : boost::json::value(nullptr);
        };
        boost::json::object m{{"fills", sums[0].count}, {"edge_at_fill_bps", avg(sums[0])}};
        for (std::size_t h = 0; h < report::markout_horizons.size(); ++h) {
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(report::markout_horizons[h]).count();
            m[fmt::format("after_{}s_fills", secs)] = sums[1 + h].count;
            m[fmt::format("after_{}s_bps", secs)] = avg(sums[1 + h]);
        }
        out[core::to_string(side)] = std::move(m);
    }
    return out;
}

template <class Loop>
[[nodiscard]] boost::json::object report_symbols(const run_params& params, const Loop& loop,
                                                 const book_faults* faults, const report::run_timeline* timeline,
                                                 pnl_totals& totals) {
    const auto marks = loop.marks();
    boost::json::object per_symbol;
    for (const auto& name : params.symbols) {
        boost::json::object s;
        const auto mark_it = marks.find(name);
        const core::price mark = mark_it == marks.end() ? core::price{} : mark_it->second;
        const auto [placed, filled] = loop.order_counts(name);
        s["orders_placed"] = placed;
        s["orders_filled"] = filled;
        // Fill rate = fully filled orders / orders placed, rounded down to 8 digits.
        s["fill_rate"] = dec(placed == 0 ? core::ratio{}
                                         : core::ratio::from_raw(filled * core::ratio::one() / placed));
        s["mark"] = dec(mark);
        const book_faults::symbol_faults* f = faults == nullptr ? nullptr : faults->find(name);
        s["crossed_book_events"] = count(f == nullptr ? 0 : f->crossed_events);
        s["crossed_book_ms"] = f == nullptr ? 0 : book_faults::to_ms(f->crossed_time);
        report_position(s, loop.positions().find(name), mark, totals);
        const report::symbol_timeline* recorded = nullptr;
        if (timeline != nullptr) {
            const auto it = timeline->symbols().find(name);
            if (it != timeline->symbols().end()) recorded = &it->second;
        }
        s["markouts"] = report_markouts(recorded);
        s["inventory_min"] = dec(recorded != nullptr ? recorded->inventory_min : core::quantity{});
        s["inventory_max"] = dec(recorded != nullptr ? recorded->inventory_max : core::quantity{});
        per_symbol[name] = std::move(s);
    }
    return per_symbol;
}

template <class Loop>
[[nodiscard]] boost::json::object report_risk(const Loop& loop) {
    boost::json::object risk;
    const auto& mon = loop.monitor();
    risk["freeze_triggered"] = mon.freeze_count() > 0;
    risk["freeze_events"] = mon.freeze_count();
    if (mon.last_freeze()) {
        risk["last_freeze_reason"] = mon.last_freeze()->reason;
        risk["last_freeze_symbol"] = mon.last_freeze()->symbol;
        risk["last_freeze_observed"] = mon.last_freeze()->observed;
        risk["last_freeze_limit"] = mon.last_freeze()->limit;
    } else {
        risk["last_freeze_reason"] = nullptr;
    }
    boost::json::object by_reason;
    for (const auto& [reason, n] : mon.freezes_by_reason()) by_reason[reason] = n;
    risk["freezes_by_reason"] = std::move(by_reason);
    risk["final_state"] = to_string(loop.state());
    return risk;
}

/// The crossed-book totals over the symbols and the symbols without data.
inline void report_book_faults(boost::json::object& market, const book_faults* faults) {
    std::uint64_t crossed_events = 0;
    std::int64_t crossed_ms = 0;
    boost::json::array without_data;
    if (faults != nullptr) {
        for (const auto& f : faults->symbols()) {
            crossed_events += f.crossed_events;
            crossed_ms += book_faults::to_ms(f.crossed_time);
        }
        for (const auto& sym : faults->without_data()) without_data.emplace_back(sym);
    }
    market["crossed_book_events"] = count(crossed_events);
    market["crossed_book_ms"] = crossed_ms;
    market["symbols_without_data"] = std::move(without_data);
}

[[nodiscard]] inline boost::json::object report_market(const feed::replay_stats& md,
                                                       const feed::ws_feed_stats* live,
                                                       const book_faults* faults) {
    boost::json::object market;
    market["lines"] = count(md.lines);
    market["messages"] = count(md.messages);
    market["book_updates"] = count(md.book_updates);
    market["trade_messages"] = count(md.trade_messages);
    market["trades"] = count(md.trades);
    market["tickers"] = count(md.tickers);
    market["ignored_messages"] = count(md.ignored_messages);
    market["malformed_lines"] = count(md.malformed_lines);
    market["gaps"] = count(md.books.gaps);
    market["resyncs"] = count(md.books.resyncs);
    report_book_faults(market, faults);
    if (live != nullptr) {
        market["connects"] = count(live->connects);
        market["reconnects"] = count(live->reconnects);
        market["connect_failures"] = count(live->connect_failures);
        market["disconnects"] = count(live->disconnects);
        market["resync_requests"] = count(live->resync_requests);
        market["subscribe_acks"] = count(live->subscribe_acks);
        market["pings_sent"] = count(live->pings_sent);
        market["pongs"] = count(live->pongs);
    }
    return market;
}

/// The run's length in event time and its total net PnL at the end of each complete interval
/// (report/run_timeline.hpp): what a research sweep needs for orders per minute and a Sharpe-like
/// ratio. Empty without a timeline.
[[nodiscard]] inline boost::json::object report_performance(const report::run_timeline* timeline) {
    boost::json::object perf;
    const auto ms = [](std::chrono::nanoseconds d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    perf["duration_ms"] = timeline != nullptr ? ms(timeline->last_time() - timeline->first_time()) : 0;
    perf["interval_ms"] = ms(report::pnl_interval);
    boost::json::array net;
    if (timeline != nullptr) {
        for (const auto& n : timeline->net_at_interval_ends()) net.emplace_back(n.to_string());
    }
    perf["net_pnl_at_interval_ends"] = std::move(net);
    return perf;
}

}  // namespace detail

/// `live`: the WebSocket feed's connection totals, for a live run (null for a replay, whose
/// report keeps exactly its old keys). `faults`: crossed books and symbols without data (null:
/// reported as none). `timeline`: what the run recorded, for the markouts (null: zeros).
template <class Loop>
[[nodiscard]] boost::json::value make_report(const run_params& params, const Loop& loop,
                                             const feed::replay_stats& md,
                                             const feed::ws_feed_stats* live = nullptr,
                                             const book_faults* faults = nullptr,
                                             const report::run_timeline* timeline = nullptr) {
    boost::json::object blocked;
    for (const auto& [reason, n] : loop.stats().blocked_by_reason) blocked[reason] = n;
    detail::pnl_totals sums;
    boost::json::object per_symbol = detail::report_symbols(params, loop, faults, timeline, sums);
    boost::json::object total;
    total["realized"] = detail::dec(sums.realized);
    total["unrealized"] = detail::dec(sums.unrealized);
    total["fees"] = detail::dec(sums.fees);
    total["net"] = detail::dec(sums.realized + sums.unrealized - sums.fees);

    boost::json::object report;
    report["execution_params"] = detail::report_exec(params);
    report["stats"] = detail::report_stats(loop);
    report["blocked_orders"] = std::move(blocked);
    report["symbols"] = std::move(per_symbol);
    report["pnl"] = std::move(total);
    report["risk"] = detail::report_risk(loop);
    report["market_data"] = detail::report_market(md, live, faults);
    report["performance"] = detail::report_performance(timeline);
    return report;
}

/// Checked at start, before the run, so a bad --report (or --html-report, `flag`) fails in a second
/// rather than after hours: creates the parent directories, refuses a directory, and creates then
/// removes `PATH.tmp` (the file write_text_file writes). Error "report_unwritable":
/// `--report: cannot write "PATH": <reason>`.
[[nodiscard]] inline core::result<void> check_report_path(const std::string& path, std::string_view flag = "--report") {
    const auto unwritable = [&](std::string_view why) {
        return core::make_error(errc::report_unwritable, fmt::format("{}: cannot write \"{}\": {}", flag, path, why));
    };
    std::error_code ec;
    if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent, ec);
        if (ec) return unwritable(ec.message());
    }
    if (std::filesystem::is_directory(path, ec)) return unwritable(std::system_category().message(EISDIR));
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (fd < 0) return unwritable(std::system_category().message(errno));
    ::close(fd);
    ::unlink(tmp.c_str());
    return {};
}

/// Writes `text` atomically (temp file + rename): a reader never sees half a report, and a failed
/// write leaves no temp file behind. `what` starts the error message ("report", "--html-report").
[[nodiscard]] inline core::result<void> write_text_file(const std::string& path, std::string_view text,
                                                        std::string_view what) {
    const std::string tmp = path + ".tmp";
    const auto failed = [&](std::string message) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return core::make_error(errc::report_unwritable, std::move(message));
    };
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return failed(fmt::format("{}: cannot write \"{}\": {}", what, tmp, std::system_category().message(errno)));
        out << text;
        if (!out.flush()) return failed(fmt::format("{}: write to \"{}\" failed", what, tmp));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        return failed(fmt::format("{}: cannot rename \"{}\" to \"{}\": {}", what, tmp, path,
                                  std::system_category().message(errno)));
    }
    return {};
}

/// The JSON report, written as write_text_file does.
[[nodiscard]] inline core::result<void> write_report(const std::string& path, const boost::json::value& report) {
    return write_text_file(path, detail::stable_json(report), "report");
}

}  // namespace mmbot::app
