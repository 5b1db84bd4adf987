// mmbot/feed/types.hpp
//
// The plain market-data values the feed layer produces: book updates (snapshot or delta, with the
// levels of each side), trade prints and ticker fields, plus the `decoded_message` that holds the
// latest of them.
//
// Everything here is a value type with exact decimals (mmbot::core::price / quantity) and fixed
// capacity text, so a decoder can refill the same `decoded_message` for every message without
// touching the heap once its level and trade vectors have grown to the largest message seen.
//
//   mmbot::feed::decoded_message msg;          // owned by the caller, reused for every message
//   if (codec.decode(line, msg) && msg.kind == mmbot::feed::message_kind::book) {
//       for (const auto& lv : msg.book.bids) { /* lv.px, lv.qty */ }
//   }
#pragma once

#include "mmbot/core/units.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mmbot::feed {

/// Text with a compile-time capacity and no heap: symbols and trade ids. Assigning longer text
/// fails (returns false) so the decoder can report it instead of truncating silently.
template <std::size_t Capacity>
class bounded_string {
    static_assert(Capacity > 0 && Capacity < 256, "bounded_string: capacity must fit in a uint8_t");

public:
    static constexpr std::size_t capacity = Capacity;

    constexpr bounded_string() = default;

    /// Replaces the content; false (content unchanged) when `text` is longer than Capacity.
    [[nodiscard]] constexpr bool assign(std::string_view text) noexcept {
        if (text.size() > Capacity) return false;
        for (std::size_t i = 0; i < text.size(); ++i) buf_[i] = text[i];
        size_ = static_cast<std::uint8_t>(text.size());
        return true;
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {buf_.data(), size_}; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }

    friend constexpr bool operator==(const bounded_string& a, const bounded_string& b) noexcept {
        return a.view() == b.view();
    }
    friend constexpr bool operator==(const bounded_string& a, std::string_view b) noexcept {
        return a.view() == b;
    }

private:
    std::array<char, Capacity> buf_{};
    std::uint8_t size_{0};
};

/// Bybit symbols are at most ~25 characters ("BTC-27DEC24-100000-C"); 32 leaves room.
using symbol = bounded_string<32>;
/// Trade ids: UUIDs on linear (36 chars), decimal numbers on spot (19 digits).
using trade_id = bounded_string<48>;

/// Which side of the book a level rests on.
enum class book_side : std::uint8_t { bid, ask };

/// One price level. In a delta, a zero `qty` means "delete this level".
struct level {
    core::price px;
    core::quantity qty;
    friend bool operator==(const level&, const level&) = default;
};

/// `type` of an orderbook message: a snapshot replaces the book, a delta edits it.
enum class book_action : std::uint8_t { snapshot, delta };

/// One `orderbook.{depth}.{symbol}` message.
struct book_update {
    symbol sym;
    std::uint32_t depth{0};           ///< from the topic: 1, 50, 200, 500, ...
    book_action action{book_action::delta};
    std::int64_t ts_ms{0};            ///< `ts`: when the system generated the data (ms)
    std::optional<std::int64_t> cts_ms;  ///< `cts`: matching-engine time (absent in old dumps)
    std::uint64_t u{0};               ///< update id: +1 per delta; 1 means "service restarted"
    std::optional<std::uint64_t> seq;    ///< cross-sequence, comparable across depths
    std::vector<level> bids;          ///< `data.b` in message order (best first on Bybit)
    std::vector<level> asks;          ///< `data.a` in message order (best first on Bybit)
};

/// Aggressor side of a trade print (`S`): "Buy" means the taker bought, lifting asks.
enum class taker_side : std::uint8_t { buy, sell };

/// One print from `publicTrade.{symbol}`.
struct trade {
    std::int64_t ts_ms{0};  ///< `T`: fill time (ms)
    symbol sym;
    taker_side side{taker_side::buy};
    core::price px;
    core::quantity qty;
    trade_id id;
    bool block_trade{false};          ///< `BT`
    std::optional<std::uint64_t> seq;  ///< `seq` (present on current streams)
};

/// A `publicTrade` message: one or more prints, oldest first.
struct trade_batch {
    std::int64_t ts_ms{0};
    std::vector<trade> prints;
};

/// The fields of `tickers.{symbol}` the engine uses. Deltas carry only what changed, so each field
/// is optional; Bybit's empty string ("" = no value) also reads as absent.
struct ticker {
    symbol sym;
    book_action action{book_action::snapshot};
    std::int64_t ts_ms{0};
    std::optional<core::price> last_price;
    std::optional<core::price> mark_price;
    std::optional<core::price> index_price;
    std::optional<core::price> bid1_price;
    std::optional<core::quantity> bid1_size;
    std::optional<core::price> ask1_price;
    std::optional<core::quantity> ask1_size;
    std::optional<core::ratio> funding_rate;
};

/// What a decoded message turned out to be.
enum class message_kind : std::uint8_t {
    book,     ///< `book` is filled
    trades,   ///< `trades` is filled
    ticker,   ///< `tick` is filled
    ignored,  ///< well-formed but not market data we use: see `ignored_what`
};

/// Why a well-formed message was ignored.
enum class ignored_reason : std::uint8_t {
    none,
    control,            ///< an `op` message: subscribe ack, pong, auth reply
    unsupported_topic,  ///< a topic we do not decode (kline, liquidation, ...)
};

/// Caller-owned decode target. Only the member named by `kind` is meaningful after a decode; the
/// others keep their old contents (and their vectors keep their capacity).
struct decoded_message {
    message_kind kind{message_kind::ignored};
    ignored_reason ignored_what{ignored_reason::none};
    /// Top-level `ts` (ms) when the message has one; op messages have none.
    std::optional<std::int64_t> ts_ms;
    book_update book;
    trade_batch trades;
    ticker tick;
};

}  // namespace mmbot::feed
