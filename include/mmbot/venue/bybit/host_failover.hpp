// mmbot/venue/bybit/host_failover.hpp
//
// Which REST host a request goes to: the environment's primary (Env::rest_host), or, after the
// primary has failed its health checks, the second domain on which Bybit serves the very same v5
// API for that environment (Env::rest_failover_host: api.bytick.com beside api.bybit.com for
// mainnet). Both hosts are compile-time facts of the environment, so a failover can never reach
// a different environment; an environment without a second domain (testnet) simply stays put.
//
// Health: a request that could not be sent or got no answer (bybit_not_sent, bybit_timeout) is a
// failure of the host it went to; any HTTP answer is a success (a retCode is the venue speaking).
// `failures_to_switch` consecutive failures move traffic to the other host. While on the
// failover host, the primary is probed (a market/time call the caller makes when
// `should_probe_primary` says so) every `probe_interval`; one good probe moves traffic back.
// TLS failures (bybit_tls) are not health: a certificate that does not verify is never a reason
// to try elsewhere quietly, so they leave the selection alone and surface to the operator.
//
//   host_failover<env::live> hosts;
//   auto r = transport_for(hosts.current()).send(req, &signer, now_ms);
//   hosts.on_result(r ? request_health::answered : health_of(r.error()), now);
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mmbot::venue::bybit {

enum class request_health : std::uint8_t {
    answered,      ///< an HTTP response came back (whatever its retCode)
    unreachable,   ///< not sent or timed out: the host's fault as far as we can tell
    not_health,    ///< says nothing about the host (TLS verification, a request we refused)
};

/// How a transport error counts for host health.
[[nodiscard]] inline request_health health_of(const core::error& e) noexcept {
    if (e.code == errc::not_sent || e.code == errc::timeout) return request_health::unreachable;
    return request_health::not_health;
}

struct failover_params {
    int failures_to_switch = 3;
    std::chrono::nanoseconds probe_interval = std::chrono::seconds(30);
};

template <env::environment Env>
class host_failover {
public:
    using timestamp = std::chrono::nanoseconds;

    explicit host_failover(failover_params p = {}) : p_(p) {}

    /// Whether this environment has a second host at all.
    [[nodiscard]] static constexpr bool has_failover() noexcept { return !Env::rest_failover_host.empty(); }

    [[nodiscard]] std::string_view current() const noexcept {
        return on_failover_ ? Env::rest_failover_host : Env::rest_host;
    }
    [[nodiscard]] bool on_failover() const noexcept { return on_failover_; }
    /// Times traffic moved from one host to the other (for mm_venue_failovers_total).
    [[nodiscard]] std::int64_t switches() const noexcept { return switches_; }

    /// Outcome of a request sent to current().
    void on_result(request_health h, timestamp now) {
        if (h == request_health::not_health) return;
        if (h == request_health::answered) {
            consecutive_failures_ = 0;
            return;
        }
        if (++consecutive_failures_ < p_.failures_to_switch || !has_failover()) return;
        switch_to(!on_failover_, now);
    }

    /// True when the caller should probe the primary now (only while on the failover host).
    [[nodiscard]] bool should_probe_primary(timestamp now) const noexcept {
        return on_failover_ && now - last_switch_ >= p_.probe_interval &&
               now - last_probe_ >= p_.probe_interval;
    }

    /// Outcome of a probe of the primary: answered moves traffic back.
    void on_primary_probe(request_health h, timestamp now) {
        last_probe_ = now;
        if (on_failover_ && h == request_health::answered) switch_to(false, now);
    }

private:
    void switch_to(bool failover, timestamp now) {
        on_failover_ = failover;
        consecutive_failures_ = 0;
        last_switch_ = now;
        last_probe_ = now;
        ++switches_;
    }

    failover_params p_;
    bool on_failover_ = false;
    int consecutive_failures_ = 0;
    timestamp last_switch_{0};
    timestamp last_probe_{0};
    std::int64_t switches_ = 0;
};

}  // namespace mmbot::venue::bybit
