// mmbot/feed/bybit_public.hpp
//
// Decoder for Bybit v5 public WebSocket messages: `orderbook.{depth}.{symbol}` snapshots and deltas
// (any depth), `publicTrade.{symbol}` and `tickers.{symbol}`. Fields are read by key, never by
// position: linear and spot streams order the keys differently (`ts` before or after `type`).
// Prices and sizes go from the JSON strings straight into core::price / core::quantity.
//
// Other well-formed traffic is recognised and reported as `message_kind::ignored` rather than as
// an error: `op` messages (subscribe acks, pongs) and topics we do not use (kline, liquidation...).
//
// decode(text) has two paths. The fast one is a SAX handler (detail/event_decoder.hpp) that writes
// the message straight into `out` as the text is parsed, with no document. It accepts only
// messages that the checked path decodes to the same values; anything else (every error, and rare
// oddities such as a duplicate key or `data` before `topic`) goes to the checked path: a DOM parse
// into an arena, then decode(object), which words the error. A bad line is thus parsed twice.
//
// Steady state does not allocate: the fast parser keeps its stack, the DOM lives in an arena that
// is rewound for every message, and the output goes into a caller-owned `decoded_message` whose
// vectors keep their capacity. Not thread-safe: one codec per thread.
//
//   mmbot::feed::bybit_public_codec codec;
//   mmbot::feed::decoded_message msg;
//   auto kind = codec.decode(R"({"topic":"publicTrade.BTCUSDT", ...})", msg);
//   if (!kind) log.warn(kind.error().message);   // "data[0].p: price \"abc\": ..."
//   else if (*kind == mmbot::feed::message_kind::trades) { ... msg.trades.prints ... }
//
// Errors (result error codes):
//   feed_json_syntax    the text is not one complete JSON document
//   feed_missing_field  a required field is absent ("data.u: missing field")
//   feed_wrong_type     a field has the wrong JSON type ("ts: expected an integer, got string ...")
//   feed_bad_value      a field has an impossible value (non-positive price, unknown side, symbol
//                       that disagrees with the topic, over-long text)
//   decimal_*           a price/size string that is not an exact plain decimal ("1e5", "abc");
//                       the message is prefixed with the field path: data.b[3][0]: price "abc": ...
#pragma once
// A classic guard too: linting the impl/ header alone includes this file from inside itself.
#ifndef MMBOT_FEED_BYBIT_PUBLIC_HPP
#define MMBOT_FEED_BYBIT_PUBLIC_HPP

#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/detail/arena.hpp"
#include "mmbot/feed/detail/event_decoder.hpp"
#include "mmbot/feed/types.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmbot::feed {

class bybit_public_codec : core::pinned {
public:
    /// `arena_bytes`: first block of the document arena; it grows (once) for larger messages.
    explicit bybit_public_codec(std::size_t arena_bytes = std::size_t{64} * 1024);

    /// Parses one message and decodes it into `out`.
    [[nodiscard]] core::result<message_kind> decode(std::string_view text, decoded_message& out);

    /// The fast path alone: decodes `text` and returns its kind when it is a message the fast
    /// path takes; nullopt (no error: `out` is then unspecified) for anything else, which
    /// decode(text) would hand to the checked path. With `recv_ts_ns`, a capture wrapper
    /// {"recv_ts_ns": <int>, "msg": {...}} is decoded too and `*recv_ts_ns` gets its time (it is
    /// reset for a raw message). For readers of capture lines: on nullopt, take the checked path.
    [[nodiscard]] std::optional<message_kind> try_decode(
        std::string_view text, decoded_message& out,
        std::optional<std::int64_t>* recv_ts_ns = nullptr);

    /// Decodes an already parsed message object (a capture wrapper's "msg", say).
    [[nodiscard]] core::result<message_kind> decode(const boost::json::object& msg,
                                                    decoded_message& out);

    /// Parses `text` into the codec's document. The reference stays valid until the next call of
    /// parse() or decode(text, ...). Errors: feed_json_syntax.
    [[nodiscard]] core::result<const boost::json::value*> parse(std::string_view text);

private:
    detail::arena arena_;
    std::array<unsigned char, 4096> parser_stack_{};
    boost::json::parser parser_;
    std::optional<boost::json::value> doc_;  // allocated in arena_
    boost::json::basic_parser<detail::event_handler> fast_;
};

}  // namespace mmbot::feed

#include "mmbot/feed/impl/bybit_public.hpp"

#endif  // MMBOT_FEED_BYBIT_PUBLIC_HPP
