// mmbot/app/trading/bybit_side.hpp
//
// Bybit v5's side of a trading session (app/trading/venue_side.hpp says what a side is):
//
//   endpoints     Env's REST, private and public streams (core/env.hpp), or all three at
//                 --endpoint-override HOST:PORT (testnet only: loopback or Bybit testnet)
//   credentials   mm-bot/<Env namespace>/bybit; one signer per connection (they are not
//                 thread-safe): REST (the gateway's sender thread) and the private stream
//   clock         GET /v5/market/time (venue/bybit/clock_sync.hpp), again every --clock-resync-s
//   filters       instruments-info of every symbol (linear), again every --filters-refresh-s
//   gateway       bybit::order_gateway over REST with live's host failover (api.bybit.com, then
//                 api.bytick.com; testnet and an override have one host)
//   private       bybit::private_ws: auth, then order + execution topics
//   preflight     market/time, instruments-info, order/realtime against the journal, tickers
//   metrics       mm_rate_limit_headroom{endpoint} from X-Bapi-Limit-Status
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/endpoint_override.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/app/runtime/live_feed_of.hpp"
#include "mmbot/app/trading/credentials.hpp"
#include "mmbot/app/trading/filters_at_start.hpp"
#include "mmbot/app/venue_watch.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/venue/bybit/clock_sync.hpp"
#include "mmbot/venue/bybit/failover_transport.hpp"
#include "mmbot/venue/bybit/order_gateway.hpp"
#include "mmbot/venue/bybit/private_ws.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app {

namespace bybit_detail {

/// The rest_transport lives beside its io_context; the gateway's sender thread is its only user.
struct transport_ref {
    venue::bybit::rest_transport* t = nullptr;
    core::result<venue::bybit::http_response> send(const venue::bybit::rest_request& r, venue::bybit::signer* s,
                                                   std::int64_t ms) {
        return t->send(r, s, ms);
    }
};

/// mmbot-live's REST goes through host failover (api.bybit.com, then api.bytick.com); testnet
/// has one host, and an --endpoint-override is one host too.
template <env::environment Env>
using failover_t = venue::bybit::failover_transport<Env, transport_ref>;

template <env::environment Env>
struct failover_ref {
    failover_t<Env>* t = nullptr;
    auto send(const venue::bybit::rest_request& r, venue::bybit::signer* s, std::int64_t ms) {
        return t->send(r, s, ms);
    }
};

}  // namespace bybit_detail

/// The venue watch's Bybit client: market/time and instruments-info on a connection of its own.
class bybit_watch_client {
public:
    static constexpr bool has_upkeep = false;

    bybit_watch_client(const venue::bybit::rest_endpoint& ep, boost::asio::ssl::context& tls)
        : transport_(io_, ep, tls) {}

    [[nodiscard]] core::result<std::chrono::nanoseconds> sample_clock(
        const std::function<std::chrono::nanoseconds()>& now) {
        venue::bybit::clock_sync sync;
        return venue::bybit::sync_clock(sync, transport_, now, 1);
    }
    [[nodiscard]] core::result<venue_filter_map> fetch_filters(const std::vector<std::string>& symbols) {
        return preflight::fetch_venue_filters(transport_, symbols, venue::bybit::category::linear);
    }
    void upkeep(std::chrono::nanoseconds /*now*/) {}
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept { transport_.set_deadline(d); }

private:
    boost::asio::io_context io_;
    venue::bybit::rest_transport transport_;
};

template <env::environment Env>
class bybit_side : core::pinned {
public:
    static constexpr std::string_view secrets_name = "bybit";

    /// Where testnet and live connect: Env's hosts, or all three moved to --endpoint-override.
    struct endpoints {
        venue::bybit::rest_endpoint rest;
        venue::bybit::private_ws_options private_ws;
        live_source public_feed;
    };
    /// One signer per connection (they are not thread-safe): REST (sender thread) and private WS.
    struct keys {
        venue::bybit::signer rest;
        venue::bybit::signer ws;
    };
    using gateway_type = venue::bybit::order_gateway<bybit_detail::failover_ref<Env>>;
    using watch_type = venue_watch<bybit_watch_client>;
    using now_fn = std::function<std::chrono::nanoseconds()>;

    [[nodiscard]] static outcome<endpoints> endpoints_of(const cli_options& opts) {
        namespace bybit = venue::bybit;
        endpoints ep{bybit::default_endpoint<Env>(), bybit::private_ws_endpoint<Env>(),
                     live_source{feed::public_endpoint<Env>(feed::ws_category::linear), std::nullopt}};
        if (opts.endpoint_override.empty()) return ep;
        if constexpr (Env::endpoint_override_allowed) {
            // Testnet: loopback or Bybit testnet only (app/endpoint_override.hpp).
            auto hp = check_endpoint_override<Env>(opts.endpoint_override);
            if (!hp) return fail_with(exit_code::usage, hp.error());
            ep.rest = bybit::override_endpoint<Env>(hp->host, hp->port);
            ep.private_ws = bybit::private_ws_override<Env>(hp->host, hp->port);
            ep.public_feed.stream.host = hp->host;
            ep.public_feed.stream.port = hp->port;
            return ep;
        } else {
            return fail_with(exit_code::usage, "--endpoint-override: not available here");
        }
    }

    [[nodiscard]] static outcome<keys> load_keys() {
        auto rest = load_signer<Env, venue::bybit::signer>(secrets_name);
        if (!rest) return rest.error();
        auto ws = load_signer<Env, venue::bybit::signer>(secrets_name);
        if (!ws) return ws.error();
        return keys{std::move(*rest), std::move(*ws)};
    }

    /// instruments-info of `symbols` at start, with retries (app/trading/filters_at_start.hpp).
    [[nodiscard]] static core::result<venue_filter_map> fetch_filters(const endpoints& ep, boost::asio::ssl::context& tls,
                                                                      const std::vector<std::string>& symbols) {
        boost::asio::io_context io;
        venue::bybit::rest_transport rest{io, ep.rest, tls};
        return fetch_with_retries(
            [&] { return preflight::fetch_venue_filters(rest, symbols, venue::bybit::category::linear); },
            venue::bybit::errc::tls);
    }

    /// The preflight's venue checks (app/preflight.hpp), on one connection: `market` (venue_clock,
    /// instruments, order_fits; false when the clock could not be read), then, after the journal's
    /// check, `open_orders` (needs the credentials, the clock and the journal).
    class venue_checks {
    public:
        venue_checks(const endpoints& ep, boost::asio::ssl::context& tls) : rest_(io_, ep.rest, tls) {}

        bool market(preflight::report& verdict, const startup& s) {
            namespace bybit = venue::bybit;
            const auto clock_ok = preflight::check_venue_clock(rest_, [this] { return local_now(); }, bybit::default_recv_window);
            verdict.record("venue_clock", clock_ok);
            if (clock_ok) {
                verdict.record("instruments", preflight::check_instruments(rest_, s.cfg, bybit::category::linear));
                verdict.record("order_fits", preflight::check_order_fits_at_venue(rest_, s.cfg, bybit::category::linear));
            } else {
                verdict.skip("instruments", "the venue did not answer market/time");
                verdict.skip("order_fits", "the venue did not answer market/time");
            }
            return static_cast<bool>(clock_ok);
        }

        void open_orders(preflight::report& verdict, const startup& s, core::result<secrets::credentials> creds,
                         const core::result<preflight::journal_state>& journal, bool clock_ok) {
            namespace bybit = venue::bybit;
            auto sig = creds ? bybit::signer::make(std::move(*creds)) : core::result<bybit::signer>(creds.error());
            if (clock_ok && journal && sig) {
                const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(local_now()).count();
                verdict.record("open_orders", preflight::check_open_orders(rest_, *sig, now_ms, s.cfg, bybit::category::linear,
                                                                           journal->open_orders));
            } else {
                verdict.skip("open_orders", "needs the secrets, the venue clock and the journal");
            }
        }

    private:
        [[nodiscard]] std::chrono::nanoseconds local_now() const { return obs::unix_nanos(wall_); }

        boost::asio::io_context io_;
        venue::bybit::rest_transport rest_;
        obs::system_clock_source wall_;
    };

    bybit_side(const endpoints& ep, boost::asio::ssl::context& tls, keys k, now_fn now)
        : ep_(ep), tls_(tls), keys_(std::move(k)), now_(std::move(now)), rest_{rest_io_, ep.rest, tls} {}

    /// The venue-time offset at start (3 samples), then the watch that keeps it (not started).
    [[nodiscard]] core::result<std::chrono::nanoseconds> sync_clock(watch_type::schedule plan) {
        venue::bybit::clock_sync sync;
        auto synced = venue::bybit::sync_clock(sync, rest_, now_, 3);
        if (!synced) return synced.error();
        watch_.emplace(std::move(plan), *synced, now_, ep_.rest, tls_);
        return *synced;
    }
    [[nodiscard]] watch_type& watch() noexcept { return *watch_; }

    /// REST (with live's second domain when no override is in force), the gateway and the private
    /// stream, none started; both sign with the watch's venue-time offset.
    void connect(const cli_options& opts) {
        namespace bybit = venue::bybit;
        if (opts.endpoint_override.empty() && bybit::host_failover<Env>::has_failover()) {
            rest_failover_.emplace(rest_io_, bybit::rest_endpoint{std::string(Env::rest_failover_host)}, tls_);
        }
        hosts_.emplace(bybit_detail::transport_ref{&rest_},
                       rest_failover_ ? std::optional(bybit_detail::transport_ref{&*rest_failover_}) : std::nullopt,
                       now_);
        gateway_.emplace(bybit_detail::failover_ref<Env>{&*hosts_}, &keys_.rest, bybit::gateway_params{}, now_,
                         [this](std::chrono::nanoseconds t) { return venue_ms_at(t); });
        pws_.emplace(ep_.private_ws, tls_, keys_.ws, [this]() { return venue_ms_at(now_()); });
    }

    void start() {
        gateway_->start();
        pws_->start();
    }

    [[nodiscard]] gateway_type& gateway() noexcept { return *gateway_; }
    [[nodiscard]] const gateway_type& gateway() const noexcept { return *gateway_; }

    template <class Sink>
    [[nodiscard]] venue::bybit::private_poll_result poll_private(Sink& sink, std::chrono::milliseconds max_wait) {
        return pws_->poll(sink, max_wait);
    }
    [[nodiscard]] bool private_ready() const noexcept { return pws_->ready(); }
    [[nodiscard]] bool private_failed() const { return pws_->fatal().has_value(); }
    [[nodiscard]] std::int64_t private_sessions() const noexcept { return pws_->stats().sessions; }
    [[nodiscard]] std::string private_last_error() const { return pws_->last_error(); }

    /// mm_rate_limit_headroom{endpoint}: what X-Bapi-Limit-Status said last, per endpoint.
    void publish_headroom(obs::mm_metrics& m) const {
        namespace bybit = venue::bybit;
        for (std::size_t e = 0; e < bybit::endpoint_count; ++e) {
            const auto ep = static_cast<bybit::endpoint>(e);
            if (const auto left = gateway_->protocol().rate_limit_remaining(ep)) {
                m.rate_limit_headroom.with({bybit::path_of(ep)}).set(*left);
            }
        }
    }

    [[nodiscard]] std::int64_t host_switches() const { return hosts_ ? hosts_->switches() : 0; }
    [[nodiscard]] std::string_view failover_host() const noexcept {
        return rest_failover_ ? Env::rest_failover_host : std::string_view("none");
    }
    [[nodiscard]] std::string private_where() const {
        return fmt::format("{}:{}", ep_.private_ws.host, ep_.private_ws.port);
    }

    /// Every REST call from here on ends by `d` (the orderly stop's deadline).
    void set_deadline(std::chrono::steady_clock::time_point d) {
        rest_.set_deadline(d);
        if (rest_failover_) rest_failover_->set_deadline(d);
    }
    /// Ends the call in flight (one started before the deadline still waits for its timeout).
    void cancel_in_flight() {
        rest_.cancel_in_flight();
        if (rest_failover_) rest_failover_->cancel_in_flight();
    }
    /// The gateway (its sender thread joins), the private stream, the watch.
    void stop() {
        gateway_->stop();
        pws_->stop();
        if (watch_) watch_->stop();
    }

private:
    [[nodiscard]] core::result<std::int64_t> venue_ms_at(std::chrono::nanoseconds t) const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t + watch_->offset()).count();
    }

    const endpoints& ep_;
    boost::asio::ssl::context& tls_;
    keys keys_;
    now_fn now_;
    boost::asio::io_context rest_io_;
    venue::bybit::rest_transport rest_;
    /// Before the gateway and the private stream, which sign with its offset: they go first.
    std::optional<watch_type> watch_;
    std::optional<venue::bybit::rest_transport> rest_failover_;
    std::optional<bybit_detail::failover_t<Env>> hosts_;
    std::optional<gateway_type> gateway_;
    std::optional<venue::bybit::private_ws> pws_;
};

}  // namespace mmbot::app
