// mmbot/secrets/env_provider.hpp
//
// A read-only secret backend over environment variables, one pair per secret:
//
//   MMBOT_SECRET_<NAMESPACE>_<VENUE>_API_KEY      e.g. MMBOT_SECRET_TESTNET_BYBIT_API_KEY
//   MMBOT_SECRET_<NAMESPACE>_<VENUE>_API_SECRET   e.g. MMBOT_SECRET_TESTNET_BYBIT_API_SECRET
//
// <NAMESPACE> is DEV, TESTNET or PROD and <VENUE> the venue upper-cased, so mm-bot/testnet/bybit
// maps to the pair above and back. Two plain variables rather than one holding JSON because that
// is what CI systems and container runtimes inject without quoting trouble. Suited to CI and
// containers; on a shared host prefer the file or command backend, since a process's environment is
// readable by its user through /proc/<pid>/environ for as long as it runs.
//
//   secrets::env_provider p;
//   auto c = p.get(*secret_name::parse("mm-bot/testnet/bybit"));
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::secrets {

inline constexpr std::string_view env_variable_prefix = "MMBOT_SECRET_";
inline constexpr std::string_view env_key_suffix = "_API_KEY";
inline constexpr std::string_view env_secret_suffix = "_API_SECRET";

namespace detail {
[[nodiscard]] inline std::string upper(std::string_view s) {
    std::string out{s};
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}
[[nodiscard]] inline std::string lower(std::string_view s) {
    std::string out{s};
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
}  // namespace detail

/// The variable holding one field of `name`: MMBOT_SECRET_<NAMESPACE>_<VENUE><suffix>.
[[nodiscard]] inline std::string env_variable_for(const secret_name& name, std::string_view suffix) {
    return fmt::format("{}{}_{}{}", env_variable_prefix, detail::upper(name.name_space()),
                       detail::upper(name.venue()), suffix);
}

class env_provider {
public:
    [[nodiscard]] std::string_view backend_name() const noexcept { return "env"; }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        const std::string key_var = env_variable_for(name, env_key_suffix);
        const std::string secret_var = env_variable_for(name, env_secret_suffix);
        const char* key = lookup(key_var);
        const char* secret = lookup(secret_var);
        if (key == nullptr && secret == nullptr) {
            return core::make_error(errc::secret_not_found,
                                    fmt::format("secret {} not found: set {} and {}", name,
                                                key_var, secret_var));
        }
        if (key == nullptr || secret == nullptr) {
            return core::make_error(errc::secret_format,
                                    fmt::format("secret {}: {} is set but {} is not", name,
                                                key == nullptr ? secret_var : key_var,
                                                key == nullptr ? key_var : secret_var));
        }
        auto k = detail::checked_field(key, api_key_field, key_var);
        if (!k) return k.error();
        auto s = detail::checked_field(secret, api_secret_field, secret_var);
        if (!s) return s.error();
        return credentials{std::move(*k), std::move(*s)};
    }

    /// Names with at least one of their two variables set, sorted. Variables under the prefix that
    /// do not follow the scheme are skipped (they cannot be read through any name anyway).
    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        std::vector<secret_name> names;
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
            std::string_view var{*entry};
            var = var.substr(0, var.find('='));
            if (!var.starts_with(env_variable_prefix)) continue;
            var.remove_prefix(env_variable_prefix.size());
            if (var.ends_with(env_key_suffix)) {
                var.remove_suffix(env_key_suffix.size());
            } else if (var.ends_with(env_secret_suffix)) {
                var.remove_suffix(env_secret_suffix.size());
            } else {
                continue;
            }
            const std::size_t sep = var.find('_');
            if (sep == std::string_view::npos) continue;
            const auto env = env_of_namespace(detail::lower(var.substr(0, sep)));
            if (!env) continue;
            auto name = secret_name::of(*env, detail::lower(var.substr(sep + 1)));
            if (name && std::find(names.begin(), names.end(), *name) == names.end()) {
                names.push_back(std::move(*name));
            }
        }
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    [[nodiscard]] static const char* lookup(const std::string& var) {
        // Secrets are loaded at start-up before threads exist, so getenv's lack of locking is
        // harmless here; nothing in mmbot calls setenv after start-up.
        return std::getenv(var.c_str());  // NOLINT(concurrency-mt-unsafe)
    }
};

static_assert(assert_secret_provider<env_provider>());
static_assert(!writable_secret_provider<env_provider>, "the env backend is read-only");

}  // namespace mmbot::secrets
