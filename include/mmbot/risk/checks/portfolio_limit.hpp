// mmbot/risk/checks/portfolio_limit.hpp
//
// Freezes the shard on the portfolio across shards and venues (risk/portfolio.hpp), as its shard
// coordinator last saw it (hook `portfolio_seen`):
//   portfolio_kill_all   `mmbot-ctl kill --all` is in force (the key stays until it is cleared,
//                        so an unfreeze is refused while it holds)
//   shard_lease_lost     this process does not hold its shard's lease: it may be the stale copy
//   portfolio_unseen     the view is older than the grace (Redis unreachable): observed and limit
//                        in ms
//   portfolio_loss       total loss across shards above max_total_loss
//   portfolio_exposure   an asset's gross or net exposure above its limit
// Until the first `portfolio_seen` (a bot without a portfolio section never gets one) it passes
// everything, so a bot that is not a shard behaves as before. Every shard judges the same view by
// its own configured limits: a breach freezes all of them, each on its own next view (the
// coordinators re-read on every shard's publish, docs/deploy.md).
#pragma once

#include "mmbot/risk/check.hpp"
#include "mmbot/risk/portfolio.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>

namespace mmbot::risk {

struct portfolio_limit : state_only_check<portfolio_limit> {
    static constexpr std::string_view name = "portfolio_limit";
    static constexpr std::string_view kill_all = "portfolio_kill_all";
    static constexpr std::string_view lease_lost = "shard_lease_lost";
    static constexpr std::string_view unseen = "portfolio_unseen";
    static constexpr std::string_view loss = "portfolio_loss";
    static constexpr std::string_view exposure = "portfolio_exposure";
    /// Every reason its verdicts carry (the block/freeze labels besides its name).
    static constexpr std::array<std::string_view, 5> reasons = {kill_all, lease_lost, unseen, loss, exposure};

    void on(const portfolio_seen& e) { seen_ = e; }

    [[nodiscard]] verdict check_state(const symbol_view& /*unused*/, const bot_view& b) const {
        if (!seen_.view || !seen_.limits) return verdict::ok();
        const portfolio_view& v = *seen_.view;
        const portfolio_limits& l = *seen_.limits;
        if (!v.kill_reason.empty()) return verdict::make(action::freeze, kill_all, std::int64_t{1}, std::int64_t{0});
        if (!v.lease_held) return verdict::make(action::freeze, lease_lost, std::int64_t{0}, std::int64_t{1});
        const auto age = b.now - v.as_of;
        if (v.as_of.count() == 0 || age > l.grace) {
            using std::chrono::duration_cast;
            using std::chrono::milliseconds;
            return verdict::make(action::freeze, unseen, std::int64_t{duration_cast<milliseconds>(age).count()},
                                 std::int64_t{duration_cast<milliseconds>(l.grace).count()});
        }
        if (auto r = verdict::above(action::freeze, loss, v.total_loss, l.max_total_loss); !r.passed()) return r;
        for (const auto& [asset, e] : v.exposure) {
            const auto it = l.assets.find(asset);
            if (it == l.assets.end()) continue;
            if (auto r = verdict::above(action::freeze, exposure, e.gross, it->second.max_gross_exposure); !r.passed()) {
                return r;
            }
            if (auto r = verdict::above(action::freeze, exposure, e.net, it->second.max_net_exposure); !r.passed()) {
                return r;
            }
        }
        return verdict::ok();
    }

    /// The last view handed over (null until the first): status pages and tests read it.
    [[nodiscard]] const std::shared_ptr<const portfolio_view>& view() const noexcept { return seen_.view; }

private:
    portfolio_seen seen_;
};

}  // namespace mmbot::risk
