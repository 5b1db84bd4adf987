// mmbot/core/json_fields.hpp
//
// The one reader of fields from a Boost.JSON object: typed reads whose every failure is a
// core::error naming the field path and the value, under the calling area's own codes.
//
// Market data, the Bybit REST and private-stream responses and the config files all read JSON
// this way. An area declares its three codes once, next to its errc (a core::field_errors), and
// builds a reader from them, so a feed failure stays feed_missing_field and a Bybit one
// bybit_missing_field: the labels are output and never change.
//
//   constexpr core::json::reader fields{feed::json_errors};
//   auto v = fields.require(msg, json::field("ts"));   // ts: missing field
//   auto ts = fields.as_int64(**v, json::field("ts"));  // ts: expected an integer, got string "x"
//   auto px = fields.decimal_at<price>(o, json::under("data", 3).at("p"));
//
// Paths are views (head[head_index].key[i][j]) formatted only on failure: the market-data
// decoder's checked path runs for every message that the fast path hands back, and its success
// path does no string work at all. Messages:
//   <path>: missing field                                  (missing)
//   <path>: expected <what>, got <kind> <value cut short>  (wrong_type)
//   <path>: <why>                                          (bad_value)
// A value parser's error (decimal_*) keeps its own code, with the path prefixed.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/number_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/kind.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::core::json {

/// Base of a boost::json::basic_parser handler: the parser asks it for the largest array, object,
/// string and key to accept. Our handlers read as the parser goes and build nothing, so they set
/// no bound of their own.
struct unbounded_handler {
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
};

/// Longest piece of input quoted back in an error: messages never carry megabytes.
inline constexpr std::size_t max_quote = 64;

/// Where a field sits: `head[head_index].key[i][j]`, each part optional. Views only, so building
/// one costs nothing; `str()` formats it when an error needs it. A head may itself be a formatted
/// path ("result.list[3].priceFilter") for the rare reads nested deeper than one level.
struct path {
    std::string_view head;
    std::ptrdiff_t head_index{-1};
    std::string_view key;
    std::ptrdiff_t i{-1};
    std::ptrdiff_t j{-1};

    /// The field `k` of the same object (`data.u` from `data`).
    [[nodiscard]] constexpr path at(std::string_view k) const noexcept {
        path p = *this;
        p.key = k;
        return p;
    }
    /// An element of this field's array (`data.b[3]`, `data.b[3][0]`).
    [[nodiscard]] constexpr path index(std::ptrdiff_t a, std::ptrdiff_t b = -1) const noexcept {
        path p = *this;
        p.i = a;
        p.j = b;
        return p;
    }

    /// "data.b[3][0]"; "message" for the document itself.
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
[[nodiscard]] constexpr path field(std::string_view key) noexcept {
    path p;
    p.key = key;
    return p;
}

/// Fields inside the object `head` ("data") or the element `head[index]` ("data[2]").
[[nodiscard]] constexpr path under(std::string_view head, std::ptrdiff_t index = -1) noexcept {
    path p;
    p.head = head;
    p.head_index = index;
    return p;
}

/// Text cut to max_quote characters, for quoting venue text back in a message.
[[nodiscard]] constexpr std::string_view cut(std::string_view text) noexcept {
    return text.substr(0, max_quote);
}

/// A JSON value as the person who wrote it would recognise it, cut short ("[1,2]", "\"x\"",
/// "65000.5"): a number the parser made a double is printed as a plain decimal, never in the
/// exponent form ("6.50005E4") Boost.JSON's serializer gives it.
[[nodiscard]] inline std::string quote(const boost::json::value& v) {
    std::string text = v.is_double() ? plain_number_text(v.get_double()) : boost::json::serialize(v);
    if (text.size() > max_quote) {
        text.resize(max_quote);
        text += "...";
    }
    return text;
}

/// "null", "bool", "number", "string", "array" or "object".
[[nodiscard]] constexpr std::string_view kind_name(boost::json::kind k) noexcept {
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
    return "value";
}

/// Largest millisecond timestamp whose nanosecond count fits int64 (year 2262).
inline constexpr std::int64_t max_timestamp_ms =
    std::numeric_limits<std::int64_t>::max() / 1'000'000;

/// Parses one complete JSON document (a venue's answer or pushed message). A syntax error is
/// `syntax` (the area's json_syntax code): "<what>: not JSON (<Boost.JSON's reason>)".
[[nodiscard]] inline result<boost::json::value> parse_document(std::string_view text, error_code syntax,
                                                               std::string_view what = "response") {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) return make_error(syntax, fmt::format("{}: not JSON ({})", what, ec.message()));
    return v;
}

/// Typed reads under one area's codes. Cheap to build and copy (three codes); `constexpr` at
/// namespace scope in the area that uses it.
class reader {
public:
    constexpr explicit reader(const field_errors& codes) noexcept : codes_(codes) {}

    [[nodiscard]] constexpr const field_errors& codes() const noexcept { return codes_; }

    // ------------------------------------------------------------------------------ errors

    [[nodiscard]] error missing(const path& p) const {
        return make_error(codes_.missing, fmt::format("{}: missing field", p.str()));
    }
    [[nodiscard]] error wrong_type(const path& p, std::string_view expected,
                                   const boost::json::value& got) const {
        return make_error(codes_.wrong_type,
                          fmt::format("{}: expected {}, got {} {}", p.str(), expected,
                                      kind_name(got.kind()), quote(got)));
    }
    [[nodiscard]] error bad_value(const path& p, std::string_view why) const {
        return make_error(codes_.bad_value, fmt::format("{}: {}", p.str(), why));
    }
    /// Prefixes an error from a value parser (decimal::parse) with the path; its code is kept.
    [[nodiscard]] static error at_path(const path& p, const error& e) {
        return make_error(e.code, fmt::format("{}: {}", p.str(), e.message));
    }

    // ------------------------------------------------------------------------ value reads

    /// The field `p.key` of `o`, or a missing-field error.
    [[nodiscard]] result<const boost::json::value*> require(const boost::json::object& o,
                                                            const path& p) const {
        const boost::json::value* v = o.if_contains(p.key);
        if (v == nullptr) return missing(p);
        return v;
    }

    [[nodiscard]] result<std::string_view> as_string(const boost::json::value& v,
                                                     const path& p) const {
        // in_place_value: error is an aggregate-like type whose first member converts from a
        // string_view, so a bare string_view would be ambiguous between value and error.
        if (const auto* s = v.if_string()) {
            return result<std::string_view>(boost::system::in_place_value, std::string_view(*s));
        }
        return wrong_type(p, "a string", v);
    }

    [[nodiscard]] result<const boost::json::object*> as_object(const boost::json::value& v,
                                                               const path& p) const {
        if (const auto* o = v.if_object()) return o;
        return wrong_type(p, "an object", v);
    }

    [[nodiscard]] result<const boost::json::array*> as_array(const boost::json::value& v,
                                                             const path& p) const {
        if (const auto* a = v.if_array()) return a;
        return wrong_type(p, "an array", v);
    }

    /// A JSON integer that fits int64. Doubles, even integral ones, are refused.
    [[nodiscard]] result<std::int64_t> as_int64(const boost::json::value& v, const path& p) const {
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
    [[nodiscard]] result<std::uint64_t> as_uint64(const boost::json::value& v,
                                                  const path& p) const {
        if (const auto* u = v.if_uint64()) return *u;
        if (const auto* i = v.if_int64()) {
            if (*i >= 0) return static_cast<std::uint64_t>(*i);
            return bad_value(p, fmt::format("{} is negative", *i));
        }
        return wrong_type(p, "a non-negative integer", v);
    }

    [[nodiscard]] result<bool> as_bool(const boost::json::value& v, const path& p) const {
        if (const auto* b = v.if_bool()) return *b;
        return wrong_type(p, "a boolean", v);
    }

    /// An integer written as a JSON number or as a decimal string ("1688639403423", Bybit v5).
    [[nodiscard]] result<std::int64_t> as_integer(const boost::json::value& v,
                                                  const path& p) const {
        const auto* s = v.if_string();
        if (s == nullptr) return as_int64(v, p);
        std::int64_t out = 0;
        const char* end = s->data() + s->size();
        const auto r = std::from_chars(s->data(), end, out);
        if (r.ec == std::errc{} && r.ptr == end && !s->empty()) return out;
        return bad_value(p, fmt::format("expected an integer, got \"{}\"", cut(*s)));
    }

    /// A millisecond timestamp (number or digit string) as nanoseconds; negative or beyond year
    /// 2262 is refused (the nanosecond count would overflow).
    [[nodiscard]] result<std::chrono::nanoseconds> as_timestamp_ms(const boost::json::value& v,
                                                                   const path& p) const {
        auto ms = as_integer(v, p);
        if (!ms) return ms.error();
        if (*ms < 0 || *ms > max_timestamp_ms) {
            return bad_value(p, fmt::format("timestamp out of range, got {}", *ms));
        }
        return std::chrono::nanoseconds{std::chrono::milliseconds{*ms}};
    }

    /// A decimal carried as a JSON string ("65114.20"), parsed exactly; the parser's error keeps
    /// its code (decimal_*) with the path prefixed. Numbers are refused: they may already have
    /// been rounded through a double by whoever wrote them.
    template <class Decimal>
    [[nodiscard]] result<Decimal> as_decimal(const boost::json::value& v, const path& p) const {
        const auto* s = v.if_string();
        if (s == nullptr) return wrong_type(p, "a decimal string", v);
        auto d = Decimal::parse(std::string_view(*s));
        if (!d) return at_path(p, d.error());
        return *d;
    }

    // ------------------------------------------------------- field reads: require + as_*

    [[nodiscard]] result<std::string_view> string_at(const boost::json::object& o,
                                                     const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_string(**v, p);
    }
    [[nodiscard]] result<const boost::json::object*> object_at(const boost::json::object& o,
                                                               const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_object(**v, p);
    }
    [[nodiscard]] result<const boost::json::array*> array_at(const boost::json::object& o,
                                                             const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_array(**v, p);
    }
    [[nodiscard]] result<std::int64_t> integer_at(const boost::json::object& o,
                                                  const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_integer(**v, p);
    }
    [[nodiscard]] result<std::chrono::nanoseconds> timestamp_ms_at(const boost::json::object& o,
                                                                   const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_timestamp_ms(**v, p);
    }
    template <class Decimal>
    [[nodiscard]] result<Decimal> decimal_at(const boost::json::object& o, const path& p) const {
        auto v = require(o, p);
        if (!v) return v.error();
        return as_decimal<Decimal>(**v, p);
    }

    /// Calls `f(object, under(head, i))` for each element of `list`, which must all be objects;
    /// stops at the first error (f returns result<void>).
    template <class F>
    [[nodiscard]] result<void> for_each_object(const boost::json::array& list,
                                               std::string_view head, F&& f) const {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const path item = under(head, static_cast<std::ptrdiff_t>(i));
            const auto* o = list[i].if_object();
            if (o == nullptr) return wrong_type(item, "an object", list[i]);
            if (auto ok = f(*o, item); !ok) return ok.error();
        }
        return {};
    }

private:
    field_errors codes_;
};

}  // namespace mmbot::core::json
