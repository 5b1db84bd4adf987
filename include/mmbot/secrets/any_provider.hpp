// mmbot/secrets/any_provider.hpp
//
// A backend chosen at run time, for the mmbot-secrets CLI (--backend memory|env|file|command).
//
// Trading binaries pick their backend type at compile time through the secret_provider concept;
// the CLI serves operators on every backend with one binary, so it holds a std::variant and
// dispatches with std::visit. Writing to a read-only backend is errc::unsupported (exit code 2),
// saying which backend and why.
//
//   secrets::any_provider p{secrets::file_provider{"/etc/mmbot/secrets.json"}};
//   auto names = p.list();
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/command_provider.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/env_provider.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/file_provider.hpp"
#include "mmbot/secrets/in_memory_provider.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <fmt/format.h>

#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mmbot::secrets {

class any_provider {
public:
    using backend = std::variant<in_memory_provider, env_provider, file_provider, command_provider>;

    /// Builds the alternative in place (no variant-to-variant move, which also keeps gcc's
    /// -Wmaybe-uninitialized quiet about the other alternatives at -O1).
    template <class P>
        requires secret_provider<P> && std::is_constructible_v<backend, P>
    explicit any_provider(P p) : backend_(std::in_place_type<P>, std::move(p)) {}

    [[nodiscard]] std::string_view backend_name() const {
        return std::visit([](const auto& p) { return p.backend_name(); }, backend_);
    }
    [[nodiscard]] bool writable() const {
        return std::visit(
            [](const auto& p) { return writable_secret_provider<std::decay_t<decltype(p)>>; },
            backend_);
    }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        return std::visit([&](const auto& p) { return p.get(name); }, backend_);
    }
    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        return std::visit([](const auto& p) { return p.list(); }, backend_);
    }
    [[nodiscard]] core::result<void> set(const secret_name& name, const credentials& value) {
        return std::visit(
            [&](auto& p) -> core::result<void> {
                if constexpr (writable_secret_provider<std::decay_t<decltype(p)>>) {
                    return p.set(name, value);
                } else {
                    return read_only(p.backend_name(), "set");
                }
            },
            backend_);
    }
    [[nodiscard]] core::result<void> remove(const secret_name& name) {
        return std::visit(
            [&](auto& p) -> core::result<void> {
                if constexpr (writable_secret_provider<std::decay_t<decltype(p)>>) {
                    return p.remove(name);
                } else {
                    return read_only(p.backend_name(), "delete");
                }
            },
            backend_);
    }

private:
    [[nodiscard]] static core::error read_only(std::string_view backend_name, std::string_view op) {
        return core::make_error(errc::unsupported,
                                fmt::format("{} is not supported by the {} backend (read-only; "
                                            "change the secret in its source)",
                                            op, backend_name));
    }

    backend backend_;
};

static_assert(assert_writable_secret_provider<any_provider>());

}  // namespace mmbot::secrets
