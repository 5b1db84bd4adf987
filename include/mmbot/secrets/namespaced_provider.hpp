// mmbot/secrets/namespaced_provider.hpp
//
// The only way a binary reads secrets: a backend wrapped in the binary's compile-time environment.
//
// A testnet binary must not read mm-bot/prod/..., even when the backend (one file, one vault) holds
// every namespace. `namespaced_provider<Env, P>` refuses any name outside Env::secret_namespace with
// errc::namespace_violation before the backend is asked, and `list()` shows only the binary's own
// names. Since Env is a template parameter, the namespace is fixed by the build, not by a flag.
//
//   secrets::namespaced_provider<env::testnet, secrets::file_provider> p{file_provider{path}};
//   auto creds = p.credentials_for("bybit");            // reads mm-bot/testnet/bybit
//   p.get(*secret_name::parse("mm-bot/prod/bybit"));     // error: outside namespace testnet
#pragma once

#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::secrets {

template <env::environment Env, class Provider>
class namespaced_provider {
    static_assert(assert_secret_provider<Provider>());

public:
    using environment = Env;

    explicit namespaced_provider(Provider backend) : backend_(std::move(backend)) {}

    [[nodiscard]] std::string_view backend_name() const { return backend_.backend_name(); }
    [[nodiscard]] static constexpr std::string_view name_space() noexcept {
        return Env::secret_namespace;
    }
    [[nodiscard]] const Provider& backend() const noexcept { return backend_; }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        if (auto ok = check(name); !ok) return ok.error();
        return backend_.get(name);
    }

    /// The credentials of `venue` in this binary's namespace (mm-bot/<Env namespace>/<venue>).
    [[nodiscard]] core::result<credentials> credentials_for(std::string_view venue) const {
        auto name = secret_name::for_env<Env>(venue);
        if (!name) return name.error();
        return backend_.get(*name);
    }

    /// The backend's names in this binary's namespace only.
    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        auto all = backend_.list();
        if (!all) return all.error();
        std::vector<secret_name> mine;
        for (auto& n : *all) {
            if (n.environment() == Env::id) mine.push_back(std::move(n));
        }
        return mine;
    }

    [[nodiscard]] core::result<void> set(const secret_name& name, const credentials& value)
        requires writable_secret_provider<Provider>
    {
        if (auto ok = check(name); !ok) return ok;
        return backend_.set(name, value);
    }

    [[nodiscard]] core::result<void> remove(const secret_name& name)
        requires writable_secret_provider<Provider>
    {
        if (auto ok = check(name); !ok) return ok;
        return backend_.remove(name);
    }

    /// Ok when `name` is in this binary's namespace; errc::namespace_violation otherwise.
    [[nodiscard]] static core::result<void> check(const secret_name& name) {
        if (name.environment() == Env::id) return {};
        return core::make_error(
            errc::namespace_violation,
            fmt::format("secret {} is outside namespace mm-bot/{}/ of environment {} and is not read",
                        name, Env::secret_namespace, Env::name));
    }

private:
    Provider backend_;
};

}  // namespace mmbot::secrets
