// mmbot/app/trading/credentials.hpp
//
// A trading binary's API key, from the secrets backend under the environment's namespace and the
// venue's name (docs/secrets.md): mm-bot/<Env namespace>/<venue>, read from the file named by
// MMBOT_SECRETS_FILE (mode 0600) when it is set, else from MMBOT_SECRET_<NS>_<VENUE>_API_KEY and
// _API_SECRET. The credentials print masked; errors name the key, never the secret.
//
//   auto creds = load_credentials<env::testnet>("binance");   // core::result<secrets::credentials>
//   auto sig = load_signer<env::testnet, binance::signer>("binance");  // outcome: exit 4 on failure
#pragma once

#include "mmbot/app/exit_codes.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/env_provider.hpp"
#include "mmbot/secrets/file_provider.hpp"
#include "mmbot/secrets/namespaced_provider.hpp"

#include <cstdlib>
#include <string_view>
#include <utility>

namespace mmbot::app {

template <env::environment Env>
[[nodiscard]] core::result<secrets::credentials> load_credentials(std::string_view venue) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up, before any thread starts
    const char* file = std::getenv("MMBOT_SECRETS_FILE");
    // Each backend in its own namespaced provider, not both in an any_provider: gcc 12 at -O2 warns
    // (falsely) about the variant's inactive alternatives when it is moved.
    if (file != nullptr && *file != '\0') {
        return secrets::namespaced_provider<Env, secrets::file_provider>{secrets::file_provider{file}}
            .credentials_for(venue);
    }
    return secrets::namespaced_provider<Env, secrets::env_provider>{secrets::env_provider{}}.credentials_for(venue);
}

/// A request signer made from the venue's credentials. One per thread that signs (a signer is not
/// thread-safe). Exit 4 (environment) when the credentials are missing or unusable.
template <env::environment Env, class Signer>
[[nodiscard]] outcome<Signer> load_signer(std::string_view venue) {
    auto creds = load_credentials<Env>(venue);
    if (!creds) return fail_with(exit_code::environment, creds.error());
    auto sig = Signer::make(std::move(*creds));
    if (!sig) return fail_with(exit_code::environment, sig.error());
    return std::move(*sig);
}

}  // namespace mmbot::app
