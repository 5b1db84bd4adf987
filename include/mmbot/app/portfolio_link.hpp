// mmbot/app/portfolio_link.hpp
//
// A trading session's side of being a shard (the config's "portfolio" section, docs/deploy.md),
// polled on the loop's thread once per turn; all Redis I/O stays on the coordinator's thread
// (shard/coordinator.hpp). Each turn it
//   - posts the shard's state (positions, open-order notional, PnL per symbol) every
//     publish_interval: a copy of decimals, no I/O;
//   - hands a new portfolio view to the gate's portfolio check (risk/checks/portfolio_limit.hpp)
//     the turn it appears, and the check judges it at once (execution_loop::notify_checks);
//   - applies `mmbot-ctl kill --all` (the view carries it): freeze `kill_switch_all`, sticky
//     like the kill switch, and cancel every order;
//   - resumes the loop when what froze it was Redis or the lease (portfolio_unseen,
//     shard_lease_lost) and the condition is gone: Redis answered again and the lease is
//     confirmed. A limit breach or a kill stays frozen as any other.
//   - exports mm_portfolio_*, mm_shard_lease_held, mm_redis_up and logs each change of Redis or
//     lease once.
//
//   auto c = start_shard<Env>(cfg, wall_now);          // exit 9: shard taken, Redis unreachable
//   portfolio_link link{std::move(*c), *cfg.portfolio, metrics};
//   link.poll(loop, now, log);                          // each turn, once quoting
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/engine/order.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/risk/checks/portfolio_limit.hpp"
#include "mmbot/risk/freeze_reason.hpp"
#include "mmbot/risk/portfolio.hpp"
#include "mmbot/shard/coordinator.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace mmbot::app {

/// `mmbot-ctl kill --all`: operator_only, like the kill switch it is.
inline constexpr risk::freeze_reason kill_switch_all_reason{"kill_switch_all", risk::release::operator_only};

class portfolio_link {
public:
    portfolio_link(std::unique_ptr<shard::coordinator> c, const portfolio_config& pc, obs::mm_metrics& m)
        : coordinator_(std::move(c)), limits_(std::make_shared<const risk::portfolio_limits>(pc.limits)),
          publish_every_(pc.publish_interval), lease_gauge_(m.shard_lease_held.with({})), redis_gauge_(m.redis_up.with({})),
          loss_gauge_(m.portfolio_loss.with({})), metrics_(m) {
        lease_gauge_.set(std::int64_t{1});
        redis_gauge_.set(std::int64_t{1});
    }

    /// New limits from a reload (max_total_loss, assets, grace): judged from the next view on.
    void set_limits(const risk::portfolio_limits& l) {
        limits_ = std::make_shared<const risk::portfolio_limits>(l);
        seen_version_ = 0;  // hand the current view over again, with the new limits
    }

    template <class Loop, class Logger>
    void poll(Loop& loop, std::chrono::nanoseconds now, Logger& log) {
        if (now - last_post_ >= publish_every_) {
            last_post_ = now;
            coordinator_->post(state_of(loop, now));
        }
        note_health(log);
        const auto version = coordinator_->version();
        if (version == seen_version_) return;
        seen_version_ = version;
        auto view = coordinator_->view();
        export_view(*view);
        loop.notify_checks(risk::portfolio_seen{view, limits_}, now);
        apply_kill(loop, *view, now, log);
        resume_if_clear(loop, now, log);
    }

    [[nodiscard]] const shard::coordinator& coordinator() const noexcept { return *coordinator_; }

private:
    /// The shard's state as the loop holds it now: per symbol the position, mid, PnL (the risk
    /// view) and the notional of its open orders by side.
    template <class Loop>
    [[nodiscard]] static risk::shard_state state_of(const Loop& loop, std::chrono::nanoseconds now) {
        risk::shard_state s;
        s.updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
        for (const auto& v : loop.risk_views()) {
            risk::shard_symbol_state sym{std::string(v.symbol), v.position, v.mid, {}, {}, v.realized_pnl,
                                         v.unrealized_pnl};
            for (const auto* o : loop.store().open_orders()) {
                if (o->symbol != v.symbol) continue;
                auto& resting = o->side == engine::side::buy ? sym.open_buy_notional : sym.open_sell_notional;
                resting += o->price * o->remaining_qty();
            }
            s.symbols.push_back(std::move(sym));
        }
        return s;
    }

    void export_view(const risk::portfolio_view& v) {
        for (const auto& [asset, e] : v.exposure) {
            metrics_.portfolio_exposure.with({asset}).set(e.gross);
            metrics_.portfolio_net_exposure.with({asset}).set(e.net);
        }
        loss_gauge_.set(v.total_loss);
        lease_gauge_.set(std::int64_t{v.lease_held ? 1 : 0});
    }

    /// Redis lost or back, the lease lost, a Redis error: one log line per change.
    template <class Logger>
    void note_health(Logger& log) {
        const bool up = coordinator_->redis_up();
        redis_gauge_.set(std::int64_t{up ? 1 : 0});
        auto [error, count] = coordinator_->last_error();
        if (count != errors_seen_) {
            errors_seen_ = count;
            log.warn("shard_redis_error", {{"error", error}, {"errors", static_cast<std::int64_t>(count)}});
        }
        if (up != redis_up_) {
            redis_up_ = up;
            if (up) {
                log.info("shard_redis_back", {{"shard", coordinator_->options().shard}});
            } else {
                log.error("shard_redis_lost", {{"shard", coordinator_->options().shard}, {"error", error}});
            }
        }
        const bool held = coordinator_->lease_held();
        if (held != lease_held_) {
            lease_held_ = held;
            if (!held) lease_gauge_.set(std::int64_t{0});
            log.error(held ? "shard_lease_regained" : "shard_lease_lost",
                      {{"shard", coordinator_->options().shard}, {"holder", coordinator_->holder()}});
        }
    }

    template <class Loop, class Logger>
    void apply_kill(Loop& loop, const risk::portfolio_view& v, std::chrono::nanoseconds now, Logger& log) {
        const bool killed = !v.kill_reason.empty();
        if (killed && !kill_applied_) {
            log.error("kill_switch", {{"trigger", kill_switch_all_reason}, {"reason", v.kill_reason}});
            loop.freeze(kill_switch_all_reason, now);
        }
        kill_applied_ = killed;
    }

    /// Frozen for want of Redis or the lease, and both are back: quote again.
    template <class Loop, class Logger>
    void resume_if_clear(Loop& loop, std::chrono::nanoseconds now, Logger& log) {
        if (!loop.monitor().frozen()) return;
        const auto& last = loop.monitor().last_freeze();
        if (!last || (last->reason != risk::portfolio_limit::unseen && last->reason != risk::portfolio_limit::lease_lost)) {
            return;
        }
        if (loop.breaking_condition(now)) return;
        if (loop.unfreeze(now)) log.warn("shard_resumed", {{"after", last->reason}, {"shard", coordinator_->options().shard}});
    }

    std::unique_ptr<shard::coordinator> coordinator_;
    std::shared_ptr<const risk::portfolio_limits> limits_;
    std::chrono::nanoseconds publish_every_;
    obs::gauge& lease_gauge_;
    obs::gauge& redis_gauge_;
    obs::decimal_gauge<core::notional_unit>& loss_gauge_;
    obs::mm_metrics& metrics_;
    std::chrono::nanoseconds last_post_{0};
    std::uint64_t seen_version_ = 0;
    std::uint64_t errors_seen_ = 0;
    bool redis_up_ = true;
    bool lease_held_ = true;
    bool kill_applied_ = false;
};

/// The shard's coordinator started (lease taken, first view read) when the config makes the bot a
/// shard; nothing otherwise. Exit 9 (shard) when the lease is held by another process (the message
/// names it) or Redis cannot be reached.
template <env::environment Env>
[[nodiscard]] outcome<std::unique_ptr<shard::coordinator>> start_shard(const config& cfg,
                                                                       shard::coordinator::clock_fn now) {
    if (!cfg.portfolio) return std::unique_ptr<shard::coordinator>{};
    const auto& p = *cfg.portfolio;
    shard::coordinator_options o;
    o.shard = p.shard;
    o.venue = p.venue;
    o.redis = {p.redis_host, static_cast<int>(p.redis_port)};
    o.name_space = p.redis_namespace;
    o.lease_ttl = p.lease;
    o.publish_interval = p.publish_interval;
    auto c = shard::coordinator::start(std::move(o), std::move(now));
    if (!c) {
        return fail_with(exit_code_for(c.error().code, exit_code::shard),
                         fmt::format("mmbot-{}: portfolio.shard \"{}\": {}", Env::name, p.shard, c.error().message));
    }
    fmt::print(stderr, "shard {}: lease {}:lease:{} taken by {} (redis {}:{})\n", p.shard, p.redis_namespace, p.shard,
               (*c)->holder(), p.redis_host, p.redis_port);
    return std::move(*c);
}

}  // namespace mmbot::app
