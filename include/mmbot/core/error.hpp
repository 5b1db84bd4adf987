// mmbot/core/error.hpp
//
// The error type every fallible operation on external input returns.
//
// Venue messages, configs, CLI flags and secrets files are external input: a bad value there is an
// expected event, not a bug, so it comes back as `result<T>` holding an `error` whose `code` is a
// stable snake_case label (used in metrics, logs and exit-code mapping) and whose `message` names
// the field and the offending value. Exceptions are reserved for start-up and broken invariants.
//
//   mmbot::core::result<price> p = price::parse(text);
//   if (!p) log.warn("bad price", p.error().message);
#pragma once

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::core {

/// A failure on external input: a machine label and a human sentence.
struct error {
    error() = default;
    /// Two arguments on purpose: a lone string must not convert to an error, or
    /// `result<std::string>` could not be built from a string.
    error(std::string_view c, std::string m) : code(c), message(std::move(m)) {}

    /// Stable snake_case label ("decimal_exponent", "invalid_filter", ...). Always a literal.
    std::string_view code;
    /// What went wrong, naming the field and the value ("tick_size: must be > 0, got \"0\"").
    std::string message;

    friend bool operator==(const error& a, const error& b) noexcept { return a.code == b.code; }
};

/// Thrown only by the throwing convenience forms (`value()` on a failed result, start-up code).
class error_exception : public std::runtime_error {
public:
    explicit error_exception(const error& e)
        : std::runtime_error(e.message), code_(e.code) {}
    [[nodiscard]] std::string_view code() const noexcept { return code_; }

private:
    std::string_view code_;
};

/// Found by ADL when `result<T>::value()` is called on an error.
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw error_exception(e);
}

template <class T>
using result = boost::system::result<T, error>;

/// Builds the failed alternative of any `result<T>`.
[[nodiscard]] inline error make_error(std::string_view code, std::string message) {
    return error{code, std::move(message)};
}

}  // namespace mmbot::core
