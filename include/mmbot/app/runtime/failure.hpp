// mmbot/app/runtime/failure.hpp
//
// How a run's phases stop the process: a phase returns `outcome<T>`, either its product or a
// `failure` that already carries the exit code (docs/exit-codes.md) and the one line printed on
// stderr. The exit code is chosen where the failure is understood, once, and never by looking at
// an error's text afterwards.
//
//   outcome<log_output> log = log_output::open(path, "w");
//   if (!log) return exit_with(log.error());      // prints "error: ...", returns the code
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/core/error.hpp"

#include <boost/system/result.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

namespace mmbot::app {

/// Why a run stops early: the process exit code and the message for stderr.
struct failure {
    exit_code code = exit_code::runtime;
    std::string message;
};

[[nodiscard]] inline failure fail_with(exit_code code, std::string message) {
    return failure{code, std::move(message)};
}
/// An error from a lower layer, stopping the run with `code`; its message is kept as it is.
[[nodiscard]] inline failure fail_with(exit_code code, const core::error& e) {
    return failure{code, e.message};
}

/// Found by ADL when `outcome<T>::value()` is called on a failure: a broken invariant of the caller.
[[noreturn]] inline void throw_exception_from_error(const failure& f, const boost::source_location&) {
    throw std::logic_error(f.message);
}

template <class T>
using outcome = boost::system::result<T, failure>;

/// Prints the failure on stderr and returns its exit code (what `main` returns).
[[nodiscard]] inline int exit_with(const failure& f) {
    fmt::print(stderr, "error: {}\n", f.message);
    return static_cast<int>(f.code);
}

}  // namespace mmbot::app
