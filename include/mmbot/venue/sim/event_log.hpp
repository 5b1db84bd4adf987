// mmbot/venue/sim/event_log.hpp
//
// A sink that writes every venue event as one line of text: what tests compare against, and what
// to print when a simulation does something unexpected. It allocates (it keeps strings), so it is
// for tests and diagnostics, not for a benchmark or a long replay.
//
//   ack q1 sim-o1 @5000000
//   fill q1 sim-o1 sim-e1 BTCUSDT Buy 0.5@100 leaves 0.5 fee 0.01 maker @7000000
//   cancel q2 EC_PostOnlyWillTakeLiquidity @5000000
//   reject q3 qty: must be > 0, got "0" @5000000
//   cancel_all BTCUSDT 0 @9000000
//
//   mmbot::venue::sim::event_log log;
//   venue.advance(t, log);
//   for (const auto& line : log.take()) std::puts(line.c_str());
#pragma once

#include "mmbot/venue/sim/sink.hpp"
#include "mmbot/venue/sim/types.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::sim {

class event_log {
public:
    void on_ack(std::string_view id, std::string_view venue_id, nanoseconds at) {
        lines_.push_back(fmt::format("ack {} {} @{}", id, venue_id, at.count()));
    }
    void on_reject(std::string_view id, std::string_view why, nanoseconds at) {
        lines_.push_back(fmt::format("reject {} {} @{}", id, why, at.count()));
    }
    void on_fill(const fill& f) {
        lines_.push_back(fmt::format("fill {} {} {} {} {} {}@{} leaves {} fee {} {} @{}",
                                     f.client_order_id, f.venue_order_id, f.exec_id, f.symbol,
                                     core::to_string(f.side), f.qty, f.price, f.leaves_qty, f.fee,
                                     f.is_maker ? "maker" : "taker", f.at.count()));
    }
    void on_cancel(std::string_view id, std::string_view why, nanoseconds at) {
        lines_.push_back(fmt::format("cancel {} {} @{}", id, why, at.count()));
    }
    void on_cancel_all(std::string_view symbol, std::size_t cancelled, nanoseconds at) {
        lines_.push_back(fmt::format("cancel_all {} {} @{}", symbol, cancelled, at.count()));
    }

    [[nodiscard]] const std::vector<std::string>& lines() const noexcept { return lines_; }
    /// The lines so far, leaving the log empty.
    [[nodiscard]] std::vector<std::string> take() { return std::exchange(lines_, {}); }

private:
    std::vector<std::string> lines_;
};

static_assert(event_sink<event_log> && reports_cancel_all<event_log>);

}  // namespace mmbot::venue::sim
