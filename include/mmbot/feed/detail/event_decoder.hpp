// mmbot/feed/detail/event_decoder.hpp
//
// The fast path of bybit_public_codec: a Boost.JSON SAX handler (json::basic_parser) that decodes a
// Bybit v5 public message straight into a decoded_message while the text is parsed, with no
// document in between. Keys are matched by name at every level, so linear's and spot's key orders
// (and any other) decode alike; prices and sizes go from the strings to core::price / quantity
// exactly as the checked path does.
//
// It only ever says "decoded" for a message the checked path (DOM parse + decode(object)) decodes
// to the same values. Whenever anything is off or merely unusual (bad JSON, a wrong type, a failed
// check, a duplicate key, `data` before `topic`, an over-long string) it stops and reports a
// fallback; the codec then runs the checked path, which gives the error its field-and-value
// message. So errors are produced in one place, and this handler carries no error text at all.
//
// Capture wrappers ({"recv_ts_ns": <int>, "msg": {...}}) are understood when asked for (replay).
//
//   json::basic_parser<event_handler> p(json::parse_options{});
//   p.handler().begin(out, /*unwrap=*/false);
//   p.write_some(false, text.data(), text.size(), ec);
//   if (!ec && p.done() && p.handler().finish()) { /* out holds the message */ }
#pragma once
#ifndef MMBOT_FEED_DETAIL_EVENT_DECODER_HPP
#define MMBOT_FEED_DETAIL_EVENT_DECODER_HPP

#include "mmbot/core/units.hpp"
#include "mmbot/feed/detail/json_fields.hpp"
#include "mmbot/feed/types.hpp"

#include <boost/json/basic_parser.hpp>
#include <boost/json/error.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace mmbot::feed::detail {

/// Deepest order book Bybit v5 publishes (spot orderbook.1000).
inline constexpr std::uint32_t max_book_depth = 1000;

/// `orderbook.200.BTCUSDT` -> (200, "BTCUSDT"), or nothing when the topic is not of that form or
/// names an impossible depth. The checked path (parse_book_topic) words the error.
struct book_topic_parts {
    std::uint32_t depth{0};
    std::string_view sym;
};
[[nodiscard]] inline std::optional<book_topic_parts> split_book_topic(std::string_view topic) noexcept {
    constexpr std::string_view prefix = "orderbook.";
    const std::string_view rest = topic.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot + 1 == rest.size()) return std::nullopt;
    book_topic_parts t;
    const char* first = rest.data();
    const char* last = rest.data() + dot;
    const auto [end, ec] = std::from_chars(first, last, t.depth);
    if (ec != std::errc{} || end != last || t.depth == 0 || t.depth > max_book_depth) {
        return std::nullopt;
    }
    t.sym = rest.substr(dot + 1);
    return t;
}

/// The symbol a `<name>.<symbol>` topic names (text after the last dot).
[[nodiscard]] inline std::string_view topic_symbol(std::string_view topic) noexcept {
    const std::size_t dot = topic.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : topic.substr(dot + 1);
}

class event_handler : public core::json::unbounded_handler {
public:
    using error_code = boost::json::error_code;
    using json_sv = boost::json::string_view;

    /// Starts a message. `unwrap`: also accept {"recv_ts_ns": <int>, "msg": {...}}.
    void begin(decoded_message& out, bool unwrap) noexcept {
        out_ = &out;
        unwrap_ = unwrap;
        depth_ = 0;
        skip_ = 0;
        key_ = field_key::unknown;
        str_len_ = 0;
        str_long_ = false;
        root_seen_ = 0;
        msg_seen_ = 0;
        wrapped_ = false;
        recv_seen_ = false;
        recv_ts_.reset();
        topic_len_ = 0;
        topic_ = topic_kind::none;
        ts_.reset();
        cts_.reset();
        action_.reset();
        data_done_ = false;
        book_seen_ = 0;
        u_ = 0;
        seq_.reset();
        trade_seen_ = 0;
        ticker_seen_ = 0;
    }

    /// After a clean parse: checks what the message needs and completes `out`. False: fall back.
    [[nodiscard]] bool finish() noexcept {
        if (wrapped_ && !recv_ts_) return false;
        decoded_message& out = *out_;
        out.ts_ms = ts_;
        out.ignored_what = ignored_reason::none;
        const std::uint32_t seen = wrapped_ ? msg_seen_ : root_seen_;
        if (topic_ == topic_kind::none) {
            if ((seen & bit(field_key::op)) == 0) return false;
            out.kind = message_kind::ignored;
            out.ignored_what = ignored_reason::control;
            return true;
        }
        switch (topic_) {
            case topic_kind::unsupported:
                out.kind = message_kind::ignored;
                out.ignored_what = ignored_reason::unsupported_topic;
                return true;
            case topic_kind::book: {
                const std::uint32_t needed =
                    bit(field_key::s) | bit(field_key::u) | bit(field_key::b) | bit(field_key::a);
                if (!action_ || !ts_ || !data_done_ || (book_seen_ & needed) != needed) return false;
                book_update& b = out.book;
                b.depth = book_depth_;
                b.action = *action_;
                b.ts_ms = *ts_;
                b.cts_ms = cts_;
                b.u = u_;
                b.seq = seq_;
                out.kind = message_kind::book;
                return true;
            }
            case topic_kind::trades:
                if (!ts_ || !data_done_) return false;
                out.trades.ts_ms = *ts_;
                out.kind = message_kind::trades;
                return true;
            case topic_kind::ticker:
                if (!action_ || !ts_ || !data_done_ || (ticker_seen_ & bit(field_key::symbol)) == 0) {
                    return false;
                }
                out.tick.action = *action_;
                out.tick.ts_ms = *ts_;
                out.kind = message_kind::ticker;
                return true;
            case topic_kind::none: break;
        }
        return false;
    }

    /// The wrapper's receive time when the line was a wrapper (unwrap mode).
    [[nodiscard]] std::optional<std::int64_t> wrapped_recv_ts() const noexcept {
        return wrapped_ ? recv_ts_ : std::nullopt;
    }

    // ----------------------------------------------------------------- json::basic_parser events

    bool on_document_begin(error_code& /*ec*/) noexcept { return true; }
    bool on_document_end(error_code& /*ec*/) noexcept { return true; }
    bool on_comment_part(json_sv /*s*/, error_code& /*ec*/) noexcept { return true; }
    bool on_comment(json_sv /*s*/, error_code& /*ec*/) noexcept { return true; }
    bool on_number_part(json_sv /*s*/, error_code& /*ec*/) noexcept { return true; }

    bool on_object_begin(error_code& ec) { return open(true, ec); }
    bool on_array_begin(error_code& ec) { return open(false, ec); }
    bool on_object_end(std::size_t /*n*/, error_code& ec) { return close(ec); }
    bool on_array_end(std::size_t /*n*/, error_code& ec) { return close(ec); }

    bool on_key_part(json_sv s, std::size_t /*n*/, error_code& /*ec*/) noexcept {
        if (skip_ == 0) append(s);
        return true;
    }
    bool on_key(json_sv s, std::size_t /*n*/, error_code& /*ec*/) noexcept {
        if (skip_ > 0) return true;
        if (str_len_ == 0 && !str_long_) {  // the usual case: the whole key in one piece
            key_ = lookup(ctx(), std::string_view(s.data(), s.size()));
            return true;
        }
        append(s);
        key_ = str_long_ ? field_key::unknown : lookup(ctx(), text());
        str_len_ = 0;
        str_long_ = false;
        return true;
    }
    bool on_string_part(json_sv s, std::size_t /*n*/, error_code& /*ec*/) noexcept {
        if (skip_ == 0) append(s);
        return true;
    }
    bool on_string(json_sv s, std::size_t /*n*/, error_code& ec) {
        if (skip_ > 0) return true;
        if (str_len_ == 0 && !str_long_) {  // the usual case: the whole string in one piece
            return scalar(value{value_type::string, std::string_view(s.data(), s.size()), 0, 0,
                                false}) ||
                   bail(ec);
        }
        append(s);
        // Over-long text is never a value we read: fine where it is skipped, else a fallback.
        const bool ok = scalar(value{str_long_ ? value_type::other : value_type::string,
                                     str_long_ ? std::string_view{} : text(), 0, 0, false});
        str_len_ = 0;
        str_long_ = false;
        return ok || bail(ec);
    }
    bool on_int64(std::int64_t i, json_sv /*s*/, error_code& ec) {
        if (skip_ > 0) return true;
        return scalar(value{value_type::int64, {}, i, 0, false}) || bail(ec);
    }
    bool on_uint64(std::uint64_t u, json_sv /*s*/, error_code& ec) {
        if (skip_ > 0) return true;
        return scalar(value{value_type::uint64, {}, 0, u, false}) || bail(ec);
    }
    bool on_double(double /*d*/, json_sv /*s*/, error_code& ec) {
        if (skip_ > 0) return true;
        return scalar(value{value_type::other, {}, 0, 0, false}) || bail(ec);
    }
    bool on_bool(bool b, error_code& ec) {
        if (skip_ > 0) return true;
        return scalar(value{value_type::boolean, {}, 0, 0, b}) || bail(ec);
    }
    bool on_null(error_code& ec) {
        if (skip_ > 0) return true;
        return scalar(value{value_type::other, {}, 0, 0, false}) || bail(ec);
    }

private:
    /// Where the parser is: the kind of the innermost open object or array.
    enum class context : std::uint8_t {
        document,     // before the top-level value
        root,         // the top-level object (a message, or a wrapper)
        message,      // a wrapper's "msg"
        book_data,    // "data" of an orderbook message
        levels,       // data.b / data.a
        level_pair,   // one [price, size]
        trade_list,   // "data" of a publicTrade message
        trade,        // one print
        ticker_data,  // "data" of a tickers message
    };

    enum class field_key : std::uint8_t {
        unknown,
        // message level
        topic, ts, type, cts, data, op, msg, recv_ts_ns,
        // book data and trade prints (s, seq shared)
        s, u, seq, b, a, T, S, p, v, i, BT,
        // ticker data
        symbol, last_price, mark_price, index_price, bid1_price, bid1_size, ask1_price, ask1_size,
        funding_rate,
    };

    enum class topic_kind : std::uint8_t { none, book, trades, ticker, unsupported };
    enum class value_type : std::uint8_t { string, int64, uint64, boolean, other };

    struct value {
        value_type type;
        std::string_view str;
        std::int64_t i;
        std::uint64_t u;
        bool b;
    };

    static constexpr std::uint32_t bit(field_key k) noexcept {
        return std::uint32_t{1} << static_cast<unsigned>(k);
    }

    /// `k == lit` with the length known at compile time (no memcmp call for these short keys).
    template <std::size_t N>
    [[nodiscard]] static bool is(std::string_view k, const char (&lit)[N]) noexcept {
        if (k.size() != N - 1) return false;
        for (std::size_t j = 0; j + 1 < N; ++j) {
            if (k[j] != lit[j]) return false;
        }
        return true;
    }

    [[nodiscard]] field_key lookup(context c, std::string_view k) const noexcept {
        switch (c) {
            case context::root:
            case context::message:
                if (is(k, "topic")) return field_key::topic;
                if (is(k, "ts")) return field_key::ts;
                if (is(k, "type")) return field_key::type;
                if (is(k, "data")) return field_key::data;
                if (is(k, "cts")) return field_key::cts;
                if (is(k, "op")) return field_key::op;
                if (c == context::root && unwrap_) {
                    if (is(k, "msg")) return field_key::msg;
                    if (is(k, "recv_ts_ns")) return field_key::recv_ts_ns;
                }
                return field_key::unknown;
            case context::book_data:
                if (is(k, "b")) return field_key::b;
                if (is(k, "a")) return field_key::a;
                if (is(k, "s")) return field_key::s;
                if (is(k, "u")) return field_key::u;
                if (is(k, "seq")) return field_key::seq;
                return field_key::unknown;
            case context::trade:
                if (is(k, "T")) return field_key::T;
                if (is(k, "s")) return field_key::s;
                if (is(k, "S")) return field_key::S;
                if (is(k, "p")) return field_key::p;
                if (is(k, "v")) return field_key::v;
                if (is(k, "i")) return field_key::i;
                if (is(k, "BT")) return field_key::BT;
                if (is(k, "seq")) return field_key::seq;
                return field_key::unknown;
            case context::ticker_data:
                if (is(k, "symbol")) return field_key::symbol;
                if (is(k, "lastPrice")) return field_key::last_price;
                if (is(k, "markPrice")) return field_key::mark_price;
                if (is(k, "indexPrice")) return field_key::index_price;
                if (is(k, "bid1Price")) return field_key::bid1_price;
                if (is(k, "bid1Size")) return field_key::bid1_size;
                if (is(k, "ask1Price")) return field_key::ask1_price;
                if (is(k, "ask1Size")) return field_key::ask1_size;
                if (is(k, "fundingRate")) return field_key::funding_rate;
                return field_key::unknown;
            case context::document:
            case context::levels:
            case context::level_pair:
            case context::trade_list: break;
        }
        return field_key::unknown;
    }

    static bool bail(error_code& ec) noexcept {
        // Any error stops the parser; the codec then takes the checked path for the real message.
        ec = boost::json::error::exception;
        return false;
    }

    [[nodiscard]] context ctx() const noexcept { return stack_[depth_]; }
    [[nodiscard]] std::string_view text() const noexcept { return {str_.data(), str_len_}; }
    [[nodiscard]] std::string_view topic_text() const noexcept { return {topic_buf_.data(), topic_len_}; }

    void append(json_sv s) noexcept {
        if (str_long_ || s.size() > str_.size() - str_len_) {
            str_long_ = true;
            return;
        }
        for (std::size_t k = 0; k < s.size(); ++k) str_[str_len_ + k] = s[k];
        str_len_ += s.size();
    }

    bool push(context c, error_code& ec) {
        if (depth_ + 1 >= stack_.size()) return bail(ec);
        stack_[++depth_] = c;
        return true;
    }

    /// The fields of the level that holds the message: the root, or the wrapper's msg.
    std::uint32_t& message_seen() noexcept { return ctx() == context::message ? msg_seen_ : root_seen_; }

    /// Records `k` as seen in `mask`; false for a repeat (the checked path keeps the last one).
    static bool first_time(std::uint32_t& mask, field_key k) noexcept {
        if ((mask & bit(k)) != 0) return false;
        mask |= bit(k);
        return true;
    }

    /// A message-level key of the root in a wrapper, or a wrapper's msg after one: the raw and
    /// the wrapped readings of the line would differ, so the checked path decides.
    [[nodiscard]] bool mixed_wrapper(field_key k) const noexcept {
        if (ctx() != context::root || k == field_key::recv_ts_ns) return false;
        if (k == field_key::msg) return root_seen_ != 0;
        return wrapped_;
    }

    bool open(bool object, error_code& ec) {
        if (skip_ > 0) {
            ++skip_;
            return true;
        }
        const field_key k = key_;
        key_ = field_key::unknown;
        switch (ctx()) {
            case context::document:
                return object ? push(context::root, ec) : bail(ec);
            case context::root:
            case context::message:
                return open_in_message(k, object, ec);
            case context::book_data:
                if (k == field_key::unknown) break;
                if (k != field_key::b && k != field_key::a) return bail(ec);
                if (!object && first_time(book_seen_, k)) {
                    auto& side = k == field_key::b ? out_->book.bids : out_->book.asks;
                    side.clear();
                    levels_ = &side;
                    return push(context::levels, ec);
                }
                return bail(ec);
            case context::levels:
                if (object) return bail(ec);
                pair_index_ = 0;
                return push(context::level_pair, ec);
            case context::trade_list:
                if (!object) return bail(ec);
                out_->trades.prints.emplace_back();
                trade_seen_ = 0;
                return push(context::trade, ec);
            case context::level_pair: return bail(ec);
            case context::trade:
            case context::ticker_data:
                if (k != field_key::unknown) return bail(ec);
                break;
        }
        skip_ = 1;  // a value we do not read
        return true;
    }

    bool open_in_message(field_key k, bool object, error_code& ec) {
        if (k == field_key::unknown) {
            skip_ = 1;
            return true;
        }
        if (mixed_wrapper(k)) return bail(ec);
        if (k == field_key::msg) {
            if (!unwrap_ || !object || !first_time(root_seen_, k)) return bail(ec);
            wrapped_ = true;
            return push(context::message, ec);
        }
        if (k == field_key::op) {
            if (!first_time(message_seen(), k)) return bail(ec);
            skip_ = 1;
            return true;
        }
        if (k != field_key::data || !first_time(message_seen(), k)) return bail(ec);
        switch (topic_) {
            case topic_kind::book:
                if (!object) return bail(ec);
                book_seen_ = 0;
                return push(context::book_data, ec);
            case topic_kind::trades:
                if (object) return bail(ec);
                out_->trades.prints.clear();
                return push(context::trade_list, ec);
            case topic_kind::ticker: {
                if (!object) return bail(ec);
                ticker& tk = out_->tick;
                tk.last_price.reset();
                tk.mark_price.reset();
                tk.index_price.reset();
                tk.bid1_price.reset();
                tk.bid1_size.reset();
                tk.ask1_price.reset();
                tk.ask1_size.reset();
                tk.funding_rate.reset();
                ticker_seen_ = 0;
                return push(context::ticker_data, ec);
            }
            case topic_kind::unsupported:
                skip_ = 1;
                return true;
            case topic_kind::none: break;  // data before topic: the checked path sorts it out
        }
        return bail(ec);
    }

    bool close(error_code& ec) {
        if (skip_ > 0) {
            --skip_;
            return true;
        }
        switch (ctx()) {
            case context::level_pair: {
                if (pair_index_ != 2) return bail(ec);
                if (!pair_px_.is_positive() || pair_qty_.is_negative()) return bail(ec);
                levels_->push_back(level{pair_px_, pair_qty_});
                break;
            }
            case context::trade: {
                const std::uint32_t needed = bit(field_key::T) | bit(field_key::s) |
                                                 bit(field_key::S) | bit(field_key::p) |
                                                 bit(field_key::v) | bit(field_key::i);
                if ((trade_seen_ & needed) != needed) return bail(ec);
                trade& t = out_->trades.prints.back();
                if ((trade_seen_ & bit(field_key::BT)) == 0) t.block_trade = false;
                if ((trade_seen_ & bit(field_key::seq)) == 0) t.seq.reset();
                break;
            }
            case context::book_data:
            case context::trade_list:
            case context::ticker_data: data_done_ = true; break;
            case context::document:
            case context::root:
            case context::message:
            case context::levels: break;
        }
        --depth_;
        return true;
    }

    template <class Decimal>
    static bool parse_decimal(std::string_view s, Decimal& out) {
        auto d = Decimal::parse(s);
        if (!d) return false;
        out = *d;
        return true;
    }

    static bool as_int64(const value& v, std::int64_t& out) noexcept {
        if (v.type != value_type::int64) return false;  // uint64 is above int64's range
        out = v.i;
        return true;
    }
    static bool as_uint64(const value& v, std::uint64_t& out) noexcept {
        if (v.type == value_type::uint64) {
            out = v.u;
            return true;
        }
        if (v.type == value_type::int64 && v.i >= 0) {
            out = static_cast<std::uint64_t>(v.i);
            return true;
        }
        return false;
    }

    /// One scalar value at the current position. False: fall back.
    bool scalar(const value& v) {
        const field_key k = key_;
        key_ = field_key::unknown;
        switch (ctx()) {
            case context::document: return false;  // not an object
            case context::root:
            case context::message: return message_field(k, v);
            case context::book_data: return book_field(k, v);
            case context::levels: return false;
            case context::level_pair:
                if (v.type != value_type::string) return false;
                ++pair_index_;
                if (pair_index_ == 1) return parse_decimal(v.str, pair_px_);
                if (pair_index_ == 2) return parse_decimal(v.str, pair_qty_);
                return false;
            case context::trade_list: return false;
            case context::trade: return trade_field(k, v);
            case context::ticker_data: return ticker_field(k, v);
        }
        return false;
    }

    bool message_field(field_key k, const value& v) {
        if (k == field_key::unknown) return true;
        if (mixed_wrapper(k)) return false;
        if (k == field_key::recv_ts_ns) {
            // Kept out of root_seen_: a raw message may carry one too (then it is ignored).
            std::int64_t t = 0;
            if (recv_seen_ || !as_int64(v, t)) return false;
            recv_seen_ = true;
            recv_ts_ = t;
            return true;
        }
        if (k == field_key::msg) return false;  // a wrapper's msg must be an object
        if (!first_time(message_seen(), k)) return false;
        switch (k) {
            case field_key::topic: return topic_field(v);
            case field_key::ts: {
                std::int64_t t = 0;
                if (!as_int64(v, t)) return false;
                ts_ = t;
                return true;
            }
            case field_key::cts: {
                std::int64_t t = 0;
                if (!as_int64(v, t)) return false;
                cts_ = t;
                return true;
            }
            case field_key::type:
                if (v.type != value_type::string) return false;
                if (is(v.str, "snapshot")) {
                    action_ = book_action::snapshot;
                } else if (is(v.str, "delta")) {
                    action_ = book_action::delta;
                }
                // Any other text is an error only for books and tickers: finish() sees no action.
                return true;
            case field_key::op: return true;
            case field_key::data: return topic_ == topic_kind::unsupported;  // scalar data
            default: return false;
        }
    }

    bool topic_field(const value& v) {
        if (v.type != value_type::string || v.str.size() > topic_buf_.size()) return false;
        for (std::size_t k = 0; k < v.str.size(); ++k) topic_buf_[k] = v.str[k];
        topic_len_ = v.str.size();
        const std::string_view t = topic_text();
        if (t.starts_with("orderbook.")) {
            const auto parts = split_book_topic(t);
            if (!parts) return false;
            book_depth_ = parts->depth;
            expected_sym_ = parts->sym;
            topic_ = topic_kind::book;
        } else if (t.starts_with("publicTrade.")) {
            expected_sym_ = topic_symbol(t);
            topic_ = topic_kind::trades;
        } else if (t.starts_with("tickers.")) {
            expected_sym_ = topic_symbol(t);
            topic_ = topic_kind::ticker;
        } else {
            topic_ = topic_kind::unsupported;
        }
        return true;
    }

    /// `data.s` / `symbol`: must name the topic's symbol and fit.
    [[nodiscard]] bool symbol_field(const value& v, symbol& out) const noexcept {
        return v.type == value_type::string && v.str == expected_sym_ && out.assign(v.str);
    }

    bool book_field(field_key k, const value& v) {
        if (k == field_key::unknown) return true;
        if (!first_time(book_seen_, k)) return false;
        switch (k) {
            case field_key::s: return symbol_field(v, out_->book.sym);
            case field_key::u: return as_uint64(v, u_);
            case field_key::seq: {
                std::uint64_t s = 0;
                if (!as_uint64(v, s)) return false;
                seq_ = s;
                return true;
            }
            default: return false;  // b / a must be arrays
        }
    }

    bool trade_field(field_key k, const value& v) {
        if (k == field_key::unknown) return true;
        if (!first_time(trade_seen_, k)) return false;
        trade& t = out_->trades.prints.back();
        switch (k) {
            case field_key::T: return as_int64(v, t.ts_ms);
            case field_key::s: return symbol_field(v, t.sym);
            case field_key::S:
                if (v.type != value_type::string) return false;
                if (is(v.str, "Buy")) {
                    t.side = taker_side::buy;
                    return true;
                }
                if (is(v.str, "Sell")) {
                    t.side = taker_side::sell;
                    return true;
                }
                return false;
            case field_key::p:
                return v.type == value_type::string && parse_decimal(v.str, t.px) && t.px.is_positive();
            case field_key::v:
                return v.type == value_type::string && parse_decimal(v.str, t.qty) && t.qty.is_positive();
            case field_key::i: return v.type == value_type::string && t.id.assign(v.str);
            case field_key::BT:
                if (v.type != value_type::boolean) return false;
                t.block_trade = v.b;
                return true;
            case field_key::seq: {
                std::uint64_t s = 0;
                if (!as_uint64(v, s)) return false;
                t.seq = s;
                return true;
            }
            default: return false;
        }
    }

    template <class Decimal>
    static bool optional_decimal(const value& v, std::optional<Decimal>& out) {
        if (v.type != value_type::string) return false;
        if (v.str.empty()) return true;  // "" = no value
        Decimal d;
        if (!parse_decimal(v.str, d)) return false;
        out = d;
        return true;
    }

    bool ticker_field(field_key k, const value& v) {
        if (k == field_key::unknown) return true;
        if (!first_time(ticker_seen_, k)) return false;
        ticker& tk = out_->tick;
        switch (k) {
            case field_key::symbol: return symbol_field(v, tk.sym);
            case field_key::last_price: return optional_decimal(v, tk.last_price);
            case field_key::mark_price: return optional_decimal(v, tk.mark_price);
            case field_key::index_price: return optional_decimal(v, tk.index_price);
            case field_key::bid1_price: return optional_decimal(v, tk.bid1_price);
            case field_key::bid1_size: return optional_decimal(v, tk.bid1_size);
            case field_key::ask1_price: return optional_decimal(v, tk.ask1_price);
            case field_key::ask1_size: return optional_decimal(v, tk.ask1_size);
            case field_key::funding_rate: return optional_decimal(v, tk.funding_rate);
            default: return false;
        }
    }

    decoded_message* out_{nullptr};
    bool unwrap_{false};

    std::array<context, 8> stack_{};
    std::size_t depth_{0};
    std::size_t skip_{0};  // > 0: inside a value that is not read (nesting depth)
    field_key key_{field_key::unknown};

    // The current string or key (prices, symbols, topics, ids all fit; longer text falls back).
    std::array<char, 192> str_{};
    std::size_t str_len_{0};
    bool str_long_{false};

    // Message and wrapper level.
    std::uint32_t root_seen_{0};
    std::uint32_t msg_seen_{0};
    bool wrapped_{false};
    bool recv_seen_{false};
    std::optional<std::int64_t> recv_ts_;
    std::array<char, 128> topic_buf_{};
    std::size_t topic_len_{0};
    topic_kind topic_{topic_kind::none};
    std::string_view expected_sym_;
    std::uint32_t book_depth_{0};
    std::optional<std::int64_t> ts_;
    std::optional<std::int64_t> cts_;
    std::optional<book_action> action_;
    bool data_done_{false};

    // Book data.
    std::uint32_t book_seen_{0};
    std::uint64_t u_{0};
    std::optional<std::uint64_t> seq_;
    std::vector<level>* levels_{nullptr};
    std::size_t pair_index_{0};
    core::price pair_px_;
    core::quantity pair_qty_;

    // Trades and tickers.
    std::uint32_t trade_seen_{0};
    std::uint32_t ticker_seen_{0};
};

}  // namespace mmbot::feed::detail

#endif  // MMBOT_FEED_DETAIL_EVENT_DECODER_HPP
