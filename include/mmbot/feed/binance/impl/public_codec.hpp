// mmbot/feed/binance/impl/public_codec.hpp: bodies of binance::public_codec.
// Included at the bottom of mmbot/feed/binance/public_codec.hpp; not for direct inclusion.
#pragma once
#ifndef MMBOT_FEED_BINANCE_IMPL_PUBLIC_CODEC_HPP
#define MMBOT_FEED_BINANCE_IMPL_PUBLIC_CODEC_HPP

#include "mmbot/feed/binance/public_codec.hpp"

#include "mmbot/feed/detail/json_fields.hpp"
#include "mmbot/feed/detail/levels.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmbot::feed::binance {
namespace detail {

using feed::detail::fields;
using feed::detail::json_path;

/// Where the event's fields are: the message itself, or its combined-stream "data".
struct event_at {
    const boost::json::object* obj{nullptr};
    json_path p;  // "data.<key>" or "<key>"
    std::string_view stream;  // "btcusdt@depth@0ms"; empty for a bare event
};

/// Which event a combined-stream name carries ("btcusdt@depth@100ms" -> depth).
enum class stream_event : std::uint8_t { depth, book_ticker, trade, agg_trade, other };

[[nodiscard]] inline stream_event event_of_stream(std::string_view stream) noexcept {
    const auto at = stream.find('@');
    if (at == std::string_view::npos) return stream_event::other;
    const std::string_view kind = stream.substr(at + 1);
    if (kind == "depth" || kind.starts_with("depth@")) return stream_event::depth;
    if (kind == "bookTicker") return stream_event::book_ticker;
    if (kind == "trade") return stream_event::trade;
    if (kind == "aggTrade") return stream_event::agg_trade;
    return stream_event::other;
}

/// The event a bare message is, from `e` (or, for spot's bookTicker which has none, its keys).
[[nodiscard]] inline core::result<stream_event> event_of_fields(const event_at& ev) {
    const auto* e = ev.obj->if_contains("e");
    if (e == nullptr) {
        const auto& o = *ev.obj;
        if (o.contains("u") && o.contains("b") && o.contains("B") && o.contains("a") &&
            o.contains("A")) {
            return stream_event::book_ticker;
        }
        return fields.missing(ev.p.at("e"));
    }
    auto name = fields.as_string(*e, ev.p.at("e"));
    if (!name) return name.error();
    if (*name == "depthUpdate") return stream_event::depth;
    if (*name == "bookTicker") return stream_event::book_ticker;
    if (*name == "trade") return stream_event::trade;
    if (*name == "aggTrade") return stream_event::agg_trade;
    return stream_event::other;
}

[[nodiscard]] inline core::result<std::uint64_t> read_id(const event_at& ev, std::string_view key) {
    auto v = fields.require(*ev.obj, ev.p.at(key));
    if (!v) return v.error();
    return fields.as_uint64(**v, ev.p.at(key));
}

[[nodiscard]] inline core::result<std::optional<std::int64_t>> read_optional_ms(
    const event_at& ev, std::string_view key) {
    const auto* v = ev.obj->if_contains(key);
    if (v == nullptr) return std::optional<std::int64_t>{};
    auto t = fields.as_int64(*v, ev.p.at(key));
    if (!t) return t.error();
    return std::optional<std::int64_t>{*t};
}

/// `T` (transaction time) when present, else `E` (event time), else 0; `E` also goes to out.
[[nodiscard]] inline core::result<std::int64_t> read_times(const event_at& ev, binance_message& out) {
    auto e = read_optional_ms(ev, "E");
    if (!e) return e.error();
    out.event_ms = *e;
    auto t = read_optional_ms(ev, "T");
    if (!t) return t.error();
    if (*t) return **t;
    return e->value_or(0);
}

[[nodiscard]] constexpr char upper(char c) noexcept {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

/// `s`, which must be the symbol the stream name carries (in lower case there).
[[nodiscard]] inline core::result<void> read_symbol(const event_at& ev, symbol& out) {
    auto s = fields.string_at(*ev.obj, ev.p.at("s"));
    if (!s) return s.error();
    if (!ev.stream.empty()) {
        const std::string_view in_stream = ev.stream.substr(0, ev.stream.find('@'));
        bool same = in_stream.size() == s->size();
        for (std::size_t i = 0; same && i < s->size(); ++i) same = upper(in_stream[i]) == (*s)[i];
        if (!same) {
            return fields.bad_value(ev.p.at("s"),
                                    fmt::format("\"{}\" does not match the stream \"{}\"",
                                                core::json::cut(*s), core::json::cut(ev.stream)));
        }
    }
    return feed::detail::assign_text(out, *s, ev.p.at("s"));
}

[[nodiscard]] inline core::result<event_kind> decode_diff(const event_at& ev, binance_message& out) {
    book_update& b = out.msg.book;
    if (auto r = read_symbol(ev, b.sym); !r) return r.error();
    auto ts = read_times(ev, out);
    if (!ts) return ts.error();
    auto first = read_id(ev, "U");
    if (!first) return first.error();
    auto last = read_id(ev, "u");
    if (!last) return last.error();
    if (*first > *last) {
        return fields.bad_value(ev.p.at("U"), fmt::format("first update id {} is above the last (u) {}",
                                                          *first, *last));
    }
    out.ids = update_ids{*first, *last, std::nullopt};
    if (ev.obj->contains("pu")) {
        auto pu = read_id(ev, "pu");
        if (!pu) return pu.error();
        out.ids.prev_last = *pu;
    }
    b.action = book_action::delta;
    b.depth = 0;
    b.ts_ms = *ts;
    b.cts_ms.reset();
    b.seq.reset();
    b.u = *last;
    if (auto r = feed::detail::read_levels(*ev.obj, ev.p.at("b"), b.bids); !r) return r.error();
    if (auto r = feed::detail::read_levels(*ev.obj, ev.p.at("a"), b.asks); !r) return r.error();
    out.msg.kind = message_kind::book;
    return out.kind = event_kind::depth_diff;
}

[[nodiscard]] inline core::result<event_kind> decode_snapshot(const event_at& ev,
                                                              binance_message& out) {
    book_update& b = out.msg.book;
    auto ts = read_times(ev, out);
    if (!ts) return ts.error();
    auto last = read_id(ev, "lastUpdateId");
    if (!last) return last.error();
    out.ids = update_ids{*last, *last, std::nullopt};
    (void)b.sym.assign({});
    b.action = book_action::snapshot;
    b.depth = 0;
    b.ts_ms = *ts;
    b.cts_ms.reset();
    b.seq.reset();
    b.u = *last;
    if (auto r = feed::detail::read_levels(*ev.obj, ev.p.at("bids"), b.bids); !r) return r.error();
    if (auto r = feed::detail::read_levels(*ev.obj, ev.p.at("asks"), b.asks); !r) return r.error();
    out.msg.kind = message_kind::book;
    return out.kind = event_kind::depth_snapshot;
}

template <class Decimal>
[[nodiscard]] core::result<Decimal> read_non_negative(const event_at& ev, std::string_view key) {
    auto v = fields.decimal_at<Decimal>(*ev.obj, ev.p.at(key));
    if (!v) return v.error();
    if (v->is_negative()) {
        return fields.bad_value(ev.p.at(key), fmt::format("must be >= 0, got \"{}\"", *v));
    }
    return *v;
}

[[nodiscard]] inline core::result<event_kind> decode_book_ticker(const event_at& ev,
                                                                 binance_message& out) {
    ticker& t = out.msg.tick;
    if (auto r = read_symbol(ev, t.sym); !r) return r.error();
    auto ts = read_times(ev, out);
    if (!ts) return ts.error();
    auto u = read_id(ev, "u");
    if (!u) return u.error();
    out.ids = update_ids{*u, *u, std::nullopt};
    auto bid = read_non_negative<core::price>(ev, "b");
    if (!bid) return bid.error();
    auto bid_qty = read_non_negative<core::quantity>(ev, "B");
    if (!bid_qty) return bid_qty.error();
    auto ask = read_non_negative<core::price>(ev, "a");
    if (!ask) return ask.error();
    auto ask_qty = read_non_negative<core::quantity>(ev, "A");
    if (!ask_qty) return ask_qty.error();
    t.action = book_action::snapshot;
    t.ts_ms = *ts;
    t.last_price.reset();
    t.mark_price.reset();
    t.index_price.reset();
    t.funding_rate.reset();
    t.bid1_price = *bid;
    t.bid1_size = *bid_qty;
    t.ask1_price = *ask;
    t.ask1_size = *ask_qty;
    out.msg.kind = message_kind::ticker;
    return out.kind = event_kind::book_ticker;
}

/// `trade` (id in `t`) or `aggTrade` (id in `a`): one print. `m` is "the buyer is the maker".
[[nodiscard]] inline core::result<event_kind> decode_trade(const event_at& ev, std::string_view id_key,
                                                           binance_message& out) {
    out.msg.trades.prints.resize(1);
    trade& t = out.msg.trades.prints.front();
    if (auto r = read_symbol(ev, t.sym); !r) return r.error();
    auto ts = read_times(ev, out);
    if (!ts) return ts.error();
    t.ts_ms = *ts;
    out.msg.trades.ts_ms = out.event_ms.value_or(*ts);
    auto id = read_id(ev, id_key);
    if (!id) return id.error();
    std::array<char, 20> digits{};
    const auto r = std::to_chars(digits.data(), digits.data() + digits.size(), *id);
    (void)t.id.assign({digits.data(), static_cast<std::size_t>(r.ptr - digits.data())});
    auto px = fields.decimal_at<core::price>(*ev.obj, ev.p.at("p"));
    if (!px) return px.error();
    if (!px->is_positive()) {
        return fields.bad_value(ev.p.at("p"), fmt::format("price must be > 0, got \"{}\"", *px));
    }
    t.px = *px;
    auto qty = fields.decimal_at<core::quantity>(*ev.obj, ev.p.at("q"));
    if (!qty) return qty.error();
    if (!qty->is_positive()) {
        return fields.bad_value(ev.p.at("q"), fmt::format("size must be > 0, got \"{}\"", *qty));
    }
    t.qty = *qty;
    auto mv = fields.require(*ev.obj, ev.p.at("m"));
    if (!mv) return mv.error();
    auto buyer_maker = fields.as_bool(**mv, ev.p.at("m"));
    if (!buyer_maker) return buyer_maker.error();
    t.side = *buyer_maker ? taker_side::sell : taker_side::buy;
    t.block_trade = false;
    t.seq.reset();
    out.msg.kind = message_kind::trades;
    return out.kind = event_kind::trades;
}

[[nodiscard]] inline event_kind ignore(binance_message& out) noexcept {
    out.msg.kind = message_kind::ignored;
    out.msg.ignored_what = ignored_reason::unsupported_topic;
    return out.kind = event_kind::ignored;
}

}  // namespace detail

inline public_codec::public_codec(std::size_t arena_bytes)
    : arena_(arena_bytes),
      parser_(boost::json::storage_ptr(), boost::json::parse_options(), parser_stack_.data(),
              parser_stack_.size()) {}

inline core::result<event_kind> public_codec::decode(std::string_view text, binance_message& out) {
    arena_.reset();
    parser_.reset(boost::json::storage_ptr(&arena_));
    boost::system::error_code ec;
    const std::size_t used = parser_.write(text.data(), text.size(), ec);
    if (ec) {
        return core::make_error(errc::json_syntax, fmt::format("message: invalid JSON at offset {}: {}",
                                                               used, ec.message()));
    }
    const boost::json::value doc = parser_.release();
    const auto* msg = doc.if_object();
    if (msg == nullptr) return detail::fields.wrong_type(detail::json_path{}, "a JSON object", doc);
    return decode(*msg, out);
}

inline core::result<event_kind> public_codec::decode(const boost::json::object& msg,
                                                     binance_message& out) const {
    using detail::stream_event;
    out.event_ms.reset();
    out.msg.ignored_what = ignored_reason::none;
    detail::event_at ev{&msg, detail::json_path{}, {}};
    if (const auto* sv = msg.if_contains("stream")) {
        auto stream = detail::fields.as_string(*sv, feed::detail::field("stream"));
        if (!stream) return stream.error();
        auto data = detail::fields.object_at(msg, feed::detail::field("data"));
        if (!data) return data.error();
        ev = detail::event_at{*data, feed::detail::under("data"), *stream};
    } else if (msg.contains("result") && msg.contains("id")) {
        // The answer to a SUBSCRIBE/UNSUBSCRIBE request.
        out.msg.ignored_what = ignored_reason::control;
        out.msg.kind = message_kind::ignored;
        return out.kind = event_kind::ignored;
    }
    if (ev.obj->contains("lastUpdateId")) return detail::decode_snapshot(ev, out);
    stream_event what = detail::event_of_stream(ev.stream);
    if (ev.stream.empty()) {
        auto e = detail::event_of_fields(ev);
        if (!e) return e.error();
        what = *e;
    }
    switch (what) {
        case stream_event::depth: return detail::decode_diff(ev, out);
        case stream_event::book_ticker: return detail::decode_book_ticker(ev, out);
        case stream_event::trade: return detail::decode_trade(ev, "t", out);
        case stream_event::agg_trade: return detail::decode_trade(ev, "a", out);
        case stream_event::other: break;
    }
    return detail::ignore(out);
}

}  // namespace mmbot::feed::binance

#endif  // MMBOT_FEED_BINANCE_IMPL_PUBLIC_CODEC_HPP
