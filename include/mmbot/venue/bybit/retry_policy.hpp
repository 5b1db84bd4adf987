// mmbot/venue/bybit/retry_policy.hpp
//
// Bybit's side of the create rule (venue/create_resolver.hpp states it): which retCodes of an
// order/create leave the order unprocessed, which leave its outcome unknown, and which are final.
//
//   not processed (re-send):  10006 rate limit, 10002 timestamp outside recv_window, 10018 IP limit
//   outcome unknown (query):  10000 server timeout, 10016 internal error, 110072 duplicate
//                             orderLinkId (an earlier attempt did land)
//   final (reject):           every other retCode
//
//   auto d = resolver.on_create(bybit::venue_error(errc::rate_limit), now);   // action::send
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/create_resolver.hpp"

namespace mmbot::venue::bybit {

// NOLINTBEGIN(misc-unused-using-decls): the adapter's names for its users
using venue::create_resolver;
using venue::create_result;
using venue::decision;
using venue::query_result;
using venue::refusal;
using venue::retry_backoff;
using venue::retry_params;
// NOLINTEND(misc-unused-using-decls)

/// What Bybit's refusal of a create (`code`, a ret_codes.hpp label) says about the order.
[[nodiscard]] inline refusal create_refusal(core::error_code code) noexcept {
    if (code == errc::duplicate_order_link_id || code == errc::server_timeout || code == errc::server_error) {
        return refusal::outcome_unknown;
    }
    if (code == errc::rate_limit || code == errc::timestamp || code == errc::ip_rate_limit) {
        return refusal::not_processed;  // refused at the gateway
    }
    return refusal::final;
}

/// A create refused with `code`, classified.
[[nodiscard]] inline create_result venue_error(core::error_code code) noexcept {
    return create_result::venue_error(code, create_refusal(code));
}

}  // namespace mmbot::venue::bybit
