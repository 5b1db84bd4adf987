// mmbot/feed/ws_feed_stats.hpp
//
// Connection-level totals of the live WebSocket feed (ws_feed.hpp). A header of its own so the
// report can print them without pulling in Beast; the message and book totals are replay_stats.
#pragma once

#include <cstdint>

namespace mmbot::feed {

struct ws_feed_stats {
    std::uint64_t connects{0};            ///< sessions established (handshakes done)
    std::uint64_t reconnects{0};          ///< sessions after the first
    std::uint64_t connect_failures{0};    ///< attempts that failed before the handshake finished
    std::uint64_t disconnects{0};         ///< established sessions lost (close, error, silence)
    std::uint64_t subscribe_requests{0};  ///< subscribe frames sent (resubscribes included)
    std::uint64_t subscribe_acks{0};      ///< "success":true answers to them
    std::uint64_t resync_requests{0};     ///< orderbook topics re-subscribed after a gap
    std::uint64_t pings_sent{0};
    std::uint64_t pongs{0};
};

}  // namespace mmbot::feed
