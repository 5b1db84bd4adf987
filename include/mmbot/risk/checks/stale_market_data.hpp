// mmbot/risk/checks/stale_market_data.hpp
//
// Blocks quoting a symbol whose book has not changed for longer than `stale_after`: a quote made
// on an old book is a free option for everyone else. No freeze: quoting resumes when data does.
#pragma once

#include "mmbot/risk/check.hpp"

namespace mmbot::risk {

struct stale_market_data : order_only_check<"stale_market_data"> {
    [[nodiscard]] static verdict check_order(const order_intent& /*unused*/, const symbol_view& s,
                                             const bot_view& b) {
        const auto age = b.now - s.last_book_update;
        if (s.last_book_update.count() == 0 || age > s.limits->stale_after) {
            const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(age);
            const auto limit_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(s.limits->stale_after);
            return verdict::make(action::block, name, std::int64_t{age_ms.count()},
                                 std::int64_t{limit_ms.count()});
        }
        return verdict::ok();
    }
};

}  // namespace mmbot::risk
