// tests/venue/bybit/private_ws_test.cpp
//
// The private WebSocket client and the order gateway over real TLS against the local venue
// (testing/local_venue/server.hpp) in process, on loopback, with certificate and host-name verification
// on: auth + subscribe -> ready, the gateway's create acknowledged both by REST (drain) and by
// the private stream, a crossing PostOnly cancelled with EC_PostOnlyWillTakeLiquidity, reconcile
// cancelling an orphan the store does not know, a silent connection dropped by the watchdog and
// made again (ready a second time), and a refused auth being fatal.
#define BOOST_TEST_MODULE bybit_private_ws
#include "mmbot/net/tls.hpp"
#include "mmbot/venue/bybit/order_gateway.hpp"
#include "mmbot/venue/bybit/private_ws.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"
#include "testing/local_venue/server.hpp"

#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bybit = mmbot::venue::bybit;
namespace net = mmbot::net;
namespace local = mmbot::venue::local;
namespace asio = boost::asio;
namespace core = mmbot::core;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view api_key = "LOCALKEY1";
constexpr std::string_view api_secret = "LOCALSECRET1";

bybit::signer make_signer(std::string_view secret = api_secret) {
    return bybit::signer::make(mmbot::secrets::credentials{
                                   mmbot::secrets::secret_string{std::string(api_key)},
                                   mmbot::secrets::secret_string{std::string(secret)}})
        .value();
}

std::int64_t now_ms() { return local::detail::to_ms(local::wall_now()); }
std::chrono::nanoseconds mono() {
    return std::chrono::steady_clock::now().time_since_epoch();
}

const local::tls_identity& identity() {
    static const local::tls_identity id = local::make_self_signed().value();
    return id;
}

/// The venue on its own I/O thread (no capture: no market data, so nothing fills).
struct venue {
    venue() {
        srv = std::make_unique<local::server>(io, core, *tls, nullptr, 0);
        srv->start();
        thread = std::thread([this] { io.run(); });
    }
    venue(const venue&) = delete;
    venue& operator=(const venue&) = delete;
    ~venue() {
        asio::post(io, [this] {
            srv->stop();
            io.stop();
        });
        thread.join();
    }
    std::unique_ptr<asio::ssl::context> tls = local::tls_server_context(identity()).value();
    local::venue_core core{local::exchange_options{}, make_signer(), true, 3};
    asio::io_context io;
    std::unique_ptr<local::server> srv;
    std::thread thread;
};

/// rest_transport is bound to its io_context; the gateway's sender thread is its only user.
struct transport_ref {
    bybit::rest_transport* t;
    core::result<bybit::http_response> send(const bybit::rest_request& r, bybit::signer* s,
                                            std::int64_t ms) {
        return t->send(r, s, ms);
    }
};

struct events {
    std::vector<std::string> lines;
    void on_ack(std::string_view id, std::string_view, std::chrono::nanoseconds) {
        lines.push_back("ack " + std::string(id));
    }
    void on_reject(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        lines.push_back("reject " + std::string(id) + " " + std::string(why));
    }
    void on_cancel(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        lines.push_back("cancel " + std::string(id) + " " + std::string(why));
    }
    template <class Fill>  // a pushed execution, or one the gateway recovered over REST
    void on_fill(const Fill& e) {
        lines.push_back("fill " + std::string(e.client_order_id));
    }
    void on_gateway_notice(const bybit::gateway_event& e) {
        lines.push_back(std::string(bybit::to_string(e.what)) + " " + e.client_order_id);
    }
    [[nodiscard]] bool has(std::string_view line) const {
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    }
};

/// Client side: TLS context trusting the venue, REST transport, gateway, private WS.
struct client {
    explicit client(unsigned short port, std::string_view secret = api_secret,
                    std::chrono::milliseconds idle_timeout = 45'000ms)
        : tls(net::tls_client_context()), rest_signer(make_signer(secret)), ws_signer(make_signer(secret)) {
        BOOST_TEST_REQUIRE(net::trust_pem(tls, identity().cert_pem).has_value());
        auto ep = bybit::override_endpoint<mmbot::env::testnet>("localhost", std::to_string(port));
        ep.read_timeout = 2000ms;
        rest.emplace(rest_io, ep, tls);
        bybit::gateway_params p;
        p.retry.base_backoff = 5ms;
        gateway.emplace(transport_ref{&*rest}, &rest_signer, p, mono);
        auto o = bybit::private_ws_override<mmbot::env::testnet>("localhost", std::to_string(port));
        o.idle_timeout = idle_timeout;
        o.backoff_initial = 50ms;
        ws.emplace(o, tls, ws_signer, []() -> core::result<std::int64_t> { return now_ms(); });
    }
    ~client() {
        if (gateway) gateway->stop();
    }
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Polls the WebSocket and drains the gateway until `done` or the deadline.
    template <class Pred>
    bool run_until(Pred done, std::chrono::milliseconds limit = 5000ms) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            auto r = ws->poll(ev, 20ms);
            if (r.became_ready) ++readies;
            if (r.fatal) fatal = r.fatal;
            (void)gateway->drain(ev);
            if (done()) return true;
        }
        return false;
    }

    asio::ssl::context tls;
    bybit::signer rest_signer;
    bybit::signer ws_signer;
    asio::io_context rest_io;
    std::optional<bybit::rest_transport> rest;
    std::optional<bybit::order_gateway<transport_ref>> gateway;
    std::optional<bybit::private_ws> ws;
    events ev;
    int readies = 0;
    std::optional<core::error> fatal;
};

mmbot::venue::order_request order(std::string_view link, std::string_view px) {
    mmbot::venue::order_request o;
    o.symbol = "BTCUSDT";
    o.client_order_id = link;
    o.side = core::side::buy;
    o.price = core::price::parse(px).value();
    o.qty = core::quantity::parse("0.010").value();
    o.price_digits = 2;
    o.qty_digits = 3;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gateway_and_private_stream_over_tls) {
    venue v;
    client c{v.srv->port()};
    c.gateway->start();
    c.ws->start();
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.readies == 1; }));
    BOOST_TEST(c.ws->ready());

    c.gateway->place(order("gw-1", "60000.00"), mono());
    // The REST answer (drain) and the private stream's "New" both arrive as acks.
    BOOST_TEST_REQUIRE(c.run_until([&] {
        return std::count(c.ev.lines.begin(), c.ev.lines.end(), "ack gw-1") == 2;
    }), fmt::format("{}", fmt::join(c.ev.lines, " | ")));

    c.gateway->cancel("BTCUSDT", "gw-1", mono());
    BOOST_TEST(c.run_until([&] { return c.ev.has("cancel gw-1 CancelByUser"); }),
               fmt::format("{}", fmt::join(c.ev.lines, " | ")));
    BOOST_TEST(c.gateway->stats().creates_sent == 1);
    BOOST_TEST(c.ws->stats().bad_frames == 0);
}

BOOST_AUTO_TEST_CASE(reconcile_cancels_an_orphan_the_store_does_not_know) {
    venue v;
    client c{v.srv->port()};
    c.gateway->start();
    c.ws->start();
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.readies == 1; }));
    c.gateway->place(order("known-1", "60000.00"), mono());
    c.gateway->place(order("orphan-1", "60000.10"), mono());
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.ev.has("ack known-1") && c.ev.has("ack orphan-1"); }));
    // The store knows known-1 and a long-gone gone-1; the venue also holds orphan-1.
    BOOST_TEST_REQUIRE(c.gateway->reconcile("BTCUSDT", {"known-1", "gone-1"}, mono()).has_value());
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.ev.has("reconciled "); }),
                       fmt::format("{}", fmt::join(c.ev.lines, " | ")));
    BOOST_TEST(c.ev.has("cancel orphan-1 CancelByUser"));
    BOOST_TEST(!c.ev.has("cancel known-1 CancelByUser"));
    BOOST_TEST(c.ev.has("reject gone-1 bybit_order_not_found"));  // the venue never had it
    BOOST_TEST(c.gateway->stats().orphans_cancelled == 1);
}

BOOST_AUTO_TEST_CASE(a_silent_connection_is_dropped_and_made_again) {
    venue v;
    client c{v.srv->port(), api_secret, 400ms};  // no pings within 400 ms: the watchdog fires
    c.ws->start();
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.readies >= 2; }, 8000ms),
                       c.ws->last_error());
    BOOST_TEST(c.ws->stats().disconnects >= 1);
    BOOST_TEST(c.ws->stats().sessions >= 2);
}

BOOST_AUTO_TEST_CASE(a_refused_auth_is_fatal) {
    venue v;
    client c{v.srv->port(), "WRONGSECRET"};
    c.ws->start();
    BOOST_TEST_REQUIRE(c.run_until([&] { return c.fatal.has_value(); }));
    BOOST_TEST(c.fatal->code == mmbot::venue::bybit::errc::ws_auth);
    BOOST_TEST(c.fatal->message.find("WRONGSECRET") == std::string::npos);
    BOOST_TEST(c.readies == 0);
}
