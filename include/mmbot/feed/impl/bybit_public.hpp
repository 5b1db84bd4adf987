// mmbot/feed/impl/bybit_public.hpp: bodies of bybit_public_codec.
// Included at the bottom of mmbot/feed/bybit_public.hpp; not for direct inclusion.
#pragma once
#ifndef MMBOT_FEED_IMPL_BYBIT_PUBLIC_HPP
#define MMBOT_FEED_IMPL_BYBIT_PUBLIC_HPP

#include "mmbot/feed/bybit_public.hpp"

#include "mmbot/feed/detail/book_scanner.hpp"
#include "mmbot/feed/detail/json_fields.hpp"
#include "mmbot/feed/detail/levels.hpp"
#include "mmbot/feed/errors.hpp"

#include <boost/json/array.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>
#include <system_error>
#include <vector>

namespace mmbot::feed {
namespace detail {

/// `orderbook.200.BTCUSDT` -> (200, "BTCUSDT"); the prefix has been matched by the caller.
struct book_topic {
    std::uint32_t depth{0};
    std::string_view sym;
};

[[nodiscard]] inline core::result<book_topic> parse_book_topic(std::string_view topic) {
    constexpr std::string_view prefix = "orderbook.";
    const std::string_view rest = topic.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    book_topic t;
    const char* first = rest.data();
    const char* last = rest.data() + (dot == std::string_view::npos ? rest.size() : dot);
    const auto [end, ec] = std::from_chars(first, last, t.depth);
    if (dot == std::string_view::npos || ec != std::errc{} || end != last || t.depth == 0 ||
        dot + 1 == rest.size()) {
        return fields.bad_value(field("topic"),
                                fmt::format("\"{}\" is not orderbook.<depth>.<symbol>",
                                            core::json::cut(topic)));
    }
    // Bybit publishes depths 1, 50, 200, 500 and 1000; the book reserves storage for the depth,
    // so an absurd depth in a corrupt line must be an error, not a multi-gigabyte allocation
    // (found by fuzz/feed_replay.cpp).
    if (t.depth > max_book_depth) {
        return fields.bad_value(field("topic"),
                                fmt::format("\"{}\": depth {} is above the largest Bybit depth {}",
                                            core::json::cut(topic), t.depth, max_book_depth));
    }
    t.sym = rest.substr(dot + 1);
    return t;
}

/// `data.s` / `data.symbol` must name the topic's symbol: a mismatch means a mangled capture.
/// The optional cross sequence "seq" (books and trades): absent leaves `seq` empty.
[[nodiscard]] inline core::result<void> read_seq(const boost::json::object& o, const json_path& p,
                                                 std::optional<std::uint64_t>& seq) {
    seq.reset();
    const auto* sv = o.if_contains("seq");
    if (sv == nullptr) return {};
    auto s = fields.as_uint64(*sv, p);
    if (!s) return s.error();
    seq = *s;
    return {};
}

[[nodiscard]] inline core::result<void> read_symbol(const boost::json::object& data,
                                                    const json_path& p, std::string_view expected,
                                                    symbol& out) {
    auto s = fields.string_at(data, p);
    if (!s) return s.error();
    if (*s != expected) {
        return fields.bad_value(p, fmt::format("\"{}\" does not match the topic's symbol \"{}\"",
                                               core::json::cut(*s), core::json::cut(expected)));
    }
    return assign_text(out, *s, p);
}

/// `type`: "snapshot" or "delta".
[[nodiscard]] inline core::result<book_action> read_action(const boost::json::object& msg) {
    return read_either(msg, field("type"), std::pair{std::string_view("snapshot"), book_action::snapshot},
                       std::pair{std::string_view("delta"), book_action::delta});
}

[[nodiscard]] inline core::result<std::int64_t> read_ts(const decoded_message& out) {
    if (out.ts_ms) return *out.ts_ms;
    return fields.missing(field("ts"));
}

[[nodiscard]] inline core::result<message_kind> decode_book(const boost::json::object& msg,
                                                            std::string_view topic,
                                                            decoded_message& out) {
    auto t = parse_book_topic(topic);
    if (!t) return t.error();
    auto action = read_action(msg);
    if (!action) return action.error();
    auto ts = read_ts(out);
    if (!ts) return ts.error();

    book_update& b = out.book;
    b.depth = t->depth;
    b.action = *action;
    b.ts_ms = *ts;
    b.cts_ms.reset();
    if (const auto* cts = msg.if_contains("cts")) {
        auto c = fields.as_int64(*cts, field("cts"));
        if (!c) return c.error();
        b.cts_ms = *c;
    }

    const json_path dp = under("data");
    auto data = fields.object_at(msg, field("data"));
    if (!data) return data.error();
    const boost::json::object& d = **data;

    if (auto r = read_symbol(d, dp.at("s"), t->sym, b.sym); !r) return r.error();
    auto uv = fields.require(d, dp.at("u"));
    if (!uv) return uv.error();
    auto u = fields.as_uint64(**uv, dp.at("u"));
    if (!u) return u.error();
    b.u = *u;
    if (auto r = read_seq(d, dp.at("seq"), b.seq); !r) return r.error();
    if (auto r = read_levels(d, dp.at("b"), b.bids); !r) return r.error();
    if (auto r = read_levels(d, dp.at("a"), b.asks); !r) return r.error();
    out.kind = message_kind::book;
    return message_kind::book;
}

[[nodiscard]] inline core::result<taker_side> read_taker_side(const boost::json::object& o,
                                                              const json_path& p) {
    return read_either(o, p, std::pair{std::string_view("Buy"), taker_side::buy},
                       std::pair{std::string_view("Sell"), taker_side::sell});
}

[[nodiscard]] inline core::result<void> read_trade(const boost::json::object& o, const json_path& p,
                                                   std::string_view expected_sym, trade& t) {
    auto tv = fields.require(o, p.at("T"));
    if (!tv) return tv.error();
    auto ts = fields.as_int64(**tv, p.at("T"));
    if (!ts) return ts.error();
    t.ts_ms = *ts;
    if (auto r = read_symbol(o, p.at("s"), expected_sym, t.sym); !r) return r.error();
    auto side = read_taker_side(o, p.at("S"));
    if (!side) return side.error();
    t.side = *side;

    auto px = fields.decimal_at<core::price>(o, p.at("p"));
    if (!px) return px.error();
    if (!px->is_positive()) {
        return fields.bad_value(p.at("p"), fmt::format("price must be > 0, got \"{}\"", *px));
    }
    t.px = *px;
    auto qty = fields.decimal_at<core::quantity>(o, p.at("v"));
    if (!qty) return qty.error();
    if (!qty->is_positive()) {
        return fields.bad_value(p.at("v"), fmt::format("size must be > 0, got \"{}\"", *qty));
    }
    t.qty = *qty;

    auto id = fields.string_at(o, p.at("i"));
    if (!id) return id.error();
    if (auto r = assign_text(t.id, *id, p.at("i")); !r) return r.error();

    t.block_trade = false;
    if (const auto* bt = o.if_contains("BT")) {
        auto b = fields.as_bool(*bt, p.at("BT"));
        if (!b) return b.error();
        t.block_trade = *b;
    }
    return read_seq(o, p.at("seq"), t.seq);
}

[[nodiscard]] inline core::result<message_kind> decode_trades(const boost::json::object& msg,
                                                              std::string_view topic,
                                                              decoded_message& out) {
    const std::string_view sym = topic_symbol(topic);
    auto ts = read_ts(out);
    if (!ts) return ts.error();
    out.trades.ts_ms = *ts;
    auto arr = fields.array_at(msg, field("data"));
    if (!arr) return arr.error();
    std::vector<trade>& prints = out.trades.prints;
    prints.clear();
    const auto n = static_cast<std::ptrdiff_t>((*arr)->size());
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        const json_path p = under("data", i);
        auto o = fields.as_object((**arr)[static_cast<std::size_t>(i)], field("data").index(i));
        if (!o) return o.error();
        prints.emplace_back();
        if (auto r = read_trade(**o, p, sym, prints.back()); !r) return r.error();
    }
    out.kind = message_kind::trades;
    return message_kind::trades;
}

/// An optional decimal ticker field; absent or "" leaves `out` empty.
template <class Decimal>
[[nodiscard]] core::result<void> read_optional(const boost::json::object& d, const json_path& p,
                                               std::optional<Decimal>& out) {
    out.reset();
    const boost::json::value* v = d.if_contains(p.key);
    if (v == nullptr) return {};
    if (const auto* s = v->if_string(); s != nullptr && s->empty()) return {};
    auto x = fields.as_decimal<Decimal>(*v, p);
    if (!x) return x.error();
    out = *x;
    return {};
}

[[nodiscard]] inline core::result<message_kind> decode_ticker(const boost::json::object& msg,
                                                              std::string_view topic,
                                                              decoded_message& out) {
    ticker& tk = out.tick;
    auto action = read_action(msg);
    if (!action) return action.error();
    tk.action = *action;
    auto ts = read_ts(out);
    if (!ts) return ts.error();
    tk.ts_ms = *ts;
    auto data = fields.object_at(msg, field("data"));
    if (!data) return data.error();
    const boost::json::object& d = **data;
    const json_path dp = under("data");
    if (auto r = read_symbol(d, dp.at("symbol"), topic_symbol(topic), tk.sym); !r) return r.error();

    // One list so that adding a field is one line; each entry reads into its own member.
    const std::array<core::result<void>, 8> reads{
        read_optional(d, dp.at("lastPrice"), tk.last_price),
        read_optional(d, dp.at("markPrice"), tk.mark_price),
        read_optional(d, dp.at("indexPrice"), tk.index_price),
        read_optional(d, dp.at("bid1Price"), tk.bid1_price),
        read_optional(d, dp.at("bid1Size"), tk.bid1_size),
        read_optional(d, dp.at("ask1Price"), tk.ask1_price),
        read_optional(d, dp.at("ask1Size"), tk.ask1_size),
        read_optional(d, dp.at("fundingRate"), tk.funding_rate),
    };
    for (const auto& r : reads) {
        if (!r) return r.error();
    }
    out.kind = message_kind::ticker;
    return message_kind::ticker;
}

}  // namespace detail

inline bybit_public_codec::bybit_public_codec(std::size_t arena_bytes)
    : arena_(arena_bytes),
      parser_(boost::json::storage_ptr(), boost::json::parse_options(), parser_stack_.data(),
              parser_stack_.size()),
      fast_(boost::json::parse_options()) {}

inline std::optional<message_kind> bybit_public_codec::try_decode(
    std::string_view text, decoded_message& out, std::optional<std::int64_t>* recv_ts_ns) {
    if (recv_ts_ns != nullptr) recv_ts_ns->reset();
    // First tier: the scanner for compact orderbook messages (most of the traffic).
    if (text.starts_with(R"({"topic":"orderbook.)") && detail::scan_book_message(text, out)) {
        return message_kind::book;
    }
    fast_.reset();
    fast_.handler().begin(out, recv_ts_ns != nullptr);
    boost::system::error_code ec;
    // The same call boost::json::parser::write makes: the whole text is one document.
    const std::size_t used = fast_.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size() || !fast_.done() || !fast_.handler().finish()) return std::nullopt;
    if (recv_ts_ns != nullptr) *recv_ts_ns = fast_.handler().wrapped_recv_ts();
    return out.kind;
}

inline core::result<const boost::json::value*> bybit_public_codec::parse(std::string_view text) {
    doc_.reset();  // the old document lives in the arena: drop it before rewinding
    arena_.reset();
    parser_.reset(boost::json::storage_ptr(&arena_));
    boost::system::error_code ec;
    const std::size_t used = parser_.write(text.data(), text.size(), ec);
    if (ec) {
        return core::make_error(errc::json_syntax,
                                fmt::format("message: invalid JSON at offset {}: {}", used,
                                            ec.message()));
    }
    // Move-construct, never assign: assignment into a value with another storage copies deeply.
    doc_.emplace(parser_.release());
    return &*doc_;
}

inline core::result<message_kind> bybit_public_codec::decode(std::string_view text,
                                                             decoded_message& out) {
    if (const auto kind = try_decode(text, out)) return *kind;
    // Not a message the fast path takes (usually an error): the checked path words the error.
    auto doc = parse(text);
    if (!doc) return doc.error();
    const auto* msg = (*doc)->if_object();
    if (msg == nullptr) {
        return detail::fields.wrong_type(detail::json_path{}, "a JSON object", **doc);
    }
    return decode(*msg, out);
}

inline core::result<message_kind> bybit_public_codec::decode(const boost::json::object& msg,
                                                             decoded_message& out) {
    using detail::field;
    out.ignored_what = ignored_reason::none;
    out.ts_ms.reset();
    if (const auto* ts = msg.if_contains("ts")) {
        auto t = detail::fields.as_int64(*ts, field("ts"));
        if (!t) return t.error();
        out.ts_ms = *t;
    }
    const boost::json::value* tv = msg.if_contains("topic");
    if (tv == nullptr) {
        if (msg.contains("op")) {
            out.kind = message_kind::ignored;
            out.ignored_what = ignored_reason::control;
            return message_kind::ignored;
        }
        return detail::fields.missing(field("topic"));
    }
    auto topic = detail::fields.as_string(*tv, field("topic"));
    if (!topic) return topic.error();
    if (topic->starts_with("orderbook.")) return detail::decode_book(msg, *topic, out);
    if (topic->starts_with("publicTrade.")) return detail::decode_trades(msg, *topic, out);
    if (topic->starts_with("tickers.")) return detail::decode_ticker(msg, *topic, out);
    out.kind = message_kind::ignored;
    out.ignored_what = ignored_reason::unsupported_topic;
    return message_kind::ignored;
}

}  // namespace mmbot::feed

#endif  // MMBOT_FEED_IMPL_BYBIT_PUBLIC_HPP
