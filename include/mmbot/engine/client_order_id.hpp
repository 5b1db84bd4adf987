// mmbot/engine/client_order_id.hpp
//
// Client order ids that Bybit accepts as `orderLinkId` and that never repeat, even across
// restarts.
//
// Bybit allows at most 36 characters of letters, digits, '-' and '_' and rejects an orderLinkId it
// has already seen, so a repeat after a restart would turn a fresh quote into a reject (or worse,
// let a stale journal entry match a new order). An id is
//
//   "mm-" <run id> "-" <counter>          e.g. "mm-mifk3a2b0x7q-1z"
//
// where the run id is the start time in milliseconds (8 base-36 digits until 2059) followed by four
// base-36 digits of entropy (random device mixed with the pid), and the counter is base 36. The
// longest id is 3 + 12 + 1 + 13 = 29 characters. A shard (docs/deploy.md) puts its name (1-6 of
// [a-z0-9]) in front of the run id, "mm-" <shard> "_" <run id> "-" <counter>, e.g.
// "mm-alpha_mifk3a2b0x7q-1z", at most 36 characters until 2059: two shards never make the same
// id, whatever their clocks. Two starts in the same millisecond differ by
// their entropy; on top of that the counter resumes after the largest counter found in the journal
// (`resume_after`), so ids keep growing across runs even if the clock steps back.
//
//   auto ids = client_order_id_generator::from_system();
//   ids.resume_after(store.max_id_counter());   // after journal recovery
//   std::string id = ids.next();                 // "mm-<run>-<n>"
//   validate_order_link_id(id_read_back);        // result<void>: length and charset
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/engine/errors.hpp"
#include "mmbot/engine/order.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::engine {

/// Bybit's limit on orderLinkId length.
inline constexpr std::size_t max_order_link_id_chars = 36;

namespace detail {
inline constexpr std::string_view base36_digits = "0123456789abcdefghijklmnopqrstuvwxyz";

[[nodiscard]] constexpr bool is_link_id_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/// Base-36 text of `v`, left-padded with '0' to at least `min_width` digits.
[[nodiscard]] inline std::string to_base36(std::uint64_t v, std::size_t min_width = 1) {
    std::string out;
    do {
        out.push_back(base36_digits[static_cast<std::size_t>(v % 36U)]);
        v /= 36U;
    } while (v != 0);
    while (out.size() < min_width) out.push_back('0');
    std::reverse(out.begin(), out.end());
    return out;
}

/// Parses lower-case base 36; nullopt on an empty string, another character or overflow.
[[nodiscard]] inline std::optional<std::uint64_t> from_base36(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : text) {
        const auto d = base36_digits.find(c);
        if (d == std::string_view::npos) return std::nullopt;
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 36U) return std::nullopt;
        v = v * 36U + d;
    }
    return v;
}
}  // namespace detail

/// Checks an id read back from the journal or the venue against Bybit's orderLinkId rules.
/// Errors: `invalid_client_order_id` naming the id and what is wrong (empty, too long, character).
[[nodiscard]] inline core::result<void> validate_order_link_id(std::string_view id) {
    const auto fail = [&](std::string_view why) {
        return core::make_error(errc::invalid_client_order_id,
                                fmt::format("client_order_id \"{}\": {}", id, why));
    };
    if (id.empty()) return fail("must not be empty");
    if (id.size() > max_order_link_id_chars) {
        return fail(fmt::format("{} characters, at most {} allowed", id.size(),
                                max_order_link_id_chars));
    }
    const auto bad = std::find_if_not(id.begin(), id.end(), detail::is_link_id_char);
    if (bad != id.end()) {
        return fail(fmt::format("character at offset {} is not a letter, digit, '-' or '_'",
                                bad - id.begin()));
    }
    return {};
}

/// The parts of an id this module generated.
struct parsed_client_order_id {
    std::string_view run_id;  ///< with the shard, if any ("alpha_mifk3a2b0x7q")
    std::uint64_t counter = 0;
    std::string_view shard;   ///< empty for a bot that is not a shard
};

/// A shard name that fits an id: 1-6 of [a-z0-9].
[[nodiscard]] constexpr bool valid_shard_name(std::string_view shard) noexcept {
    return !shard.empty() && shard.size() <= 6 &&
           std::all_of(shard.begin(), shard.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

/// Splits "mm-<run>-<counter>"; nullopt for ids of any other shape (an operator's manual order,
/// say), which recovery then simply ignores when it looks for the largest counter.
[[nodiscard]] inline std::optional<parsed_client_order_id> parse_client_order_id(
    std::string_view id) noexcept {
    constexpr std::string_view prefix = "mm-";
    if (id.size() > max_order_link_id_chars || id.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    const std::string_view rest = id.substr(prefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos || dash == 0) return std::nullopt;
    const auto counter = detail::from_base36(rest.substr(dash + 1));
    const std::string_view run = rest.substr(0, dash);
    const auto under = run.find('_');
    const std::string_view shard = under == std::string_view::npos ? std::string_view{} : run.substr(0, under);
    if (under != std::string_view::npos && !valid_shard_name(shard)) return std::nullopt;
    const std::string_view start = under == std::string_view::npos ? run : run.substr(under + 1);
    if (!counter || !detail::from_base36(start)) return std::nullopt;
    return parsed_client_order_id{run, *counter, shard};
}

/// Run id from a start time and some entropy: 8+ base-36 digits of milliseconds, then 4 of
/// entropy. Deterministic, so tests pass their own values.
[[nodiscard]] inline std::string make_run_id(timestamp start, std::uint32_t entropy) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(start).count();
    constexpr std::uint32_t entropy_space = 36U * 36U * 36U * 36U;
    return detail::to_base36(static_cast<std::uint64_t>(std::max<std::int64_t>(ms, 0)), 8) +
           detail::to_base36(entropy % entropy_space, 4);
}

/// Hands out ids for one run. Not thread-safe: the execution loop owns it.
class client_order_id_generator {
public:
    /// `run_id` must be lower-case base 36 (make_run_id produces one); counters start at
    /// `next_counter`.
    explicit client_order_id_generator(std::string run_id, std::uint64_t next_counter = 1)
        : run_id_(std::move(run_id)), next_(next_counter) {}

    /// The run id for `start` and `entropy` (tests, replays); a shard's name in front of it when
    /// given (it must be valid_shard_name: the config checked it).
    [[nodiscard]] static client_order_id_generator for_run(timestamp start, std::uint32_t entropy,
                                                           std::string_view shard = {}) {
        if (!shard.empty() && !valid_shard_name(shard)) {
            throw std::invalid_argument("client_order_id_generator: bad shard name");
        }
        return client_order_id_generator(shard.empty() ? make_run_id(start, entropy)
                                                       : std::string(shard) + "_" + make_run_id(start, entropy));
    }

    /// Start time from the system clock, entropy from std::random_device mixed with the pid (so
    /// two processes started together still differ when the random device is deterministic).
    [[nodiscard]] static client_order_id_generator from_system() {
        std::random_device rd;
        const auto entropy = static_cast<std::uint32_t>(rd()) ^
                             (static_cast<std::uint32_t>(::getpid()) * 2654435761U);
        return for_run(std::chrono::duration_cast<timestamp>(
                           std::chrono::system_clock::now().time_since_epoch()),
                       entropy);
    }

    /// The next id. Throws std::overflow_error after 2^64-1 ids (not reachable in practice).
    [[nodiscard]] std::string next() {
        std::string id;
        next(id);
        return id;
    }
    /// The same written over `out`: a caller that keeps `out` does not allocate (the loop's
    /// order path).
    void next(std::string& out) {
        if (next_ == std::numeric_limits<std::uint64_t>::max()) {
            throw std::overflow_error("client_order_id_generator: counter exhausted");
        }
        std::array<char, 16> digits{};  // 2^64 - 1 is 13 base-36 digits
        std::size_t n = digits.size();
        for (std::uint64_t v = next_++; n == digits.size() || v != 0; v /= 36U) {
            digits[--n] = detail::base36_digits[static_cast<std::size_t>(v % 36U)];
        }
        out.assign("mm-");
        out.append(run_id_);
        out.push_back('-');
        out.append(digits.data() + n, digits.size() - n);
    }

    /// Continues after the largest counter recovered from the journal (never moves backwards).
    void resume_after(std::uint64_t max_seen) noexcept {
        if (max_seen != std::numeric_limits<std::uint64_t>::max()) {
            next_ = std::max(next_, max_seen + 1);
        }
    }

    [[nodiscard]] const std::string& run_id() const noexcept { return run_id_; }
    [[nodiscard]] std::uint64_t next_counter() const noexcept { return next_; }

private:
    std::string run_id_;
    std::uint64_t next_;
};

}  // namespace mmbot::engine
