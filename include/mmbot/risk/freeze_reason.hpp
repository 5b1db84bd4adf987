// mmbot/risk/freeze_reason.hpp
//
// An operator's freeze reason and how the freeze it causes may end.
//
// A risk check's freeze ends after the monitor's cool-down (or an operator's unfreeze); a kill
// switch's must not: only an operator undoes it. That is a property of the reason, carried as a
// typed field rather than read back from the label's spelling.
//
//   inline constexpr risk::freeze_reason kill{"kill_switch_signal", risk::release::operator_only};
//   monitor.freeze_manually(kill, now);   // sticky: cool_down() leaves it alone
#pragma once

#include <cstdint>
#include <string_view>

namespace mmbot::risk {

/// How a freeze may end.
enum class release : std::uint8_t {
    cool_down,      ///< after the monitor's cool-down (if one is configured) or an operator's unfreeze
    operator_only,  ///< only an operator's unfreeze (a kill switch): no cool-down undoes it
};

/// Why an operator froze the bot, and how that freeze may end.
struct freeze_reason {
    std::string_view label;  ///< the freeze_event reason, the metric and log label
    release how = release::cool_down;

    /// Logs and the cancel-all reason read it as its label.
    constexpr operator std::string_view() const noexcept { return label; }  // NOLINT(google-explicit-constructor)

    friend constexpr bool operator==(const freeze_reason&, const freeze_reason&) noexcept = default;

    /// Test frameworks print the label.
    template <class Os>
    friend auto operator<<(Os& os, const freeze_reason& r) -> decltype(os << std::string_view{}) {
        return os << r.label;
    }
};

}  // namespace mmbot::risk
