// mmbot/secrets/credentials.hpp
//
// A venue API credential pair and the text form every backend reads it from.
//
// One secret (mm-bot/<namespace>/<venue>) holds one api key and its api secret. Both are
// secret_strings, so printing a credentials value shows "api_key=1234...cdef api_secret=****"
// and never the clear text. The command backend's stdout and `mmbot-secrets set`'s stdin share one
// text contract, parsed here:
//   - a JSON object {"api_key": "...", "api_secret": "..."} (what `aws secretsmanager
//     get-secret-value --query SecretString --output text` prints for a key/value secret), or
//   - two lines: the api key, then the api secret (what `pass show` prints for a two-line entry).
// Errors name where the text came from and what is wrong (missing field, extra key, control
// character at position N), never the values.
//
//   auto creds = parse_credentials_text(stdout_text, "output of command 'pass show ...'");
//   if (creds) fmt::print("{}\n", *creds);   // api_key=1234...cdef api_secret=abcd...wxyz
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/text_formatter.hpp"
#include "mmbot/secrets/detail/json.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/secret_string.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace mmbot::secrets {

struct credentials {
    secret_string api_key;
    secret_string api_secret;

    /// "api_key=<masked as a key> api_secret=****": what operator<< and fmt print.
    [[nodiscard]] std::string masked() const {
        return fmt::format("api_key={} api_secret={}", api_key.masked(secret_kind::api_key),
                           api_secret.masked(secret_kind::api_secret));
    }

    friend std::ostream& operator<<(std::ostream& os, const credentials& c) { return os << c.masked(); }
};

inline constexpr std::string_view api_key_field = "api_key";
inline constexpr std::string_view api_secret_field = "api_secret";

namespace detail {

/// Checks one credential field and wraps it; the error gives the position, not the character.
[[nodiscard]] inline core::result<secret_string> checked_field(std::string_view value,
                                                               std::string_view field,
                                                               std::string_view origin) {
    if (value.empty()) {
        return core::make_error(errc::secret_format, fmt::format("{}: {} is empty", origin, field));
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto u = static_cast<unsigned char>(value[i]);
        // Keys go into HTTP headers and HMAC input: whitespace or control bytes are always a
        // copy-paste accident (a trailing newline, a tab), never part of a real key.
        if (u <= 0x20U || u == 0x7fU) {
            return core::make_error(
                errc::secret_format,
                fmt::format("{}: {} contains whitespace or a control character at position {}",
                            origin, field, i));
        }
    }
    return secret_string{value};
}

[[nodiscard]] inline core::result<credentials> credentials_from_json(const boost::json::value& doc,
                                                                     std::string_view origin) {
    const boost::json::object* obj = doc.if_object();
    if (obj == nullptr) {
        return core::make_error(errc::secret_format,
                                fmt::format("{}: expected a JSON object with {} and {}", origin,
                                            api_key_field, api_secret_field));
    }
    for (const auto& entry : *obj) {
        const std::string_view key = entry.key();
        if (key != api_key_field && key != api_secret_field) {
            // Key names are the document's structure, not its secrets: safe to show (truncated).
            return core::make_error(errc::secret_format,
                                    fmt::format("{}: unexpected key \"{}\" (expected {} and {})",
                                                origin, key.substr(0, 40), api_key_field,
                                                api_secret_field));
        }
    }
    std::array<secret_string, 2> fields;
    const std::array<std::string_view, 2> names{api_key_field, api_secret_field};
    for (std::size_t i = 0; i < names.size(); ++i) {
        const boost::json::value* v = obj->if_contains(names[i]);
        if (v == nullptr) {
            return core::make_error(errc::secret_format,
                                    fmt::format("{}: missing {}", origin, names[i]));
        }
        const boost::json::string* s = v->if_string();
        if (s == nullptr) {
            return core::make_error(errc::secret_format,
                                    fmt::format("{}: {} must be a string", origin, names[i]));
        }
        auto checked = checked_field(std::string_view{*s}, names[i], origin);
        if (!checked) return checked.error();
        fields[i] = std::move(*checked);
    }
    return credentials{std::move(fields[0]), std::move(fields[1])};
}

[[nodiscard]] inline core::result<credentials> credentials_from_lines(std::string_view text,
                                                                      std::string_view origin) {
    std::array<std::string_view, 2> lines;
    std::size_t count = 0;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() && text.empty()) break;  // the final newline
        if (count == lines.size()) {
            return core::make_error(
                errc::secret_format,
                fmt::format("{}: expected 2 lines ({} then {}), got more", origin, api_key_field,
                            api_secret_field));
        }
        lines[count++] = line;
    }
    if (count != lines.size()) {
        return core::make_error(errc::secret_format,
                                fmt::format("{}: expected 2 lines ({} then {}), got {}", origin,
                                            api_key_field, api_secret_field, count));
    }
    auto key = checked_field(lines[0], api_key_field, origin);
    if (!key) return key.error();
    auto secret = checked_field(lines[1], api_secret_field, origin);
    if (!secret) return secret.error();
    return credentials{std::move(*key), std::move(*secret)};
}

}  // namespace detail

/// Parses credentials from a JSON object or from two lines (see the file comment). `origin` names
/// the source in error messages ("stdin", "output of command 'pass'").
[[nodiscard]] inline core::result<credentials> parse_credentials_text(std::string_view text,
                                                                      std::string_view origin) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return core::make_error(errc::secret_format, fmt::format("{}: no credentials (empty)", origin));
    }
    if (text[first] == '{') {
        auto doc = detail::parse_json(text, origin);
        if (!doc) return doc.error();
        return detail::credentials_from_json(*doc, origin);
    }
    return detail::credentials_from_lines(text, origin);
}

}  // namespace mmbot::secrets

/// fmt prints "api_key=<masked as a key> api_secret=****" (secret_string.hpp, `mask`).
template <>
struct fmt::formatter<mmbot::secrets::credentials>
    : mmbot::core::text_formatter<mmbot::secrets::credentials, &mmbot::secrets::credentials::masked> {};
