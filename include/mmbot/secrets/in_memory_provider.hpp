// mmbot/secrets/in_memory_provider.hpp
//
// A writable secret backend that lives in the process: for tests and for dry runs of the CLI.
//
// Nothing is persisted; the stored secret_strings wipe themselves when erased or when the provider
// dies. Not thread-safe: tests fill it before handing it to the code under test.
//
//   secrets::in_memory_provider p;
//   (void)p.set(*secret_name::parse("mm-bot/dev/bybit"), creds);
//   auto c = p.get(*secret_name::parse("mm-bot/dev/bybit"));
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <fmt/format.h>

#include <map>
#include <string_view>
#include <vector>

namespace mmbot::secrets {

class in_memory_provider {
public:
    [[nodiscard]] std::string_view backend_name() const noexcept { return "memory"; }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        const auto it = store_.find(name);
        if (it == store_.end()) {
            return core::make_error(errc::secret_not_found,
                                    fmt::format("secret {} not found in the memory backend", name));
        }
        return it->second;
    }

    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        std::vector<secret_name> names;
        names.reserve(store_.size());
        for (const auto& entry : store_) names.push_back(entry.first);
        return names;
    }

    [[nodiscard]] core::result<void> set(const secret_name& name, const credentials& value) {
        store_.insert_or_assign(name, value);
        return {};
    }

    [[nodiscard]] core::result<void> remove(const secret_name& name) {
        if (store_.erase(name) == 0) {
            return core::make_error(errc::secret_not_found,
                                    fmt::format("secret {} not found in the memory backend", name));
        }
        return {};
    }

private:
    std::map<secret_name, credentials> store_;
};

static_assert(assert_writable_secret_provider<in_memory_provider>());

}  // namespace mmbot::secrets
