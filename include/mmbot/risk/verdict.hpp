// mmbot/risk/verdict.hpp
//
// What a risk check says about an order or about the current state: pass, block this order, or
// freeze the bot. A non-passing verdict names the check (its reason label), the observed value and
// the limit, as text, so that a freeze event and a log line can say exactly what broke.
//
// Verdicts are produced per order on the hot path, so the value texts live in fixed buffers: no
// allocation, whatever the outcome.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/decimal.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

namespace mmbot::risk {

enum class action : std::uint8_t {
    pass,    ///< nothing to say
    block,   ///< this order is not sent; quoting continues
    freeze,  ///< cancel everything and stop quoting until an operator (or the cool-down) unfreezes
};

[[nodiscard]] constexpr std::string_view to_string(action a) noexcept {
    return core::enum_label(a);
}

/// A short value rendered as text without allocating (decimals, counts, durations).
class value_text {
public:
    value_text() = default;
    // Assigned in the body: clang's -Wuninitialized takes buf_ in size_'s initializer for unset
    // (a false positive: buf_ comes first, so its {} has run), and the coverage build is clang.
    template <class Unit>
    explicit value_text(const core::decimal<Unit>& d) {
        size_ = d.to_chars(buf_.data());
    }
    explicit value_text(std::int64_t n) {
        const int written = std::snprintf(buf_.data(), buf_.size(), "%lld", static_cast<long long>(n));
        size_ = written > 0 ? static_cast<std::size_t>(written) : 0U;
    }
    [[nodiscard]] std::string_view view() const noexcept { return {buf_.data(), size_}; }

private:
    std::array<char, core::max_decimal_chars> buf_{};
    std::size_t size_ = 0;
};

struct verdict {
    action act = action::pass;
    /// The check's name: the block or freeze reason label (metrics, logs, report).
    std::string_view reason;
    value_text observed;
    value_text limit;

    [[nodiscard]] bool passed() const noexcept { return act == action::pass; }

    [[nodiscard]] static verdict ok() noexcept { return {}; }
    template <class Observed, class Limit>
    [[nodiscard]] static verdict make(action a, std::string_view reason, const Observed& observed,
                                      const Limit& limit) {
        return verdict{a, reason, value_text(observed), value_text(limit)};
    }
    /// `a` when observed exceeds the limit (the texts are rendered only then), else a pass: the
    /// rule of every cap.
    template <class Observed, class Limit>
    [[nodiscard]] static verdict above(action a, std::string_view reason, const Observed& observed,
                                       const Limit& limit) {
        return observed > limit ? make(a, reason, observed, limit) : ok();
    }
    /// `a` when observed is under the floor, else a pass.
    template <class Observed, class Floor>
    [[nodiscard]] static verdict below(action a, std::string_view reason, const Observed& observed,
                                       const Floor& floor) {
        return observed < floor ? make(a, reason, observed, floor) : ok();
    }
    /// This verdict when it does not pass, else the next one (`next` runs only then).
    template <class Next>
    [[nodiscard]] verdict or_else(Next&& next) const {
        return passed() ? std::forward<Next>(next)() : *this;
    }
};

}  // namespace mmbot::risk
