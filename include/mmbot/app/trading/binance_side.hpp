// mmbot/app/trading/binance_side.hpp
//
// Binance USD-M's side of a trading session (app/trading/venue_side.hpp says what a side is):
//
//   endpoints     Env's hosts (venue/binance/endpoints.hpp: testnet.binancefuture.com and
//                 fstream.binancefuture.com for testnet, fapi/fstream.binance.com for live), or
//                 REST, user data stream and public streams all at --endpoint-override HOST:PORT
//                 (testnet only: loopback or Binance's futures testnet). --record is refused: the
//                 recorder writes Bybit's capture form (docs/binance.md)
//   credentials   mm-bot/<Env namespace>/binance; one signer per thread that sends: REST (the
//                 gateway's sender) and the venue watch (the listenKey)
//   clock         GET /fapi/v1/time (venue/clock_sync.hpp), again every --clock-resync-s
//   filters       GET /fapi/v1/exchangeInfo (app/trading/binance_preflight.hpp), again every
//                 --filters-refresh-s
//   gateway       venue::order_gateway over binance::gateway_protocol (GTX creates, cancels,
//                 reconcile by openOrders and origClientOrderId, fill recovery by userTrades)
//   private       the user data stream at /ws/<listenKey>: the key is made by the venue watch's
//                 thread as soon as it starts, kept alive every 30 minutes, and made anew at once
//                 when the stream says listenKeyExpired or a keep-alive finds it gone; the stream
//                 connects when the first key arrives and reconnects on each new one
//   preflight     time, exchangeInfo, openOrders against the journal, bookTicker
//   metrics       mm_rate_limit_headroom{endpoint="request_weight_1m"}: the limit less
//                 X-MBX-USED-WEIGHT-1M
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/endpoint_override.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/app/runtime/live_feed_of.hpp"
#include "mmbot/app/trading/binance_preflight.hpp"
#include "mmbot/app/trading/credentials.hpp"
#include "mmbot/app/trading/filters_at_start.hpp"
#include "mmbot/app/venue_watch.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/venue/binance/endpoints.hpp"
#include "mmbot/venue/binance/listen_key.hpp"
#include "mmbot/venue/binance/order_gateway.hpp"
#include "mmbot/venue/binance/private_ws.hpp"
#include "mmbot/venue/binance/rest_transport.hpp"
#include "mmbot/venue/clock_sync.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app {

namespace binance_detail {

namespace bn = venue::binance;

/// The rest_transport lives beside its io_context; the gateway's sender thread is its only user.
struct transport_ref {
    bn::rest_transport* t = nullptr;
    core::result<bn::http_response> send(const bn::rest_request& r, bn::signer* s) { return t->send(r, s); }
};

using clock_sync = venue::basic_clock_sync<bn::errc>;

/// `attempts` GET /fapi/v1/time samples through `t`: the venue-time offset (venue/clock_sync.hpp).
template <class NowFn>
[[nodiscard]] core::result<std::chrono::nanoseconds> sync_clock(bn::rest_transport& t, NowFn now, int attempts) {
    clock_sync sync;
    bn::rest_request req;
    bn::write_public(bn::path_time, req);
    const auto ask = [&]() -> core::result<std::chrono::nanoseconds> {
        auto body = binance_checks::ask(t, req);
        if (!body) return body.error();
        auto server = bn::parse_server_time(*body);
        if (!server) {
            return core::make_error(server.error().code, fmt::format("/fapi/v1/time answer: {}", server.error().message));
        }
        return std::chrono::nanoseconds(*server);
    };
    return venue::sample_clock(sync, ask, now, attempts, "/fapi/v1/time");
}

}  // namespace binance_detail

/// The venue watch's Binance client: time and exchangeInfo on a connection of its own, and the
/// user data stream's listenKey (made, kept alive, made anew), handed to the loop through a slot.
class binance_watch_client {
public:
    static constexpr bool has_upkeep = true;

    binance_watch_client(const venue::rest_endpoint& ep, boost::asio::ssl::context& tls, venue::binance::signer& key)
        : transport_(io_, ep, tls), key_(key) {}

    [[nodiscard]] core::result<std::chrono::nanoseconds> sample_clock(
        const std::function<std::chrono::nanoseconds()>& now) {
        return binance_detail::sync_clock(transport_, now, 1);
    }
    [[nodiscard]] core::result<venue_filter_map> fetch_filters(const std::vector<std::string>& symbols) {
        return binance_checks::fetch_filters(transport_, symbols);
    }
    /// The listenKey's due request, if any (watch thread).
    void upkeep(std::chrono::nanoseconds now) {
        if (expired_.exchange(false)) keeper_.expired();
        auto fresh = venue::binance::keep_listen_key(keeper_, transport_, &key_, now);
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!fresh) {
            last_error_ = fmt::format("listenKey: {}", fresh.error().message);
        } else if (*fresh) {
            new_key_ = std::move(**fresh);
            last_error_.clear();
        }
    }
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept { transport_.set_deadline(d); }

    // ---- the loop's thread
    /// A key made since the last call, once.
    [[nodiscard]] std::optional<std::string> take_key() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return std::exchange(new_key_, std::nullopt);
    }
    /// The stream said listenKeyExpired: the next upkeep makes a new key (poke the watch).
    void key_expired() noexcept { expired_.store(true); }
    /// Why the last listenKey request failed (empty after a success).
    [[nodiscard]] std::string last_error() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_error_;
    }

private:
    boost::asio::io_context io_;
    venue::binance::rest_transport transport_;
    venue::binance::signer& key_;
    venue::binance::listen_key_keeper keeper_;  ///< watch thread only
    std::atomic<bool> expired_{false};
    mutable std::mutex mutex_;
    std::optional<std::string> new_key_;
    std::string last_error_;
};

template <env::environment Env>
class binance_side : core::pinned {
public:
    static constexpr std::string_view secrets_name = "binance";

    struct endpoints {
        venue::rest_endpoint rest;
        venue::binance::private_ws_options private_ws;
        live_source public_feed;
    };
    /// One signer per sending thread (they are not thread-safe): REST and the watch's listenKey.
    struct keys {
        venue::binance::signer rest;
        venue::binance::signer watch;
    };
    using gateway_type = venue::binance::order_gateway<binance_detail::transport_ref>;
    using watch_type = venue_watch<binance_watch_client>;
    using now_fn = std::function<std::chrono::nanoseconds()>;

    [[nodiscard]] static outcome<endpoints> endpoints_of(const cli_options& opts) {
        namespace bn = venue::binance;
        if (!opts.record_dir.empty()) {
            return fail_with(exit_code::usage, "--record: Binance recordings are not written yet (docs/binance.md); "
                                               "run without --record");
        }
        using hosts = bn::hosts<Env>;
        endpoints ep{bn::default_endpoint<Env>(), bn::private_ws_endpoint<Env>(),
                     live_source{feed::ws_endpoint{std::string(hosts::stream), "443", "/stream"},
                                 net::https_host{std::string(hosts::rest)}}};
        if (opts.endpoint_override.empty()) return ep;
        if constexpr (Env::endpoint_override_allowed) {
            // Testnet: loopback or the venue's testnet only (app/endpoint_override.hpp).
            auto hp = check_endpoint_override<Env>(opts.endpoint_override);
            if (!hp) return fail_with(exit_code::usage, hp.error());
            ep.rest = bn::override_endpoint<Env>(hp->host, hp->port);
            ep.private_ws = bn::private_ws_override<Env>(hp->host, hp->port);
            ep.public_feed.stream.host = hp->host;
            ep.public_feed.stream.port = hp->port;
            ep.public_feed.rest = net::https_host{hp->host, hp->port};
            return ep;
        } else {
            return fail_with(exit_code::usage, "--endpoint-override: not available here");
        }
    }

    [[nodiscard]] static outcome<keys> load_keys() {
        auto rest = load_signer<Env, venue::binance::signer>(secrets_name);
        if (!rest) return rest.error();
        auto watch = load_signer<Env, venue::binance::signer>(secrets_name);
        if (!watch) return watch.error();
        return keys{std::move(*rest), std::move(*watch)};
    }

    /// exchangeInfo at start, with retries (app/trading/filters_at_start.hpp).
    [[nodiscard]] static core::result<venue_filter_map> fetch_filters(const endpoints& ep, boost::asio::ssl::context& tls,
                                                                      const std::vector<std::string>& symbols) {
        boost::asio::io_context io;
        venue::binance::rest_transport rest{io, ep.rest, tls};
        return fetch_with_retries([&] { return binance_checks::fetch_filters(rest, symbols); },
                                  venue::binance::errc::tls);
    }

    /// The preflight's venue checks (app/preflight.hpp), on one connection: `market` (venue_clock,
    /// instruments, order_fits; false when the clock could not be read), then, after the journal's
    /// check, `open_orders` (needs the credentials, the clock and the journal).
    class venue_checks {
    public:
        venue_checks(const endpoints& ep, boost::asio::ssl::context& tls) : rest_(io_, ep.rest, tls) {}

        bool market(preflight::report& verdict, const startup& s) {
            namespace bn = venue::binance;
            const auto clock_ok = binance_checks::check_clock(rest_, [this] { return local_now(); }, bn::default_recv_window);
            verdict.record("venue_clock", clock_ok);
            if (clock_ok) {
                verdict.record("instruments", binance_checks::check_instruments(rest_, s.cfg));
                verdict.record("order_fits", binance_checks::check_order_fits(rest_, s.cfg));
            } else {
                verdict.skip("instruments", "the venue did not answer /fapi/v1/time");
                verdict.skip("order_fits", "the venue did not answer /fapi/v1/time");
            }
            return static_cast<bool>(clock_ok);
        }

        void open_orders(preflight::report& verdict, const startup& s, core::result<secrets::credentials> creds,
                         const core::result<preflight::journal_state>& journal, bool clock_ok) {
            namespace bn = venue::binance;
            auto sig = creds ? bn::signer::make(std::move(*creds)) : core::result<bn::signer>(creds.error());
            if (clock_ok && journal && sig) {
                const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(local_now()).count();
                verdict.record("open_orders", binance_checks::check_open_orders(rest_, *sig, now_ms, s.cfg, journal->open_orders));
            } else {
                verdict.skip("open_orders", "needs the secrets, the venue clock and the journal");
            }
        }

    private:
        [[nodiscard]] std::chrono::nanoseconds local_now() const { return obs::unix_nanos(wall_); }

        boost::asio::io_context io_;
        venue::binance::rest_transport rest_;
        obs::system_clock_source wall_;
    };

    binance_side(const endpoints& ep, boost::asio::ssl::context& tls, keys k, now_fn now)
        : ep_(ep), tls_(tls), keys_(std::move(k)), now_(std::move(now)), rest_{rest_io_, ep.rest, tls} {}

    /// The venue-time offset at start (3 samples), then the watch that keeps it and the listenKey
    /// (not started).
    [[nodiscard]] core::result<std::chrono::nanoseconds> sync_clock(watch_type::schedule plan) {
        auto synced = binance_detail::sync_clock(rest_, now_, 3);
        if (!synced) return synced.error();
        watch_.emplace(std::move(plan), *synced, now_, ep_.rest, tls_, keys_.watch);
        return *synced;
    }
    [[nodiscard]] watch_type& watch() noexcept { return *watch_; }

    /// The gateway and the user data stream's client, neither started.
    void connect(const cli_options& /*opts*/) {
        gateway_.emplace(binance_detail::transport_ref{&rest_}, &keys_.rest, venue::gateway_params{}, now_,
                         [this](std::chrono::nanoseconds t) -> core::result<std::int64_t> {
                             return std::chrono::duration_cast<std::chrono::milliseconds>(t + watch_->offset()).count();
                         });
        pws_.emplace(ep_.private_ws, tls_);
    }

    /// The gateway's sender; the stream waits for its first key (poll_private).
    void start() { gateway_->start(); }

    [[nodiscard]] gateway_type& gateway() noexcept { return *gateway_; }
    [[nodiscard]] const gateway_type& gateway() const noexcept { return *gateway_; }

    /// A key the watch made goes to the stream first (which then connects, or reconnects on it);
    /// a listenKeyExpired push has the watch make another at once.
    template <class Sink>
    [[nodiscard]] venue::binance::private_poll_result poll_private(Sink& sink, std::chrono::milliseconds max_wait) {
        if (auto key = watch_->client().take_key()) {
            pws_->use_key(std::move(*key));
            if (!stream_started_) {
                pws_->start();
                stream_started_ = true;
            }
        }
        if (!stream_started_) return {};
        auto r = pws_->poll(sink, max_wait);
        if (r.key_expired) {
            watch_->client().key_expired();
            watch_->poke();
        }
        return r;
    }
    [[nodiscard]] bool private_ready() const noexcept { return stream_started_ && pws_->ready(); }
    [[nodiscard]] bool private_failed() const { return pws_->fatal().has_value(); }
    [[nodiscard]] std::int64_t private_sessions() const noexcept { return pws_->stats().connects; }
    [[nodiscard]] std::string private_last_error() const {
        auto key_error = watch_->client().last_error();
        if (!key_error.empty() || !stream_started_) return key_error.empty() ? "no listenKey yet" : key_error;
        return pws_->last_error();
    }

    void publish_headroom(obs::mm_metrics& m) const {
        if (const auto left = gateway_->protocol().weight_remaining()) {
            m.rate_limit_headroom.with({"request_weight_1m"}).set(*left);
        }
    }

    /// One REST host: Binance has no second domain to fail over to.
    [[nodiscard]] std::int64_t host_switches() const noexcept { return 0; }
    [[nodiscard]] std::string_view failover_host() const noexcept { return "none"; }
    [[nodiscard]] std::string private_where() const {
        return fmt::format("{}:{}{}", ep_.private_ws.host, ep_.private_ws.port, venue::binance::private_ws::shown_path);
    }

    void set_deadline(std::chrono::steady_clock::time_point d) { rest_.set_deadline(d); }
    void cancel_in_flight() { rest_.cancel_in_flight(); }
    void stop() {
        gateway_->stop();
        pws_->stop();
        if (watch_) watch_->stop();
    }

private:
    const endpoints& ep_;
    boost::asio::ssl::context& tls_;
    keys keys_;
    now_fn now_;
    boost::asio::io_context rest_io_;
    venue::binance::rest_transport rest_;
    /// Before the gateway and the stream, which read its offset and its keys: they go first.
    std::optional<watch_type> watch_;
    std::optional<gateway_type> gateway_;
    std::optional<venue::binance::private_ws> pws_;
    bool stream_started_ = false;
};

}  // namespace mmbot::app
