// tests/local_venue/server_test.cpp
//
// The local venue over real TLS on loopback, in process: a self-signed certificate made with the
// OpenSSL C API at test time, trusted by the client through net::trust_pem with verification
// (chain and host name) on; the client is the project's own rest_transport + signer + request
// builders + response parsers, and a Beast WebSocket client whose frames are parsed with
// bybit::private_stream and feed::bybit_public_codec. Covers REST round trips, every fault kind,
// rate-limit headers, private WS auth + pushes, public WS snapshot + deltas + ws_gap; and
// --protocol binance: the user data stream (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, listenKeyExpired),
// a combined depth stream with a ws_gap (one pu break).
#define BOOST_TEST_MODULE local_venue_server
#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/net/tls.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/signer.hpp"
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/rest_transport.hpp"
#include "testing/local_venue/server.hpp"
#include "tests/local_venue/venue_harness.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace bybit = mmbot::venue::bybit;
namespace net = mmbot::net;
namespace local = mmbot::venue::local;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using venue_test::create;
using venue_test::make_signer;
using venue_test::order;

std::int64_t now_ms() { return local::detail::to_ms(local::wall_now()); }

const local::tls_identity& identity() {
    static const local::tls_identity id = local::make_self_signed().value();
    return id;
}

std::filesystem::path tmp_dir() {
    const char* t = std::getenv("TEST_TMPDIR");
    return t != nullptr ? std::filesystem::path(t) : std::filesystem::temp_directory_path();
}

/// A capture: a snapshot now, then deltas (u = 2, 3, ...) every `step`, and a sell print through
/// 65000.00 at `trade_at` (fills resting buys at or above 65000.00 - it prints below them).
std::filesystem::path write_capture(std::string_view name, int deltas, std::chrono::milliseconds step,
                                    std::chrono::milliseconds trade_at) {
    const auto path = tmp_dir() / std::string(name);
    std::ofstream out(path);
    const std::int64_t t0 = 1'786'310'400'000;
    out << R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":)" << t0
        << R"(,"data":{"s":"BTCUSDT","b":[["65000.00","1.5"],["64999.90","2"]],"a":[["65000.10","0.5"],["65000.20","3"]],"u":1,"seq":1},"cts":)"
        << t0 << "}\n";
    bool traded = false;
    for (int i = 0; i < deltas; ++i) {
        const std::int64_t t = t0 + (i + 1) * step.count();
        if (!traded && t >= t0 + trade_at.count()) {
            out << R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":)" << t0 + trade_at.count()
                << R"(,"data":[{"T":)" << t0 + trade_at.count()
                << R"(,"s":"BTCUSDT","S":"Sell","v":"0.5","p":"64999.00","L":"MinusTick","i":"t-1","BT":false}]})" << "\n";
            traded = true;
        }
        out << R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":)" << t
            << R"(,"data":{"s":"BTCUSDT","b":[["64999.80","0.)" << (i % 9) + 1 << R"("]],"a":[],"u":)" << i + 2
            << R"(,"seq":)" << i + 2 << "}}\n";
    }
    return path;
}

/// The venue on its own I/O thread.
struct venue {
    explicit venue(std::filesystem::path capture = {}, bool rate_limits = true, bool loop = false) {
        if (!capture.empty()) {
            feed = local::capture_feed::open(capture, mmbot::core::ratio::parse("1").value(), loop).value();
        }
        srv = std::make_unique<local::server>(io, core, *tls, feed.get(), 0);
        core.limits = local::server_limits{rate_limits};
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
    std::unique_ptr<local::capture_feed> feed;
    local::venue_core core{local::exchange_options{}, make_signer(), true, 3};
    asio::io_context io;
    std::unique_ptr<local::server> srv;
    std::thread thread;
};

/// The project's REST client pointed at the venue, trusting its certificate.
struct client {
    explicit client(unsigned short port) : tls(net::tls_client_context()) {
        BOOST_TEST_REQUIRE(net::trust_pem(tls, identity().cert_pem).has_value());
        auto ep = bybit::override_endpoint<mmbot::env::testnet>("localhost", std::to_string(port));
        ep.read_timeout = 2000ms;
        transport.emplace(io, ep, tls);
    }
    mmbot::core::result<bybit::http_response> send(const bybit::rest_request& r) {
        return transport->send(r, &signer, now_ms());
    }

    asio::io_context io;
    asio::ssl::context tls;
    std::optional<bybit::rest_transport> transport;
    bybit::signer signer = make_signer();
};

/// Raw HTTPS POST for the admin endpoint (not part of Bybit's API, so not in rest_transport).
std::string admin(unsigned short port, std::string_view body) {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    tls.add_certificate_authority(asio::buffer(identity().cert_pem));
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> s{io, tls};
    beast::get_lowest_layer(s).connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
    s.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::post, "/admin/fault", 11};
    req.set(http::field::host, "localhost");
    req.body() = std::string(body);
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res.body();
}

/// A WebSocket client; reads with a deadline.
struct ws_client {
    ws_client(unsigned short port, std::string_view path)
        : tls(asio::ssl::context::tls_client), ws(io, tls) {
        tls.add_certificate_authority(asio::buffer(identity().cert_pem));
        ws.next_layer().set_verify_mode(asio::ssl::verify_peer);
        ws.next_layer().set_verify_callback(asio::ssl::host_name_verification("localhost"));
        SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "localhost");
        beast::get_lowest_layer(ws).connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
        ws.next_layer().handshake(asio::ssl::stream_base::client);
        ws.handshake("localhost", std::string(path));
    }
    void send(std::string_view text) { ws.write(asio::buffer(text)); }
    std::optional<std::string> read(std::chrono::milliseconds timeout = 3000ms) {
        beast::flat_buffer buf;
        bool done = false;
        beast::error_code ec;
        beast::get_lowest_layer(ws).expires_after(timeout);
        ws.async_read(buf, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        io.restart();
        io.run();
        if (!done || ec) return std::nullopt;
        return beast::buffers_to_string(buf.data());
    }

    asio::io_context io;
    asio::ssl::context tls;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
};

using venue_test::events;

std::unique_ptr<ws_client> private_ws(unsigned short port, bybit::private_stream& stream, events& ev) {
    auto ws = std::make_unique<ws_client>(port, "/v5/private");
    auto s = make_signer();
    std::string auth;
    BOOST_TEST_REQUIRE(s.append_ws_auth(now_ms() + 10'000, auth).has_value());
    ws->send(auth);
    auto r = ws->read();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST_REQUIRE((stream.handle(*r, ev).value() == bybit::stream_event::auth_ok));
    ws->send(bybit::subscribe_frame);
    r = ws->read();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST_REQUIRE((stream.handle(*r, ev).value() == bybit::stream_event::subscribed));
    return ws;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rest_round_trips_over_tls) {
    venue v;
    client c{v.srv->port()};
    bybit::rest_request req;
    bybit::write_server_time(req);
    auto r = c.send(req);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    const auto server_ns = bybit::parse_server_time(r->body).value();
    BOOST_TEST(std::llabs(server_ns.count() / 1'000'000 - now_ms()) < 5000);
    BOOST_TEST_REQUIRE(r->limits.has_value());

    bybit::write_instruments(bybit::category::linear, "", "", req).value();
    auto page = bybit::parse_instruments(c.send(req).value().body, bybit::category::linear);
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST(page->instruments.size() == 2U);

    auto created = bybit::parse_order_ids(c.send(create(order("rt-1", mmbot::core::side::buy, "60000.00"))).value().body);
    BOOST_TEST_REQUIRE(created.has_value(), (created ? "" : created.error().message));
    bybit::write_open_orders(bybit::category::linear, "BTCUSDT", "", req).value();
    auto open = bybit::parse_open_orders(c.send(req).value().body).value();
    BOOST_TEST_REQUIRE(open.orders.size() == 1U);
    BOOST_TEST(open.orders[0].order_id == created->order_id);
    bybit::write_cancel(bybit::category::linear, "BTCUSDT", "rt-1", req).value();
    BOOST_TEST(bybit::parse_order_ids(c.send(req).value().body).has_value());
    bybit::write_open_orders(bybit::category::linear, "BTCUSDT", "", req).value();
    BOOST_TEST(bybit::parse_open_orders(c.send(req).value().body).value().orders.empty());
    BOOST_TEST(c.transport->connects() == 1);  // keep-alive throughout

    // Duplicate orderLinkId, then a signature made with the wrong secret.
    auto dup = bybit::parse_order_ids(c.send(create(order("rt-1", mmbot::core::side::buy, "60000.00"))).value().body);
    BOOST_TEST(dup.error().code == mmbot::venue::bybit::errc::duplicate_order_link_id);
    auto wrong = bybit::signer::make(mmbot::secrets::credentials{
                                         mmbot::secrets::secret_string{std::string(venue_test::key)},
                                         mmbot::secrets::secret_string{std::string("nope")}})
                     .value();
    auto bad = c.transport->send(create(order("rt-2", mmbot::core::side::buy, "60000.00")), &wrong, now_ms());
    BOOST_TEST(bybit::parse_order_ids(bad.value().body).error().code == mmbot::venue::bybit::errc::signature);
    auto stale = c.transport->send(create(order("rt-3", mmbot::core::side::buy, "60000.00")), &c.signer,
                                   now_ms() - 60'000);
    BOOST_TEST(bybit::parse_order_ids(stale.value().body).error().code == mmbot::venue::bybit::errc::timestamp);
}

BOOST_AUTO_TEST_CASE(rate_limit_over_tls_carries_the_headers) {
    venue v;
    client c{v.srv->port()};
    bybit::rest_request req;
    bybit::write_cancel_all(bybit::category::linear, "BTCUSDT", req).value();
    auto first = c.send(req).value();
    BOOST_TEST(bybit::parse_cancel_all(first.body).has_value());
    BOOST_TEST_REQUIRE(first.limits.has_value());
    BOOST_TEST(first.limits->limit == 1);
    auto second = c.send(req).value();
    BOOST_TEST(second.status == 200U);
    BOOST_TEST(bybit::parse_cancel_all(second.body).error().code == mmbot::venue::bybit::errc::rate_limit);
    BOOST_TEST_REQUIRE(second.limits.has_value());
    BOOST_TEST(second.limits->remaining == 0);
    BOOST_TEST(second.limits->reset_at.count() > now_ms() - 50);
}

BOOST_AUTO_TEST_CASE(rest_faults_from_the_admin_endpoint) {
    venue v;
    const auto port = v.srv->port();
    client c{port};
    bybit::rest_request req;
    bybit::write_server_time(req);

    BOOST_TEST(admin(port, R"({"kind":"http_5xx","count":1})").find(R"("ok":true)") != std::string::npos);
    auto r = c.send(req);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 503U);
    BOOST_TEST(c.send(req).value().status == 200U);  // count exhausted

    (void)admin(port, R"({"kind":"rate_limit","count":1,"path":"/v5/market"})");
    BOOST_TEST(bybit::parse_server_time(c.send(req).value().body).error().code == mmbot::venue::bybit::errc::rate_limit);

    (void)admin(port, R"({"kind":"delay_ms","delay_ms":300,"count":1})");
    const auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(c.send(req).has_value());
    const bool delayed = std::chrono::steady_clock::now() - t0 >= 300ms;
    BOOST_TEST(delayed);

    (void)admin(port, R"({"kind":"disconnect","count":1})");
    auto gone = c.send(req);
    BOOST_TEST_REQUIRE(!gone.has_value());
    BOOST_TEST(gone.error().code == mmbot::venue::bybit::errc::timeout, gone.error().message);  // sent, no answer
    BOOST_TEST(c.send(req).has_value());  // reconnects

    const std::string state = admin(port, R"({"clear":true})");
    BOOST_TEST(state.find(R"("rules":[])") != std::string::npos, state);
    BOOST_TEST(state.find(R"("disconnect":1)") != std::string::npos, state);
    BOOST_TEST(admin(port, R"({"kind":"explode"})").find(R"("ok":false)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(private_ws_auth_pushes_and_drop_dup_faults) {
    const auto capture = write_capture("private.jsonl", 60, 100ms, 3000ms);
    venue v{capture};
    const auto port = v.srv->port();
    client c{port};

    {  // A bad signature is refused.
        ws_client ws{port, "/v5/private"};
        ws.send(R"({"op":"auth","args":["LOCALKEY1",")" + std::to_string(now_ms() + 10000) +
                R"(","0000000000000000000000000000000000000000000000000000000000000000"]})");
        bybit::private_stream stream;
        events ev;
        auto kind = stream.handle(ws.read().value(), ev);
        BOOST_TEST_REQUIRE(!kind.has_value());
        BOOST_TEST(kind.error().code == mmbot::venue::bybit::errc::ws_auth);
    }

    bybit::private_stream stream;
    events ev;
    auto ws = private_ws(port, stream, ev);

    // Crossing PostOnly: New, then Cancelled with EC_PostOnlyWillTakeLiquidity.
    BOOST_TEST(c.send(create(order("ws-po", mmbot::core::side::buy, "65000.10"))).has_value());
    for (int i = 0; i < 2; ++i) (void)stream.handle(ws->read().value(), ev);
    BOOST_TEST(ev.lines == (std::vector<std::string>{"ack ws-po", "cancel ws-po EC_PostOnlyWillTakeLiquidity"}));
    ev.lines.clear();

    // A resting buy that the capture's sell print at 64999.00 (t0 + 3 s) fills.
    BOOST_TEST(c.send(create(order("ws-fill", mmbot::core::side::buy, "65000.00"))).has_value());
    (void)stream.handle(ws->read().value(), ev);
    for (int i = 0; i < 2; ++i) (void)stream.handle(ws->read(5000ms).value(), ev);
    BOOST_TEST(ev.lines == (std::vector<std::string>{"ack ws-fill", "fill ws-fill 0.01@65000 maker fee 0.13"}));
    ev.lines.clear();

    // drop_ws: the next push never comes; the pong does.
    (void)admin(port, R"({"kind":"drop_ws","count":1})");
    BOOST_TEST(c.send(create(order("ws-drop", mmbot::core::side::buy, "60000.00"))).has_value());
    ws->send(bybit::ping_frame);
    BOOST_TEST((stream.handle(ws->read().value(), ev).value() == bybit::stream_event::pong));
    BOOST_TEST(ev.lines.empty());

    // dup_ws: the next push comes twice.
    (void)admin(port, R"({"kind":"dup_ws","count":1})");
    BOOST_TEST(c.send(create(order("ws-dup", mmbot::core::side::buy, "60000.00"))).has_value());
    const auto a = ws->read().value();
    const auto b = ws->read().value();
    BOOST_TEST(a == b);
    (void)stream.handle(a, ev);
    BOOST_TEST(ev.lines == (std::vector<std::string>{"ack ws-dup"}));
}

BOOST_AUTO_TEST_CASE(public_ws_snapshot_deltas_and_gap) {
    const auto capture = write_capture("public.jsonl", 200, 50ms, 100'000ms);
    venue v{capture};
    ws_client ws{v.srv->port(), "/v5/public/linear"};
    ws.send(R"({"op":"subscribe","args":["orderbook.50.BTCUSDT"]})");
    mmbot::feed::bybit_public_codec codec;
    mmbot::feed::decoded_message msg;
    mmbot::feed::l2_book book{50};
    BOOST_TEST(ws.read().value().find(R"("success":true)") != std::string::npos);
    auto snap = ws.read().value();
    BOOST_TEST_REQUIRE((codec.decode(snap, msg).value() == mmbot::feed::message_kind::book));
    BOOST_TEST((msg.book.action == mmbot::feed::book_action::snapshot));
    (void)book.apply(msg.book);
    BOOST_TEST(book.valid());

    // Deltas follow in sequence; then a scripted gap.
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST_REQUIRE((codec.decode(ws.read().value(), msg).value() == mmbot::feed::message_kind::book));
        BOOST_TEST((book.apply(msg.book) == mmbot::feed::apply_status::applied));
    }
    (void)admin(v.srv->port(), R"({"kind":"ws_gap","count":1})");
    mmbot::feed::apply_status last = mmbot::feed::apply_status::applied;
    for (int i = 0; i < 10 && last == mmbot::feed::apply_status::applied; ++i) {
        BOOST_TEST_REQUIRE((codec.decode(ws.read().value(), msg).value() == mmbot::feed::message_kind::book));
        last = book.apply(msg.book);
    }
    BOOST_TEST((last == mmbot::feed::apply_status::gap));
    // Resubscribing brings a fresh snapshot: the book recovers.
    ws.send(R"({"op":"subscribe","args":["orderbook.50.BTCUSDT"]})");
    for (int i = 0; i < 10; ++i) {
        auto text = ws.read().value();
        if (text.find(R"("type":"snapshot")") == std::string::npos) continue;
        (void)codec.decode(text, msg);
        BOOST_TEST((book.apply(msg.book) == mmbot::feed::apply_status::resynced));
        break;
    }
    BOOST_TEST(book.valid());
}

// Issue 14: every depth Bybit offers is served, derived from the capture's book (recorded at 50
// here); what cannot be served is refused the way Bybit refuses it, never acknowledged and left
// silent.
BOOST_AUTO_TEST_CASE(public_ws_serves_every_offered_depth_and_refuses_the_rest) {
    const auto capture = write_capture("depths.jsonl", 200, 50ms, 100'000ms);
    venue v{capture};
    ws_client ws{v.srv->port(), "/v5/public/linear"};
    const auto refused = [&](std::string_view topic, std::string_view why) {
        ws.send(R"({"op":"subscribe","args":[")" + std::string(topic) + R"("]})");
        const auto r = ws.read().value();
        return r.find(R"("success":false)") != std::string::npos && r.find(why) != std::string::npos;
    };
    BOOST_TEST(refused("orderbook.7.BTCUSDT", "error:handler not found,topic:orderbook.7.BTCUSDT"));
    BOOST_TEST(refused("orderbook.500.BTCUSDT", "error:handler not found"));  // retired in 2025
    BOOST_TEST(refused("orderbook.50.NOPEUSDT", "Invalid symbol :[orderbook.50.NOPEUSDT]"));
    BOOST_TEST(refused("tickers.BTCUSDT", "Invalid symbol :[tickers.BTCUSDT]"));  // none in the capture

    ws.send(R"({"op":"subscribe","args":["orderbook.50.BTCUSDT","orderbook.200.BTCUSDT","orderbook.1.BTCUSDT"]})");
    BOOST_TEST(ws.read().value().find(R"("success":true)") != std::string::npos);
    mmbot::feed::bybit_public_codec codec;
    mmbot::feed::decoded_message msg;
    std::map<std::uint32_t, mmbot::feed::l2_book> books;
    for (const std::uint32_t d : {1U, 50U, 200U}) books.emplace(d, mmbot::feed::l2_book{d});
    int derived = 0;
    for (int i = 0; i < 24; ++i) {
        const auto text = ws.read().value();
        BOOST_TEST_REQUIRE((codec.decode(text, msg).value() == mmbot::feed::message_kind::book));
        auto& book = books.at(msg.book.depth);
        const auto status = book.apply(msg.book);
        BOOST_TEST((status != mmbot::feed::apply_status::gap && status != mmbot::feed::apply_status::awaiting_snapshot),
                   text);
        if (msg.book.depth != 200 || msg.book.action != mmbot::feed::book_action::delta) continue;
        ++derived;
        // The derived view equals the recorded book after the same capture message.
        const auto& recorded = books.at(50);
        for (const auto s : {mmbot::feed::book_side::bid, mmbot::feed::book_side::ask}) {
            BOOST_TEST_REQUIRE(book.levels(s) == recorded.levels(s));
            for (std::size_t l = 0; l < book.levels(s); ++l) {
                BOOST_TEST((book.at(s, l).px == recorded.at(s, l).px && book.at(s, l).qty == recorded.at(s, l).qty));
            }
        }
    }
    BOOST_TEST(derived >= 5);
    // orderbook.1: its snapshot, then nothing while the changes stay below the touch.
    BOOST_TEST(books.at(1).valid());
    BOOST_TEST(books.at(1).levels(mmbot::feed::book_side::bid) == 1U);
    BOOST_TEST(books.at(1).best_bid()->px.to_string() == "65000");

    // Bybit's deepest stream, on linear (what ccxt's watchOrderBook(symbol, 1000) asks for) and spot.
    for (const char* path : {"/v5/public/linear", "/v5/public/spot"}) {
        ws_client deep{v.srv->port(), path};
        deep.send(R"({"op":"subscribe","args":["orderbook.1000.BTCUSDT"]})");
        BOOST_TEST(deep.read().value().find(R"("success":true)") != std::string::npos, path);
        const auto snapshot = deep.read().value();
        BOOST_TEST(snapshot.find(R"("topic":"orderbook.1000.BTCUSDT","type":"snapshot")") != std::string::npos, path);
    }
}

// --loop: the capture starts over at its end, for ever, one second after its last message, with
// update ids and sequences still increasing: a client's book sees no reset and no gap.
BOOST_AUTO_TEST_CASE(public_ws_loop_replays_with_ids_still_increasing) {
    const auto capture = write_capture("loop.jsonl", 4, 20ms, 100'000ms);  // a snapshot, 4 deltas
    venue v{capture, true, true};
    ws_client ws{v.srv->port(), "/v5/public/linear"};
    ws.send(R"({"op":"subscribe","args":["orderbook.50.BTCUSDT"]})");
    BOOST_TEST(ws.read().value().find(R"("success":true)") != std::string::npos);
    mmbot::feed::bybit_public_codec codec;
    mmbot::feed::decoded_message msg;
    std::uint64_t last_u = 0;
    int snapshots = 0;
    for (int i = 0; i < 16; ++i) {  // more than three passes of the 5-message capture
        BOOST_TEST_REQUIRE((codec.decode(ws.read(4000ms).value(), msg).value() == mmbot::feed::message_kind::book));
        BOOST_TEST(msg.book.u > last_u);
        last_u = msg.book.u;
        if (msg.book.action == mmbot::feed::book_action::snapshot) ++snapshots;
    }
    BOOST_TEST(snapshots >= 3);  // the subscriber's own, then each pass's recorded snapshot
    BOOST_TEST(last_u > 12U);
}

// ------------------------------------------------------------------ --protocol binance over TLS

namespace {

namespace binance = mmbot::venue::binance;

/// A Binance capture: a diff (u 10), the REST snapshot it is in (lastUpdateId 10), then a diff
/// every 20 ms (u = 11, 12, ... chained by pu) and at 300 ms a sell print at 64999.00 (fills
/// resting buys at or above 65000.00).
std::filesystem::path write_binance_capture(std::string_view name, int diffs) {
    const auto path = tmp_dir() / std::string(name);
    std::ofstream out(path);
    const std::int64_t t0 = 1'786'310'400'000;
    const auto ns = [](std::int64_t ms) { return ms * 1'000'000; };
    out << ns(t0) << R"( {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":)" << t0 << R"(,"T":)" << t0
        << R"(,"s":"BTCUSDT","U":9,"u":10,"pu":8,"b":[["65000.00","1.500"]],"a":[]}})" << "\n";
    out << ns(t0) + 1 << R"( {"lastUpdateId":10,"E":)" << t0 << R"(,"T":)" << t0
        << R"(,"bids":[["65000.00","1.500"],["64999.90","2.000"]],"asks":[["65000.10","0.500"],["65000.20","3.000"]]})" << "\n";
    bool traded = false;
    for (int i = 0; i < diffs; ++i) {
        const std::int64_t t = t0 + (i + 1) * 20;
        if (!traded && t >= t0 + 300) {
            out << ns(t0 + 300) << R"( {"stream":"btcusdt@trade","data":{"e":"trade","E":)" << t0 + 300 << R"(,"T":)" << t0 + 300
                << R"(,"s":"BTCUSDT","t":500,"p":"64999.00","q":"0.500","X":"MARKET","m":true}})" << "\n";
            traded = true;
        }
        out << ns(t) << R"( {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":)" << t << R"(,"T":)" << t
            << R"(,"s":"BTCUSDT","U":)" << i + 11 << R"(,"u":)" << i + 11 << R"(,"pu":)" << i + 10
            << R"(,"b":[["64999.80","0.00)" << (i % 9) + 1 << R"("]],"a":[]}})" << "\n";
    }
    return path;
}

/// The venue speaking Binance on its own I/O thread.
struct binance_venue {
    binance_venue(const std::filesystem::path& capture, std::chrono::seconds ttl) {
        feed = local::binance_capture::open(capture, mmbot::core::ratio::parse("1").value()).value();
        local::exchange_options o;
        o.link_ids_unique_among_open = true;
        core.emplace(std::move(o), make_signer(), true, 3);
        front.emplace(local::binance_access{signer(), true, ttl});
        srv = std::make_unique<local::server>(io, *core, *tls, local::binance_side{&*front, feed.get()}, 0);
        srv->start();
        thread = std::thread([this] { io.run(); });
    }
    binance_venue(const binance_venue&) = delete;
    binance_venue& operator=(const binance_venue&) = delete;
    ~binance_venue() {
        asio::post(io, [this] {
            srv->stop();
            io.stop();
        });
        thread.join();
    }
    static binance::signer signer() {
        return binance::signer::make(mmbot::secrets::credentials{mmbot::secrets::secret_string{std::string(venue_test::key)},
                                                                 mmbot::secrets::secret_string{std::string(venue_test::secret)}})
            .value();
    }

    std::unique_ptr<asio::ssl::context> tls = local::tls_server_context(identity()).value();
    std::unique_ptr<local::binance_capture> feed;
    std::optional<local::venue_core> core;
    std::optional<local::binance_front> front;
    asio::io_context io;
    std::unique_ptr<local::server> srv;
    std::thread thread;
};

/// One HTTPS request with the API key header (a Binance request as rest_request gives it).
http::response<http::string_body> https(unsigned short port, const binance::rest_request& r) {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    tls.add_certificate_authority(asio::buffer(identity().cert_pem));
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> s{io, tls};
    beast::get_lowest_layer(s).connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
    s.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req{http::string_to_verb(binance::to_string(r.method)), r.target(), 11};
    req.set(http::field::host, "localhost");
    req.set(binance::header_api_key, venue_test::key);
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = std::string(r.body());
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
}

boost::json::object json_object(const std::string& text) { return boost::json::parse(text).as_object(); }

}  // namespace

BOOST_AUTO_TEST_CASE(binance_user_stream_public_streams_gap_and_listen_key_expiry) {
    binance_venue v{write_binance_capture("binance_capture.txt", 100), std::chrono::seconds{2}};
    const auto port = v.srv->port();

    binance::rest_request r;
    binance::write_listen_key(binance::http_method::post, r);
    const auto made = https(port, r);
    BOOST_TEST_REQUIRE(made.result_int() == 200U, made.body());
    BOOST_TEST(made["X-MBX-USED-WEIGHT-1M"] == "1");
    const std::string key(json_object(made.body()).at("listenKey").as_string());
    ws_client user{port, "/ws/" + key};

    // Combined depth stream, one diff of it skipped by ws_gap once it flows.
    ws_client depth{port, "/stream?streams=btcusdt@depth@100ms"};
    BOOST_TEST_REQUIRE(depth.read().has_value());
    BOOST_TEST(admin(port, R"({"kind":"ws_gap","count":1})").find(R"("ok":true)") != std::string::npos);

    // A GTC buy at 65000.00 rests (the ask is 65000.10) and fills as maker on the print at 300 ms.
    auto o = order("bn-1", mmbot::core::side::buy, "65000.00", "0.010", false);
    binance::write_create(o, now_ms(), binance::default_recv_window, r).value();
    auto signer = binance_venue::signer();
    BOOST_TEST_REQUIRE(signer.append_signature(r.params).has_value());
    const auto placed = https(port, r);
    BOOST_TEST_REQUIRE(placed.result_int() == 200U, placed.body());
    BOOST_TEST(placed["X-MBX-ORDER-COUNT-1M"] == "1");
    std::vector<std::string> seen;
    for (int i = 0; i < 3; ++i) {
        auto m = user.read();
        BOOST_TEST_REQUIRE(m.has_value());
        const auto doc = json_object(*m);
        if (doc.at("e").as_string() == "ORDER_TRADE_UPDATE") {
            const auto& u = doc.at("o").as_object();
            seen.push_back(std::string(u.at("x").as_string()) + "/" + std::string(u.at("X").as_string()) + " " +
                           std::string(u.at("l").as_string()) + "@" + std::string(u.at("L").as_string()) +
                           (u.at("m").as_bool() ? " maker" : ""));
        } else {
            seen.push_back(std::string(doc.at("e").as_string()) + " " +
                           std::string(doc.at("a").at("P").at(0).at("pa").as_string()));
        }
    }
    BOOST_TEST(seen == (std::vector<std::string>{"NEW/NEW 0.000@0.00", "TRADE/FILLED 0.010@65000.00 maker",
                                                 "ACCOUNT_UPDATE 0.010"}),
               boost::test_tools::per_element());

    // The depth stream: wrapped, chained by pu except across the one skipped diff.
    int breaks = 0;
    std::uint64_t prev_u = 0;
    for (int i = 0; i < 30; ++i) {
        auto m = depth.read();
        BOOST_TEST_REQUIRE(m.has_value());
        const auto doc = json_object(*m);
        BOOST_TEST_REQUIRE(doc.at("stream").as_string() == "btcusdt@depth@100ms");
        const auto& d = doc.at("data").as_object();
        const auto pu = static_cast<std::uint64_t>(d.at("pu").as_int64());
        if (prev_u != 0 && pu != prev_u) ++breaks;
        prev_u = static_cast<std::uint64_t>(d.at("u").as_int64());
    }
    BOOST_TEST(breaks == 1);

    // Not kept alive: after 2 s the user stream is told and closed.
    auto expired = user.read(4000ms);
    BOOST_TEST_REQUIRE(expired.has_value());
    const auto doc = json_object(*expired);
    BOOST_TEST(doc.at("e").as_string() == "listenKeyExpired");
    BOOST_TEST(doc.at("listenKey").as_string() == key);
    BOOST_TEST(!user.read(1000ms).has_value());
    binance::write_listen_key(binance::http_method::put, r);
    const auto keep = https(port, r);
    BOOST_TEST(keep.result_int() == 400U);
    BOOST_TEST(keep.body() == R"({"code":-1125,"msg":"This listenKey does not exist."})");
}
