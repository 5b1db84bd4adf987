// The health server over real sockets on 127.0.0.1: endpoints, error statuses, abuse (malformed,
// oversized, slow, hundreds of concurrent clients) while a "trading loop" thread keeps ticking.
#define BOOST_TEST_MODULE obs_health_server
#include <boost/test/unit_test.hpp>

#include "mmbot/obs/health_server.hpp"
#include "mmbot/obs/status_page.hpp"
#include "mmbot/obs/mm_metrics.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace mmbot;
using namespace std::chrono_literals;

namespace {

/// A blocking client socket with a receive timeout; -1 on failure.
int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    timeval tv{};
    tv.tv_sec = 10;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Reads until the server closes (or the receive timeout).
std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

std::string round_trip(std::uint16_t port, std::string_view request) {
    const int fd = connect_to(port);
    if (fd < 0) return "connect failed";
    std::string out;
    if (send_all(fd, request)) out = read_all(fd);
    ::close(fd);
    return out;
}

std::string get(std::uint16_t port, std::string_view path) {
    return round_trip(port, "GET " + std::string(path) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

std::string body_of(const std::string& response) {
    const auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? std::string() : response.substr(p + 4);
}

/// A bot in miniature: registry, metrics, readiness board on a fake clock, and the server.
struct fixture {
    obs::fake_clock clock{std::chrono::seconds(1'700'000'000)};
    obs::registry reg;
    obs::mm_metrics metrics{reg};
    obs::readiness_board<obs::fake_clock> board{clock, {"BTCUSDT"}, 5s};
    obs::health_server server;
    std::uint16_t port = 0;

    explicit fixture(obs::health_server_options o = {})
        : server(std::move(o), {.readiness = [this] { return board.report(); },
                                .metrics = [this](std::string& out) { reg.write(out); },
                                .status = {}}) {
        port = server.start().value();
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(health_metrics_and_routing) {
    fixture f;
    BOOST_TEST(f.port != 0);
    const auto h = get(f.port, "/health");
    BOOST_TEST(h.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(body_of(h) == R"({"status":"ok"})");

    f.metrics.orders_placed.with({"BTCUSDT", "BUY"}).inc(7);
    const auto m = get(f.port, "/metrics");
    BOOST_TEST(m.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(m.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
    BOOST_TEST(body_of(m) == f.reg.expose());
    BOOST_TEST(body_of(m).find("mm_orders_placed_total{symbol=\"BTCUSDT\",side=\"BUY\"} 7\n") != std::string::npos);
    BOOST_TEST(get(f.port, "/metrics?x=1").starts_with("HTTP/1.1 200"));

    BOOST_TEST(get(f.port, "/nope").starts_with("HTTP/1.1 404"));
    const auto post = round_trip(f.port, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
    BOOST_TEST(post.starts_with("HTTP/1.1 405"));
    BOOST_TEST(post.find("Allow: GET\r\n") != std::string::npos);
    BOOST_TEST(round_trip(f.port, "DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 405"));
}

// /status and /status.json exist only with a status handler; the page is static, the JSON is the
// handler's, answered on the server thread.
BOOST_AUTO_TEST_CASE(status_page_and_its_json) {
    fixture without;
    BOOST_TEST(get(without.port, "/status").starts_with("HTTP/1.1 404"));
    BOOST_TEST(get(without.port, "/status.json").starts_with("HTTP/1.1 404"));

    obs::health_server server({}, {.readiness = {}, .metrics = {},
                                   .status = [] { return std::string(R"({"state":"RUNNING"})"); }});
    const std::uint16_t port = server.start().value();
    const auto page = get(port, "/status");
    BOOST_TEST(page.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(page.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
    BOOST_TEST(body_of(page) == obs::status_page_html);
    const auto json = get(port, "/status.json");
    BOOST_TEST(json.find("Content-Type: application/json\r\n") != std::string::npos);
    BOOST_TEST(body_of(json) == R"({"state":"RUNNING"})");
    BOOST_TEST(round_trip(port, "POST /status.json HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                   .starts_with("HTTP/1.1 405"));
}

BOOST_AUTO_TEST_CASE(ready_follows_the_board) {
    fixture f;
    // Nothing seen yet, venue down: 503 with every reason.
    auto r = get(f.port, "/ready");
    BOOST_TEST(r.starts_with("HTTP/1.1 503"));
    BOOST_TEST(body_of(r) == R"({"ready":false,"reasons":["market_data_missing:BTCUSDT","venue_disconnected"]})");

    f.board.set_venue_connected(true);
    f.board.mark_market_data(0);
    r = get(f.port, "/ready");
    BOOST_TEST(r.starts_with("HTTP/1.1 200"));
    BOOST_TEST(body_of(r) == R"({"ready":true,"reasons":[]})");

    f.clock.advance(6s);  // older than the 5 s limit
    f.board.set_frozen(true);
    r = get(f.port, "/ready");
    BOOST_TEST(r.starts_with("HTTP/1.1 503"));
    BOOST_TEST(body_of(r) == R"({"ready":false,"reasons":["frozen","market_data_stale:BTCUSDT"]})");
}

BOOST_AUTO_TEST_CASE(a_crossed_book_is_not_ready_until_it_uncrosses) {
    fixture f;
    f.board.set_venue_connected(true);
    f.board.mark_market_data(0);
    f.board.set_book_crossed(0, true);
    auto r = get(f.port, "/ready");
    BOOST_TEST(r.starts_with("HTTP/1.1 503"));
    BOOST_TEST(body_of(r) == R"({"ready":false,"reasons":["book_crossed:BTCUSDT"]})");
    f.board.set_book_crossed(0, false);
    BOOST_TEST(body_of(get(f.port, "/ready")) == R"({"ready":true,"reasons":[]})");
}

BOOST_AUTO_TEST_CASE(malformed_and_oversized_requests) {
    fixture f;
    BOOST_TEST(round_trip(f.port, "GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400"));
    BOOST_TEST(round_trip(f.port, std::string("\x00\x01\x02\xff\r\n\r\n", 8)).starts_with("HTTP/1.1 400"));
    BOOST_TEST(round_trip(f.port, "GET /health HTTP/9.9\r\n\r\n").starts_with("HTTP/1.1 400"));
    BOOST_TEST(round_trip(f.port, "GET /health HTTP/1.1\r\nBad Header\r\n\r\n").starts_with("HTTP/1.1 400"));

    // 10 KiB header against the 8 KiB limit.
    const std::string big = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(std::size_t{10} * 1024U, 'a') + "\r\n\r\n";
    BOOST_TEST(round_trip(f.port, big).starts_with("HTTP/1.1 431"));

    // Many small header fields, under the byte limit but over the field-count limit.
    std::string many = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    many += "\r\n";
    BOOST_TEST(round_trip(f.port, many).starts_with("HTTP/1.1 431"));

    const std::string body = "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b');
    BOOST_TEST(round_trip(f.port, body).starts_with("HTTP/1.1 413"));

    // The server is still fine afterwards.
    BOOST_TEST(get(f.port, "/health").starts_with("HTTP/1.1 200"));
    BOOST_TEST(f.server.stats().bad_requests >= 7U);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests) {
    fixture f;
    const int fd = connect_to(f.port);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(send_all(fd, "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string both = read_all(fd);
    ::close(fd);
    std::size_t count = 0;
    for (std::size_t p = both.find("HTTP/1.1 200"); p != std::string::npos; p = both.find("HTTP/1.1 200", p + 1)) ++count;
    BOOST_TEST(count == 2U);
}

BOOST_AUTO_TEST_CASE(slow_client_is_cut_off_without_blocking_others) {
    fixture f(obs::health_server_options{.read_timeout = 300ms});
    const int slow = connect_to(f.port);
    BOOST_REQUIRE(slow >= 0);
    BOOST_REQUIRE(send_all(slow, "GET /health HTTP/1.1\r\nHost: x\r\n"));  // never finishes
    // Others are served while the slow one hangs.
    BOOST_TEST(get(f.port, "/health").starts_with("HTTP/1.1 200"));
    const auto t0 = std::chrono::steady_clock::now();
    // Trickling more bytes does not extend the deadline.
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(50ms);
        (void)send_all(slow, "X-Drip: 1\r\n");
    }
    const std::string rest = read_all(slow);  // returns when the server closes
    const auto waited = std::chrono::steady_clock::now() - t0;
    ::close(slow);
    BOOST_TEST(rest.empty());
    BOOST_TEST(waited < 3s);
    // tcp_stream closes the socket from its timer, just before the read handler counts it.
    for (int i = 0; i < 100 && f.server.stats().timeouts == 0U; ++i) std::this_thread::sleep_for(10ms);
    BOOST_TEST(f.server.stats().timeouts >= 1U);
}

BOOST_AUTO_TEST_CASE(hundreds_of_concurrent_clients_while_the_loop_ticks) {
    fixture f;
    auto btc = f.metrics.for_symbol("BTCUSDT");
    std::atomic<bool> running{true};
    std::atomic<long> ticks{0};
    std::atomic<long> max_gap_us{0};
    // The "trading loop": touches only atomics, ticks every 200 us, records its longest gap.
    std::thread loop([&] {
        auto last = std::chrono::steady_clock::now();
        while (running.load()) {
            btc.placed_buy.inc();
            btc.market_data_age.set(std::chrono::nanoseconds(ticks.load()));
            f.board.mark_market_data(0);
            ticks.fetch_add(1);
            std::this_thread::sleep_for(200us);
            const auto now = std::chrono::steady_clock::now();
            const long gap = static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(now - last).count());
            max_gap_us.store(std::max(max_gap_us.load(), gap));
            last = now;
        }
    });

    constexpr int clients = 200;
    std::vector<int> fds;
    fds.reserve(clients);
    for (int i = 0; i < clients; ++i) fds.push_back(connect_to(f.port));
    BOOST_TEST(std::count(fds.begin(), fds.end(), -1) == 0);
    // All connections are open at once; now every one sends, then every one reads.
    for (int i = 0; i < clients; ++i) {
        const char* path = i % 2 == 0 ? "/metrics" : "/ready";
        (void)send_all(fds[static_cast<std::size_t>(i)],
                       std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
    int ok = 0;
    for (int i = 0; i < clients; ++i) {
        const std::string r = read_all(fds[static_cast<std::size_t>(i)]);
        ::close(fds[static_cast<std::size_t>(i)]);
        const bool good = i % 2 == 0 ? (r.starts_with("HTTP/1.1 200") && r.find("mm_orders_placed_total") != std::string::npos)
                                     : (r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.1 503"));
        ok += good ? 1 : 0;
    }
    running.store(false);
    loop.join();
    BOOST_TEST(ok == clients);
    BOOST_TEST(ticks.load() > 10);
    // Generous on a shared 2-core machine; a blocked loop would show seconds here.
    BOOST_TEST_MESSAGE("ticks " << ticks.load() << ", longest gap " << max_gap_us.load() << " us");
    BOOST_TEST(max_gap_us.load() < 250'000);
    BOOST_TEST(f.server.stats().accepted >= static_cast<std::uint64_t>(clients));
}

BOOST_AUTO_TEST_CASE(connection_limit_and_bind_errors) {
    fixture f(obs::health_server_options{.max_connections = 2});
    const int a = connect_to(f.port);
    const int b = connect_to(f.port);
    std::this_thread::sleep_for(100ms);
    // Full, but both holders are idle: the older one is closed and the newcomer is answered.
    BOOST_TEST(get(f.port, "/health").starts_with("HTTP/1.1 200"));
    BOOST_TEST(read_all(a).empty());  // evicted: closed without an answer
    BOOST_TEST(f.server.stats().evicted == 1U);
    BOOST_TEST(f.server.stats().rejected_over_limit == 0U);
    ::close(a);
    ::close(b);

    // Same port twice: the second bind fails with a message naming address and port.
    obs::health_server clash({.port = f.port}, {});
    auto r = clash.start();
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == mmbot::obs::errc::bind);
    BOOST_TEST(r.error().message.find("127.0.0.1:" + std::to_string(f.port)) != std::string::npos);

    obs::health_server bad_addr({.address = "not-an-ip"}, {});
    auto r2 = bad_addr.start();
    BOOST_REQUIRE(!r2);
    BOOST_TEST(r2.error().code == mmbot::obs::errc::address);
}

/// Issue 20.6: clients that each hold a keep-alive connection and send a valid request every few
/// seconds took every slot, and a new /health or /metrics client was closed unanswered.
BOOST_AUTO_TEST_CASE(keep_alive_holders_cannot_starve_a_scraper) {
    constexpr int holders = 16;
    fixture f(obs::health_server_options{.max_connections = holders});
    std::vector<int> fds;
    for (int i = 0; i < holders; ++i) fds.push_back(connect_to(f.port));
    BOOST_REQUIRE(std::count(fds.begin(), fds.end(), -1) == 0);
    std::atomic<bool> running{true};
    std::atomic<int> holder_answers{0};
    // The holders: every one sends a keep-alive request, reads its answer, and again, without end.
    std::thread hold([&] {
        char buf[8192];
        while (running.load()) {
            for (const int fd : fds) {
                if (!send_all(fd, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")) continue;
                if (::recv(fd, buf, sizeof(buf), 0) > 0) holder_answers.fetch_add(1);
            }
            std::this_thread::sleep_for(20ms);
        }
    });
    std::this_thread::sleep_for(100ms);
    int served = 0;
    for (int i = 0; i < 10; ++i) {
        served += get(f.port, i % 2 == 0 ? "/health" : "/metrics").starts_with("HTTP/1.1 200") ? 1 : 0;
    }
    running.store(false);
    hold.join();
    for (const int fd : fds) ::close(fd);
    BOOST_TEST(served == 10);
    BOOST_TEST(holder_answers.load() > 0);
    BOOST_TEST(f.server.stats().evicted >= 1U);
    BOOST_TEST(f.server.stats().active <= static_cast<std::uint64_t>(holders));
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed_after_idle_timeout) {
    fixture f(obs::health_server_options{.idle_timeout = 200ms});
    const int fd = connect_to(f.port);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(send_all(fd, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto t0 = std::chrono::steady_clock::now();
    const std::string answer = read_all(fd);  // the answer, then the close after the idle timeout
    const auto waited = std::chrono::steady_clock::now() - t0;
    ::close(fd);
    BOOST_TEST(answer.starts_with("HTTP/1.1 200"));
    BOOST_TEST(waited < 3s);
}

BOOST_AUTO_TEST_CASE(stop_is_clean_and_idempotent) {
    auto f = std::make_unique<fixture>();
    const int idle = connect_to(f->port);  // an open connection must not block stop()
    BOOST_REQUIRE(idle >= 0);
    f->server.stop();
    f->server.stop();
    BOOST_TEST(read_all(idle).empty());
    ::close(idle);
    BOOST_TEST(get(f->port, "/health") == "connect failed");
    f.reset();
}
