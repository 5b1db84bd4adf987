// mmbot/app/runtime/capture_recording.hpp
//
// --record DIR for any binary's public feed: opens the recorder (feed/capture_recorder.hpp) at
// start, taps the feed's frames into it, publishes its counters as metrics, and at the end closes
// it and reports what it wrote. Without --record every call is a no-op. A directory that cannot be
// created or written stops the run at start (exit 2); a write that fails later only stops the
// recording (ERROR `record_failed` in the log, a `warning:` line on stderr): trading goes on.
//
//   auto rec = capture_recording::open(opts);          // before the feed starts
//   if (!rec) return exit_with(rec.error());
//   rec->tap(feed_options);                            // every public frame, as received
//   ... rec->publish(seen_.feed_counts);               // each turn: mm_capture_frames_*
//   rec->close(log);  rec->add_to_report(report);      // at the end
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/feed_metrics.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/feed/capture_recorder.hpp"
#include "mmbot/feed/ws_feed.hpp"

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

namespace mmbot::app {

class capture_recording {
public:
    [[nodiscard]] static outcome<capture_recording> open(const cli_options& opts) {
        capture_recording r;
        if (opts.record_dir.empty()) return r;
        feed::recorder_options o;
        o.dir = opts.record_dir;
        o.max_file_bytes = static_cast<std::uint64_t>(opts.record_max_mb) << 20U;
        auto rec = feed::capture_recorder::open(std::move(o));
        if (!rec) return fail_with(exit_code::usage, rec.error());
        r.rec_ = std::move(*rec);
        return r;
    }

    [[nodiscard]] bool active() const noexcept { return rec_ != nullptr; }

    /// Points the feed's frame tap at the recorder (the feed must not outlive this object).
    void tap(feed::ws_feed_options& fo) const {
        if (!rec_) return;
        fo.on_frame = [r = rec_.get()](std::int64_t ns, std::string_view frame) { r->record(ns, frame); };
    }

    void publish(feed_metrics& m) const {
        if (!rec_) return;
        const auto st = rec_->stats();
        m.capture(st.frames_recorded, st.frames_dropped);
    }

    /// Drains and closes the files; logs `record_closed` (and `record_failed` after a write error).
    template <class Logger>
    void close(Logger& log, feed_metrics& m) {
        if (!rec_) return;
        rec_->close();
        publish(m);
        const auto st = rec_->stats();
        log.info("record_closed", {{"dir", std::string_view(rec_->options().dir)},
                                   {"files", static_cast<std::int64_t>(st.files)},
                                   {"frames", static_cast<std::int64_t>(st.frames_recorded)},
                                   {"dropped", static_cast<std::int64_t>(st.frames_dropped)},
                                   {"bytes", static_cast<std::int64_t>(st.bytes_out)}});
        if (const auto e = rec_->error()) {
            log.error("record_failed", {{"error", std::string_view(e->message)}});
            fmt::print(stderr, "warning: {} (the recording stopped there; trading went on)\n", e->message);
        }
    }

    /// market_data.recorded_frames, recorded_frames_dropped, recorded_files (only with --record).
    void add_to_report(boost::json::value& report) const {
        if (!rec_) return;
        const auto st = rec_->stats();
        auto& md = report.as_object()["market_data"].as_object();
        md["recorded_frames"] = static_cast<std::int64_t>(st.frames_recorded);
        md["recorded_frames_dropped"] = static_cast<std::int64_t>(st.frames_dropped);
        md["recorded_files"] = static_cast<std::int64_t>(st.files);
    }

private:
    capture_recording() = default;
    std::unique_ptr<feed::capture_recorder> rec_;
};

}  // namespace mmbot::app
