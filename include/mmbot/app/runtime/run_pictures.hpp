// mmbot/app/runtime/run_pictures.hpp
//
// The pictures of a run (issue 18): the timeline the loop feeds (app/report/run_timeline.hpp:
// every run records it, for the markouts of its JSON report); the HTML run report written at the
// end (--html-report); and, with --obs, the status page's data, published from the loop's thread
// for the obs server's thread to serve (/status.json).
//
//   run_pictures pictures(opts);
//   loop.observe(pictures.observer());
//   pictures.publish_status(loop, Env::name, now);       // each turn; at most every 250 ms
//   if (auto ok = pictures.write_html(report); !ok) ...  // at the end
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/control/status.hpp"
#include "mmbot/app/report.hpp"
#include "mmbot/app/report/html_report.hpp"
#include "mmbot/app/report/run_timeline.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/pinned.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace mmbot::app {

class run_pictures : core::pinned {
public:
    explicit run_pictures(const cli_options& o) : html_path_(o.html_report_path), serving_(o.obs) {}

    /// What the loop tells about the run.
    [[nodiscard]] engine::run_observer* observer() noexcept { return &timeline_; }
    [[nodiscard]] const report::run_timeline& timeline() const noexcept { return timeline_; }

    /// The status page's data (mmbot-ctl status's JSON and the recent fills), rebuilt at most
    /// every 250 ms of wall time: a replay turns per message, a scrape needs no more.
    template <class Loop>
    void publish_status(const Loop& loop, std::string_view environment, std::chrono::nanoseconds now) {
        if (!serving_) return;
        const auto wall = std::chrono::steady_clock::now();
        if (wall - last_publish_ < std::chrono::milliseconds(250)) return;
        last_publish_ = wall;
        boost::json::object st = control::status_of(loop, environment, now);
        st["recent_fills"] = recent_fills(20);
        std::string text = boost::json::serialize(st);
        const std::lock_guard lock(mu_);
        status_ = std::move(text);
    }

    /// The last published status (any thread).
    [[nodiscard]] std::string status_json() const {
        const std::lock_guard lock(mu_);
        return status_;
    }

    /// --html-report at the end of a run (nothing without the flag). The path was checked at start.
    [[nodiscard]] outcome<void> write_html(const boost::json::value& report) const {
        if (html_path_.empty()) return {};
        if (auto ok = write_text_file(html_path_, report::html_report(report, timeline_), "--html-report"); !ok) {
            return fail_with(exit_code::runtime, ok.error());
        }
        return {};
    }

private:
    [[nodiscard]] boost::json::array recent_fills(std::size_t n) const {
        boost::json::array out;
        const auto& fills = timeline_.fills();
        for (std::size_t i = fills.size() > n ? fills.size() - n : 0; i < fills.size(); ++i) {
            const auto& f = fills[i];
            out.push_back({{"time_s", timeline_.seconds_in(f.t)},
                           {"symbol", f.symbol},
                           {"side", f.side == core::side::buy ? "Buy" : "Sell"},
                           {"price", f.price.to_string()},
                           {"qty", f.qty.to_string()},
                           {"fee", f.fee.to_string()}});
        }
        return out;
    }

    std::string html_path_;
    bool serving_;
    report::run_timeline timeline_;
    std::chrono::steady_clock::time_point last_publish_{};
    mutable std::mutex mu_;
    std::string status_ = R"({"state":"init","frozen":false,"symbols":[],"global_limits":[],"recent_fills":[]})";
};

}  // namespace mmbot::app
