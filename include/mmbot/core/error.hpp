// mmbot/core/error.hpp
//
// The error type every fallible operation on external input returns.
//
// Venue messages, configs, CLI flags and secrets files are external input: a bad value there is an
// expected event, not a bug, so it comes back as `result<T>` holding an `error` whose `code` is a
// typed `error_code` (one enumerator of an area's `errc` enum, compared with `==` against that
// enumerator, named by a stable snake_case label in metrics, logs and reports) and whose `message`
// names the field and the offending value. Exceptions are reserved for start-up and broken
// invariants.
//
//   mmbot::core::result<price> p = price::parse(text);
//   if (!p) log.warn("bad price", p.error().message);
//   if (!p && p.error().code == core::errc::decimal_exponent) ...   // a misspelt name: no build
//
// An area's codes are the scoped enum named `errc` in its namespace; nothing else registers them.
// Each code's label is the enumerator's own name (core/enum_label.hpp). An area whose labels carry
// a prefix ("feed_bad_url") declares, next to its enum, the ADL hook
//   [[nodiscard]] constexpr std::string_view error_label(errc e) noexcept;
// returning `core::enum_label<"feed_">(e)`; `core::code_label(e)` reads either. Labels are part of
// the output (logs, metrics, JSON): never rename an enumerator, its name is its label. For test
// frameworks to print a code, the area's namespace says `using core::operator<<;`.
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/text_formatter.hpp"

#include <boost/system/result.hpp>
#include <fmt/format.h>

#include <concepts>
#include <ostream>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mmbot::core {

/// An enum whose namespace declares the label hook `error_label(E) noexcept` (a prefixed area).
template <class E>
concept labelled_by_hook = std::is_enum_v<E> && requires(E e) {
    { error_label(e) } noexcept -> std::same_as<std::string_view>;
};

namespace detail {
template <class T>
constexpr const char* spelled_type() noexcept {
    return __PRETTY_FUNCTION__;
}

/// "mmbot::app::errc" from "... [with T = mmbot::app::errc]" (GCC) or "... [T = mmbot::app::errc]"
/// (Clang).
[[nodiscard]] constexpr std::string_view type_spelling(std::string_view pretty) noexcept {
    const auto from = pretty.find("T = ");
    if (from == std::string_view::npos) return {};
    const std::string_view type = pretty.substr(from + 4);
    return type.substr(0, type.find_first_of(";]"));
}

/// A scoped enum named `errc`: an area's error codes by this project's one convention. (Concepts,
/// not a bool: a conjunction of constraints stops at the first that fails, so a class type never
/// reaches std::underlying_type.)
template <class E>
concept scoped_enum = std::is_enum_v<E> && !std::is_convertible_v<E, std::underlying_type_t<E>>;
template <class E>
concept area_errc = scoped_enum<E> && type_spelling(spelled_type<E>()).ends_with("::errc");
}  // namespace detail

/// An area's error enum: its `errc`, or an enum with a label hook.
template <class E>
concept error_enum = labelled_by_hook<E> || detail::area_errc<E>;

/// The stable label of a code: the area's hook where it has one, else the enumerator's name.
template <error_enum E>
[[nodiscard]] constexpr std::string_view code_label(E e) noexcept {
    if constexpr (labelled_by_hook<E>) {
        return error_label(e);
    } else {
        return enum_label(e);
    }
}

namespace detail {
/// One per registered enum: the enum's identity (its address) and its label lookup.
struct error_domain {
    std::string_view (*label)(std::uint32_t) noexcept;
};
template <error_enum E>
constexpr std::string_view label_of(std::uint32_t v) noexcept {
    return code_label(static_cast<E>(v));
}
template <error_enum E>
inline constexpr error_domain domain_of{&label_of<E>};
}  // namespace detail

/// A code from any area's `errc` enum. Built only from a registered enum, so a string or a number
/// never becomes one and `code == "usage"` does not compile; equal when area and enumerator are.
class error_code {
public:
    constexpr error_code() noexcept = default;
    /// Implicit: `make_error(feed::errc::connect, ...)` and `code == feed::errc::connect` read as
    /// the enum they hold.
    template <error_enum E>
    constexpr error_code(E e) noexcept  // NOLINT(google-explicit-constructor)
        : domain_(&detail::domain_of<E>), value_(static_cast<std::uint32_t>(e)) {}

    /// The stable snake_case label ("decimal_exponent", "bybit_rate_limit", ...); empty when unset.
    [[nodiscard]] constexpr std::string_view name() const noexcept {
        return domain_ == nullptr ? std::string_view{} : domain_->label(value_);
    }

    /// True for a default-constructed code (no error recorded yet).
    [[nodiscard]] constexpr bool empty() const noexcept { return domain_ == nullptr; }

    friend constexpr bool operator==(const error_code&, const error_code&) noexcept = default;

    /// Test frameworks print the label.
    template <class Os>
    friend auto operator<<(Os& os, const error_code& c) -> decltype(os << std::string_view{}) {
        return os << c.name();
    }

private:
    const detail::error_domain* domain_ = nullptr;
    std::uint32_t value_ = 0;
};

/// Codes of the core area (decimal parsing).
enum class errc : std::uint8_t {
    decimal_empty,
    decimal_syntax,
    decimal_exponent,
    decimal_overflow,
    decimal_too_precise,
    /// An exchange filter value that is missing, not a decimal, or out of range (core/filters.hpp).
    invalid_filter,
};

static_assert(error_enum<errc> && !labelled_by_hook<errc>, "core::errc is found by its name");
static_assert(!error_enum<letter_case>, "an enum not named errc is no error enum");
static_assert(code_label(errc::decimal_syntax) == "decimal_syntax");

/// Test frameworks print any area's code by its label. Each area's errors.hpp says
/// `using core::operator<<;` so that argument-dependent lookup finds this for its own enum.
/// A plain std::ostream, not any `Os` with a trailing decltype: clang 14 substitutes the return
/// type before checking `error_enum`, and `os << string_view` then recurses into this template.
template <error_enum E>
std::ostream& operator<<(std::ostream& os, E e) {
    return os << code_label(e);
}

/// A failure on external input: a typed code and a human sentence.
struct error {
    error() = default;
    /// Two arguments on purpose: a lone string must not convert to an error, or
    /// `result<std::string>` could not be built from a string.
    error(error_code c, std::string m) : code(c), message(std::move(m)) {}

    /// Which failure, as a typed code; `code.name()` is its stable label.
    error_code code;
    /// What went wrong, naming the field and the value ("tick_size: must be > 0, got \"0\"").
    std::string message;

    friend bool operator==(const error& a, const error& b) noexcept { return a.code == b.code; }
};

/// An area's codes for the three ways a field of external JSON can be wrong; each area declares
/// one next to its errc, and core::json::reader (core/json_fields.hpp) reports under them.
struct field_errors {
    /// The field is absent.
    error_code missing;
    /// The field holds another JSON kind (a number where a string belongs).
    error_code wrong_type;
    /// The kind is right but the value is not (negative, out of range, not one of the words).
    error_code bad_value;
};

/// Thrown only by the throwing convenience forms (`value()` on a failed result, start-up code).
class error_exception : public std::runtime_error {
public:
    explicit error_exception(const error& e)
        : std::runtime_error(e.message), code_(e.code) {}
    [[nodiscard]] error_code code() const noexcept { return code_; }

private:
    error_code code_;
};

/// Found by ADL when `result<T>::value()` is called on an error.
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw error_exception(e);
}

template <class T>
using result = boost::system::result<T, error>;

/// Builds the failed alternative of any `result<T>`.
[[nodiscard]] inline error make_error(error_code code, std::string message) {
    return error{code, std::move(message)};
}

}  // namespace mmbot::core

/// `fmt::format("{}", e.code)` prints the label, as it did when codes were strings.
template <>
struct fmt::formatter<mmbot::core::error_code>
    : mmbot::core::text_formatter<mmbot::core::error_code, &mmbot::core::error_code::name> {};
