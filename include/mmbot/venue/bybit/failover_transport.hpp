// mmbot/venue/bybit/failover_transport.hpp
//
// A REST sender that uses host_failover: every request goes to the host host_failover picks, the
// outcome counts for that host's health, and while traffic is on the failover host the primary
// is probed with GET /v5/market/time every probe_interval before the next request. The hosts
// are the environment's own two domains (host_failover.hpp), so the other environment is never
// reachable; without a second transport (testnet, or an --endpoint-override) it is the primary
// alone. Only the gateway's sender thread calls send(); the switch count is readable anywhere.
//
//   failover_transport<env::live, transport_ref> t{primary, secondary, clock};
//   order_gateway<failover_transport<...>&-like ref> gw{...};
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/venue/bybit/host_failover.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

namespace mmbot::venue::bybit {

template <env::environment Env, class Transport>
class failover_transport {
public:
    using clock_fn = std::function<std::chrono::nanoseconds()>;

    /// `secondary` is the transport to Env::rest_failover_host, or nothing to stay on the primary.
    failover_transport(Transport primary, std::optional<Transport> secondary, clock_fn clock,
                       failover_params p = {})
        : primary_(std::move(primary)), secondary_(std::move(secondary)), clock_(std::move(clock)), hosts_(p) {}

    auto send(const rest_request& r, signer* s, std::int64_t venue_ms) {
        const auto now = clock_();
        if (secondary_ && hosts_.should_probe_primary(now)) {
            rest_request probe;
            write_server_time(probe);
            const auto pr = primary_.send(probe, nullptr, venue_ms);
            hosts_.on_primary_probe(pr ? request_health::answered : health_of(pr.error()), now);
        }
        const bool failover = secondary_ && hosts_.on_failover();
        auto res = failover ? secondary_->send(r, s, venue_ms) : primary_.send(r, s, venue_ms);
        if (secondary_) {
            hosts_.on_result(res ? request_health::answered : health_of(res.error()), now);
            switches_.store(hosts_.switches(), std::memory_order_relaxed);
            on_failover_.store(hosts_.on_failover(), std::memory_order_relaxed);
        }
        return res;
    }

    /// Times traffic moved between the hosts so far.
    [[nodiscard]] std::int64_t switches() const noexcept { return switches_.load(std::memory_order_relaxed); }
    [[nodiscard]] bool on_failover() const noexcept { return on_failover_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string_view current_host() const noexcept {
        return on_failover() ? Env::rest_failover_host : Env::rest_host;
    }

private:
    Transport primary_;
    std::optional<Transport> secondary_;
    clock_fn clock_;
    host_failover<Env> hosts_;
    std::atomic<std::int64_t> switches_{0};
    std::atomic<bool> on_failover_{false};
};

}  // namespace mmbot::venue::bybit
