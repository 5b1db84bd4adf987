// mmbot/secrets/command_provider.hpp
//
// A read-only secret backend that asks an external program, so operators plug in AWS Secrets
// Manager, Vault or pass through their own CLI and no cloud credential enters our config.
//
// Contract with the program:
//   - It is started directly (no shell) with the configured argv. Every "{name}" inside an
//     argument is replaced by the secret name (mm-bot/testnet/bybit); if no argument has one, the
//     name is appended as the last argument.
//   - stdin and stderr are /dev/null; the environment is ours (AWS_PROFILE, VAULT_ADDR pass through).
//   - It prints the credentials on stdout, as parse_credentials_text accepts: a JSON object
//     {"api_key": "...", "api_secret": "..."} or two lines (api key, then api secret).
//   - Exit status 0 means success. Anything else is errc::backend_error with the status (or the signal)
//     in the message and nothing of what it printed: a failing helper may well have printed the
//     secret, or half of it.
//   - It must finish within the timeout (default 10 s) and print at most 64 KiB, or it is killed
//     with its whole process group and the read fails.
//
//   secrets::command_provider p{{"aws", "secretsmanager", "get-secret-value", "--secret-id", "{name}",
//                               "--query", "SecretString", "--output", "text"}};
//   auto c = p.get(*secret_name::parse("mm-bot/prod/bybit"));
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/detail/posix.hpp"
#include "mmbot/secrets/detail/spawn.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::secrets {

inline constexpr std::string_view command_name_placeholder = "{name}";
inline constexpr std::chrono::milliseconds command_default_timeout{10'000};
inline constexpr std::size_t command_max_output = std::size_t{64} * 1024U;

/// Splits "prog arg1 arg2" on spaces and tabs. No quoting and no escapes, because there is no
/// shell: an argument with spaces needs a wrapper script (or the argv constructor).
[[nodiscard]] inline std::vector<std::string> split_command_line(std::string_view line) {
    std::vector<std::string> argv;
    std::size_t i = 0;
    while (i < line.size()) {
        const std::size_t start = line.find_first_not_of(" \t", i);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
        argv.emplace_back(line.substr(start, end - start));
        i = end;
    }
    return argv;
}

class command_provider {
public:
    explicit command_provider(std::vector<std::string> argv,
                              std::chrono::milliseconds timeout = command_default_timeout,
                              std::size_t max_output = command_max_output)
        : argv_(std::move(argv)), timeout_(timeout), max_output_(max_output) {}

    [[nodiscard]] std::string_view backend_name() const noexcept { return "command"; }
    [[nodiscard]] const std::vector<std::string>& argv() const noexcept { return argv_; }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        if (argv_.empty()) {
            return core::make_error(errc::usage, "command backend: no command configured");
        }
        const std::string program = argv_.front();
        auto run = detail::run_capture(argv_for(name), timeout_, max_output_);
        const auto fail = [&](const std::string& what) {
            return core::make_error(errc::backend_error,
                                    fmt::format("command backend: '{}' for secret {} {}", program,
                                                name, what));
        };
        switch (run.outcome) {
            case detail::run_outcome::exited:
                if (run.status != 0) {
                    return fail(fmt::format("exited with status {} (its output is not shown; run "
                                            "it by hand to see its diagnostics)", run.status));
                }
                break;
            case detail::run_outcome::signalled:
                return fail(fmt::format("was killed by signal {}", run.status));
            case detail::run_outcome::timed_out:
                return fail(fmt::format("timed out after {} ms and was killed", timeout_.count()));
            case detail::run_outcome::too_large:
                return fail(fmt::format("printed more than {} bytes and was killed", max_output_));
            case detail::run_outcome::spawn_failed:
                return fail(fmt::format("could not be started: {}", detail::errno_text(run.error)));
            case detail::run_outcome::io_failed:
                return fail(fmt::format("could not be read: {}", detail::errno_text(run.error)));
        }
        return parse_credentials_text(
            run.output, fmt::format("output of command '{}' for secret {}", program, name));
    }

    /// Listing is not part of the contract (the programs behind it list differently or not at all).
    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        return core::make_error(errc::unsupported,
                                "command backend: list is not supported; ask the store behind the "
                                "command (aws, vault, pass) directly");
    }

    /// The argv for one read: "{name}" replaced, or the name appended.
    [[nodiscard]] std::vector<std::string> argv_for(const secret_name& name) const {
        const std::string text = name.str();
        std::vector<std::string> out = argv_;
        bool placed = false;
        for (std::size_t i = 1; i < out.size(); ++i) {
            for (std::size_t at = out[i].find(command_name_placeholder); at != std::string::npos;
                 at = out[i].find(command_name_placeholder, at + text.size())) {
                out[i].replace(at, command_name_placeholder.size(), text);
                placed = true;
            }
        }
        if (!placed) out.push_back(text);
        return out;
    }

private:
    std::vector<std::string> argv_;
    std::chrono::milliseconds timeout_;
    std::size_t max_output_;
};

static_assert(assert_secret_provider<command_provider>());
static_assert(!writable_secret_provider<command_provider>, "the command backend is read-only");

}  // namespace mmbot::secrets
