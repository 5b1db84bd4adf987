// mmbot/app/report/svg_chart.hpp
//
// One inline SVG chart of a run: time across, a value up, drawn from integer values in a fixed
// decimal scale (prices, quantities, PnL at 1e-8), so no floating point anywhere: a pixel is
// (v - lo) x height / (hi - lo) in 128-bit integers. Each drawn element says what it is and how
// many points it has (`class`, `data-buckets`, `data-raw`), which is what the browser test counts.
//
//   svg_chart c({.t0 = a, .t1 = b, .lo = min, .hi = max, .scale = 8, .title = "BTCUSDT price"});
//   c.line(mid_series, "mid");
//   c.dot(t, price, "fill buy", "Buy 0.001 @ 65000.1");
//   out += c.finish();
#pragma once

#include "mmbot/app/report/decimated_series.hpp"
#include "mmbot/core/decimal.hpp"
#include "mmbot/obs/detail/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::app::report {

/// `&`, `<`, `>` and quotes as entities: venue and config text inside HTML.
[[nodiscard]] inline std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

/// `raw` x 10^-scale as exact decimal text.
[[nodiscard]] inline std::string scaled_text(std::int64_t raw, int scale) {
    std::string out;
    obs::detail::append_scaled(out, raw, scale);
    return out;
}

struct chart_frame {
    std::chrono::nanoseconds t0{0};
    std::chrono::nanoseconds t1{0};
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    int scale = 8;          ///< decimal places of the values (for the axis labels)
    std::string title;
    int width = 960;
    int height = 220;
};

class svg_chart {
public:
    explicit svg_chart(chart_frame f) : f_(std::move(f)) {
        if (f_.t1 <= f_.t0) f_.t1 = f_.t0 + std::chrono::nanoseconds(1);
        if (f_.hi <= f_.lo) {  // a flat series: give it a band to sit in
            f_.hi += 1;
            f_.lo -= 1;
        }
        out_ = fmt::format(R"(<figure><figcaption>{}</figcaption><svg class="chart" viewBox="0 0 {} {}" )"
                           R"(width="{}" height="{}" role="img">)",
                           html_escape(f_.title), f_.width + 2 * margin, f_.height + 2 * margin, f_.width + 2 * margin,
                           f_.height + 2 * margin);
        out_ += fmt::format(R"(<rect class="plot" x="{}" y="{}" width="{}" height="{}"/>)", margin, margin, f_.width, f_.height);
    }

    /// A shaded stretch of time (a freeze), with its reason as the tooltip.
    void band(std::chrono::nanoseconds from, std::chrono::nanoseconds to, std::string_view cls, std::string_view tip) {
        const int x0 = x(from);
        const int x1 = std::max(x(to), x0 + 1);
        out_ += fmt::format(R"(<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>)", cls, x0,
                            margin, x1 - x0, f_.height, html_escape(tip));
    }

    /// A series as steps (a price or a position holds until it changes): across at the previous
    /// level to each bucket's time, then up and down through its low and high. `data-buckets` and
    /// `data-raw` say how many buckets were drawn and how many points they stand for.
    void line(const decimated_series& s, std::string_view cls) {
        std::string pts;
        std::optional<int> level;
        for (const auto& b : s.buckets()) {
            const int at = x(b.t);
            if (level) pts += fmt::format("{},{} ", at, *level);
            pts += fmt::format("{},{} ", at, y(b.lo));
            if (b.hi != b.lo) pts += fmt::format("{},{} ", at, y(b.hi));
            level = y(b.hi);
        }
        if (level) pts += fmt::format("{},{}", margin + f_.width, *level);  // holds to the end of the run
        out_ += fmt::format(R"(<polyline class="{}" data-buckets="{}" data-raw="{}" points="{}"/>)", cls,
                            s.buckets().size(), s.points(), pts);
    }

    /// A series as dots, one per bucket end (our quotes).
    void dots(const decimated_series& s, std::string_view cls) {
        out_ += fmt::format(R"(<g class="{}" data-buckets="{}" data-raw="{}">)", cls, s.buckets().size(), s.points());
        for (const auto& b : s.buckets()) out_ += fmt::format(R"(<circle cx="{}" cy="{}" r="1.5"/>)", x(b.t), y(b.hi));
        out_ += "</g>";
    }

    /// One marker with a tooltip (a fill).
    void dot(std::chrono::nanoseconds t, std::int64_t v, std::string_view cls, std::string_view tip) {
        out_ += fmt::format(R"(<circle class="{}" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>)", cls, x(t), y(v),
                            html_escape(tip));
    }

    /// The axis labels, then the closing tags.
    [[nodiscard]] std::string finish() {
        const auto seconds = [](std::chrono::nanoseconds d) { return scaled_text(d.count() / 1'000'000, 3) + " s"; };
        out_ += fmt::format(R"(<text class="axis" x="{}" y="{}">{}</text>)", margin + 2, margin + 12, scaled_text(f_.hi, f_.scale));
        out_ += fmt::format(R"(<text class="axis" x="{}" y="{}">{}</text>)", margin + 2, margin + f_.height - 4,
                            scaled_text(f_.lo, f_.scale));
        out_ += fmt::format(R"(<text class="axis" x="{}" y="{}">0 s</text>)", margin, f_.height + 2 * margin - 4);
        out_ += fmt::format(R"(<text class="axis end" x="{}" y="{}">{}</text>)", margin + f_.width, f_.height + 2 * margin - 4,
                            seconds(f_.t1 - f_.t0));
        out_ += "</svg></figure>\n";
        return std::move(out_);
    }

private:
    static constexpr int margin = 20;

    [[nodiscard]] int x(std::chrono::nanoseconds t) const {
        const core::wide_int num = core::wide_int((std::clamp(t, f_.t0, f_.t1) - f_.t0).count()) * f_.width;
        return margin + (num / core::wide_int((f_.t1 - f_.t0).count())).convert_to<int>();
    }
    [[nodiscard]] int y(std::int64_t v) const {
        const core::wide_int num = (core::wide_int(std::clamp(v, f_.lo, f_.hi)) - f_.lo) * f_.height;
        const core::wide_int den = core::wide_int(f_.hi) - f_.lo;
        return margin + f_.height - (num / den).convert_to<int>();
    }

    chart_frame f_;
    std::string out_;
};

}  // namespace mmbot::app::report
