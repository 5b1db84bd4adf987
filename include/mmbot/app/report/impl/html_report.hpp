// mmbot/app/report/impl/html_report.hpp: the charts and the page of app/report/html_report.hpp.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply to it, and the parent header would include it a second time.
#ifndef MMBOT_APP_REPORT_IMPL_HTML_REPORT_HPP
#define MMBOT_APP_REPORT_IMPL_HTML_REPORT_HPP

#include "mmbot/app/report/html_report.hpp"  // self-contained for tools that open this file alone

#include <limits>
#include <utility>

namespace mmbot::app::report {

namespace detail {

/// The lowest low and highest high over `series`.
[[nodiscard]] inline std::pair<std::int64_t, std::int64_t> value_range(
    std::initializer_list<const decimated_series*> series) {
    std::int64_t lo = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi = std::numeric_limits<std::int64_t>::min();
    for (const auto* s : series) {
        for (const auto& b : s->buckets()) {
            lo = std::min(lo, b.lo);
            hi = std::max(hi, b.hi);
        }
    }
    return lo > hi ? std::pair<std::int64_t, std::int64_t>{0, 0} : std::pair{lo, hi};
}

[[nodiscard]] inline chart_frame frame_of(const run_timeline& t, std::pair<std::int64_t, std::int64_t> range,
                                          int scale, std::string title) {
    return chart_frame{.t0 = t.first_time(), .t1 = t.last_time(), .lo = range.first, .hi = range.second,
                       .scale = scale, .title = std::move(title)};
}

inline void freeze_bands(svg_chart& c, const run_timeline& t) {
    for (const auto& f : t.freezes()) {
        c.band(f.start, f.end.value_or(t.last_time()), "freeze", "freeze: " + f.reason);
    }
}

/// The touch, the mid, our quotes, our fills and the freezes of one symbol.
[[nodiscard]] inline std::string price_chart(std::string_view name, const symbol_timeline& s, const run_timeline& t) {
    const auto range = value_range({&s.bid, &s.ask, &s.our_bid, &s.our_ask});
    svg_chart c(frame_of(t, range, core::price::scale, std::string(name) + ": touch, mid, our quotes and fills"));
    freeze_bands(c, t);
    c.line(s.bid, "bid");
    c.line(s.ask, "ask");
    c.line(s.mid, "mid");
    c.dots(s.our_bid, "quote buy");
    c.dots(s.our_ask, "quote sell");
    for (const auto& f : t.fills()) {
        if (f.symbol != name) continue;
        const bool buy = f.side == core::side::buy;
        c.dot(f.t, f.price.raw(), buy ? "fill buy" : "fill sell",
              fmt::format("{} {} @ {} fee {}", buy ? "Buy" : "Sell", f.qty, f.price, f.fee));
    }
    return c.finish();
}

[[nodiscard]] inline std::string inventory_and_pnl_charts(std::string_view name, const symbol_timeline& s,
                                                          const run_timeline& t) {
    svg_chart inv(frame_of(t, value_range({&s.inventory}), core::quantity::scale, std::string(name) + ": inventory"));
    freeze_bands(inv, t);
    inv.line(s.inventory, "inventory");
    std::string out = inv.finish();
    svg_chart pnl(frame_of(t, value_range({&s.realized, &s.net}), core::price::scale,
                           std::string(name) + ": realized and net PnL (after fees, marked at mid)"));
    freeze_bands(pnl, t);
    pnl.line(s.realized, "realized");
    pnl.line(s.net, "net");
    return out + pnl.finish();
}

[[nodiscard]] inline std::string blocked_table(const boost::json::value& report) {
    std::string out = R"(<table class="blocked"><thead><tr><th>blocked because</th><th>orders</th></tr></thead><tbody>)";
    if (const auto* b = report.as_object().if_contains("blocked_orders"); b != nullptr && b->is_object()) {
        for (const auto& kv : b->as_object()) {
            out += fmt::format(R"(<tr><th>{}</th><td data-key="blocked_orders.{}">{}</td></tr>)", html_escape(kv.key()),
                               html_escape(kv.key()), boost::json::serialize(kv.value()));
        }
    }
    return out + "</tbody></table>\n";
}

[[nodiscard]] inline std::string optional_bps(const std::optional<core::bps>& b) {
    return b ? b->to_string() : "-";
}

/// The last `n` fills kept, newest last.
[[nodiscard]] inline std::string fills_table(const run_timeline& t, std::size_t n) {
    std::string out = R"(<table class="fills"><thead><tr><th>time (s)</th><th>symbol</th><th>side</th><th>price</th>)"
                      R"(<th>qty</th><th>fee</th><th>edge at fill</th>)";
    for (const auto h : markout_horizons) {
        out += fmt::format("<th>after {} s</th>", std::chrono::duration_cast<std::chrono::seconds>(h).count());
    }
    out += "</tr></thead><tbody>";
    const auto& fills = t.fills();
    for (std::size_t i = fills.size() > n ? fills.size() - n : 0; i < fills.size(); ++i) {
        const fill_row& f = fills[i];
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                           t.seconds_in(f.t), html_escape(f.symbol),
                           f.side == core::side::buy ? "Buy" : "Sell", f.price, f.qty, f.fee, optional_bps(f.edge_at_fill));
        for (const auto& m : f.markout) out += "<td>" + optional_bps(m) + "</td>";
        out += "</tr>";
    }
    return out + "</tbody></table>\n";
}

inline constexpr std::string_view page_style = R"(<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:right}
th{text-align:left;font-weight:600}figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}
.plot{fill:#fafbfc;stroke:#d0d4d9}polyline{fill:none;stroke-width:1.2}
.bid{stroke:#2f9e44}.ask{stroke:#e03131}.mid{stroke:#868e96;stroke-dasharray:3 2}
.quote.buy circle{fill:#8ce99a}.quote.sell circle{fill:#ffa8a8}
.fill.buy{fill:#2b8a3e;stroke:#fff}.fill.sell{fill:#c92a2a;stroke:#fff}
.inventory{stroke:#1c7ed6}.realized{stroke:#7048e8}.net{stroke:#f08c00}
.freeze{fill:#ffe3e3;opacity:.7}.axis{font-size:11px;fill:#495057}.axis.end{text-anchor:end}
</style>)";

}  // namespace detail

/// The whole page: `report` is the run's JSON report (app/report.hpp), `t` what it recorded.
[[nodiscard]] inline std::string html_report(const boost::json::value& report, const run_timeline& t) {
    std::string out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mmbot run report</title>";
    out += detail::page_style;
    out += "</head><body>\n<h1>mmbot run report: " + html_escape(detail::json_text(report, "execution_params.environment")) +
           ", " + html_escape(detail::json_text(report, "execution_params.feed")) + "</h1>\n";
    out += detail::summary_table(report);
    for (const auto& [name, s] : t.symbols()) {
        out += "<section class=\"symbol\" data-symbol=\"" + html_escape(name) + "\"><h2>" + html_escape(name) + "</h2>\n";
        out += detail::price_chart(name, s, t);
        out += detail::inventory_and_pnl_charts(name, s, t);
        out += detail::markout_table(s);
        out += "</section>\n";
    }
    out += "<h2>Blocked orders</h2>\n" + detail::blocked_table(report);
    out += fmt::format("<h2>Last fills ({} of {})</h2>\n", std::min<std::size_t>(t.fills().size(), 200), t.fill_count());
    out += detail::fills_table(t, 200);
    return out + "</body></html>\n";
}

}  // namespace mmbot::app::report

#endif  // MMBOT_APP_REPORT_IMPL_HTML_REPORT_HPP
