// Masking, formatting and clear-text access of secret_string and credentials.
#define BOOST_TEST_MODULE secrets
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/secret_string.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <sstream>
#include <string>
#include <type_traits>

// Stands in for the Bybit request signer, which is the one class `signer_access` befriends: this is
// how the real signer will read the api secret for HMAC-SHA256.
namespace mmbot::venue::bybit {
class signer {
public:
    static std::string clear_text(const mmbot::secrets::secret_string& s) {
        return std::string{s.reveal(mmbot::secrets::signer_access{})};
    }
};
}  // namespace mmbot::venue::bybit

namespace sec = mmbot::secrets;
using mmbot::venue::bybit::signer;

namespace {

/// True when no run of 4 or more characters of `secret` appears in `text`.
bool shows_none_of(std::string_view text, std::string_view secret) {
    for (std::size_t i = 0; i + 4 <= secret.size(); ++i) {
        if (text.find(secret.substr(i, 4)) != std::string_view::npos) return false;
    }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(api_secret_shows_no_character_at_any_length) {
    const std::string secret = "a4ed90c1f2b3d4e5f60718293a4b7bca";  // 128 bits, as Bybit issues
    for (std::size_t n = 0; n <= secret.size(); ++n) {
        const auto masked = sec::mask(std::string_view(secret).substr(0, n), sec::secret_kind::api_secret);
        BOOST_TEST(masked == "****", n);
    }
    BOOST_TEST(sec::secret_string{std::string_view{secret}}.masked() == "****");
    BOOST_TEST(shows_none_of(sec::secret_string{std::string_view{secret}}.masked(), secret));
}

BOOST_AUTO_TEST_CASE(api_key_shows_its_last_four_only_from_sixteen_characters) {
    BOOST_TEST(sec::mask("1234567890abcdef", sec::secret_kind::api_key) == "****cdef");
    BOOST_TEST(sec::mask("123456789012345", sec::secret_kind::api_key) == "****");
    BOOST_TEST(sec::mask("1234567890abc", sec::secret_kind::api_key) == "****");  // 13 characters
    BOOST_TEST(sec::mask("12345678", sec::secret_kind::api_key) == "****");
    BOOST_TEST(sec::mask("", sec::secret_kind::api_key) == "****");
    const sec::secret_string key{std::string_view{"ABCDEFGH12345678wxyz"}};
    BOOST_TEST(key.masked(sec::secret_kind::api_key) == "****wxyz");
    BOOST_TEST(key.masked() == "****");  // not marked as a key: nothing
}

BOOST_AUTO_TEST_CASE(fmt_and_stream_print_masked_form) {
    const sec::secret_string s{std::string_view{sec::test::canary}};
    const std::string via_fmt = fmt::format("{}", s);
    std::ostringstream via_stream;
    via_stream << s;
    BOOST_TEST(via_fmt == std::string{sec::test::canary_masked});
    BOOST_TEST(via_stream.str() == std::string{sec::test::canary_masked});
    BOOST_TEST(fmt::format("[{:>6}]", s) == "[  ****]");
    BOOST_TEST(shows_none_of(via_fmt, sec::test::canary));
}

BOOST_AUTO_TEST_CASE(credentials_print_both_fields_masked) {
    const sec::credentials c{sec::secret_string{std::string_view{"1234567890abcdef"}},
                             sec::secret_string{std::string_view{"secret123456"}}};
    BOOST_TEST(fmt::format("{}", c) == "api_key=****cdef api_secret=****");
    std::ostringstream os;
    os << c;
    BOOST_TEST(os.str() == "api_key=****cdef api_secret=****");
    // What preflight prints for the secrets check: fmt of the credentials, with the canary as the
    // secret and a 13-character key (too short to show any of it).
    const sec::credentials canary{sec::secret_string{std::string_view{"KEY4567890abc"}},
                                  sec::secret_string{std::string_view{sec::test::canary}}};
    const std::string shown = fmt::format("{}", canary);
    BOOST_TEST(shown == "api_key=**** api_secret=****");
    BOOST_TEST(shows_none_of(shown, sec::test::canary));
    BOOST_TEST(shows_none_of(shown, "KEY4567890abc"));
}

BOOST_AUTO_TEST_CASE(only_the_signer_can_construct_the_passkey) {
    static_assert(!std::is_default_constructible_v<sec::signer_access>,
                  "signer_access must not be constructible outside its friends");
    const sec::secret_string s{std::string_view{sec::test::canary}};
    BOOST_TEST(signer::clear_text(s) == std::string{sec::test::canary});
}

BOOST_AUTO_TEST_CASE(matches_compares_without_revealing) {
    const sec::secret_string s{std::string_view{"abcdef123456"}};
    BOOST_TEST(s.matches("abcdef123456"));
    BOOST_TEST(!s.matches("abcdef123457"));
    BOOST_TEST(!s.matches("abcdef"));
    BOOST_TEST(sec::secret_string{}.matches(""));
}

BOOST_AUTO_TEST_CASE(rvalue_construction_wipes_the_source) {
    std::string source{sec::test::canary};
    const sec::secret_string s{std::move(source)};
    BOOST_TEST(source.empty());  // NOLINT(bugprone-use-after-move): wiping the source is the point
    BOOST_TEST(s.matches(sec::test::canary));
}

BOOST_AUTO_TEST_CASE(copy_move_and_clear) {
    sec::secret_string a{std::string_view{"0123456789"}};
    sec::secret_string b = a;
    BOOST_TEST(b.matches("0123456789"));
    b.clear();  // a deep copy: clearing it leaves the original intact
    BOOST_TEST(b.empty());
    BOOST_TEST(a.matches("0123456789"));
    sec::secret_string c = std::move(a);
    BOOST_TEST(c.matches("0123456789"));
    BOOST_TEST(a.empty());  // NOLINT(bugprone-use-after-move): moved-from must hold nothing
    c.clear();
    BOOST_TEST(c.empty());
    BOOST_TEST(c.size() == 0U);
}

BOOST_AUTO_TEST_CASE(json_object_is_parsed) {
    auto c = sec::parse_credentials_text(R"({"api_key": "1234567890abcdef", "api_secret": "s3cr3t-value"})",
                                         "stdin");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_key.matches("1234567890abcdef"));
    BOOST_TEST(c->api_secret.matches("s3cr3t-value"));
}

BOOST_AUTO_TEST_CASE(two_lines_are_parsed) {
    auto c = sec::parse_credentials_text("1234567890abcdef\r\ns3cr3t-value\n", "stdin");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_key.matches("1234567890abcdef"));
    BOOST_TEST(c->api_secret.matches("s3cr3t-value"));
}

BOOST_AUTO_TEST_CASE(errors_name_the_problem_not_the_value) {
    const std::string canary{sec::test::canary};
    const std::string cases[] = {
        R"({"api_key": ")" + canary + R"(", "api_secret": 5})",
        R"({"api_key": ")" + canary + R"(", "api_secret": "x y"})",
        R"({"api_key": ")" + canary + R"(", "extra": "z", "api_secret": "q"})",
        R"({"api_key": ")" + canary + R"(")",
        canary + "\n",
        canary + "\nline2\nline3\n",
        "[\"" + canary + "\"]",
    };
    for (const auto& text : cases) {
        auto c = sec::parse_credentials_text(text, "stdin");
        BOOST_TEST_REQUIRE(!c.has_value());
        BOOST_TEST(c.error().code == sec::errc::secret_format);
        BOOST_TEST(c.error().message.find("stdin") != std::string::npos);
        BOOST_TEST(c.error().message.find(canary) == std::string::npos, c.error().message);
        BOOST_TEST(c.error().message.find("CANARY") == std::string::npos, c.error().message);
    }
}

BOOST_AUTO_TEST_CASE(empty_input_is_an_error) {
    auto c = sec::parse_credentials_text(" \n", "stdin");
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().message == "stdin: no credentials (empty)");
}

