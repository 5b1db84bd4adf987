// mmbot/core/flags.hpp
//
// The one command-line reader of every binary and tool. It knows the grammar, not the meaning:
//   --name VALUE  or  --name=VALUE   a flag that takes a value (the next argument is taken
//                                    whatever it looks like, so a value may start with '-')
//   --name                           a switch; `--name=x` is a problem (unexpected_value)
//   -h                               a short alias of a flag
//   anything not starting with '-'   a positional argument (and "-" alone, stdin by convention)
// Each program states its flags as a table of flag_spec and words its own errors from a
// flag_problem: the bots quote the offending value, the secrets tool never does (a secret typed
// in the wrong place must not reach a terminal log).
//
//   std::string config;
//   bool help = false;
//   const core::flag_spec flags[] = {
//       core::value_flag("--config", [&](std::string_view, std::string_view v) -> core::result<void> {
//           config = std::string(v);
//           return {};
//       }),
//       core::switch_flag("--help", "-h", [&](std::string_view, std::string_view) -> core::result<void> {
//           help = true;
//           return {};
//       }),
//   };
//   auto ok = core::read_flags(args, {.flags = flags, .problem = [](const core::flag_problem& p) {
//       return core::make_error(my::errc::usage, core::describe(p));
//   }});
#pragma once

#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::core {

enum class flag_arity : std::uint8_t { none, value };

/// `apply(name, value)` gets the flag's canonical name and its value (empty for a switch); an
/// error it returns stops the reading and is returned as is.
using flag_apply = std::function<result<void>(std::string_view name, std::string_view value)>;

struct flag_spec {
    std::string_view name;
    std::string_view alias{};
    flag_arity arity = flag_arity::value;
    flag_apply apply;
    /// Stop reading after this flag (a --help that makes the rest irrelevant).
    bool stops = false;
};

[[nodiscard]] inline flag_spec value_flag(std::string_view name, flag_apply apply) {
    return flag_spec{.name = name, .arity = flag_arity::value, .apply = std::move(apply)};
}

[[nodiscard]] inline flag_spec switch_flag(std::string_view name, flag_apply apply) {
    return flag_spec{.name = name, .arity = flag_arity::none, .apply = std::move(apply)};
}

[[nodiscard]] inline flag_spec switch_flag(std::string_view name, std::string_view alias, flag_apply apply) {
    return flag_spec{.name = name, .alias = alias, .arity = flag_arity::none, .apply = std::move(apply)};
}

enum class flag_problem_kind : std::uint8_t {
    unknown_flag,      ///< starts with '-' and is no flag of the table
    missing_value,     ///< a value flag was the last argument
    unexpected_value,  ///< a switch given as --name=value
    positional,        ///< a positional argument where the program takes none
};

struct flag_problem {
    flag_problem_kind kind;
    /// The argument as given (`--name=value` whole).
    std::string_view arg;
    /// The flag's name: canonical for a known flag, the part before '=' for an unknown one.
    std::string_view name;
    /// The value after '=' (unexpected_value).
    std::string_view value;
    /// 1-based position in the arguments (argv[0] not counted).
    std::size_t position = 0;
};

struct flag_reader {
    std::span<const flag_spec> flags;
    /// Words a problem as the program's error.
    std::function<error(const flag_problem&)> problem;
    /// Takes a positional argument; without it, one is a problem (positional).
    std::function<result<void>(std::string_view)> positional{};
    /// Told of every known flag read, by canonical name (what the operator set explicitly).
    std::function<void(std::string_view name)> seen{};
};

/// The house wording of a problem, naming the flag and quoting the value:
/// "--x: missing value", "--x: takes no value, got \"y\"", "unknown flag \"--x\" (see --help)".
[[nodiscard]] inline std::string describe(const flag_problem& p) {
    switch (p.kind) {
        case flag_problem_kind::missing_value: return fmt::format("{}: missing value", p.name);
        case flag_problem_kind::unexpected_value: return fmt::format("{}: takes no value, got \"{}\"", p.name, p.value);
        case flag_problem_kind::positional: return fmt::format("unexpected argument \"{}\" (see --help)", p.arg);
        case flag_problem_kind::unknown_flag: break;
    }
    return fmt::format("unknown flag \"{}\" (see --help)", p.arg);
}

namespace detail {

[[nodiscard]] inline const flag_spec* find_flag(std::span<const flag_spec> flags, std::string_view name) {
    for (const auto& f : flags) {
        if (f.name == name || (!f.alias.empty() && f.alias == name)) return &f;
    }
    return nullptr;
}

}  // namespace detail

/// Reads `args` (argv without argv[0]) against `r.flags`, left to right.
[[nodiscard]] inline result<void> read_flags(std::span<const std::string_view> args, const flag_reader& r) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto problem = [&](flag_problem_kind k, std::string_view name, std::string_view value = {}) {
            return r.problem(flag_problem{.kind = k, .arg = arg, .name = name, .value = value, .position = i + 1});
        };
        if (!arg.starts_with('-') || arg == "-") {
            if (!r.positional) return problem(flag_problem_kind::positional, arg);
            if (auto ok = r.positional(arg); !ok) return ok;
            continue;
        }
        std::string_view name = arg;
        std::string_view inline_value;
        const auto eq = arg.find('=');
        const bool has_inline = arg.starts_with("--") && eq != std::string_view::npos;
        if (has_inline) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        const flag_spec* f = detail::find_flag(r.flags, name);
        if (f == nullptr) return problem(flag_problem_kind::unknown_flag, name);
        if (r.seen) r.seen(f->name);
        std::string_view value;
        if (f->arity == flag_arity::none) {
            if (has_inline) return problem(flag_problem_kind::unexpected_value, f->name, inline_value);
        } else if (has_inline) {
            value = inline_value;
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return problem(flag_problem_kind::missing_value, f->name);
        }
        if (auto ok = f->apply(f->name, value); !ok) return ok;
        if (f->stops) return {};
    }
    return {};
}

}  // namespace mmbot::core
