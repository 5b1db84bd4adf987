// targets/secrets/main.cpp: mmbot-secrets, the operator's tool for secret backends.
//
// Shows which environment and namespace a shell is set up for (whoami), lists secret names, shows
// a secret masked (get), and stores or deletes one in a writable backend (set, delete). Values are
// read from stdin, never from argv, so they stay out of shell history and `ps`. Nothing this
// program prints or reports in an error contains a secret value: arguments are not echoed either,
// since an operator may paste a key in the wrong place. The environment comes from EXCHANGE_ENV
// (default shadow); it fixes the namespace through the same compile-time env types the trading
// binaries use, by instantiating the command for each one.
//
//   EXCHANGE_ENV=testnet mmbot-secrets --backend file --file ~/.mmbot/secrets.json list
//   printf 'KEY\nSECRET\n' | mmbot-secrets --backend file --file s.json set mm-bot/dev/bybit
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/flags.hpp"
#include "mmbot/secrets/any_provider.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/detail/posix.hpp"
#include "mmbot/secrets/detail/wipe.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/exchange_env.hpp"
#include "mmbot/secrets/namespaced_provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace app = mmbot::app;
namespace sec = mmbot::secrets;
namespace env = mmbot::env;
namespace core = mmbot::core;
using mmbot::core::error;
using mmbot::core::make_error;
using mmbot::core::result;

constexpr std::string_view program = "mmbot-secrets";
constexpr std::size_t max_stdin_bytes = std::size_t{64} * 1024U;

constexpr std::string_view help_text = R"(usage: mmbot-secrets [OPTIONS] COMMAND [NAME]

Inspect and manage mmbot API credentials. Secret names are mm-bot/<namespace>/<venue>,
e.g. mm-bot/testnet/bybit. Values are printed masked and are never taken from the command
line: an api secret as "****" (not one character of it), an api key of 16 characters or more as
"****" + its last 4, a shorter key as "****".

Commands:
  whoami        print backend, exchange_env, secret_env and status as JSON
  list          print the names in this environment's namespace (not supported by --backend command)
  get NAME      print NAME's api_key and api_secret, masked
  set NAME      store NAME from stdin: two lines (api key, api secret) or a JSON object
                {"api_key": "...", "api_secret": "..."}; writable backends only (memory, file)
  delete NAME   remove NAME; writable backends only (memory, file)

Options:
  --backend B       memory (default; empty, in-process), env, file or command
  --file PATH       secrets file for --backend file (a regular file, mode 0600 or stricter;
                    read through a symlink, but set and delete refuse one)
  --command "P A"   program and arguments for --backend command, split on spaces, no shell;
                    "{name}" in an argument becomes the secret name, else the name is appended
  --timeout-ms N    command backend timeout (default 10000)
  -h, --help        this text

Environment:
  EXCHANGE_ENV      shadow | testnet | live (default shadow); selects the namespace
                    dev | testnet | prod. Names outside it are refused (exit 3).
  MMBOT_SECRET_<NAMESPACE>_<VENUE>_API_KEY / _API_SECRET
                    read by --backend env, e.g. MMBOT_SECRET_TESTNET_BYBIT_API_KEY

Exit codes:
  0  ok
  2  usage error, or an operation the backend does not support
  3  EXCHANGE_ENV unknown, or NAME outside this environment's namespace
  4  secret not found
  5  backend error (unreadable or non-regular file, set/delete through a symlink, bad
     format, command failed or timed out)
  6  secrets file permissions too open (must be 0600 or stricter)

See docs/secrets.md.
)";

enum class command { whoami, list, get, set, remove };

struct options {
    std::string backend = "memory";
    std::optional<std::string> file;
    std::optional<std::string> command_line;
    std::chrono::milliseconds timeout = sec::command_default_timeout;
    std::optional<command> cmd;
    std::optional<std::string> name;
    bool help = false;
};

error usage(std::string message) { return make_error(sec::errc::usage, std::move(message)); }

/// What a flag needs when it is given without one (never quoting the argument).
std::string_view value_hint(std::string_view flag) {
    if (flag == "--backend") return "--backend needs a value: memory, env, file or command";
    if (flag == "--file") return "--file needs a path";
    if (flag == "--command") return "--command needs a program and its arguments";
    return "--timeout-ms needs a whole number of milliseconds in 1..3600000";
}

/// The secrets tool's wording of a flag problem: it names the flag or the argument's position,
/// never the argument (it might be a secret typed in the wrong place).
error secrets_problem(const core::flag_problem& p) {
    switch (p.kind) {
        case core::flag_problem_kind::missing_value: return usage(std::string(value_hint(p.name)));
        case core::flag_problem_kind::unexpected_value: return usage(fmt::format("{} takes no value", p.name));
        case core::flag_problem_kind::unknown_flag:
        case core::flag_problem_kind::positional: break;
    }
    return usage(fmt::format("unknown option (argument #{})", p.position));
}

std::vector<core::flag_spec> secrets_flags(options& o) {
    const auto text = [](std::optional<std::string>& out) {
        return [&out](std::string_view, std::string_view v) -> result<void> {
            out = std::string(v);
            return {};
        };
    };
    return {
        core::switch_flag("--help", "-h", [&o](std::string_view, std::string_view) -> result<void> {
            o.help = true;
            return {};
        }),
        core::value_flag("--backend", [&o](std::string_view, std::string_view v) -> result<void> {
            o.backend = std::string(v);
            return {};
        }),
        core::value_flag("--file", text(o.file)),
        core::value_flag("--command", text(o.command_line)),
        core::value_flag("--timeout-ms", [&o](std::string_view n, std::string_view v) -> result<void> {
            long long ms = 0;
            const auto* end = v.data() + v.size();
            if (std::from_chars(v.data(), end, ms).ptr != end || v.empty() || ms <= 0 || ms > 3'600'000) {
                return usage(std::string(value_hint(n)));
            }
            o.timeout = std::chrono::milliseconds{ms};
            return {};
        }),
    };
}

/// Parses argv. Errors never quote an argument: it might be a secret typed in the wrong place.
result<options> parse_args(int argc, char** argv) {
    options o;
    std::vector<std::string_view> positional;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const std::vector<core::flag_spec> flags = secrets_flags(o);
    auto ok = core::read_flags(args, {.flags = flags,
                                      .problem = secrets_problem,
                                      .positional = [&positional](std::string_view a) -> result<void> {
                                          positional.push_back(a);
                                          return {};
                                      }});
    if (!ok) return ok.error();
    if (o.help) return o;
    if (positional.empty()) return usage("missing COMMAND (whoami, list, get, set or delete)");
    const std::map<std::string_view, command> commands{{"whoami", command::whoami},
                                                       {"list", command::list},
                                                       {"get", command::get},
                                                       {"set", command::set},
                                                       {"delete", command::remove}};
    const auto it = commands.find(positional.front());
    if (it == commands.end()) return usage("unknown COMMAND (expected whoami, list, get, set or delete)");
    o.cmd = it->second;
    const bool takes_name = o.cmd == command::get || o.cmd == command::set || o.cmd == command::remove;
    const std::size_t expected = takes_name ? 2 : 1;
    if (positional.size() < expected) return usage(fmt::format("{} needs NAME", positional.front()));
    if (positional.size() > expected) {
        return usage(o.cmd == command::set
                         ? "set takes only NAME; the value is read from stdin, never from arguments"
                         : fmt::format("too many arguments for {}", positional.front()));
    }
    if (takes_name) o.name = std::string{positional[1]};
    if (o.file && o.backend != "file") return usage("--file is only used with --backend file");
    if (o.command_line && o.backend != "command") {
        return usage("--command is only used with --backend command");
    }
    return o;
}

result<sec::any_provider> make_backend(const options& o) {
    if (o.backend == "memory") return sec::any_provider{sec::in_memory_provider{}};
    if (o.backend == "env") return sec::any_provider{sec::env_provider{}};
    if (o.backend == "file") {
        if (!o.file || o.file->empty()) return usage("--backend file needs --file PATH");
        return sec::any_provider{sec::file_provider{*o.file}};
    }
    if (o.backend == "command") {
        auto argv = sec::split_command_line(o.command_line.value_or(""));
        if (argv.empty()) return usage("--backend command needs --command \"program args\"");
        return sec::any_provider{sec::command_provider{std::move(argv), o.timeout}};
    }
    return usage("--backend must be memory, env, file or command");
}

/// Reads stdin (bounded) into wiped memory, with terminal echo off when it is a terminal.
result<sec::detail::wiped_string> read_stdin() {
    termios saved{};
    const bool tty = ::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        (void)::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        fmt::print(stderr, "api key, newline, api secret, then Ctrl-D (input is not shown):\n");
    }
    auto text = sec::detail::make_wiped_string(1024);
    const auto status = sec::detail::read_all(STDIN_FILENO, text, max_stdin_bytes);
    const int err = errno;
    if (tty) (void)::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    switch (status) {
        case sec::detail::read_status::ok:
            // in_place: error is constructible from a string (C++20 aggregate), so plain return is ambiguous.
            return result<sec::detail::wiped_string>(boost::system::in_place_value, std::move(text));
        case sec::detail::read_status::too_large:
            return make_error(sec::errc::secret_format,
                              fmt::format("stdin: more than {} bytes", max_stdin_bytes));
        case sec::detail::read_status::failed:
            return make_error(sec::errc::backend_error,
                              fmt::format("stdin: cannot read: {}", sec::detail::errno_text(err)));
    }
    return make_error(sec::errc::backend_error, "stdin: cannot read");
}

/// One output document: string or string-list values, printed with sorted keys.
using json_value = std::variant<std::string, std::vector<std::string>>;
using json_doc = std::map<std::string, json_value>;

std::string quoted(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

void print_json(const json_doc& doc) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : doc) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += quoted(key) + ": ";
        if (const auto* s = std::get_if<std::string>(&value)) {
            out += quoted(*s);
        } else {
            const auto& list = std::get<std::vector<std::string>>(value);
            out += "[";
            for (std::size_t i = 0; i < list.size(); ++i) {
                out += (i == 0 ? "\n    " : ",\n    ") + quoted(list[i]);
            }
            out += list.empty() ? "]" : "\n  ]";
        }
    }
    out += "\n}\n";
    fmt::print("{}", out);
}

int fail(const error& e) {
    fmt::print(stderr, "{}: {}: {}\n", program, e.code, e.message);
    return app::exit_status(app::secrets_exit_for(e.code));
}

template <env::environment Env>
int run(const options& o) {
    auto backend = make_backend(o);
    if (!backend) return fail(backend.error());
    sec::namespaced_provider<Env, sec::any_provider> p{std::move(*backend)};

    json_doc doc{{"backend", std::string{p.backend_name()}},
                 {"exchange_env", std::string{Env::exchange_env}},
                 {"secret_env", std::string{Env::secret_namespace}},
                 {"status", std::string{"OK"}}};
    std::optional<sec::secret_name> name;
    if (o.name) {
        auto parsed = sec::secret_name::parse(*o.name);
        if (!parsed) return fail(parsed.error());
        name = std::move(*parsed);
        doc["name"] = name->str();
    }
    const auto put_masked = [&doc](const sec::credentials& c) {
        doc["api_key"] = c.api_key.masked(sec::secret_kind::api_key);
        doc["api_secret"] = c.api_secret.masked(sec::secret_kind::api_secret);
    };

    switch (*o.cmd) {
        case command::whoami: {
            doc["action"] = std::string{"whoami"};
            // A health check where the backend can do one cheaply: a file that is missing or too
            // open shows up here, before a trading binary trips over it.
            auto names = p.list();
            if (!names && names.error().code != sec::errc::unsupported) return fail(names.error());
            break;
        }
        case command::list: {
            doc["action"] = std::string{"list"};
            auto names = p.list();
            if (!names) return fail(names.error());
            std::vector<std::string> texts;
            texts.reserve(names->size());
            for (const auto& n : *names) texts.push_back(n.str());
            doc["names"] = std::move(texts);
            break;
        }
        case command::get: {
            doc["action"] = std::string{"get"};
            auto creds = p.get(*name);
            if (!creds) return fail(creds.error());
            put_masked(*creds);
            break;
        }
        case command::set: {
            doc["action"] = std::string{"set"};
            if (auto ok = p.check(*name); !ok) return fail(ok.error());
            auto text = read_stdin();
            if (!text) return fail(text.error());
            auto creds = sec::parse_credentials_text(*text, "stdin");
            if (!creds) return fail(creds.error());
            if (auto ok = p.set(*name, *creds); !ok) return fail(ok.error());
            put_masked(*creds);
            break;
        }
        case command::remove: {
            doc["action"] = std::string{"delete"};
            if (auto ok = p.remove(*name); !ok) return fail(ok.error());
            break;
        }
    }
    print_json(doc);
    return app::exit_status(app::secrets_exit::ok);
}

}  // namespace

namespace {
int run_main(int argc, char** argv) {
    auto opts = parse_args(argc, argv);
    if (!opts) {
        const int code = fail(opts.error());
        fmt::print(stderr, "try '{} --help'\n", program);
        return code;
    }
    if (opts->help) {
        fmt::print("{}", help_text);
        return app::exit_status(app::secrets_exit::ok);
    }
    auto kind = sec::resolve_exchange_env(sec::read_exchange_env());
    if (!kind) return fail(kind.error());
    switch (*kind) {
        case env::kind::shadow: return run<env::shadow>(*opts);
        case env::kind::testnet: return run<env::testnet>(*opts);
        case env::kind::live: return run<env::live>(*opts);
    }
    return app::exit_status(app::secrets_exit::usage);
}
}  // namespace

int main(int argc, char** argv) {
    try {
        return run_main(argc, argv);
    } catch (const std::exception& e) {
        // Our own exceptions carry no secret; a library's (bad_alloc) carries none either.
        // C stdio here: it cannot throw while an exception is being reported.
        std::fputs("mmbot-secrets: internal error: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("mmbot-secrets: internal error\n", stderr);
    }
    return app::exit_status(app::secrets_exit::internal);
}
