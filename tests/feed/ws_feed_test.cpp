// tests/feed/ws_feed_test.cpp
//
// The live public feed against a Beast TLS WebSocket server on 127.0.0.1 whose certificate is
// made at test time with the openssl CLI: a verified connection that sends the expected
// subscribe args (chunked), an untrusted certificate (fatal, clear error, no data), pings at the
// configured interval, a server that hangs up (backoff, reconnect, resubscribe, data resumes), a
// sequence gap (unsubscribe + subscribe of that book's topic, book rebuilt from the new snapshot),
// a rejected subscribe (fatal, ret_msg in the error), plus the URL parser (the backoff: tests/core).
#define BOOST_TEST_MODULE feed_ws_feed
#include "mmbot/feed/binance/ws_feed.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/venue/binance/private_ws.hpp"
#include "mmbot/net/tls.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace feed = mmbot::feed;
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct test_cert {
    std::string cert_pem;
    std::string key_pem;
};

/// A self-signed certificate for 127.0.0.1 (IP SAN), made with the openssl CLI.
test_cert make_cert(const std::string& tag) {
    const char* tmp = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe): set-up, one thread
    const std::filesystem::path dir = tmp != nullptr ? tmp : std::filesystem::temp_directory_path();
    const auto cert = dir / (tag + ".crt");
    const auto key = dir / (tag + ".key");
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " + key.string() +
        " -out " + cert.string() + " >/dev/null 2>&1";
    // NOLINTNEXTLINE(concurrency-mt-unsafe,cert-env33-c): the openssl CLI, once, at set-up
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed: " + cmd);
    return {read_file(cert), read_file(key)};
}

const test_cert& server_cert() {
    static const test_cert c = make_cert("ws_server");
    return c;
}

using server_ws = websocket::stream<asio::ssl::stream<tcp::socket>>;

/// A one-thread TLS WebSocket server. Each accepted session runs `script(ws, index)`; frames the
/// client sends are recorded (with the session index) by read_frame().
class ws_server {
public:
    using script_fn = std::function<void(ws_server&, server_ws&, int)>;

    ws_server(const test_cert& cert, script_fn script) : script_(std::move(script)) {
        tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
        tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
        acceptor_.open(tcp::v4());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        thread_ = std::thread([this] { serve(); });
    }
    ws_server(const ws_server&) = delete;
    ws_server& operator=(const ws_server&) = delete;
    ~ws_server() {
        stop_ = true;
        boost::system::error_code ec;
        tcp::socket s{io_};
        s.connect({asio::ip::make_address("127.0.0.1"), port()}, ec);  // wake the accept
        thread_.join();
    }

    [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// Reads one frame from the client and records it; nullopt when the client went away.
    std::optional<std::string> read_frame(server_ws& ws, int index) {
        boost::beast::flat_buffer buf;
        boost::system::error_code ec;
        ws.read(buf, ec);
        if (ec) return std::nullopt;
        std::string text = boost::beast::buffers_to_string(buf.data());
        {
            const std::lock_guard lock(mu_);
            frames_.push_back({index, text, std::chrono::steady_clock::now()});
        }
        if (text.find(R"("op":"ping")") != std::string::npos) {
            send(ws, R"({"success":true,"ret_msg":"pong","conn_id":"t","req_id":"","op":"ping"})");
        }
        return text;
    }
    /// Reads until a frame contains `needle`; false when the client went away first.
    bool read_until(server_ws& ws, int index, std::string_view needle) {
        while (auto f = read_frame(ws, index)) {
            if (f->find(needle) != std::string::npos) return true;
        }
        return false;
    }
    /// Reads (answering pings) until the client goes away.
    void drain(server_ws& ws, int index) {
        while (read_frame(ws, index)) {
        }
    }
    static void send(server_ws& ws, const std::string& text) {
        boost::system::error_code ec;
        ws.text(true);
        ws.write(asio::buffer(text), ec);
    }
    /// Acks every subscribe request among the first frames (one per chunk).
    void ack_subscribes(server_ws& ws, int index, int requests) {
        for (int i = 0; i < requests; ++i) {
            auto f = read_frame(ws, index);
            if (!f) return;
            const auto v = boost::json::parse(*f);
            send(ws, fmt::format(R"({{"success":true,"ret_msg":"","conn_id":"t","req_id":"{}","op":"subscribe"}})",
                                 v.at("req_id").as_string().c_str()));
        }
    }

    struct frame {
        int session;
        std::string text;
        std::chrono::steady_clock::time_point at;
    };
    [[nodiscard]] std::vector<frame> frames() const {
        const std::lock_guard lock(mu_);
        return frames_;
    }
    std::atomic<int> sessions{0};
    std::atomic<int> tls_failures{0};
    /// Each session's upgrade target, in order.
    [[nodiscard]] std::vector<std::string> targets() const {
        const std::lock_guard lock(mu_);
        return targets_;
    }

private:
    void serve() {
        for (int index = 0; !stop_; ++index) {
            tcp::socket sock{io_};
            boost::system::error_code ec;
            acceptor_.accept(sock, ec);
            if (ec || stop_) return;
            server_ws ws{std::move(sock), tls_};
            ws.next_layer().handshake(asio::ssl::stream_base::server, ec);
            if (ec) {
                ++tls_failures;
                continue;
            }
            // The upgrade request read first, so its target (the stream's path) is recorded.
            boost::beast::flat_buffer hbuf;
            boost::beast::http::request<boost::beast::http::string_body> upgrade;
            boost::beast::http::read(ws.next_layer(), hbuf, upgrade, ec);
            if (ec) continue;
            {
                const std::lock_guard lock(mu_);
                targets_.emplace_back(upgrade.target());
            }
            ws.accept(upgrade, ec);
            if (ec) continue;
            ++sessions;
            script_(*this, ws, index);
            ws.close(websocket::close_code::normal, ec);
        }
    }

    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    tcp::acceptor acceptor_{io_};
    script_fn script_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    std::vector<frame> frames_;
    std::vector<std::string> targets_;
    std::thread thread_;
};

std::string book_msg(std::string_view type, std::uint64_t u, std::string_view bid, std::string_view ask) {
    return fmt::format(R"({{"topic":"orderbook.50.BTCUSDT","type":"{}","ts":1786310400000,"data":{{"s":"BTCUSDT","b":[["{}","1.5"]],"a":[["{}","2"]],"u":{},"seq":{}}},"cts":1786310399999}})",
                       type, bid, ask, u, u * 3);
}

/// Client options pointed at the test server, with short timers.
feed::ws_feed_options client_options(unsigned short port) {
    feed::ws_feed_options o;
    o.endpoint = feed::ws_endpoint{"127.0.0.1", std::to_string(port), "/v5/public/linear"};
    o.topics.symbols = {"BTCUSDT"};
    o.ping_interval = 10'000ms;
    o.idle_timeout = 10'000ms;
    o.connect_timeout = 2'000ms;
    o.backoff_initial = 20ms;
    o.backoff_max = 200ms;
    o.backoff_seed = 7;
    return o;
}

asio::ssl::context trusting_context() {
    auto ctx = mmbot::net::tls_client_context();
    BOOST_REQUIRE(mmbot::net::trust_pem(ctx, server_cert().cert_pem));
    return ctx;
}

/// Polls until `done()` or the time runs out; counts the events seen.
template <class Done>
int poll_until(feed::ws_feed& f, Done done, std::chrono::milliseconds limit = 5'000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    feed::replay_event ev;
    int events = 0;
    while (!done() && std::chrono::steady_clock::now() < end) {
        const auto st = f.poll(ev, 20ms);
        if (st == feed::poll_status::event) ++events;
        if (st == feed::poll_status::failed) break;
    }
    return events;
}

std::vector<std::string> args_of(const std::string& frame) {
    std::vector<std::string> out;
    const boost::json::value v = boost::json::parse(frame);  // kept: the loop borrows from it
    for (const auto& a : v.at("args").as_array()) {
        out.emplace_back(a.as_string().c_str());
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(parses_wss_urls_and_refuses_others) {
    auto ep = feed::parse_wss_url("wss://127.0.0.1:9443/v5/public/linear");
    BOOST_TEST_REQUIRE(ep.has_value());
    BOOST_TEST(ep->host == "127.0.0.1");
    BOOST_TEST(ep->port == "9443");
    BOOST_TEST(ep->path == "/v5/public/linear");
    auto def = feed::parse_wss_url("wss://stream.bybit.com/v5/public/spot");
    BOOST_TEST_REQUIRE(def.has_value());
    BOOST_TEST(def->port == "443");
    for (const char* bad : {"ws://127.0.0.1:1/x", "wss://:9443/x", "wss://h:0/x", "wss://h:99999/x",
                            "wss://h:12a/x", "wss://a b/x"}) {
        auto r = feed::parse_wss_url(bad);
        BOOST_TEST(!r.has_value(), bad);
        if (!r) BOOST_TEST(r.error().message.find(bad) != std::string::npos, r.error().message);
    }
    const auto live = feed::public_endpoint<mmbot::env::shadow>(feed::ws_category::linear);
    BOOST_TEST(live.host == "stream.bybit.com");
    BOOST_TEST(live.path == "/v5/public/linear");
    BOOST_TEST(feed::public_endpoint<mmbot::env::testnet>(feed::ws_category::spot).path == "/v5/public/spot");
}

BOOST_AUTO_TEST_CASE(subscribe_frames_are_chunked) {
    feed::ws_topics t;
    for (int i = 0; i < 4; ++i) t.symbols.push_back(fmt::format("S{}USDT", i));
    const auto topics = feed::topics_for(t);
    BOOST_TEST(topics.size() == 12U);
    BOOST_TEST(topics[0] == "orderbook.50.S0USDT");
    BOOST_TEST(topics[1] == "publicTrade.S0USDT");
    BOOST_TEST(topics[2] == "tickers.S0USDT");
    std::uint64_t n = 0;
    const auto frames = feed::op_frames("subscribe", topics, 10, "sub-", n);
    BOOST_TEST_REQUIRE(frames.size() == 2U);
    BOOST_TEST(args_of(frames[0]).size() == 10U);
    BOOST_TEST(args_of(frames[1]).size() == 2U);
    const auto v = boost::json::parse(frames[1]);
    BOOST_TEST(v.at("op").as_string() == "subscribe");
    BOOST_TEST(v.at("req_id").as_string() == "sub-2");
}

BOOST_AUTO_TEST_CASE(connects_with_verification_and_subscribes) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        ws_server::send(ws, book_msg("snapshot", 100, "65000.0", "65000.5"));
        ws_server::send(ws, book_msg("delta", 101, "65000.1", "65000.5"));
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    feed::ws_feed f(client_options(server.port()), tls);
    f.start();
    const int events = poll_until(f, [&] { return f.stats().book_updates >= 2; });
    BOOST_TEST(events == 2);
    BOOST_TEST(!f.failed());
    BOOST_TEST(f.connected());
    const auto* book = f.books().find("BTCUSDT");
    BOOST_TEST_REQUIRE(book != nullptr);
    BOOST_TEST(book->valid());
    BOOST_TEST(book->best_bid()->px.to_string() == "65000.1");
    BOOST_TEST(f.feed_stats().subscribe_acks == 1U);
    const auto frames = server.frames();
    BOOST_TEST_REQUIRE(!frames.empty());
    const std::string first = frames.empty() ? std::string() : frames.front().text;
    const auto v = boost::json::parse(first);
    BOOST_TEST(v.at("op").as_string() == "subscribe");
    const std::vector<std::string> want{"orderbook.50.BTCUSDT", "publicTrade.BTCUSDT", "tickers.BTCUSDT"};
    BOOST_TEST(args_of(first) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_is_a_clear_fatal_error) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        ws_server::send(ws, book_msg("snapshot", 100, "1.0", "2.0"));
        s.drain(ws, i);
    });
    auto tls = mmbot::net::tls_client_context();  // the system store: does not know our CA
    feed::ws_feed f(client_options(server.port()), tls);
    f.start();
    const int events = poll_until(f, [&] { return f.failed(); });
    BOOST_TEST(events == 0);
    BOOST_TEST_REQUIRE(f.failed());
    BOOST_TEST(f.error().code == mmbot::net::errc::tls);
    BOOST_TEST(f.error().message.find("certificate verification failed") != std::string::npos,
               f.error().message);
    BOOST_TEST(f.stats().messages == 0U);
    BOOST_TEST(server.sessions == 0);
}

BOOST_AUTO_TEST_CASE(wrong_host_name_is_refused) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) { s.drain(ws, i); });
    auto tls = trusting_context();
    auto o = client_options(server.port());
    o.endpoint.host = "localhost";  // resolves to us, but the certificate names 127.0.0.1 only
    feed::ws_feed f(o, tls);
    f.start();
    poll_until(f, [&] { return f.failed(); });
    BOOST_TEST_REQUIRE(f.failed());
    BOOST_TEST(f.error().code == mmbot::net::errc::tls, f.error().message);
    BOOST_TEST(f.error().message.find("certificate verification failed") != std::string::npos,
               f.error().message);
    BOOST_TEST(f.feed_stats().connects == 0U);
    BOOST_TEST(server.sessions == 0);
}

BOOST_AUTO_TEST_CASE(pings_at_the_configured_interval) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    auto o = client_options(server.port());
    o.ping_interval = 100ms;
    o.idle_timeout = 2'000ms;  // pongs keep the session alive
    feed::ws_feed f(o, tls);
    f.start();
    poll_until(f, [&] { return f.feed_stats().pongs >= 4; });
    BOOST_TEST(f.feed_stats().pings_sent >= 4U);
    BOOST_TEST(f.feed_stats().pongs >= 4U);
    BOOST_TEST(f.feed_stats().reconnects == 0U);
    std::vector<std::chrono::steady_clock::time_point> at;
    for (const auto& fr : server.frames()) {
        if (fr.text.find(R"("op":"ping")") != std::string::npos) {
            BOOST_TEST(fr.text.find(R"("req_id":"ping-)") != std::string::npos);
            at.push_back(fr.at);
        }
    }
    BOOST_TEST_REQUIRE(at.size() >= 4U);
    for (std::size_t i = 1; i < at.size(); ++i) {
        const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(at[i] - at[i - 1]);
        BOOST_TEST(gap.count() >= 80);
        BOOST_TEST(gap.count() <= 400);
    }
}

BOOST_AUTO_TEST_CASE(silence_beyond_the_idle_timeout_reconnects) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        // Never acks, never answers pings: read and stay silent.
        boost::beast::flat_buffer buf;
        boost::system::error_code ec;
        while (!ec) {
            ws.read(buf, ec);
            buf.clear();
        }
        (void)s;
        (void)i;
    });
    auto tls = trusting_context();
    auto o = client_options(server.port());
    o.idle_timeout = 150ms;
    feed::ws_feed f(o, tls);
    f.start();
    poll_until(f, [&] { return f.feed_stats().reconnects >= 1; });
    BOOST_TEST(f.feed_stats().disconnects >= 1U);
    BOOST_TEST(f.feed_stats().reconnects >= 1U);
}

BOOST_AUTO_TEST_CASE(server_close_reconnects_with_backoff_and_resubscribes) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        if (s.sessions == 1) {
            ws_server::send(ws, book_msg("snapshot", 100, "10.0", "11.0"));
            return;  // close the session
        }
        ws_server::send(ws, book_msg("snapshot", 500, "20.0", "21.0"));
        ws_server::send(ws, book_msg("delta", 501, "20.5", "21.0"));
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    std::vector<std::chrono::milliseconds> delays;
    feed::ws_feed f(client_options(server.port()), tls, [&](const feed::ws_notice& n) {
        if (n.kind == feed::ws_notice_kind::reconnect_scheduled) delays.push_back(n.delay);
    });
    f.start();
    poll_until(f, [&] {
        const auto* b = f.books().find("BTCUSDT");
        return b != nullptr && b->valid() && b->last_u() == 501;
    });
    BOOST_TEST(f.feed_stats().reconnects == 1U);
    BOOST_TEST(f.feed_stats().connects == 2U);
    BOOST_TEST_REQUIRE(delays.size() == 1U);
    BOOST_TEST(delays[0].count() >= 15);
    BOOST_TEST(delays[0].count() <= 20);
    const auto* book = f.books().find("BTCUSDT");
    BOOST_TEST_REQUIRE(book != nullptr);
    BOOST_TEST(book->valid());
    BOOST_TEST(book->best_bid()->px.to_string() == "20.5");
    int subscribes_in_second = 0;
    for (const auto& fr : server.frames()) {
        if (fr.session == 1 && fr.text.find(R"("op":"subscribe")") != std::string::npos) {
            ++subscribes_in_second;
            BOOST_TEST(args_of(fr.text).size() == 3U);
        }
    }
    BOOST_TEST(subscribes_in_second == 1);
}

BOOST_AUTO_TEST_CASE(gap_resubscribes_the_book_and_rebuilds_it_from_the_new_snapshot) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        ws_server::send(ws, book_msg("snapshot", 100, "10.0", "11.0"));
        ws_server::send(ws, book_msg("delta", 101, "10.1", "11.0"));
        ws_server::send(ws, book_msg("delta", 105, "10.2", "11.0"));  // 102..104 lost
        ws_server::send(ws, book_msg("delta", 106, "10.3", "11.0"));  // dropped: awaiting snapshot
        if (!s.read_until(ws, i, R"("op":"unsubscribe")")) return;
        if (!s.read_until(ws, i, R"("op":"subscribe")")) return;
        ws_server::send(ws, book_msg("snapshot", 900, "12.0", "13.0"));
        ws_server::send(ws, book_msg("delta", 901, "12.5", "13.0"));
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    feed::ws_feed f(client_options(server.port()), tls);
    f.start();
    poll_until(f, [&] {
        const auto* b = f.books().find("BTCUSDT");
        return b != nullptr && b->valid() && b->last_u() == 901;
    });
    const auto* book = f.books().find("BTCUSDT");
    BOOST_TEST_REQUIRE(book != nullptr);
    BOOST_TEST(book->valid());
    BOOST_TEST(book->best_bid()->px.to_string() == "12.5");
    const auto st = f.stats();
    BOOST_TEST(st.books.gaps == 1U);
    BOOST_TEST(st.books.resyncs == 1U);
    BOOST_TEST(st.books.dropped_deltas == 2U);
    BOOST_TEST(f.feed_stats().resync_requests == 1U);
    BOOST_TEST(f.feed_stats().reconnects == 0U);
    std::vector<std::string> resync;
    for (const auto& fr : server.frames()) {
        const auto v = boost::json::parse(fr.text);
        const auto op = v.at("op").as_string();
        if (op == "unsubscribe" || (op == "subscribe" && args_of(fr.text).size() == 1U)) {
            resync.emplace_back(op.c_str());
            BOOST_TEST(args_of(fr.text) == std::vector<std::string>{"orderbook.50.BTCUSDT"},
                       boost::test_tools::per_element());
        }
    }
    BOOST_TEST(resync == (std::vector<std::string>{"unsubscribe", "subscribe"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(delta_before_any_snapshot_asks_for_one) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        ws_server::send(ws, book_msg("delta", 41, "10.0", "11.0"));
        if (!s.read_until(ws, i, R"("op":"unsubscribe")")) return;
        if (!s.read_until(ws, i, R"("op":"subscribe")")) return;
        ws_server::send(ws, book_msg("snapshot", 50, "12.0", "13.0"));
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    feed::ws_feed f(client_options(server.port()), tls);
    f.start();
    poll_until(f, [&] {
        const auto* b = f.books().find("BTCUSDT");
        return b != nullptr && b->valid();
    });
    BOOST_TEST(f.feed_stats().resync_requests == 1U);
    const auto* b = f.books().find("BTCUSDT");
    BOOST_TEST_REQUIRE(b != nullptr);
    BOOST_TEST(b->valid());
}

BOOST_AUTO_TEST_CASE(rejected_subscribe_is_fatal_with_the_venue_message) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        auto f = s.read_frame(ws, i);
        if (!f) return;
        ws_server::send(ws, R"({"success":false,"ret_msg":"Invalid symbol :[orderbook.50.NOPEUSDT]","conn_id":"t","req_id":"sub-1","op":"subscribe"})");
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    auto o = client_options(server.port());
    o.topics.symbols = {"NOPEUSDT"};
    feed::ws_feed f(o, tls);
    f.start();
    poll_until(f, [&] { return f.failed(); });
    BOOST_TEST_REQUIRE(f.failed());
    BOOST_TEST(f.error().code == mmbot::feed::errc::subscribe_rejected);
    BOOST_TEST(f.error().message.find("Invalid symbol :[orderbook.50.NOPEUSDT]") != std::string::npos,
               f.error().message);
    BOOST_TEST(f.feed_stats().reconnects == 0U);
}

BOOST_AUTO_TEST_CASE(malformed_frames_are_counted_not_fatal) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int i) {
        s.ack_subscribes(ws, i, 1);
        ws_server::send(ws, "not json");
        ws_server::send(ws, R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[["1e5","1"]],"a":[],"u":1,"seq":1}})");
        ws_server::send(ws, book_msg("snapshot", 100, "10.0", "11.0"));
        s.drain(ws, i);
    });
    auto tls = trusting_context();
    std::vector<std::string> notes;
    feed::ws_feed f(client_options(server.port()), tls, [&](const feed::ws_notice& n) {
        if (n.kind == feed::ws_notice_kind::malformed_frame) notes.emplace_back(n.detail);
    });
    f.start();
    poll_until(f, [&] { return f.stats().book_updates >= 1; });
    BOOST_TEST(!f.failed());
    BOOST_TEST(f.stats().malformed_lines == 2U);
    BOOST_TEST(notes.size() == 2U);
}

BOOST_AUTO_TEST_CASE(gives_up_after_max_consecutive_failures) {
    // A port nobody listens on: bind, note the port, close.
    unsigned short port = 0;
    {
        asio::io_context io;
        tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
        port = a.local_endpoint().port();
    }
    auto tls = trusting_context();
    auto o = client_options(port);
    o.max_consecutive_failures = 3;
    feed::ws_feed f(o, tls);
    f.start();
    poll_until(f, [&] { return f.failed(); });
    BOOST_TEST_REQUIRE(f.failed());
    BOOST_TEST(f.error().code == mmbot::feed::errc::connect);
    BOOST_TEST(f.feed_stats().connect_failures == 3U);
}

// ------------------------------------------------------------------ Binance: the live stream

namespace {

/// Answers every HTTPS request with the next of `bodies` (the last one repeats), recording the
/// targets: the REST depth snapshots of the Binance live feed.
class snapshot_server {
public:
    explicit snapshot_server(std::vector<std::string> bodies) : bodies_(std::move(bodies)) {
        tls_.use_certificate_chain(asio::buffer(server_cert().cert_pem));
        tls_.use_private_key(asio::buffer(server_cert().key_pem), asio::ssl::context::pem);
        acceptor_.open(tcp::v4());
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        thread_ = std::thread([this] { serve(); });
    }
    snapshot_server(const snapshot_server&) = delete;
    snapshot_server& operator=(const snapshot_server&) = delete;
    ~snapshot_server() {
        stop_ = true;
        boost::system::error_code ec;
        tcp::socket s{io_};
        s.connect({asio::ip::make_address("127.0.0.1"), port()}, ec);
        thread_.join();
    }
    [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] std::vector<std::string> targets() const {
        const std::lock_guard lock(mu_);
        return targets_;
    }

private:
    void serve() {
        namespace http = boost::beast::http;
        while (!stop_) {
            tcp::socket sock{io_};
            boost::system::error_code ec;
            acceptor_.accept(sock, ec);
            if (ec || stop_) return;
            asio::ssl::stream<tcp::socket> stream{std::move(sock), tls_};
            stream.handshake(asio::ssl::stream_base::server, ec);
            if (ec) continue;
            boost::beast::flat_buffer buf;
            for (;;) {
                http::request<http::string_body> req;
                http::read(stream, buf, req, ec);
                if (ec) break;
                std::string body;
                {
                    const std::lock_guard lock(mu_);
                    targets_.emplace_back(req.target());
                    body = bodies_.at(std::min(targets_.size(), bodies_.size()) - 1);
                }
                http::response<http::string_body> resp{http::status::ok, 11};
                resp.keep_alive(req.keep_alive());
                resp.body() = body;
                resp.prepare_payload();
                http::write(stream, resp, ec);
                if (ec) break;
            }
        }
    }

    std::vector<std::string> bodies_;
    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    tcp::acceptor acceptor_{io_};
    mutable std::mutex mu_;
    std::vector<std::string> targets_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string depth_diff(std::uint64_t first, std::uint64_t last, std::uint64_t prev, std::string_view bid) {
    return fmt::format(R"({{"stream":"btcusdt@depth@100ms","data":{{"e":"depthUpdate","E":1786310400000,)"
                       R"("T":1786310399997,"s":"BTCUSDT","U":{},"u":{},"pu":{},"b":[["{}","1.000"]],"a":[]}}}})",
                       first, last, prev, bid);
}

std::string depth_snapshot(std::uint64_t id) {
    return fmt::format(R"({{"lastUpdateId":{},"E":1786310400000,"T":1786310400000,)"
                       R"("bids":[["64990.00","3.000"]],"asks":[["65010.00","1.000"]]}})",
                       id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(binance_stream_target_names_every_stream) {
    feed::binance::ws_feed_options o;
    o.symbols = {"BTCUSDT", "ETHUSDT"};
    BOOST_TEST(feed::binance::stream_target(o) ==
               "/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker/btcusdt@aggTrade/ethusdt@depth@100ms/"
               "ethusdt@bookTicker/ethusdt@aggTrade");
}

// Binance's procedure live: the first diff waits for a REST snapshot, fetched at once; diffs older
// than it are dropped, the next must chain by pu; a break fetches a new snapshot.
BOOST_AUTO_TEST_CASE(binance_live_books_sync_by_rest_snapshot_and_resync_after_a_gap) {
    snapshot_server rest{{depth_snapshot(103), depth_snapshot(300)}};
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int) {
        ws_server::send(ws, R"({"result":null,"id":1})");
        ws_server::send(ws, depth_diff(100, 105, 99, "65000.00"));  // straddles the snapshot's 103
        ws_server::send(ws, depth_diff(106, 110, 105, "65000.50"));  // chains
        ws_server::send(ws, depth_diff(200, 210, 150, "65001.00"));  // pu 150 != 110: a gap
        ws_server::send(ws, depth_diff(290, 305, 289, "65002.00"));  // straddles the new snapshot's 300
        s.drain(ws, 0);
    });
    auto tls = trusting_context();
    feed::binance::ws_feed_options o;
    o.endpoint = feed::ws_endpoint{"127.0.0.1", std::to_string(server.port()), "/stream"};
    o.rest = mmbot::net::https_host{"127.0.0.1", std::to_string(rest.port())};
    o.symbols = {"BTCUSDT"};
    o.connect_timeout = 2'000ms;
    o.backoff_initial = 20ms;
    feed::binance::ws_feed f(o, tls);
    f.start();
    std::vector<std::string> bids;
    feed::replay_event ev;
    const auto end = std::chrono::steady_clock::now() + 5'000ms;
    while (bids.size() < 4 && std::chrono::steady_clock::now() < end) {
        const auto st = f.poll(ev, 100ms);
        BOOST_REQUIRE(st != feed::poll_status::failed);
        if (st != feed::poll_status::event || ev.book == nullptr) continue;
        bids.push_back(ev.book->valid() ? ev.book->best_bid()->px.to_string() : "invalid");
    }
    // Snapshot + first diff, the chained diff, the gap (its diff not applied: the new snapshot is
    // fetched at once, so the book the engine sees is that snapshot's), then the next diff on it.
    BOOST_TEST(bids == (std::vector<std::string>{"65000", "65000.5", "64990", "65002"}), boost::test_tools::per_element());
    BOOST_TEST(f.snapshots_fetched() == 2U);
    const auto targets = rest.targets();
    BOOST_REQUIRE_EQUAL(targets.size(), 2U);
    BOOST_TEST(targets[0] == "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    BOOST_TEST(f.stats().books.gaps == 1U);
    BOOST_TEST(f.feed_stats().pongs == 1U);  // the {"result":...} answer
}

// ------------------------------------------------------ Binance: the user data stream client

namespace {
struct order_calls {
    std::vector<std::string> calls;
    void on_ack(std::string_view id, std::string_view venue_id, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("ack {} {}", id, venue_id));
    }
    void on_reject(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("reject {} {}", id, why));
    }
    void on_cancel(std::string_view id, std::string_view why, std::chrono::nanoseconds) {
        calls.push_back(fmt::format("cancel {} {}", id, why));
    }
    void on_fill(const mmbot::venue::execution& e) {
        calls.push_back(fmt::format("fill {} {} {}", e.client_order_id, e.exec_id, e.qty.to_string()));
    }
};

std::string order_update(std::string_view x, std::string_view status, std::string_view fill) {
    return fmt::format(R"({{"e":"ORDER_TRADE_UPDATE","E":1786310400100,"T":1786310400099,"o":{{"s":"BTCUSDT",)"
                       R"("c":"mm-b-1","S":"BUY","o":"LIMIT","f":"GTX","q":"0.010","p":"65000.00","ap":"0","sp":"0",)"
                       R"("x":"{}","X":"{}","i":42,"l":"{}","z":"{}","L":"65000.00","N":"USDT","n":"0","T":1786310400099,)"
                       R"("t":7,"m":true,"R":false,"ps":"BOTH"}}}})",
                       x, status, fill, fill);
}
}  // namespace

// The client connects on /ws/<listenKey>, is ready at once, hands order events to the engine, and
// on listenKeyExpired reports it and reconnects on the key use_key gives next; no notice or stat
// carries the key.
BOOST_AUTO_TEST_CASE(binance_user_stream_follows_its_listen_key) {
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int index) {
        if (index == 0) {
            ws_server::send(ws, order_update("NEW", "NEW", "0"));
            ws_server::send(ws, order_update("TRADE", "PARTIALLY_FILLED", "0.004"));
            ws_server::send(ws, R"({"e":"listenKeyExpired","E":"1786310400200","listenKey":"KEYONE"})");
        } else {
            ws_server::send(ws, order_update("CANCELED", "CANCELED", "0"));
        }
        s.drain(ws, index);
    });
    auto tls = trusting_context();
    auto o = mmbot::venue::binance::private_ws_override<mmbot::env::testnet>("127.0.0.1", std::to_string(server.port()));
    o.backoff_initial = 20ms;
    mmbot::venue::binance::private_ws ws(o, tls);
    ws.use_key("KEYONE");
    ws.start();
    order_calls engine;
    int ready = 0;
    bool expired = false;
    const auto end = std::chrono::steady_clock::now() + 5'000ms;
    while (engine.calls.size() < 3 && std::chrono::steady_clock::now() < end) {
        const auto r = ws.poll(engine, 100ms);
        BOOST_REQUIRE(!r.fatal.has_value());
        ready += r.became_ready ? 1 : 0;
        if (r.key_expired) {
            expired = true;
            ws.use_key("KEYTWO");
        }
    }
    BOOST_TEST(expired);
    BOOST_TEST(ready == 2);
    BOOST_TEST(engine.calls == (std::vector<std::string>{"ack mm-b-1 42", "fill mm-b-1 7 0.004", "cancel mm-b-1 CANCELED"}),
               boost::test_tools::per_element());
    const auto targets = server.targets();
    BOOST_REQUIRE(targets.size() >= 2U);
    BOOST_TEST(targets[0] == "/ws/KEYONE");
    BOOST_TEST(targets.back() == "/ws/KEYTWO");
    BOOST_TEST(ws.stats().keys_expired == 1);
}

// A snapshot the venue cannot give (HTTP 500, then no snapshot JSON) leaves the book invalid and is
// retried after snapshot_retry; the first good one syncs it.
BOOST_AUTO_TEST_CASE(binance_live_snapshot_failures_are_retried) {
    snapshot_server rest{{R"({"code":-1000,"msg":"busy"})", "not json", depth_snapshot(103)}};
    ws_server server(server_cert(), [](ws_server& s, server_ws& ws, int) {
        for (std::uint64_t i = 0; i < 30; ++i) {
            ws_server::send(ws, depth_diff(100 + i * 10, 109 + i * 10, i == 0 ? 99 : 99 + i * 10, "65000.00"));
            std::this_thread::sleep_for(20ms);
        }
        s.drain(ws, 0);
    });
    auto tls = trusting_context();
    feed::binance::ws_feed_options o;
    o.endpoint = feed::ws_endpoint{"127.0.0.1", std::to_string(server.port()), "/stream"};
    o.rest = mmbot::net::https_host{"127.0.0.1", std::to_string(rest.port())};
    o.symbols = {"BTCUSDT"};
    o.snapshot_retry = 50ms;
    std::vector<std::string> notices;
    feed::binance::ws_feed f(o, tls, [&](const feed::ws_notice& n) {
        if (n.kind == feed::ws_notice_kind::snapshot_failed) notices.emplace_back(n.detail);
    });
    f.start();
    feed::replay_event ev;
    bool valid = false;
    const auto end = std::chrono::steady_clock::now() + 5'000ms;
    while (!valid && std::chrono::steady_clock::now() < end) {
        BOOST_REQUIRE(f.poll(ev, 100ms) != feed::poll_status::failed);
        valid = ev.book != nullptr && ev.book->valid();
    }
    BOOST_TEST(valid);
    BOOST_TEST(f.snapshot_failures() == 2U);
    BOOST_TEST(f.snapshots_fetched() == 1U);
    BOOST_REQUIRE_EQUAL(notices.size(), 2U);
    BOOST_TEST(notices[0].starts_with("depth snapshot BTCUSDT: "));
    BOOST_TEST(f.connected());
    BOOST_TEST(!f.failed());
    f.stop();
}
