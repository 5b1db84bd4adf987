// The provider concept, the memory and env backends, namespace isolation and the runtime variant.
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/secrets/any_provider.hpp"
#include "mmbot/secrets/env_provider.hpp"
#include "mmbot/secrets/in_memory_provider.hpp"
#include "mmbot/secrets/namespaced_provider.hpp"
#include "mmbot/secrets/provider.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace sec = mmbot::secrets;
namespace env = mmbot::env;

namespace {

sec::secret_name name_of(std::string_view text) { return sec::secret_name::parse(text).value(); }

sec::credentials creds(std::string_view key, std::string_view secret) {
    return {sec::secret_string{key}, sec::secret_string{secret}};
}

std::vector<std::string> texts(const std::vector<sec::secret_name>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const auto& n : names) out.push_back(n.str());
    return out;
}

/// Has get and backend_name but no list: must not model the concept.
struct no_list {
    [[nodiscard]] std::string_view backend_name() const { return "x"; }
    [[nodiscard]] mmbot::core::result<sec::credentials> get(const sec::secret_name&) const {
        return mmbot::core::make_error(sec::errc::secret_not_found, "x");
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(backends_model_the_concepts) {
    static_assert(sec::writable_secret_provider<sec::in_memory_provider>);
    static_assert(sec::writable_secret_provider<sec::file_provider>);
    static_assert(sec::secret_provider<sec::env_provider>);
    static_assert(!sec::writable_secret_provider<sec::env_provider>);
    static_assert(sec::secret_provider<sec::command_provider>);
    static_assert(!sec::secret_provider<no_list>);
    static_assert(!sec::secret_provider<int>);
    static_assert(
        sec::writable_secret_provider<sec::namespaced_provider<env::testnet, sec::in_memory_provider>>);
    static_assert(sec::secret_provider<sec::namespaced_provider<env::live, sec::env_provider>>);
    static_assert(!sec::writable_secret_provider<sec::namespaced_provider<env::live, sec::env_provider>>);
    BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(set_then_get) {
    sec::in_memory_provider p;
    BOOST_TEST(p.set(name_of("mm-bot/dev/bybit"), creds("1234567890abcdef", "secret123456")).has_value());
    const auto c = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_key.matches("1234567890abcdef"));
    BOOST_TEST(c->api_secret.matches("secret123456"));
    BOOST_TEST(fmt::format("{}", c->api_key) == "****");  // a bare secret_string shows nothing
    BOOST_TEST(c->api_key.masked(sec::secret_kind::api_key) == "****cdef");
}

BOOST_AUTO_TEST_CASE(set_overwrites) {
    sec::in_memory_provider p;
    (void)p.set(name_of("mm-bot/dev/bybit"), creds("first-key-000", "first-secret"));
    (void)p.set(name_of("mm-bot/dev/bybit"), creds("second-key-11", "second-secret"));
    BOOST_TEST(p.get(name_of("mm-bot/dev/bybit"))->api_key.matches("second-key-11"));
    BOOST_TEST(p.list()->size() == 1U);
}

BOOST_AUTO_TEST_CASE(get_missing_is_not_found) {
    const sec::in_memory_provider p;
    const auto c = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::secret_not_found);
    BOOST_TEST(c.error().message.find("mm-bot/dev/bybit") != std::string::npos);
    BOOST_TEST((mmbot::app::secrets_exit_for(c.error().code) == mmbot::app::secrets_exit::not_found));
}

BOOST_AUTO_TEST_CASE(delete_removes_and_second_delete_is_not_found) {
    sec::in_memory_provider p;
    (void)p.set(name_of("mm-bot/dev/bybit"), creds("1234567890abcdef", "secret123456"));
    BOOST_TEST(p.remove(name_of("mm-bot/dev/bybit")).has_value());
    BOOST_TEST(!p.get(name_of("mm-bot/dev/bybit")).has_value());
    const auto again = p.remove(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!again.has_value());
    BOOST_TEST(again.error().code == sec::errc::secret_not_found);
}

BOOST_AUTO_TEST_CASE(list_returns_sorted_names) {
    sec::in_memory_provider p;
    (void)p.set(name_of("mm-bot/testnet/bybit"), creds("k1-123456789", "s1-123456789"));
    (void)p.set(name_of("mm-bot/dev/okx"), creds("k2-123456789", "s2-123456789"));
    (void)p.set(name_of("mm-bot/dev/bybit"), creds("k3-123456789", "s3-123456789"));
    const std::vector<std::string> expected{"mm-bot/dev/bybit", "mm-bot/dev/okx",
                                            "mm-bot/testnet/bybit"};
    BOOST_TEST(texts(*p.list()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_store_lists_nothing) {
    BOOST_TEST(sec::in_memory_provider{}.list()->empty());
}

BOOST_AUTO_TEST_CASE(provider_reads_only_its_namespace) {
    sec::in_memory_provider backend;
    (void)backend.set(name_of("mm-bot/testnet/bybit"), creds("testnet-key-1", "testnet-secret"));
    (void)backend.set(name_of("mm-bot/prod/bybit"), creds("prod-key-0001", "prod-secret-01"));
    const sec::namespaced_provider<env::testnet, sec::in_memory_provider> p{backend};

    const auto own = p.credentials_for("bybit");
    BOOST_TEST_REQUIRE(own.has_value());
    BOOST_TEST(own->api_key.matches("testnet-key-1"));

    const auto other = p.get(name_of("mm-bot/prod/bybit"));
    BOOST_TEST_REQUIRE(!other.has_value());
    BOOST_TEST(other.error().code == sec::errc::namespace_violation);
    BOOST_TEST(other.error().message.find("mm-bot/prod/bybit") != std::string::npos);
    BOOST_TEST(other.error().message.find("prod-secret") == std::string::npos);
    BOOST_TEST((mmbot::app::secrets_exit_for(other.error().code) == mmbot::app::secrets_exit::environment_mismatch));
}

BOOST_AUTO_TEST_CASE(list_shows_only_own_namespace) {
    sec::in_memory_provider backend;
    (void)backend.set(name_of("mm-bot/dev/bybit"), creds("dev-key-00001", "dev-secret-01"));
    (void)backend.set(name_of("mm-bot/prod/bybit"), creds("prod-key-0001", "prod-secret-01"));
    const sec::namespaced_provider<env::live, sec::in_memory_provider> p{backend};
    const std::vector<std::string> expected{"mm-bot/prod/bybit"};
    BOOST_TEST(texts(*p.list()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(writes_outside_namespace_are_refused) {
    sec::namespaced_provider<env::shadow, sec::in_memory_provider> p{sec::in_memory_provider{}};
    const auto w = p.set(name_of("mm-bot/prod/bybit"), creds("prod-key-0001", "prod-secret-01"));
    BOOST_TEST_REQUIRE(!w.has_value());
    BOOST_TEST(w.error().code == sec::errc::namespace_violation);
    BOOST_TEST(p.backend().list()->empty());
    BOOST_TEST(p.set(name_of("mm-bot/dev/bybit"), creds("dev-key-00001", "dev-secret-01")).has_value());
    BOOST_TEST(!p.remove(name_of("mm-bot/prod/bybit")).has_value());
    BOOST_TEST(p.remove(name_of("mm-bot/dev/bybit")).has_value());
}

BOOST_AUTO_TEST_CASE(variable_names_follow_the_scheme) {
    BOOST_TEST(sec::env_variable_for(name_of("mm-bot/testnet/bybit"), sec::env_key_suffix) ==
               "MMBOT_SECRET_TESTNET_BYBIT_API_KEY");
    BOOST_TEST(sec::env_variable_for(name_of("mm-bot/prod/bybit_spot"), sec::env_secret_suffix) ==
               "MMBOT_SECRET_PROD_BYBIT_SPOT_API_SECRET");
}

BOOST_AUTO_TEST_CASE(reads_list_and_reports_missing_halves) {
    const std::string canary{sec::test::canary};
    // Boost.Test runs cases on one thread, so changing the environment here is safe.
    ::setenv("MMBOT_SECRET_DEV_BYBIT_API_KEY", "1234567890abcdef", 1);  // NOLINT(concurrency-mt-unsafe)
    ::setenv("MMBOT_SECRET_DEV_BYBIT_API_SECRET", canary.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    ::setenv("MMBOT_SECRET_TESTNET_OKX_API_KEY", canary.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    ::setenv("MMBOT_SECRET_NOPE_X_API_KEY", "ignored-000", 1);  // NOLINT(concurrency-mt-unsafe)
    const sec::env_provider p;

    const auto c = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_secret.matches(canary));
    BOOST_TEST(fmt::format("{}", *c) == "api_key=****cdef api_secret=****");

    const std::vector<std::string> expected{"mm-bot/dev/bybit", "mm-bot/testnet/okx"};
    BOOST_TEST(texts(*p.list()) == expected, boost::test_tools::per_element());

    const auto half = p.get(name_of("mm-bot/testnet/okx"));
    BOOST_TEST_REQUIRE(!half.has_value());
    BOOST_TEST(half.error().message.find("MMBOT_SECRET_TESTNET_OKX_API_SECRET is not") !=
               std::string::npos);
    BOOST_TEST(half.error().message.find(canary) == std::string::npos);

    const auto none = p.get(name_of("mm-bot/prod/bybit"));
    BOOST_TEST_REQUIRE(!none.has_value());
    BOOST_TEST(none.error().code == sec::errc::secret_not_found);
    BOOST_TEST(none.error().message.find("MMBOT_SECRET_PROD_BYBIT_API_KEY") != std::string::npos);

    for (const char* v : {"MMBOT_SECRET_DEV_BYBIT_API_KEY", "MMBOT_SECRET_DEV_BYBIT_API_SECRET",
                          "MMBOT_SECRET_TESTNET_OKX_API_KEY", "MMBOT_SECRET_NOPE_X_API_KEY"}) {
        ::unsetenv(v);  // NOLINT(concurrency-mt-unsafe)
    }
}

BOOST_AUTO_TEST_CASE(read_only_backends_refuse_writes) {
    sec::any_provider p{sec::env_provider{}};
    BOOST_TEST(p.backend_name() == "env");
    BOOST_TEST(!p.writable());
    const auto w = p.set(name_of("mm-bot/dev/bybit"), creds("1234567890abcdef", "secret123456"));
    BOOST_TEST_REQUIRE(!w.has_value());
    BOOST_TEST(w.error().code == sec::errc::unsupported);
    BOOST_TEST(w.error().message == "set is not supported by the env backend (read-only; change the "
                                    "secret in its source)");
    BOOST_TEST(!p.remove(name_of("mm-bot/dev/bybit")).has_value());
}

BOOST_AUTO_TEST_CASE(memory_backend_through_the_variant) {
    sec::any_provider p{sec::in_memory_provider{}};
    BOOST_TEST(p.writable());
    BOOST_TEST(p.set(name_of("mm-bot/dev/bybit"), creds("1234567890abcdef", "secret123456")).has_value());
    BOOST_TEST(p.get(name_of("mm-bot/dev/bybit"))->api_key.matches("1234567890abcdef"));
    BOOST_TEST(p.list()->size() == 1U);
}

