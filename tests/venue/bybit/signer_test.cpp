// tests/venue/bybit/signer_test.cpp
//
// The Bybit v5 signer against ccxt's reference vectors (every X-BAPI-* header and the WebSocket
// auth frame, byte for byte), an RFC 4231 known answer for the HMAC itself, and the rule that no
// error or printed form ever contains key material.
#define BOOST_TEST_MODULE bybit_signer
#include "mmbot/venue/bybit/signer.hpp"

#include "vectors.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <string>

namespace bybit = mmbot::venue::bybit;
using mmbot::secrets::credentials;
using mmbot::secrets::secret_string;

namespace {

credentials creds(std::string_view key, std::string_view secret) {
    return credentials{secret_string{key}, secret_string{secret}};
}

bybit::signer vector_signer(const boost::json::value& doc) {
    auto s = bybit::signer::make(creds(bybit::test::str(doc, "api_key"),
                                       bybit::test::str(doc, "secret")),
                                 std::chrono::milliseconds{std::stoll(
                                     bybit::test::str(doc, "recv_window"))});
    BOOST_TEST_REQUIRE(s.has_value());
    return std::move(*s);
}

std::string hex(const bybit::detail::sha256_digest& d) {
    std::array<char, 64> out{};
    bybit::detail::to_lower_hex(d, out);
    return std::string(out.data(), out.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231_case_2) {
    auto mac = bybit::detail::hmac_sha256::make("Jefe", bybit::errc::crypto);
    BOOST_TEST_REQUIRE(mac.has_value());
    bybit::detail::sha256_digest d{};
    // Twice on the same context: re-initialising with the stored key must give the same answer.
    for (int i = 0; i < 2; ++i) {
        BOOST_TEST(mac->begin());
        BOOST_TEST(mac->update("what do ya want "));
        BOOST_TEST(mac->update("for nothing?"));
        BOOST_TEST(mac->finish(d));
        BOOST_TEST(hex(d) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}

BOOST_AUTO_TEST_CASE(rest_signatures_match_ccxt) {
    const auto doc = bybit::test::load_vectors();
    auto signer = vector_signer(doc);
    const std::int64_t ts = std::stoll(bybit::test::str(doc, "timestamp"));
    int checked = 0;
    for (const auto& v : doc.at("vectors").as_array()) {
        const std::string method = bybit::test::str(v, "method");
        if (method.empty()) continue;  // the WebSocket vector
        const std::string payload =
            method == "GET" ? bybit::test::str(v, "query") : bybit::test::str(v, "body");
        auto sig = signer.sign_rest(ts, payload);
        BOOST_TEST_REQUIRE(sig.has_value());
        std::map<std::string, std::string> headers;
        signer.write_headers(*sig, [&](std::string_view name, std::string_view value) {
            headers.emplace(std::string(name), std::string(value));
        });
        const auto& expected = v.at("headers");
        BOOST_TEST_CONTEXT(bybit::test::str(v, "name")) {
            BOOST_TEST(headers.size() == 4U);
            for (const auto& [name, value] : headers) {
                BOOST_TEST(value == bybit::test::str(expected, name), name);
            }
            // ccxt sends no X-BAPI-SIGN-TYPE for v5; neither do we.
            BOOST_TEST(expected.as_object().if_contains("X-BAPI-SIGN-TYPE") == nullptr);
        }
        ++checked;
    }
    BOOST_TEST(checked >= 10);
}

BOOST_AUTO_TEST_CASE(ws_auth_matches_ccxt) {
    const auto doc = bybit::test::load_vectors();
    auto signer = vector_signer(doc);
    int checked = 0;
    for (const auto& v : doc.at("vectors").as_array()) {
        if (bybit::test::str(v, "kind") != "ws_auth") continue;
        const auto expires = std::stoll(bybit::test::str(v.at("inputs"), "expires"));
        std::string frame;
        BOOST_TEST_REQUIRE(signer.append_ws_auth(expires, frame).has_value());
        BOOST_TEST(frame == bybit::test::str(v, "body"));
        ++checked;
    }
    BOOST_TEST(checked == 1);
}

BOOST_AUTO_TEST_CASE(signing_is_repeatable_and_depends_on_every_piece) {
    auto s = bybit::signer::make(creds("abcDEF123", "s3cr3t-value")).value();
    const auto a = s.sign_rest(1, "x=1").value();
    const auto b = s.sign_rest(1, "x=1").value();
    BOOST_TEST(a.sign() == b.sign());
    BOOST_TEST(s.sign_rest(2, "x=1").value().sign() != a.sign());
    BOOST_TEST(s.sign_rest(1, "x=2").value().sign() != a.sign());
    BOOST_TEST(a.timestamp.view() == "1");
    BOOST_TEST(a.recv_window.view() == "5000");
    for (const char c : a.sign()) {
        BOOST_TEST(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    }
}

// A request's own recv_window (the gateway's creates) is what is signed and sent; it gives the
// same signature as a signer made with that window, and a window Bybit would refuse is an error.
BOOST_AUTO_TEST_CASE(a_request_can_carry_its_own_recv_window) {
    auto s = bybit::signer::make(creds("abcDEF123", "s3cr3t-value")).value();
    auto s2000 = bybit::signer::make(creds("abcDEF123", "s3cr3t-value"), std::chrono::milliseconds{2000}).value();
    const auto own = s.sign_rest(7, "x=1", std::chrono::milliseconds{2000}).value();
    BOOST_TEST(own.recv_window.view() == "2000");
    BOOST_TEST(own.sign() == s2000.sign_rest(7, "x=1").value().sign());
    BOOST_TEST(own.sign() != s.sign_rest(7, "x=1").value().sign());
    const auto bad = s.sign_rest(7, "x=1", std::chrono::milliseconds{60001});
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().code == mmbot::venue::bybit::errc::recv_window);
    BOOST_TEST(bad.error().message == "recv_window: must be in 1..60000 ms, got 60001");
}

BOOST_AUTO_TEST_CASE(bad_credentials_are_rejected_without_quoting_them) {
    const std::string secret = "TOPSECRETVALUE42";
    auto empty = bybit::signer::make(creds("", secret));
    BOOST_TEST_REQUIRE(!empty.has_value());
    BOOST_TEST(empty.error().code == mmbot::venue::bybit::errc::credentials);

    auto bad_key = bybit::signer::make(creds("key\"withquote", secret));
    BOOST_TEST_REQUIRE(!bad_key.has_value());
    BOOST_TEST(bad_key.error().message == "api_key: character at position 3 is not [A-Za-z0-9]");
    BOOST_TEST(bad_key.error().message.find("withquote") == std::string::npos);

    auto window = bybit::signer::make(creds("abc", secret), std::chrono::milliseconds{60001});
    BOOST_TEST_REQUIRE(!window.has_value());
    BOOST_TEST(window.error().code == mmbot::venue::bybit::errc::recv_window);
    BOOST_TEST(window.error().message == "recv_window: must be in 1..60000 ms, got 60001");
    BOOST_TEST(!bybit::signer::make(creds("abc", secret), std::chrono::milliseconds{0}));
}

BOOST_AUTO_TEST_CASE(only_the_masked_key_is_printable) {
    auto s = bybit::signer::make(creds("ABCDEFGH12345678", "TOPSECRETVALUE42")).value();
    BOOST_TEST(s.masked_api_key() == "****5678");  // 16 characters: the last 4 only
    const auto sig = s.sign_rest(1700000000123, "{}").value();
    const std::string all = fmt::format("{} {} {}", sig.timestamp.view(), sig.recv_window.view(),
                                        sig.sign());
    BOOST_TEST(all.find("TOPSECRET") == std::string::npos);
    BOOST_TEST(all.find("ABCDEFGH12345678") == std::string::npos);
}
