// mmbot/app/report/html_report.hpp
//
// --html-report: the run as one self-contained HTML page (inline SVG and CSS, no script, nothing
// fetched), for a quant who would rather look than read JSON. At the top a summary table whose
// numbers are the JSON report's own (each cell is read from the report by its key path, named in
// `data-key`); then per symbol the touch and mid over time with our quotes and fills marked and
// the freezes as bands, inventory and PnL over time, and the markouts (edge at the fill, 1 s and
// 10 s later) per side; then the blocked-order reasons and the last fills. docs/report.md.
#pragma once
// A classic guard as well: its impl/ header includes this one, so a tool that opens this file as
// its main file (where #pragma once does not apply) would otherwise read it twice.
#ifndef MMBOT_APP_REPORT_HTML_REPORT_HPP
#define MMBOT_APP_REPORT_HTML_REPORT_HPP

#include "mmbot/app/report/run_timeline.hpp"
#include "mmbot/app/report/svg_chart.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::app::report {

namespace detail {

/// The report's value at a dotted key path ("pnl.net", "symbols.BTCUSDT.fill_rate") as the JSON
/// report prints it: a string as is, a number in digits, null as "none".
[[nodiscard]] inline std::string json_text(const boost::json::value& report, std::string_view path) {
    const boost::json::value* v = &report;
    while (!path.empty() && v != nullptr) {
        const auto dot = path.find('.');
        const std::string_view key = path.substr(0, dot);
        v = v->is_object() ? v->as_object().if_contains(key) : nullptr;
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    if (v == nullptr || v->is_null()) return "none";
    if (v->is_string()) return std::string(v->as_string());
    return boost::json::serialize(*v);
}

[[nodiscard]] inline std::string summary_row(const boost::json::value& report, std::string_view label,
                                             const std::string& path) {
    return fmt::format(R"(<tr><th>{}</th><td data-key="{}">{}</td></tr>)", label, html_escape(path),
                       html_escape(json_text(report, path)));
}

[[nodiscard]] inline std::string summary_table(const boost::json::value& report) {
    std::string out = R"(<table class="summary"><tbody>)";
    for (const auto& [label, path] : {std::pair{"environment", "execution_params.environment"},
                                      {"feed", "execution_params.feed"},
                                      {"orders placed", "stats.orders_placed"},
                                      {"fills", "stats.fills"},
                                      {"orders cancelled", "stats.orders_cancelled"},
                                      {"orders blocked", "stats.orders_blocked"},
                                      {"realized PnL", "pnl.realized"},
                                      {"unrealized PnL", "pnl.unrealized"},
                                      {"fees (negative: rebates)", "pnl.fees"},
                                      {"net PnL", "pnl.net"},
                                      {"freezes", "risk.freeze_events"},
                                      {"last freeze", "risk.last_freeze_reason"},
                                      {"final state", "risk.final_state"}}) {
        out += summary_row(report, label, path);
    }
    out += "</tbody></table>\n";
    const auto* symbols = report.as_object().if_contains("symbols");
    if (symbols == nullptr || !symbols->is_object()) return out;
    out += R"(<table class="summary"><thead><tr><th>symbol</th><th>orders</th><th>fills</th><th>fill rate</th>)"
           R"(<th>inventory</th><th>fees</th><th>net PnL</th></tr></thead><tbody>)";
    for (const auto& kv : symbols->as_object()) {
        const std::string base = "symbols." + std::string(kv.key()) + ".";
        out += "<tr><th>" + html_escape(kv.key()) + "</th>";
        for (const char* field : {"orders_placed", "fills", "fill_rate", "inventory", "pnl.fees", "pnl.net"}) {
            const std::string path = base + field;
            out += fmt::format(R"(<td data-key="{}">{}</td>)", html_escape(path), html_escape(json_text(report, path)));
        }
        out += "</tr>";
    }
    return out + "</tbody></table>\n";
}

/// The average of `e` (sum / count, rounded down to 1e-4 bps), or "-" with no fills.
[[nodiscard]] inline std::string average(const edge_sums& e) {
    const auto a = e.average();
    return a ? a->to_string() : "-";
}

[[nodiscard]] inline std::string markout_table(const symbol_timeline& s) {
    std::string out = R"(<table class="markouts"><thead><tr><th>side</th><th>fills</th><th>edge at fill (bps)</th>)";
    for (const auto h : markout_horizons) {
        out += fmt::format("<th>after {} s (bps)</th>", std::chrono::duration_cast<std::chrono::seconds>(h).count());
    }
    out += "</tr></thead><tbody>";
    for (std::size_t side = 0; side < 2; ++side) {
        const auto& e = s.edges[side];
        out += fmt::format("<tr><th>{}</th><td>{}</td>", side == 0 ? "Buy" : "Sell", e[0].count);
        for (const auto& sums : e) out += "<td>" + average(sums) + "</td>";
        out += "</tr>";
    }
    return out + "</tbody></table>\n";
}

}  // namespace detail

}  // namespace mmbot::app::report

#include "mmbot/app/report/impl/html_report.hpp"

#endif  // MMBOT_APP_REPORT_HTML_REPORT_HPP
