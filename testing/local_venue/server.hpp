// testing/local_venue/server.hpp
//
// The local Bybit-protocol venue's TLS server on 127.0.0.1: one Boost.Beast acceptor serving, on
// the same port,
//   /v5/...            REST (rest_api.hpp): market time, instruments, order entry and queries
//   /v5/private        private WebSocket: auth, subscribe order / execution / position, pushes
//   /v5/public/linear  public WebSocket: the capture's orderbook / publicTrade / tickers messages
//   /v5/public/spot    (the same feed)
//   /admin/fault       fault injection (rest_api.hpp, docs/local-venue.md)
//   /admin/orders      every order ever accepted + duplicate orderLinkId refusals (test-only)
//   /admin/instruments POST: replace the listed instruments (a tick or lot change; test-only)
// Faults act here: disconnect (the TCP connection is closed without a reply), http_5xx (503),
// rate_limit (10006), delay_ms, drop_ws / dup_ws (each private push), ws_gap (a public delta).
//
// With a binance_side (--protocol binance) the same port speaks Binance USD-M instead:
//   /fapi/...                  REST (binance_api.hpp)
//   /ws/<listenKey>            the user data stream: ORDER_TRADE_UPDATE, ACCOUNT_UPDATE,
//                              listenKeyExpired (then the connection closes)
//   /ws/<stream>, /ws          a raw public stream (binance_capture.hpp), more by SUBSCRIBE
//   /stream?streams=a/b        combined streams, each message {"stream":..,"data":..}
//   /public/..., /market/...   the same public paths (Binance's split hosts since 2025)
//   /private/ws?listenKey=<k>  the user data stream (the same)
//   /admin/...                 as above
// Faults: rate_limit is 429 -1003; drop_ws / dup_ws act on user data stream pushes; ws_gap skips a
// diff of the depth streams (the next one's pu names a u the client never saw).
//
// Everything runs on the caller's io_context from one thread, so the venue core needs no locks.
// The market-data timer replays the capture on the wall clock: each message due is applied to the
// matching engine (fills, pushes) and forwarded to public subscribers.
//
//   boost::asio::io_context io;
//   local::server srv{io, core, identity, capture.get(), 0};   // port 0: ephemeral
//   srv.start();                                              // listen, start the replay
//   std::printf("%u\n", srv.port());
//   io.run();
//
// The Beast sessions are compiled once, in server.cpp: includers see only this declaration.
#pragma once

#include "testing/local_venue/binance_api.hpp"
#include "testing/local_venue/binance_capture.hpp"
#include "testing/local_venue/capture_feed.hpp"
#include "testing/local_venue/cert.hpp"
#include "testing/local_venue/errors.hpp"
#include "testing/local_venue/rest_api.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>

namespace mmbot::venue::local {

namespace asio = boost::asio;

/// Wall-clock time since the epoch: the venue's clock (timestamps, recv_window, ms fields).
[[nodiscard]] inline std::chrono::nanoseconds wall_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch());
}

/// A server TLS context for `id`: TLS 1.2+.
[[nodiscard]] inline core::result<std::unique_ptr<asio::ssl::context>> tls_server_context(
    const tls_identity& id) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    ctx->use_certificate_chain(asio::buffer(id.cert_pem), ec);
    if (ec) return core::make_error(errc::tls, fmt::format("certificate: {}", ec.message()));
    ctx->use_private_key(asio::buffer(id.key_pem), asio::ssl::context::pem, ec);
    if (ec) return core::make_error(errc::tls, fmt::format("private key: {}", ec.message()));
    return ctx;
}

namespace detail {
class server_core;
}

/// What the server needs to speak Binance USD-M (--protocol binance): the front end's state and
/// the Binance capture (may be null: no market data).
struct binance_side {
    binance_front* front = nullptr;  ///< not null
    binance_capture* capture = nullptr;
};

class server {
public:
    /// `capture` may be null (no market data: orders rest and never fill). Throws on a bind
    /// failure (start-up).
    server(asio::io_context& io, venue_core& core, asio::ssl::context& tls, capture_feed* capture,
           unsigned short port);
    /// The Binance USD-M protocol on the same port instead of Bybit's.
    server(asio::io_context& io, venue_core& core, asio::ssl::context& tls, binance_side binance,
           unsigned short port);
    server(const server&) = delete;
    server& operator=(const server&) = delete;
    server(server&&) = delete;
    server& operator=(server&&) = delete;
    ~server();

    [[nodiscard]] unsigned short port() const;
    [[nodiscard]] venue_core& core() noexcept;

    /// Starts accepting and the replay clock. Call once, before running the io_context.
    void start();

    /// Stops accepting, closes every WebSocket and cancels the timers; io.run() then returns once
    /// the open HTTP connections finish.
    void stop();

private:
    std::unique_ptr<detail::server_core> core_;
};

}  // namespace mmbot::venue::local
