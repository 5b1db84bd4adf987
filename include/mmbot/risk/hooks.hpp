// mmbot/risk/hooks.hpp
//
// What the engine tells the risk gate as it happens, so a check can keep the state it judges by
// (orders sent in the last second, acknowledgement latencies, orders the venue has not answered)
// instead of the engine keeping it for every check. A check declares the hooks it needs, any of
//
//   void on(const sent_order&);       // an order went to the venue (journaled first)
//   void on(const acked_order&);      // the venue accepted it
//   void on(const answered_order&);   // the venue rejected it, or it was cancelled
//   void on(const cancel_sent&);      // a cancel of it went to the venue (the first one)
//   void on(const filled_order&);     // an execution of it
//   void on(const book_seen&);        // a book update of a traded symbol
//   void on(const resumed&);          // the bot left a freeze: evidence from before is stale
//
// and the gate forwards each event to the checks with a hook for its type (risk/gate.hpp); a check
// without hooks is stateless and sees none. Adding a check is its header and its place in the
// gate's list: nothing in the engine changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmbot::risk {

using timestamp = std::chrono::nanoseconds;

struct sent_order {
    std::string_view client_order_id;
    std::string_view symbol;
    timestamp at{0};
};

struct acked_order {
    std::string_view client_order_id;
    /// From send to ack, when the engine knows the send time (not for an order recovered from the
    /// journal).
    std::optional<std::chrono::nanoseconds> latency;
    /// How many acks the latency mean spans (global_limits::ack_latency_window, may be reloaded).
    std::int64_t latency_window = 1;
    timestamp at{0};
};

struct answered_order {
    std::string_view client_order_id;
    timestamp at{0};
};

struct cancel_sent {
    std::string_view client_order_id;
    timestamp at{0};
};

struct filled_order {
    std::string_view client_order_id;
    std::string_view symbol;
    timestamp at{0};
};

struct book_seen {
    std::string_view symbol;
    timestamp at{0};
};

struct resumed {
    timestamp at{0};
};

}  // namespace mmbot::risk
