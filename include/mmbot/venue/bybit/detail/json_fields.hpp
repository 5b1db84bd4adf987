// mmbot/venue/bybit/detail/json_fields.hpp
//
// Reading Bybit JSON by key, with errors that name the field path.
//
// Every accessor takes the path of the object it reads from ("result.list[3]") and returns an
// error whose message starts with the full field path, so "result.list[3].price: missing field"
// points at the byte that was wrong. Numbers arrive as strings in Bybit v5 ("1688639403423");
// `integer_field` accepts both forms, decimals are parsed straight from the string.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <boost/json/array.hpp>
#include <boost/json/kind.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::venue::bybit::detail {

/// Longest piece of venue text quoted back in an error.
inline constexpr std::size_t max_quote = 60;

[[nodiscard]] inline std::string join(std::string_view path, std::string_view key) {
    if (path.empty()) return std::string(key);
    return fmt::format("{}.{}", path, key);
}

[[nodiscard]] inline std::string_view kind_name(boost::json::kind k) noexcept {
    switch (k) {
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "bool";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "number";
        case boost::json::kind::string: return "string";
        case boost::json::kind::array: return "array";
        case boost::json::kind::object: return "object";
    }
    return "unknown";
}

/// Parses one complete JSON document. Error bybit_json_syntax with Boost.JSON's reason.
[[nodiscard]] inline core::result<boost::json::value> parse_document(std::string_view text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) {
        return core::make_error(errc::json_syntax, fmt::format("response: not JSON ({})", ec.message()));
    }
    return v;
}

[[nodiscard]] inline core::result<const boost::json::value*> field(const boost::json::object& o,
                                                                  std::string_view path,
                                                                  std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return core::make_error(errc::missing_field, join(path, key) + ": missing field");
    return v;
}

[[nodiscard]] inline core::error wrong_type(std::string_view path, std::string_view key,
                                            std::string_view want, const boost::json::value& got) {
    return core::make_error(errc::wrong_type, fmt::format("{}: expected {}, got {}", join(path, key),
                                                  want, kind_name(got.kind())));
}

[[nodiscard]] inline core::result<const boost::json::object*> object_field(
    const boost::json::object& o, std::string_view path, std::string_view key) {
    auto v = field(o, path, key);
    if (!v) return v.error();
    if (const auto* obj = (*v)->if_object()) return obj;
    return wrong_type(path, key, "an object", **v);
}

[[nodiscard]] inline core::result<const boost::json::array*> array_field(
    const boost::json::object& o, std::string_view path, std::string_view key) {
    auto v = field(o, path, key);
    if (!v) return v.error();
    if (const auto* arr = (*v)->if_array()) return arr;
    return wrong_type(path, key, "an array", **v);
}

[[nodiscard]] inline core::result<std::string_view> string_field(const boost::json::object& o,
                                                                 std::string_view path,
                                                                 std::string_view key) {
    auto v = field(o, path, key);
    if (!v) return v.error();
    if (const auto* s = (*v)->if_string()) return std::string_view{*s};
    return wrong_type(path, key, "a string", **v);
}

/// An integer written as a JSON number or as a decimal string ("1688639403423").
[[nodiscard]] inline core::result<std::int64_t> integer_field(const boost::json::object& o,
                                                              std::string_view path,
                                                              std::string_view key) {
    auto v = field(o, path, key);
    if (!v) return v.error();
    if (const auto* i = (*v)->if_int64()) return *i;
    if (const auto* s = (*v)->if_string()) {
        std::int64_t out = 0;
        const char* end = s->data() + s->size();
        const auto r = std::from_chars(s->data(), end, out);
        if (r.ec == std::errc{} && r.ptr == end && !s->empty()) return out;
        return core::make_error(
            errc::bad_value, fmt::format("{}: expected an integer, got \"{}\"", join(path, key),
                                   std::string_view{*s}.substr(0, max_quote)));
    }
    return wrong_type(path, key, "an integer", **v);
}

/// Largest millisecond timestamp whose nanosecond count fits int64 (year 2262).
inline constexpr std::int64_t max_timestamp_ms = INT64_MAX / 1'000'000;

/// A millisecond timestamp (number or string) as nanoseconds; negative or beyond year 2262 is
/// refused (the nanosecond count would overflow).
[[nodiscard]] inline core::result<std::chrono::nanoseconds> timestamp_ms_field(
    const boost::json::object& o, std::string_view path, std::string_view key) {
    auto ms = integer_field(o, path, key);
    if (!ms) return ms.error();
    if (*ms < 0 || *ms > max_timestamp_ms) {
        return core::make_error(errc::bad_value, fmt::format("{}: timestamp out of range, got {}",
                                                       join(path, key), *ms));
    }
    return std::chrono::nanoseconds{std::chrono::milliseconds{*ms}};
}

/// A decimal from its JSON string, exactly; decimal_* errors get the field path prefixed.
template <class Decimal>
[[nodiscard]] core::result<Decimal> decimal_field(const boost::json::object& o,
                                                  std::string_view path, std::string_view key) {
    auto s = string_field(o, path, key);
    if (!s) return s.error();
    auto d = Decimal::parse(*s);
    if (!d) {
        return core::make_error(d.error().code,
                                fmt::format("{}: {}", join(path, key), d.error().message));
    }
    return *d;
}

[[nodiscard]] inline std::string index_path(std::string_view path, std::size_t i) {
    return fmt::format("{}[{}]", path, i);
}

/// Calls `f(object, "path[i]")` for each element of `list`, which must all be objects; stops at
/// the first error (f returns core::result<void>).
template <class F>
[[nodiscard]] core::result<void> for_each_object(const boost::json::array& list,
                                                 std::string_view path, F&& f) {
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string item_path = index_path(path, i);
        const auto* o = list[i].if_object();
        if (o == nullptr) return core::make_error(errc::wrong_type, item_path + ": expected an object");
        if (auto ok = f(*o, item_path); !ok) return ok.error();
    }
    return {};
}

}  // namespace mmbot::venue::bybit::detail
