// The command backend: success, argument substitution, failure without output, timeout, limits.
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/secrets/command_provider.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace sec = mmbot::secrets;
using namespace std::chrono_literals;

namespace {

sec::secret_name name_of(std::string_view text) { return sec::secret_name::parse(text).value(); }

/// A command that runs `script` under /bin/sh; the secret name arrives as $1.
sec::command_provider sh(const std::string& script, std::chrono::milliseconds timeout = 5000ms,
                         std::size_t max_output = sec::command_max_output) {
    return sec::command_provider{{"/bin/sh", "-c", script, "sh", "{name}"}, timeout, max_output};
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_on_stdout_is_read) {
    const std::string script = std::string{R"(printf '{"api_key":"1234567890abcdef","api_secret":"%s"}' ')"} +
                               std::string{sec::test::canary} + "'";
    const auto c = sh(script).get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    BOOST_TEST(c->api_key.matches("1234567890abcdef"));
    BOOST_TEST(c->api_secret.matches(sec::test::canary));
}

BOOST_AUTO_TEST_CASE(two_lines_and_the_name_argument) {
    // The program sees the secret name as its argument and answers only for the right one.
    const auto p = sh(R"(test "$1" = mm-bot/testnet/bybit || exit 9; printf 'key-from-pass-1\nsecret-from-pass\n')");
    const auto c = p.get(name_of("mm-bot/testnet/bybit"));
    BOOST_TEST_REQUIRE(c.has_value(), (c ? "" : c.error().message));
    BOOST_TEST(c->api_key.matches("key-from-pass-1"));
    const auto wrong = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!wrong.has_value());
    BOOST_TEST(contains(wrong.error().message, "exited with status 9"));
}

BOOST_AUTO_TEST_CASE(name_placeholder_or_appended) {
    const sec::command_provider with{{"aws", "--secret-id={name}", "--x"}};
    const std::vector<std::string> expected_with{"aws", "--secret-id=mm-bot/prod/bybit", "--x"};
    BOOST_TEST(with.argv_for(name_of("mm-bot/prod/bybit")) == expected_with,
               boost::test_tools::per_element());
    const sec::command_provider without{sec::split_command_line("  pass   show ")};
    const std::vector<std::string> expected_without{"pass", "show", "mm-bot/dev/bybit"};
    BOOST_TEST(without.argv_for(name_of("mm-bot/dev/bybit")) == expected_without,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(non_zero_exit_reports_status_but_not_output) {
    const std::string script = "echo " + std::string{sec::test::canary} + "; echo " +
                               std::string{sec::test::canary} + " >&2; exit 3";
    const auto c = sh(script).get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::backend_error);
    BOOST_TEST(contains(c.error().message, "exited with status 3"), c.error().message);
    BOOST_TEST(contains(c.error().message, "/bin/sh"));
    BOOST_TEST(!contains(c.error().message, sec::test::canary));
    BOOST_TEST((mmbot::app::secrets_exit_for(c.error().code) == mmbot::app::secrets_exit::backend_error));
}

BOOST_AUTO_TEST_CASE(unparsable_output_is_not_echoed) {
    const auto c = sh("echo " + std::string{sec::test::canary}).get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::secret_format);
    BOOST_TEST(contains(c.error().message, "expected 2 lines"), c.error().message);
    BOOST_TEST(!contains(c.error().message, sec::test::canary));
}

BOOST_AUTO_TEST_CASE(timeout_kills_the_program) {
    const auto start = std::chrono::steady_clock::now();
    const auto c = sh("sleep 30", 300ms).get(name_of("mm-bot/dev/bybit"));
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(contains(c.error().message, "timed out after 300 ms"), c.error().message);
    BOOST_TEST(took < 5s);
}

BOOST_AUTO_TEST_CASE(output_is_bounded) {
    const auto c = sh("yes CANARY", 5000ms, 4096).get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(contains(c.error().message, "more than 4096 bytes"), c.error().message);
    BOOST_TEST(!contains(c.error().message, "CANARY"));
}

BOOST_AUTO_TEST_CASE(missing_program_is_a_backend_error) {
    const sec::command_provider p{{"/nonexistent/mmbot-secret-helper"}};
    const auto c = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::backend_error);
    BOOST_TEST(contains(c.error().message, "could not be started"), c.error().message);
}

BOOST_AUTO_TEST_CASE(killed_by_signal_is_reported) {
    const auto c = sh("kill -TERM $$").get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(contains(c.error().message, "killed by signal 15"), c.error().message);
}

BOOST_AUTO_TEST_CASE(list_is_unsupported) {
    const auto names = sh("true").list();
    BOOST_TEST_REQUIRE(!names.has_value());
    BOOST_TEST(names.error().code == sec::errc::unsupported);
}

