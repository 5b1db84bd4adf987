// mmbot/shard/lease.hpp
//
// A shard's lease: the one Redis key that says which process trades the shard. Taken with
// `SET key holder NX PX lease_ms` (only when nobody holds it), renewed with a compare-and-renew
// script (the TTL is extended only while the key still holds *this* process's holder text, so a
// stale process never extends another's lease), released the same way at a clean stop.
//
//   shard_lease lease{keys, "alpha", holder_text(), std::chrono::seconds(10)};
//   auto taken = lease.acquire(link);   // shard_taken naming the holder, redis_unreachable
//   bool held = *lease.renew(link);     // false: the key expired and another process took it
//
// The holder text is "<host>:<pid>:<8 hex digits>": what an operator needs to find the other
// process, and unique per process start.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/shard/errors.hpp"
#include "mmbot/shard/keys.hpp"
#include "mmbot/shard/redis_link.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <random>
#include <string>
#include <utility>

namespace mmbot::shard {

/// "<host>:<pid>:<random>", naming this process to whoever finds the shard taken.
[[nodiscard]] inline std::string holder_text() {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    std::random_device rd;
    return fmt::format("{}:{}:{:08x}", host.data(), ::getpid(), rd());
}

class shard_lease {
public:
    shard_lease(const key_space& keys, std::string shard, std::string holder, std::chrono::milliseconds ttl)
        : key_(keys.lease(shard)), shard_(std::move(shard)), holder_(std::move(holder)), ttl_(ttl) {}

    /// Takes the lease if nobody holds it. shard_taken names the holder and how long its lease
    /// still runs; a holder that died frees the shard when that runs out.
    [[nodiscard]] core::result<void> acquire(redis_link& link) const {
        auto set = link.command({"SET", key_, holder_, "NX", "PX", std::to_string(ttl_.count())});
        if (!set) return set.error();
        if (!set->is_nil()) return {};
        auto who = link.pipeline({{"GET", key_}, {"PTTL", key_}});
        if (!who) return who.error();
        const auto& name = (*who)[0];
        return core::make_error(
            errc::shard_taken,
            fmt::format("shard \"{}\" is held by {} (lease key {}, expires in {} ms unless renewed): another process "
                        "trades this shard; stop it first, or give this one another portfolio.shard",
                        shard_, name.is_nil() ? std::string("(gone)") : name.text, key_, (*who)[1].integer));
    }

    /// Extends the lease while this process holds it; false when the key holds another holder or
    /// none (it expired), in which case this process must stop trading.
    [[nodiscard]] core::result<bool> renew(redis_link& link) const {
        auto r = link.command({"EVAL", std::string(renew_script), "1", key_, holder_, std::to_string(ttl_.count())});
        if (!r) return r.error();
        return r->integer == 1;
    }

    /// Renews, or takes the lease again when the key is gone (Redis restarted, or this process
    /// could not renew in time and nobody else took it). False: another holder has it.
    [[nodiscard]] core::result<bool> confirm(redis_link& link) const {
        auto renewed = renew(link);
        if (!renewed || *renewed) return renewed;
        auto again = acquire(link);
        if (again) return true;
        if (again.error().code == errc::shard_taken) return false;
        return again.error();
    }

    /// Deletes the key if this process still holds it (a clean stop: the next process starts at once).
    [[nodiscard]] core::result<void> release(redis_link& link) const {
        auto r = link.command({"EVAL", std::string(release_script), "1", key_, holder_});
        if (!r) return r.error();
        return {};
    }

    [[nodiscard]] const std::string& holder() const noexcept { return holder_; }
    [[nodiscard]] const std::string& key() const noexcept { return key_; }
    [[nodiscard]] std::chrono::milliseconds ttl() const noexcept { return ttl_; }

private:
    static constexpr std::string_view renew_script =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    static constexpr std::string_view release_script =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    std::string key_;
    std::string shard_;
    std::string holder_;
    std::chrono::milliseconds ttl_;
};

}  // namespace mmbot::shard
