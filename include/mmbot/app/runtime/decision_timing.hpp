// mmbot/app/runtime/decision_timing.hpp
//
// How long each decision takes on the wall clock: a book update handed to the loop until its
// order intents are sent (journaled and written to the venue or the simulated book), into a
// fixed-memory histogram (obs/latency_histogram.hpp), reported as performance.decision_latency.
// mmbot-testnet and mmbot-live always time; mmbot-shadow only with --decision-timing, because a
// wall-clock latency would break the byte-for-byte reproducibility of a replay's report. Off, it
// costs one predictable branch per book update.
//
//   decision_timing timing(opts.decision_timing || Env::id != env::kind::shadow);
//   timing.time([&] { loop.on_book(symbol, top, now); });
//   timing.add_to_report(report);   // nothing when off
#pragma once

#include "mmbot/obs/latency_histogram.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <utility>

namespace mmbot::app {

class decision_timing {
public:
    explicit decision_timing(bool enabled) : enabled_(enabled) {}

    /// Runs `decide` (one book update through the loop), timed when enabled.
    template <class F>
    void time(F&& decide) {
        if (!enabled_) {
            std::forward<F>(decide)();
            return;
        }
        const auto t0 = std::chrono::steady_clock::now();
        std::forward<F>(decide)();
        histogram_.record(std::chrono::steady_clock::now() - t0);
    }

    [[nodiscard]] bool enabled() const { return enabled_; }
    [[nodiscard]] const obs::latency_histogram& histogram() const { return histogram_; }

    /// performance.decision_latency: {"decisions", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
    /// "max_ns"} (percentiles at most 6.25 % above the true sample, max exact); nothing when off.
    void add_to_report(boost::json::value& report) const {
        if (!enabled_) return;
        const auto ns = [this](double q) { return static_cast<std::int64_t>(histogram_.percentile(q)); };
        boost::json::object d;
        d["decisions"] = static_cast<std::int64_t>(histogram_.count());
        d["p50_ns"] = ns(0.50);
        d["p90_ns"] = ns(0.90);
        d["p99_ns"] = ns(0.99);
        d["p999_ns"] = ns(0.999);
        d["max_ns"] = static_cast<std::int64_t>(histogram_.max());
        report.as_object()["performance"].as_object()["decision_latency"] = std::move(d);
    }

private:
    bool enabled_;
    obs::latency_histogram histogram_;
};

}  // namespace mmbot::app
