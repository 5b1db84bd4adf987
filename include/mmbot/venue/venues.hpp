// mmbot/venue/venues.hpp
//
// The venues a binary can be built for, as compile-time types beside the environments of
// core/env.hpp: a target picks one environment and one venue (targets/<env>/main.cpp), and only
// what that venue needs is compiled in. Each type states what the run needs of its venue and what
// it does not do yet, so a binary that would need a missing part fails to compile, naming it,
// instead of failing at run time.
//
//   bybit_v5      Bybit v5 (linear and spot): public stream, captures, trading (testnet, live)
//   binance_usdm  Binance USD-M futures: captures (`<recv_ns> <json>`, feed/binance/replay.hpp),
//                 the live public stream (feed/binance/ws_feed.hpp), trading (testnet, live)
//
//   template <venue::venue_kind Venue>
//   void replay(feed::capture_file& f) { typename Venue::capture_reader r(f); ... }
#pragma once

#include "mmbot/feed/binance/replay.hpp"
#include "mmbot/feed/replay.hpp"

#include <concepts>
#include <string_view>

namespace mmbot::venue {

struct bybit_v5 {
    static constexpr std::string_view name = "bybit";
    /// Reads this venue's recorded public data into feed::replay_event's.
    using capture_reader = feed::replay_reader;
    /// What mmbot-shadow replays when --feed is not given.
    static constexpr std::string_view sample_capture = "data/sample/bybit_btcusdt_sample.jsonl";
    /// Where a binary's default config is: configs/<prefix><env>.json.
    static constexpr std::string_view config_prefix = "";
    /// The binaries' own name: mmbot-<env><suffix>.
    static constexpr std::string_view binary_suffix = "";
    /// feed::ws_feed speaks its public WebSocket (`--feed live`; app/runtime/live_feed_of.hpp).
    static constexpr bool live_public_feed = true;
    /// An order gateway, private stream and REST transport exist: testnet and live can trade it.
    static constexpr bool trading = true;
};

struct binance_usdm {
    static constexpr std::string_view name = "binance";
    using capture_reader = feed::binance::replay_reader;
    static constexpr std::string_view sample_capture = "data/sample/binance_btcusdt_sample.txt";
    static constexpr std::string_view config_prefix = "binance/";
    static constexpr std::string_view binary_suffix = "-binance";
    /// feed::binance::ws_feed follows its public stream (`--feed live`; app/runtime/live_feed_of.hpp).
    static constexpr bool live_public_feed = true;
    /// Its gateway, user data stream and REST transport (app/trading/binance_side.hpp).
    static constexpr bool trading = true;
};

/// What a venue type must declare. A static_assert in each consumer names this concept.
template <class V>
concept venue_kind = requires {
    { V::name } -> std::convertible_to<std::string_view>;
    typename V::capture_reader;
    { V::sample_capture } -> std::convertible_to<std::string_view>;
    { V::config_prefix } -> std::convertible_to<std::string_view>;
    { V::binary_suffix } -> std::convertible_to<std::string_view>;
    { V::live_public_feed } -> std::convertible_to<bool>;
    { V::trading } -> std::convertible_to<bool>;
};

static_assert(venue_kind<bybit_v5>);
static_assert(venue_kind<binance_usdm>);

}  // namespace mmbot::venue
