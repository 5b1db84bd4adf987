// mmbot/app/config_reload.hpp
//
// Hot reload of limits: on SIGHUP or when the config file's modification time changes, the file is
// read and validated again. A valid new file replaces the limits (risk, strategy and maker
// parameters); an invalid one is rejected with its error and the running config stays. What cannot
// change under a running bot (environment, symbol list, filters, journal) is refused by name.
//
//   config_reloader r{path, current};
//   if (auto outcome = r.poll(sighup_seen)) {
//       if (*outcome) engine.apply_limits(**outcome); else log.error(outcome->error().message);
//   }
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/app/errors.hpp"

#include <sys/stat.h>

#include <optional>
#include <string>

namespace mmbot::app {

/// The new config if `next` only changes what may change at run time, else the refusal.
[[nodiscard]] inline core::result<config> check_reloadable(const config& current, const config& next,
                                                           bool canary_caps_fixed = false) {
    const auto refuse = [](std::string_view what) {
        return core::make_error(errc::invalid_reload,
                                fmt::format("config reload: {} cannot change while running; "
                                            "restart to change it (the running config stays)",
                                            what));
    };
    if (next.environment != current.environment) return refuse("environment");
    if (next.journal.path != current.journal.path || next.journal.fsync != current.journal.fsync) {
        return refuse("journal");
    }
    if (next.symbols.size() != current.symbols.size()) return refuse("the symbol list");
    // The shard's identity and its Redis are fixed for the run; its limits (max_total_loss,
    // assets) and grace reload like any limit.
    if (next.portfolio.has_value() != current.portfolio.has_value()) return refuse("portfolio (being a shard)");
    if (next.portfolio) {
        const auto& a = *current.portfolio;
        const auto& b = *next.portfolio;
        if (a.shard != b.shard || a.venue != b.venue || a.redis_host != b.redis_host || a.redis_port != b.redis_port ||
            a.redis_namespace != b.redis_namespace || a.lease != b.lease || a.publish_interval != b.publish_interval) {
            return refuse("portfolio.shard, venue, redis, lease_ms and publish_interval_ms");
        }
    }
    for (const auto& [name, sc] : current.symbols) {
        auto it = next.symbols.find(name);
        if (it == next.symbols.end()) return refuse("the symbol list");
        const auto& a = sc.filters;
        const auto& b = it->second.filters;
        if (a.tick_size != b.tick_size || a.qty_step != b.qty_step || a.min_qty != b.min_qty ||
            a.max_qty != b.max_qty || a.min_notional != b.min_notional ||
            a.min_price != b.min_price || a.max_price != b.max_price) {
            return refuse(fmt::format("symbols.{}.filters", name));
        }
        // Live: a canary cap may tighten while running, never loosen: that needs a restart with
        // --i-understand-this-is-live, so a person signs off on the larger exposure.
        const auto& cap = sc.limits.canary_max_inventory_notional;
        const auto& next_cap = it->second.limits.canary_max_inventory_notional;
        if (canary_caps_fixed && cap < next_cap) {
            return core::make_error(
                errc::invalid_reload,
                fmt::format("config reload: symbols.{}.risk.canary_max_inventory_notional: {} -> {} loosens a canary "
                            "cap; restart with --i-understand-this-is-live to raise it (the running config stays)",
                            name, cap.to_string(), next_cap == core::notional::max() ? "none" : next_cap.to_string()));
        }
    }
    return next;
}

class config_reloader {
public:
    /// `canary_caps_fixed` (live): a reload may not raise a canary cap.
    config_reloader(std::string path, config current, bool canary_caps_fixed = false)
        : path_(std::move(path)), current_(std::move(current)), mtime_(modification_time()),
          canary_caps_fixed_(canary_caps_fixed) {}

    /// Reloads when `signalled` (SIGHUP, mmbot-ctl reload) or the file changed since the last
    /// look. Returns nothing when there was nothing to do, else the outcome: the new config (now
    /// current) or the error that kept the old one.
    [[nodiscard]] std::optional<core::result<config>> poll(bool signalled) {
        const auto m = modification_time();
        if (!signalled && m == mtime_) return std::nullopt;
        mtime_ = m;
        auto next = load_config_file(path_);
        if (!next) return core::result<config>(next.error());
        auto checked = check_reloadable(current_, *next, canary_caps_fixed_);
        if (checked) current_ = *checked;
        return checked;
    }

    [[nodiscard]] const config& current() const noexcept { return current_; }

private:
    [[nodiscard]] std::int64_t modification_time() const {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) return -1;
        return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    }

    std::string path_;
    config current_;
    std::int64_t mtime_;
    bool canary_caps_fixed_;
};

}  // namespace mmbot::app
