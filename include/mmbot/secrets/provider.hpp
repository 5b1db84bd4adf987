// mmbot/secrets/provider.hpp
//
// What a secret backend must provide, as C++20 concepts.
//
// Trading binaries take their backend as a template parameter (`template <secret_provider P>`), so
// a test swaps in in_memory_provider and a production build the file or command backend with no
// virtual calls and no runtime switch. `assert_secret_provider<P>()` checks each requirement with
// its own static_assert, so a type that misses one gets a message naming the missing member
// instead of a page of substitution failures.
//
// Required of every backend (all results are core::result; errors carry an errc:: label):
//   std::string_view backend_name() const       "memory", "env", "file", "command"
//   result<credentials> get(const secret_name&) const
//   result<std::vector<secret_name>> list() const     sorted; errc::unsupported if it cannot list
// Required in addition of a writable backend:
//   result<void> set(const secret_name&, const credentials&)
//   result<void> remove(const secret_name&)           errc::secret_not_found if absent
//
//   template <secrets::secret_provider P>
//   auto load(const P& p) { static_assert(secrets::assert_secret_provider<P>()); ... }
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <concepts>
#include <string_view>
#include <vector>

namespace mmbot::secrets {

namespace detail {
template <class P>
concept names_backend = requires(const P& p) {
    { p.backend_name() } -> std::convertible_to<std::string_view>;
};
template <class P>
concept gets_credentials = requires(const P& p, const secret_name& n) {
    { p.get(n) } -> std::same_as<core::result<credentials>>;
};
template <class P>
concept lists_names = requires(const P& p) {
    { p.list() } -> std::same_as<core::result<std::vector<secret_name>>>;
};
template <class P>
concept sets_credentials = requires(P& p, const secret_name& n, const credentials& c) {
    { p.set(n, c) } -> std::same_as<core::result<void>>;
};
template <class P>
concept removes_names = requires(P& p, const secret_name& n) {
    { p.remove(n) } -> std::same_as<core::result<void>>;
};
}  // namespace detail

/// A read-only source of credentials.
template <class P>
concept secret_provider =
    detail::names_backend<P> && detail::gets_credentials<P> && detail::lists_names<P>;

/// A source that can also store and delete credentials (memory, file).
template <class P>
concept writable_secret_provider =
    secret_provider<P> && detail::sets_credentials<P> && detail::removes_names<P>;

/// Fails compilation with a message naming the first requirement `P` lacks; true otherwise.
template <class P>
consteval bool assert_secret_provider() {
    static_assert(detail::names_backend<P>,
                  "secret_provider: type lacks `std::string_view backend_name() const`");
    static_assert(detail::gets_credentials<P>,
                  "secret_provider: type lacks `core::result<credentials> get(const secret_name&) "
                  "const`");
    static_assert(detail::lists_names<P>,
                  "secret_provider: type lacks `core::result<std::vector<secret_name>> list() "
                  "const`");
    return true;
}

/// As assert_secret_provider, plus the two members a writable backend needs.
template <class P>
consteval bool assert_writable_secret_provider() {
    static_assert(assert_secret_provider<P>());
    static_assert(detail::sets_credentials<P>,
                  "writable_secret_provider: type lacks `core::result<void> set(const secret_name&, "
                  "const credentials&)`");
    static_assert(detail::removes_names<P>,
                  "writable_secret_provider: type lacks `core::result<void> remove(const "
                  "secret_name&)`");
    return true;
}

}  // namespace mmbot::secrets
