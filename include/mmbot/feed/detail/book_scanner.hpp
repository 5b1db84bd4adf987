// mmbot/feed/detail/book_scanner.hpp
//
// The first tier of bybit_public_codec's fast path: a scanner specialised for the one message the
// feed sees thousands of times a second, a compact Bybit orderbook message
//
//   {"topic":"orderbook.200.BTCUSDT","type":"delta","ts":1786310818129,
//    "data":{"s":"BTCUSDT","b":[["65114.20","6.054"],...],"a":[...],"u":123,"seq":456},"cts":...}
//
// read in one pass with the levels decoded straight from their ["price","size"] pairs into exact
// decimals (no generic JSON events, no per-byte UTF-8 state machine: only printable ASCII is taken).
//
// Like the SAX tier (event_decoder.hpp) it only ever says "decoded" for a message that the checked
// path decodes to the same values, and it is stricter: it takes exactly the grammar above, `topic`
// first, then `type`, `ts`, `cts`, `data` in any order (`data` holding `s`, `b`, `a`, `u`, `seq` in
// any order), no whitespace (but after the message), no escapes, no byte outside 0x20-0x7e, integers of at most 18 digits,
// no repeated or unknown key. Anything else (every error, and any unusual but valid message)
// returns false and the codec goes on to the SAX tier, then the checked path, which words errors;
// so accepting less here never changes a result, only its speed.
//
//   if (detail::scan_book_message(text, out)) return message_kind::book;  // else the next tier
#pragma once
#ifndef MMBOT_FEED_DETAIL_BOOK_SCANNER_HPP
#define MMBOT_FEED_DETAIL_BOOK_SCANNER_HPP

#include "mmbot/core/units.hpp"
#include "mmbot/feed/detail/event_decoder.hpp"
#include "mmbot/feed/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mmbot::feed::detail {

class book_scanner {
public:
    explicit book_scanner(std::string_view text) noexcept
        : p_(text.data()), end_(text.data() + text.size()) {}

    /// Decodes the whole text as one orderbook message into `out`; false: not taken here.
    [[nodiscard]] bool message(decoded_message& out) {
        std::string_view topic;
        if (!literal(R"({"topic":)") || !string(topic) || topic.size() > max_topic_chars) return false;
        if (!topic.starts_with("orderbook.")) return false;
        const auto parts = split_book_topic(topic);
        if (!parts) return false;
        expected_sym_ = parts->sym;

        std::optional<book_action> action;
        std::optional<std::int64_t> ts;
        std::optional<std::int64_t> cts;
        bool data = false;
        while (next_member()) {
            std::string_view key;
            if (!string(key) || !literal(":")) return false;
            if (key == "type") {
                std::string_view t;
                if (action || !string(t)) return false;
                if (t == "snapshot") {
                    action = book_action::snapshot;
                } else if (t == "delta") {
                    action = book_action::delta;
                } else {
                    return false;
                }
            } else if (key == "ts" || key == "cts") {
                auto& slot = key == "ts" ? ts : cts;
                std::uint64_t v = 0;
                if (slot || !unsigned_int(v)) return false;
                slot = static_cast<std::int64_t>(v);
            } else if (key == "data") {
                if (data || !book_data(out.book)) return false;
                data = true;
            } else {
                return false;
            }
        }
        if (!closed_by('}') || !action || !ts || !data) return false;
        // Trailing JSON whitespace is part of the document (a CRLF capture line, say).
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
        if (p_ != end_) return false;
        book_update& b = out.book;
        b.depth = parts->depth;
        b.action = *action;
        b.ts_ms = *ts;
        b.cts_ms = cts;
        out.kind = message_kind::book;
        out.ignored_what = ignored_reason::none;
        out.ts_ms = ts;
        return true;
    }

private:
    /// The SAX tier's topic buffer: a longer topic is left to the checked path by both tiers.
    static constexpr std::size_t max_topic_chars = 128;
    /// 18 decimal digits always fit an int64: longer numbers are left to the other tiers.
    static constexpr int max_int_digits = 18;

    [[nodiscard]] bool at_end() const noexcept { return p_ == end_; }
    [[nodiscard]] static std::uint64_t digit(char c) noexcept { return static_cast<std::uint64_t>(c - '0'); }

    [[nodiscard]] bool literal(std::string_view s) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < s.size()) return false;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (p_[i] != s[i]) return false;
        }
        p_ += s.size();
        return true;
    }

    /// Before a member of an object: true (past the ',') when another one follows.
    [[nodiscard]] bool next_member() noexcept {
        if (at_end() || *p_ != ',') return false;
        ++p_;
        return true;
    }

    [[nodiscard]] bool closed_by(char c) noexcept {
        if (at_end() || *p_ != c) return false;
        ++p_;
        return true;
    }

    /// A JSON string of printable ASCII without escapes (exactly its bytes).
    [[nodiscard]] bool string(std::string_view& out) noexcept {
        if (at_end() || *p_ != '"') return false;
        const char* first = ++p_;
        for (; p_ != end_; ++p_) {
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                out = std::string_view(first, static_cast<std::size_t>(p_ - first));
                ++p_;
                return true;
            }
            if (c < 0x20 || c > 0x7e || c == '\\') return false;
        }
        return false;
    }

    /// A non-negative JSON integer ("0" or no leading zero), at most 18 digits, not the start of
    /// a fraction or exponent (those are doubles to the other tiers).
    [[nodiscard]] bool unsigned_int(std::uint64_t& out) noexcept {
        const char* first = p_;
        std::uint64_t v = 0;
        for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
            v = v * 10 + digit(*p_);
        }
        const auto n = p_ - first;
        if (n == 0 || n > max_int_digits || (n > 1 && *first == '0')) return false;
        if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
        out = v;
        return true;
    }

    /// A quoted decimal "digits[.digits]" straight into a scale-8 decimal; any other text is
    /// parsed by Decimal::parse (the one the other tiers use), and an error is a fallback.
    template <class Decimal>
    [[nodiscard]] bool decimal_string(Decimal& out) {
        static_assert(Decimal::scale == 8 && sizeof(typename Decimal::rep) == 8,
                      "book_scanner: the fast digits loop is written for int64 decimals of scale 8");
        static constexpr std::array<std::uint64_t, 9> pow10{100000000, 10000000, 1000000, 100000,
                                                           10000,     1000,     100,     10, 1};
        const char* start = p_;
        if (at_end() || *p_ != '"') return false;
        ++p_;
        const char* first = p_;
        std::uint64_t whole = 0;  // unsigned: a long run of digits wraps (defined) and is refused below
        for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) whole = whole * 10 + digit(*p_);
        const auto int_digits = p_ - first;
        std::uint64_t frac = 0;
        std::ptrdiff_t frac_digits = 0;
        if (p_ != end_ && *p_ == '.') {
            const char* f = ++p_;
            for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) frac = frac * 10 + digit(*p_);
            frac_digits = p_ - f;
            if (frac_digits == 0) frac_digits = -1;  // "1." : let Decimal::parse decide
        }
        if (p_ != end_ && *p_ == '"' && int_digits >= 1 && int_digits <= 10 && frac_digits >= 0 &&
            frac_digits <= 8) {
            ++p_;
            // At most 10 + 8 digits: below 10^18, inside int64.
            out = Decimal::from_raw(static_cast<std::int64_t>(
                whole * pow10[0] + frac * pow10[static_cast<std::size_t>(frac_digits)]));
            return true;
        }
        p_ = start;  // the general case: the exact parser the other tiers use
        std::string_view text;
        if (!string(text)) return false;
        auto d = Decimal::parse(text);
        if (!d) return false;
        out = *d;
        return true;
    }

    /// `[]` or `[["px","qty"],...]`: prices positive, sizes not negative (zero deletes).
    [[nodiscard]] bool levels(std::vector<level>& side) {
        side.clear();
        if (!literal("[")) return false;
        if (closed_by(']')) return true;
        do {
            level lv;
            if (!literal("[") || !decimal_string(lv.px) || !literal(",") || !decimal_string(lv.qty) ||
                !literal("]")) {
                return false;
            }
            if (!lv.px.is_positive() || lv.qty.is_negative()) return false;
            side.push_back(lv);
        } while (next_member());
        return closed_by(']');
    }

    /// The `data` object of an orderbook message.
    [[nodiscard]] bool book_data(book_update& b) {
        if (!literal("{")) return false;
        bool s = false;
        bool bids = false;
        bool asks = false;
        bool u = false;
        bool seq = false;
        b.seq.reset();
        if (closed_by('}')) return false;  // s, u, b, a are required
        do {
            std::string_view key;
            if (!string(key) || !literal(":")) return false;
            if (key == "b" || key == "a") {
                bool& seen = key == "b" ? bids : asks;
                if (seen || !levels(key == "b" ? b.bids : b.asks)) return false;
                seen = true;
            } else if (key == "s") {
                std::string_view sym;
                if (s || !string(sym) || sym != expected_sym_ || !b.sym.assign(sym)) return false;
                s = true;
            } else if (key == "u" || key == "seq") {
                bool& seen = key == "u" ? u : seq;
                std::uint64_t v = 0;
                if (seen || !unsigned_int(v)) return false;
                seen = true;
                if (key == "u") {
                    b.u = v;
                } else {
                    b.seq = v;
                }
            } else {
                return false;
            }
        } while (next_member());
        return closed_by('}') && s && bids && asks && u;
    }

    const char* p_;
    const char* end_;
    std::string_view expected_sym_;
};

/// Decodes `text` when it is a compact orderbook message (see above); false: try the next tier.
/// On false `out` may have been partly written (the next tier rewrites what it decodes).
[[nodiscard]] inline bool scan_book_message(std::string_view text, decoded_message& out) {
    return book_scanner(text).message(out);
}

}  // namespace mmbot::feed::detail

#endif  // MMBOT_FEED_DETAIL_BOOK_SCANNER_HPP
