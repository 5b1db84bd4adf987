// mmbot/app/trading/filters_at_start.hpp
//
// A trading run's first ask of the venue's filters, before anything else is built on them:
// a transport failure or a 5xx (not JSON) is asked again after 200 ms, 400 ms, ... (5 attempts);
// a verdict (a symbol not listed or not trading: errc::preflight_instrument) and a certificate
// that does not verify (the venue's own TLS code) are not, since asking again changes neither.
//
//   auto f = fetch_with_retries([&] { return fetch_venue_filters(rest, symbols); }, bybit::errc::tls);
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/app/venue_filters.hpp"
#include "mmbot/core/backoff.hpp"
#include "mmbot/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <thread>

namespace mmbot::app {

template <class FetchFn, class TlsCode>
[[nodiscard]] core::result<venue_filter_map> fetch_with_retries(FetchFn fetch, TlsCode tls_code,
                                                                std::uint32_t attempts = 5) {
    for (std::uint32_t i = 0;; ++i) {
        core::result<venue_filter_map> fetched = fetch();
        const bool final = fetched || fetched.error().code == errc::preflight_instrument ||
                           fetched.error().code == tls_code || i + 1 >= attempts;
        if (final) return fetched;
        std::this_thread::sleep_for(
            core::exponential_delay(std::chrono::milliseconds(200), std::chrono::milliseconds(2000), i));
    }
}

}  // namespace mmbot::app
