// EXCHANGE_ENV parsing and checking, namespace mapping, secret names, exit codes.
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/exchange_env.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <optional>
#include <string>

namespace sec = mmbot::secrets;
namespace env = mmbot::env;

namespace {
bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_CASE(unset_defaults_to_shadow) {
    ::unsetenv("EXCHANGE_ENV");  // NOLINT(concurrency-mt-unsafe): single-threaded test
    const auto raw = sec::read_exchange_env();
    BOOST_TEST(!raw.has_value());
    const auto k = sec::resolve_exchange_env(raw);
    BOOST_TEST_REQUIRE(k.has_value());
    BOOST_TEST((*k == env::kind::shadow));
}

BOOST_AUTO_TEST_CASE(set_value_is_read) {
    ::setenv("EXCHANGE_ENV", "testnet", 1);  // NOLINT(concurrency-mt-unsafe): single-threaded test
    const auto k = sec::resolve_exchange_env(sec::read_exchange_env());
    ::unsetenv("EXCHANGE_ENV");  // NOLINT(concurrency-mt-unsafe): single-threaded test
    BOOST_TEST_REQUIRE(k.has_value());
    BOOST_TEST((*k == env::kind::testnet));
}

BOOST_AUTO_TEST_CASE(shadow_maps_to_dev) {
    BOOST_TEST(sec::secret_namespace(env::kind::shadow) == "dev");
}
BOOST_AUTO_TEST_CASE(testnet_maps_to_testnet) {
    BOOST_TEST(sec::secret_namespace(env::kind::testnet) == "testnet");
}
BOOST_AUTO_TEST_CASE(live_maps_to_prod) {
    BOOST_TEST(sec::secret_namespace(env::kind::live) == "prod");
}

BOOST_AUTO_TEST_CASE(each_value_parses) {
    BOOST_TEST((*sec::parse_exchange_env("shadow") == env::kind::shadow));
    BOOST_TEST((*sec::parse_exchange_env("testnet") == env::kind::testnet));
    BOOST_TEST((*sec::parse_exchange_env("live") == env::kind::live));
}

BOOST_AUTO_TEST_CASE(unknown_value_is_an_error_naming_variable_and_value) {
    for (const char* bad : {"prod", "Live", " live", "", "staging"}) {
        const auto k = sec::parse_exchange_env(bad);
        BOOST_TEST_REQUIRE(!k.has_value());
        BOOST_TEST(k.error().code == sec::errc::exchange_env_unknown);
        BOOST_TEST(contains(k.error().message, "EXCHANGE_ENV"));
        BOOST_TEST(contains(k.error().message, std::string{"\""} + bad + "\""));
        BOOST_TEST((mmbot::app::secrets_exit_for(k.error().code) == mmbot::app::secrets_exit::environment_mismatch));
    }
}

BOOST_AUTO_TEST_CASE(binary_accepts_unset_or_its_own_value) {
    BOOST_TEST(sec::check_exchange_env<env::testnet>(std::nullopt).has_value());
    BOOST_TEST(sec::check_exchange_env<env::testnet>(std::string{"testnet"}).has_value());
    BOOST_TEST(sec::check_exchange_env<env::live>(std::string{"live"}).has_value());
    BOOST_TEST(sec::check_exchange_env<env::shadow>(std::nullopt).has_value());
}

BOOST_AUTO_TEST_CASE(binary_refuses_another_environment) {
    const auto r = sec::check_exchange_env<env::live>(std::string{"testnet"});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == sec::errc::exchange_env_mismatch);
    BOOST_TEST(contains(r.error().message, "EXCHANGE_ENV"));
    BOOST_TEST(contains(r.error().message, "\"testnet\""));
    BOOST_TEST(contains(r.error().message, "built for live"));
    BOOST_TEST((mmbot::app::secrets_exit_for(r.error().code) == mmbot::app::secrets_exit::environment_mismatch));
}

BOOST_AUTO_TEST_CASE(binary_refuses_unknown_value) {
    const auto r = sec::check_exchange_env<env::shadow>(std::string{"mainnet"});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().code == sec::errc::exchange_env_unknown);
}

BOOST_AUTO_TEST_CASE(long_or_binary_values_are_cut_in_messages) {
    const std::string junk(200, 'x');
    const auto k = sec::parse_exchange_env(junk + "\x01");
    BOOST_TEST_REQUIRE(!k.has_value());
    BOOST_TEST(!contains(k.error().message, junk));
    BOOST_TEST(contains(k.error().message, "...\""));
}

BOOST_AUTO_TEST_CASE(key_format_is_mm_bot_namespace_venue) {
    BOOST_TEST(sec::secret_name::for_env<env::shadow>("bybit")->str() == "mm-bot/dev/bybit");
    BOOST_TEST(sec::secret_name::for_env<env::testnet>("bybit")->str() == "mm-bot/testnet/bybit");
    BOOST_TEST(sec::secret_name::for_env<env::live>("bybit")->str() == "mm-bot/prod/bybit");
}

BOOST_AUTO_TEST_CASE(parse_round_trips) {
    const auto n = sec::secret_name::parse("mm-bot/testnet/bybit_spot2");
    BOOST_TEST_REQUIRE(n.has_value());
    BOOST_TEST((n->environment() == env::kind::testnet));
    BOOST_TEST(n->name_space() == "testnet");
    BOOST_TEST(n->venue() == "bybit_spot2");
    BOOST_TEST(n->str() == "mm-bot/testnet/bybit_spot2");
    BOOST_TEST(fmt::format("{}", *n) == "mm-bot/testnet/bybit_spot2");
}

BOOST_AUTO_TEST_CASE(bad_names_are_refused_without_echo) {
    for (const char* bad : {"", "mm-bot/", "mm-bot/dev", "mm-bot/dev/", "mm-bot/staging/bybit",
                            "mm-bot/dev/Bybit", "mm-bot/dev/by/bit", "mmbot/dev/bybit",
                            "CANARY-SECRET-d3adb33f-0123456789", "mm-bot/dev/1bybit"}) {
        const auto n = sec::secret_name::parse(bad);
        BOOST_TEST_REQUIRE(!n.has_value(), bad);
        BOOST_TEST(n.error().code == sec::errc::invalid_secret_name);
        BOOST_TEST(!contains(n.error().message, "CANARY"));
        BOOST_TEST((mmbot::app::secrets_exit_for(n.error().code) == mmbot::app::secrets_exit::usage));
    }
}

BOOST_AUTO_TEST_CASE(documented_values) {
    using exit_code = mmbot::app::secrets_exit;
    BOOST_TEST(static_cast<int>(exit_code::ok) == 0);
    BOOST_TEST(static_cast<int>(exit_code::usage) == 2);
    BOOST_TEST(static_cast<int>(exit_code::environment_mismatch) == 3);
    BOOST_TEST(static_cast<int>(exit_code::not_found) == 4);
    BOOST_TEST(static_cast<int>(exit_code::backend_error) == 5);
    BOOST_TEST(static_cast<int>(exit_code::insecure_permissions) == 6);
    const auto code_of = [](mmbot::core::error_code code) { return mmbot::app::secrets_exit_for(code); };
    BOOST_TEST((code_of(sec::errc::secret_not_found) == exit_code::not_found));
    BOOST_TEST((code_of(sec::errc::insecure_permissions) == exit_code::insecure_permissions));
    BOOST_TEST((code_of(sec::errc::backend_error) == exit_code::backend_error));
    BOOST_TEST((code_of(sec::errc::unsupported) == exit_code::usage));
    BOOST_TEST((code_of(sec::errc::namespace_violation) == exit_code::environment_mismatch));
    BOOST_TEST((code_of(mmbot::feed::errc::connect) == exit_code::backend_error));  // not this area's
}

