// mmbot/feed/binance/public_codec.hpp
//
// Decoder for Binance public market data (USD-M futures, and spot for captures): the diff-depth
// stream `<symbol>@depth[@100ms|@0ms]`, the REST depth snapshot (`GET /fapi/v1/depth`),
// `bookTicker`, `trade` and `aggTrade`. A message may come bare (`{"e":"depthUpdate",...}`) or in
// the combined-stream wrapper (`{"stream":"btcusdt@depth@0ms","data":{...}}`); the event is told
// by the stream name when there is one, else by `e`, else by its keys (a REST snapshot has
// `lastUpdateId`; spot's bookTicker carries no `e`).
//
// Output reuses the venue-neutral feed types (feed/types.hpp) so everything downstream of the
// sync (feed/binance/depth_sync.hpp) is the same code Bybit feeds:
//   depth_diff       msg.book (action delta, bids/asks as sent) + ids {U, u, pu}
//   depth_snapshot   msg.book (action snapshot) + ids.last = lastUpdateId; the REST answer names
//                    no symbol, so msg.book.sym stays empty and the sync fills it in
//   book_ticker      msg.tick (bid1/ask1 price and size) + ids.last = u
//   trades           msg.trades with one print; `m: true` (buyer is the maker) means the aggressor
//                    SOLD, so it maps to taker_side::sell
//   ignored          a subscription answer ({"result":null,"id":1}) or an event we do not use
// Fields are read by key, never by position; prices and sizes go from the JSON strings into
// core::price / core::quantity exactly. Errors are the feed's (feed/errors.hpp) and name the field
// path: "data.b[3][0]: price \"abc\": ...", "data.pu: expected an integer, got string ...".
//
// Steady state does not allocate: the document lives in an arena rewound per message and the
// caller's binance_message keeps its vectors' capacity. Not thread-safe: one codec per thread.
//
//   mmbot::feed::binance::public_codec codec;
//   mmbot::feed::binance::binance_message m;
//   auto kind = codec.decode(line_json, m);   // result<event_kind>
//   if (kind && *kind == event_kind::depth_diff) sync.on_diff(m);
#pragma once
#ifndef MMBOT_FEED_BINANCE_PUBLIC_CODEC_HPP
#define MMBOT_FEED_BINANCE_PUBLIC_CODEC_HPP

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/detail/arena.hpp"
#include "mmbot/feed/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmbot::feed::binance {

/// What one decoded message was.
enum class event_kind : std::uint8_t {
    depth_diff,      ///< `depthUpdate`: edits of the book between update ids U..u
    depth_snapshot,  ///< the REST depth answer: the whole book as of lastUpdateId
    book_ticker,     ///< best bid/ask with their sizes
    trades,          ///< one `trade` or `aggTrade` print
    ignored,         ///< well-formed but not data we use (subscription answers, other events)
};

[[nodiscard]] constexpr std::string_view to_string(event_kind k) noexcept {
    return core::enum_label(k);
}

/// Binance's update ids of a depth message. For a diff: first = U, last = u, prev_last = pu
/// (USD-M futures only: the u of the previous diff of this stream; spot sends no pu). For a
/// snapshot and a bookTicker: last = lastUpdateId / u.
struct update_ids {
    std::uint64_t first{0};
    std::uint64_t last{0};
    std::optional<std::uint64_t> prev_last;
};

/// Caller-owned decode target, reused for every message.
struct binance_message {
    event_kind kind{event_kind::ignored};
    update_ids ids;
    /// Event time `E` (ms) when the message has one (spot's bookTicker and snapshot do not).
    std::optional<std::int64_t> event_ms;
    /// The payload in the venue-neutral types: `book` for depth, `tick` for bookTicker, `trades`.
    decoded_message msg;
};

class public_codec : core::pinned {
public:
    explicit public_codec(std::size_t arena_bytes = std::size_t{64} * 1024);

    /// Parses one message and decodes it into `out`. Errors: feed_json_syntax, feed_missing_field,
    /// feed_wrong_type, feed_bad_value, decimal_* (with the field path).
    [[nodiscard]] core::result<event_kind> decode(std::string_view text, binance_message& out);

    /// Decodes an already parsed message (bare event, wrapper or REST snapshot).
    [[nodiscard]] core::result<event_kind> decode(const boost::json::object& msg,
                                                  binance_message& out) const;

private:
    detail::arena arena_;
    std::array<unsigned char, 4096> parser_stack_{};
    boost::json::parser parser_;
};

}  // namespace mmbot::feed::binance

#include "mmbot/feed/binance/impl/public_codec.hpp"

#endif  // MMBOT_FEED_BINANCE_PUBLIC_CODEC_HPP
