// tests/venue/bybit/host_failover_test.cpp: the REST host selection of each environment.
#define BOOST_TEST_MODULE host_failover
#include "mmbot/venue/bybit/host_failover.hpp"

#include <boost/test/unit_test.hpp>

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
    const auto tls = mmbot::core::error{"bybit_tls", "certificate verify failed"};
    for (int i = 0; i < 10; ++i) h.on_result(bybit::health_of(tls), std::chrono::seconds(i));
    BOOST_TEST(h.current() == "api.bybit.com");
    const auto refused = mmbot::core::error{"bybit_not_sent", "connection refused"};
    BOOST_TEST((bybit::health_of(refused) == request_health::unreachable));
    const auto timeout = mmbot::core::error{"bybit_timeout", "no answer in 5000 ms"};
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
