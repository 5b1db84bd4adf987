// mmbot/feed/detail/json_fields.hpp
//
// Typed, path-aware reads of fields from a Boost.JSON object. Every failure becomes a core::error
// whose message starts with the JSON path of the field ("data.b[3][0]") and quotes the value, so a
// bad line in a capture can be found without a debugger. Paths and messages are only formatted on
// failure: the success path does no string work at all.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::feed::detail {


/// Where a field sits: `head[head_index].key[i][j]`, each part optional.
struct json_path {
    std::string_view head;
    std::ptrdiff_t head_index{-1};
    std::string_view key;
    std::ptrdiff_t i{-1};
    std::ptrdiff_t j{-1};

    [[nodiscard]] json_path at(std::string_view k) const {
        json_path p = *this;
        p.key = k;
        return p;
    }
    [[nodiscard]] json_path index(std::ptrdiff_t a, std::ptrdiff_t b = -1) const {
        json_path p = *this;
        p.i = a;
        p.j = b;
        return p;
    }

    [[nodiscard]] std::string str() const {
        std::string s(head);
        if (head_index >= 0) s += fmt::format("[{}]", head_index);
        if (!key.empty()) {
            if (!s.empty()) s += '.';
            s += key;
        }
        if (i >= 0) s += fmt::format("[{}]", i);
        if (j >= 0) s += fmt::format("[{}]", j);
        return s.empty() ? std::string("message") : s;
    }
};

/// The top-level field `key` ("ts").
[[nodiscard]] inline json_path field(std::string_view key) {
    json_path p;
    p.key = key;
    return p;
}

/// Fields inside the object `head` ("data") or the element `head[index]` ("data[2]").
[[nodiscard]] inline json_path under(std::string_view head, std::ptrdiff_t index = -1) {
    json_path p;
    p.head = head;
    p.head_index = index;
    return p;
}

/// A JSON value as it appears in the input, cut short: error messages never carry megabytes.
[[nodiscard]] inline std::string quote_json(const boost::json::value& v) {
    constexpr std::size_t limit = 64;
    std::string text = boost::json::serialize(v);
    if (text.size() > limit) {
        text.resize(limit);
        text += "...";
    }
    return text;
}

[[nodiscard]] inline std::string_view kind_name(const boost::json::value& v) noexcept {
    switch (v.kind()) {
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "bool";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "number";
        case boost::json::kind::string: return "string";
        case boost::json::kind::array: return "array";
        case boost::json::kind::object: return "object";
    }
    return "value";
}

[[nodiscard]] inline core::error missing(const json_path& p) {
    return core::make_error(errc::missing_field, fmt::format("{}: missing field", p.str()));
}

[[nodiscard]] inline core::error wrong_type(const json_path& p, std::string_view expected,
                                            const boost::json::value& got) {
    return core::make_error(errc::wrong_type, fmt::format("{}: expected {}, got {} {}", p.str(),
                                                         expected, kind_name(got), quote_json(got)));
}

[[nodiscard]] inline core::error bad_value(const json_path& p, std::string_view why) {
    return core::make_error(errc::bad_value, fmt::format("{}: {}", p.str(), why));
}

/// Prefixes an error from a value parser (decimal::parse) with the field's path.
[[nodiscard]] inline core::error at_path(const json_path& p, const core::error& e) {
    return core::make_error(e.code, fmt::format("{}: {}", p.str(), e.message));
}

/// The field `p.key` of `o`, or a missing-field error.
[[nodiscard]] inline core::result<const boost::json::value*> require(const boost::json::object& o,
                                                                     const json_path& p) {
    const boost::json::value* v = o.if_contains(p.key);
    if (v == nullptr) return missing(p);
    return v;
}

[[nodiscard]] inline core::result<std::string_view> as_string(const boost::json::value& v,
                                                              const json_path& p) {
    // in_place_value: core::error is an aggregate starting with a string_view, so a bare
    // string_view would be ambiguous between the value and the error alternative.
    if (const auto* s = v.if_string()) {
        return core::result<std::string_view>(boost::system::in_place_value, std::string_view(*s));
    }
    return wrong_type(p, "a string", v);
}

[[nodiscard]] inline core::result<const boost::json::object*> as_object(const boost::json::value& v,
                                                                        const json_path& p) {
    if (const auto* o = v.if_object()) return o;
    return wrong_type(p, "an object", v);
}

[[nodiscard]] inline core::result<const boost::json::array*> as_array(const boost::json::value& v,
                                                                      const json_path& p) {
    if (const auto* a = v.if_array()) return a;
    return wrong_type(p, "an array", v);
}

/// A JSON integer that fits int64 (timestamps). Doubles, even integral ones, are refused.
[[nodiscard]] inline core::result<std::int64_t> as_int64(const boost::json::value& v,
                                                         const json_path& p) {
    if (const auto* i = v.if_int64()) return *i;
    if (const auto* u = v.if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(*u);
        }
        return bad_value(p, fmt::format("{} is out of range", *u));
    }
    return wrong_type(p, "an integer", v);
}

/// A non-negative JSON integer (update ids, sequence numbers).
[[nodiscard]] inline core::result<std::uint64_t> as_uint64(const boost::json::value& v,
                                                           const json_path& p) {
    if (const auto* u = v.if_uint64()) return *u;
    if (const auto* i = v.if_int64()) {
        if (*i >= 0) return static_cast<std::uint64_t>(*i);
        return bad_value(p, fmt::format("{} is negative", *i));
    }
    return wrong_type(p, "a non-negative integer", v);
}

[[nodiscard]] inline core::result<bool> as_bool(const boost::json::value& v, const json_path& p) {
    if (const auto* b = v.if_bool()) return *b;
    return wrong_type(p, "a boolean", v);
}

/// A decimal carried as a JSON string ("65114.20"), parsed exactly. Numbers are refused: they may
/// already have been rounded through a double by whoever wrote them.
template <class Decimal>
[[nodiscard]] core::result<Decimal> as_decimal(const boost::json::value& v, const json_path& p) {
    const auto* s = v.if_string();
    if (s == nullptr) return wrong_type(p, "a decimal string", v);
    auto d = Decimal::parse(std::string_view(*s));
    if (!d) return at_path(p, d.error());
    return *d;
}

/// Fills bounded text; over-long text is an error naming the field, never truncated.
template <std::size_t N>
[[nodiscard]] core::result<void> assign_text(bounded_string<N>& out, std::string_view text,
                                             const json_path& p) {
    if (out.assign(text)) return {};
    constexpr std::size_t shown = 64;
    return bad_value(p, fmt::format("\"{}\" is longer than {} characters",
                                    text.substr(0, shown), N));
}

}  // namespace mmbot::feed::detail
