// mmbot/app/trading/venue_side.hpp
//
// What a trading session (app/run_trading.hpp) needs of its venue, and which side each venue type
// of venue/venues.hpp has. The session is written once; a side brings the venue's endpoints,
// credentials, clock and filters (a venue_watch client), order gateway, private stream, preflight
// checks and rate-limit metric:
//
//   bybit_v5      bybit_side<Env>     app/trading/bybit_side.hpp
//   binance_usdm  binance_side<Env>   app/trading/binance_side.hpp
//
// A side that lacks a member fails the session's static_assert naming this concept, and the
// compiler's note names the member.
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/trading/binance_side.hpp"
#include "mmbot/app/trading/bybit_side.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/venue/venues.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app {

template <class Venue, env::environment Env>
struct trading_side_of;

template <env::environment Env>
struct trading_side_of<venue::bybit_v5, Env> {
    using type = bybit_side<Env>;
};

template <env::environment Env>
struct trading_side_of<venue::binance_usdm, Env> {
    using type = binance_side<Env>;
};

template <class S>
concept venue_side = requires(S& side, const S& cside, const cli_options& opts, const typename S::endpoints& ep,
                              obs::mm_metrics& metrics, std::chrono::steady_clock::time_point deadline,
                              typename S::watch_type::schedule plan) {
    { S::secrets_name } -> std::convertible_to<std::string_view>;
    { S::endpoints_of(opts) };
    { S::load_keys() };
    { ep.rest.host } -> std::convertible_to<std::string>;
    { ep.public_feed.stream.host } -> std::convertible_to<std::string>;
    typename S::gateway_type;
    { side.sync_clock(plan) };
    { side.watch().offset() } -> std::same_as<std::chrono::nanoseconds>;
    side.connect(opts);
    side.start();
    { side.gateway() } -> std::same_as<typename S::gateway_type&>;
    { cside.private_ready() } -> std::convertible_to<bool>;
    { cside.private_failed() } -> std::convertible_to<bool>;
    { cside.private_sessions() } -> std::convertible_to<std::int64_t>;
    { cside.private_last_error() } -> std::convertible_to<std::string>;
    cside.publish_headroom(metrics);
    { cside.host_switches() } -> std::convertible_to<std::int64_t>;
    { cside.failover_host() } -> std::convertible_to<std::string_view>;
    { cside.private_where() } -> std::convertible_to<std::string>;
    side.set_deadline(deadline);
    side.cancel_in_flight();
    side.stop();
};

}  // namespace mmbot::app
