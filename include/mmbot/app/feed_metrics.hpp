// mmbot/app/feed_metrics.hpp
//
// The market-data and connection counters of /metrics: mm_md_messages_total, mm_md_gaps_total and
// mm_ws_reconnects_total{stream}. The feeds keep running totals of their own (replay_stats,
// ws_feed_stats, the private stream's sessions) and know nothing of metrics; this remembers what it
// published and adds the difference, so a counter only ever goes up and each publish is a few
// atomic adds. Call it from the thread that polls the feeds (their stats are not shared).
//
//   app::feed_metrics fm(metrics);
//   fm.market_data(md.stats());          // every loop turn or tick
//   fm.public_stream(md.feed_stats());
//   fm.private_stream(pws.stats().sessions);
#pragma once

#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/ws_feed_stats.hpp"
#include "mmbot/obs/metrics.hpp"
#include "mmbot/obs/mm_metrics.hpp"

#include <cstdint>

namespace mmbot::app {

class feed_metrics {
public:
    explicit feed_metrics(obs::mm_metrics& m)
        : messages_(m.md_messages), gaps_(m.md_gaps), public_(m.ws_reconnects.with({"public"})),
          private_(m.ws_reconnects.with({"private"})), capture_frames_(m.capture_frames),
          capture_dropped_(m.capture_dropped) {}

    /// Messages decoded and sequence gaps detected (each gap forces a book resync).
    void market_data(const feed::replay_stats& s) {
        add(messages_, s.messages, seen_messages_);
        add(gaps_, s.books.gaps, seen_gaps_);
    }
    /// Public WebSocket sessions after the first.
    void public_stream(const feed::ws_feed_stats& s) { add(public_, s.reconnects, seen_public_); }
    /// --record: frames written and frames dropped (feed/capture_recorder.hpp).
    void capture(std::uint64_t recorded, std::uint64_t dropped) {
        add(capture_frames_, recorded, seen_recorded_);
        add(capture_dropped_, dropped, seen_dropped_);
    }
    /// `sessions`: private-stream sessions that became ready; every one after the first is a
    /// reconnect.
    void private_stream(std::int64_t sessions) {
        add(private_, sessions > 1 ? static_cast<std::uint64_t>(sessions - 1) : 0U, seen_private_);
    }

private:
    static void add(obs::counter& c, std::uint64_t total, std::uint64_t& seen) {
        if (total > seen) {
            c.inc(total - seen);
            seen = total;
        }
    }

    obs::counter& messages_;
    obs::counter& gaps_;
    obs::counter& public_;
    obs::counter& private_;
    obs::counter& capture_frames_;
    obs::counter& capture_dropped_;
    std::uint64_t seen_messages_ = 0;
    std::uint64_t seen_gaps_ = 0;
    std::uint64_t seen_public_ = 0;
    std::uint64_t seen_private_ = 0;
    std::uint64_t seen_recorded_ = 0;
    std::uint64_t seen_dropped_ = 0;
};

}  // namespace mmbot::app
