// tests/venue/bybit/host_failover_test.cpp: the REST host selection of each environment, and the
// transport that applies it.
#define BOOST_TEST_MODULE host_failover
#include "mmbot/venue/bybit/failover_transport.hpp"
#include "mmbot/venue/bybit/host_failover.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bybit = mmbot::venue::bybit;
namespace env = mmbot::env;
using namespace std::chrono_literals;
using bybit::request_health;

BOOST_AUTO_TEST_CASE(mainnet_moves_to_the_second_domain_after_consecutive_failures) {
    bybit::host_failover<env::live> h;
    BOOST_TEST(h.current() == "api.bybit.com");
    h.on_result(request_health::unreachable, 1s);
    h.on_result(request_health::unreachable, 2s);
    h.on_result(request_health::answered, 3s);  // a success resets the count
    h.on_result(request_health::unreachable, 4s);
    h.on_result(request_health::unreachable, 5s);
    BOOST_TEST(h.current() == "api.bybit.com");
    h.on_result(request_health::unreachable, 6s);
    BOOST_TEST(h.current() == "api.bytick.com");
    BOOST_TEST(h.switches() == 1);
}

BOOST_AUTO_TEST_CASE(the_primary_is_probed_and_taken_back_when_it_answers) {
    bybit::host_failover<env::live> h{{.failures_to_switch = 1, .probe_interval = 30s}};
    h.on_result(request_health::unreachable, 100s);
    BOOST_TEST(h.on_failover());
    BOOST_TEST(!h.should_probe_primary(110s));
    BOOST_TEST(h.should_probe_primary(130s));
    h.on_primary_probe(request_health::unreachable, 130s);
    BOOST_TEST(h.on_failover());
    BOOST_TEST(!h.should_probe_primary(140s));  // next probe a full interval later
    BOOST_TEST(h.should_probe_primary(160s));
    h.on_primary_probe(request_health::answered, 160s);
    BOOST_TEST(h.current() == "api.bybit.com");
    BOOST_TEST(!h.should_probe_primary(1000s));
    BOOST_TEST(h.switches() == 2);
}

BOOST_AUTO_TEST_CASE(tls_failures_never_move_traffic) {
    bybit::host_failover<env::live> h{{.failures_to_switch = 1}};
    const auto tls = mmbot::core::error{mmbot::venue::bybit::errc::tls, "certificate verify failed"};
    for (int i = 0; i < 10; ++i) h.on_result(bybit::health_of(tls), std::chrono::seconds(i));
    BOOST_TEST(h.current() == "api.bybit.com");
    const auto refused = mmbot::core::error{mmbot::venue::bybit::errc::not_sent, "connection refused"};
    BOOST_TEST((bybit::health_of(refused) == request_health::unreachable));
    const auto timeout = mmbot::core::error{mmbot::venue::bybit::errc::timeout, "no answer in 5000 ms"};
    BOOST_TEST((bybit::health_of(timeout) == request_health::unreachable));
}

BOOST_AUTO_TEST_CASE(testnet_has_no_second_host_and_stays) {
    static_assert(!bybit::host_failover<env::testnet>::has_failover());
    static_assert(bybit::host_failover<env::live>::has_failover());
    bybit::host_failover<env::testnet> h{{.failures_to_switch = 1}};
    for (int i = 0; i < 5; ++i) h.on_result(request_health::unreachable, std::chrono::seconds(i));
    BOOST_TEST(h.current() == "api-testnet.bybit.com");
    BOOST_TEST(h.switches() == 0);
}

// ------------------------------------------------------------------ failover_transport
namespace {

struct fake_reply {
    std::string body;
    std::optional<int> limits;
};

/// A host that answers, or is unreachable, as the test says; records what reached it.
struct fake_host {
    std::string name;
    bool up = true;
    std::vector<std::string>* log = nullptr;
    mmbot::core::result<fake_reply> send(const bybit::rest_request& r, bybit::signer*, std::int64_t) {
        log->push_back(name + " " + std::string(bybit::path_of(r.ep)));
        if (!up) return mmbot::core::make_error(mmbot::venue::bybit::errc::timeout, "no answer");
        return fake_reply{"{}", {}};
    }
};

struct host_ref {
    fake_host* h;
    auto send(const bybit::rest_request& r, bybit::signer* s, std::int64_t ms) { return h->send(r, s, ms); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_transport_fails_over_to_the_second_domain_and_probes_back) {
    std::vector<std::string> log;
    fake_host primary{"api.bybit.com", false, &log};
    fake_host second{"api.bytick.com", true, &log};
    std::chrono::nanoseconds now = 100s;
    bybit::failover_transport<env::live, host_ref> t{
        host_ref{&primary}, host_ref{&second}, [&] { return now; }, {.failures_to_switch = 3, .probe_interval = 30s}};
    bybit::rest_request req;
    req.reset(bybit::endpoint::order_realtime);
    for (int i = 0; i < 3; ++i) BOOST_TEST(!t.send(req, nullptr, 0).has_value());
    BOOST_TEST(t.on_failover());
    BOOST_TEST(t.current_host() == "api.bytick.com");
    BOOST_TEST(t.send(req, nullptr, 0).has_value());  // served by the second domain
    BOOST_TEST(log.back() == "api.bytick.com /v5/order/realtime");
    // 30 s later the primary is probed first; it is back, so traffic returns to it.
    primary.up = true;
    now += 30s;
    BOOST_TEST(t.send(req, nullptr, 0).has_value());
    const std::vector<std::string> tail(log.end() - 2, log.end());
    const std::vector<std::string> want{"api.bybit.com /v5/market/time", "api.bybit.com /v5/order/realtime"};
    BOOST_TEST(tail == want, boost::test_tools::per_element());
    BOOST_TEST(t.switches() == 2);
}

BOOST_AUTO_TEST_CASE(without_a_second_transport_failures_never_switch) {
    std::vector<std::string> log;
    fake_host primary{"api-testnet.bybit.com", false, &log};
    bybit::failover_transport<env::testnet, host_ref> t{host_ref{&primary}, std::nullopt,
                                                        [] { return std::chrono::nanoseconds{0}; }};
    bybit::rest_request req;
    req.reset(bybit::endpoint::order_realtime);
    for (int i = 0; i < 5; ++i) (void)t.send(req, nullptr, 0);
    BOOST_TEST(!t.on_failover());
    BOOST_TEST(log.size() == 5U);
    BOOST_TEST(t.switches() == 0);
}
