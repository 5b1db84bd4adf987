// testing/local_venue/params.hpp
//
// Reading request parameters the way Bybit does: a POST body is a JSON object whose values are
// strings ("qty":"0.001"), a GET query string is key=value pairs (percent-decoded here). Both end
// up as a boost::json::object of strings, so one set of field readers serves both, and every
// refusal is a retCode 10001 whose message names the field and the value.
//
//   auto q = parse_query("category=linear&symbol=BTCUSDT&cursor=a%3Db");  // {"cursor":"a=b",...}
//   auto qty = decimal_param<core::quantity>(body, "qty");                  // result-like
#pragma once

#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/reply.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace mmbot::venue::local {

/// Either a value or the 10001 reply that refuses the request.
template <class T>
using param = std::variant<T, api_reply>;

namespace detail {
inline constexpr std::size_t max_quoted = 40;

[[nodiscard]] inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decoding ('+' stays '+': Bybit signs the raw query, so clients do not use it for
/// spaces). Nullopt on a broken escape.
[[nodiscard]] inline std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const int hi = hex_value(s[i + 1]);
        const int lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}
}  // namespace detail

/// The query string (without '?') as an object of strings. A repeated key keeps its last value.
[[nodiscard]] inline param<boost::json::object> parse_query(std::string_view query) {
    boost::json::object out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = detail::percent_decode(pair.substr(0, eq));
        auto value = detail::percent_decode(eq == std::string_view::npos ? std::string_view{}
                                                                         : pair.substr(eq + 1));
        if (!key || !value) {
            return params_error(fmt::format("query: bad percent escape in \"{}\"",
                                            pair.substr(0, detail::max_quoted)));
        }
        out[*key] = *value;
    }
    return out;
}

/// A POST body: one JSON object.
[[nodiscard]] inline param<boost::json::object> parse_body(std::string_view body) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) return params_error(fmt::format("body: not JSON: {}", ec.message()));
    if (!v.is_object()) return params_error("body: expected a JSON object");
    boost::json::object o = std::move(v.get_object());
    return o;
}

/// A string field; nullopt when absent (or "" when `empty_is_absent`), 10001 when not a string.
[[nodiscard]] inline param<std::optional<std::string>> string_param(const boost::json::object& o,
                                                                    std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::optional<std::string>{};
    if (!v->is_string()) {
        return params_error(fmt::format("{}: expected a string, got {}", key,
                                        boost::json::serialize(*v).substr(0, detail::max_quoted)));
    }
    if (v->get_string().empty()) return std::optional<std::string>{};
    return std::optional<std::string>{std::string(v->get_string())};
}

/// A required string field.
[[nodiscard]] inline param<std::string> required_param(const boost::json::object& o,
                                                       std::string_view key) {
    auto s = string_param(o, key);
    if (auto* err = std::get_if<api_reply>(&s)) return std::move(*err);
    auto& v = std::get<std::optional<std::string>>(s);
    if (!v) return params_error(fmt::format("{}: missing", key));
    return std::move(*v);
}

/// A required decimal field, parsed exactly from its text.
template <class Decimal>
[[nodiscard]] param<Decimal> decimal_param(const boost::json::object& o, std::string_view key) {
    auto s = required_param(o, key);
    if (auto* err = std::get_if<api_reply>(&s)) return std::move(*err);
    auto d = Decimal::parse(std::get<std::string>(s));
    if (!d) return params_error(fmt::format("{}: {}", key, d.error().message));
    return *d;
}

/// `category`, required, for the endpoints that trade: linear or spot (the categories the venue
/// lists instruments in).
[[nodiscard]] inline param<bybit::category> category_param(const boost::json::object& o) {
    auto s = required_param(o, "category");
    if (auto* err = std::get_if<api_reply>(&s)) return std::move(*err);
    const auto& v = std::get<std::string>(s);
    if (v == "linear") return bybit::category::linear;
    if (v == "spot") return bybit::category::spot;
    return params_error(fmt::format("category: expected linear or spot, got \"{}\"",
                                    std::string_view(v).substr(0, detail::max_quoted)));
}

/// `category` of a market-data or position query, where Bybit also takes inverse and option:
/// the name as given, and the venue's category (none for inverse and option, which list nothing
/// here, so clients that load every category, as ccxt does, get empty lists).
struct market_category {
    std::string name;
    std::optional<bybit::category> listed;
};
[[nodiscard]] inline param<market_category> market_category_param(const boost::json::object& o) {
    auto s = required_param(o, "category");
    if (auto* err = std::get_if<api_reply>(&s)) return std::move(*err);
    auto& v = std::get<std::string>(s);
    if (v == "inverse" || v == "option") return market_category{std::move(v), std::nullopt};
    if (v == "linear") return market_category{std::move(v), bybit::category::linear};
    if (v == "spot") return market_category{std::move(v), bybit::category::spot};
    return params_error(fmt::format("category: expected spot, linear, inverse or option, got \"{}\"",
                                    std::string_view(v).substr(0, detail::max_quoted)));
}

/// An optional integer field in lo..hi; `dflt` when absent.
[[nodiscard]] inline param<std::int64_t> int_param(const boost::json::object& o, std::string_view key,
                                                   std::int64_t lo, std::int64_t hi, std::int64_t dflt) {
    auto s = string_param(o, key);
    if (auto* err = std::get_if<api_reply>(&s)) return std::move(*err);
    const auto& v = std::get<std::optional<std::string>>(s);
    if (!v) return dflt;
    std::int64_t n = 0;
    const auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || n < lo || n > hi) {
        return params_error(fmt::format("{}: expected an integer in {}..{}, got \"{}\"", key, lo, hi,
                                        std::string_view(*v).substr(0, detail::max_quoted)));
    }
    return n;
}

}  // namespace mmbot::venue::local
