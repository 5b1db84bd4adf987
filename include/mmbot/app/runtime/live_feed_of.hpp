// mmbot/app/runtime/live_feed_of.hpp
//
// The live public stream of each venue, as mmbot-shadow's `--feed live` uses it: the feed type,
// where `--feed SPEC` (and --endpoint-override) points it, and its options. One loop
// (run_shadow.hpp) drives either feed: both hand back feed::replay_event's with the same stats.
//
//   venue     feed                        --feed live            live:testnet                 other specs
//   bybit     feed::ws_feed               Env's public stream    Bybit testnet                :spot, wss://URL
//   binance   feed::binance::ws_feed      fstream/fapi.binance   fstream/testnet.binancefuture  wss://HOST:PORT/stream
//                                         .com (mainnet)         .com
// With --endpoint-override HOST:PORT (shadow and testnet builds only) the stream and, for Binance,
// its REST depth snapshots go to HOST:PORT (the local venue serves both).
//
// Binance has no spot stream here (`live:spot` is a usage error, exit 2), and --record writes the
// Bybit capture form only, so a live Binance run refuses --record (exit 2) rather than write a
// capture its replay cannot read.
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/feed/binance/ws_feed.hpp"
#include "mmbot/feed/ws_feed.hpp"
#include "mmbot/net/https_client.hpp"
#include "mmbot/venue/binance/endpoints.hpp"
#include "mmbot/venue/venues.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app {

/// Where a live stream connects (and, for Binance, where its REST snapshots come from).
struct live_source {
    feed::ws_endpoint stream;
    std::optional<net::https_host> rest;
};

/// What every live feed's options are made from.
struct live_feed_params {
    const live_source& source;
    std::vector<std::string> symbols;
    std::uint32_t give_up_after = 0;
    std::uint64_t backoff_seed = 0;
};

template <venue::venue_kind Venue>
struct live_feed_of;

template <>
struct live_feed_of<venue::bybit_v5> {
    using type = feed::ws_feed;
    using options = feed::ws_feed_options;

    [[nodiscard]] static options options_for(const live_feed_params& p) {
        options fo;
        fo.endpoint = p.source.stream;
        fo.topics.symbols = p.symbols;
        fo.max_consecutive_failures = p.give_up_after;
        fo.backoff_seed = p.backoff_seed;
        return fo;
    }
};

template <>
struct live_feed_of<venue::binance_usdm> {
    using type = feed::binance::ws_feed;
    using options = feed::binance::ws_feed_options;

    /// `--feed SPEC` on Binance. Errors: exit 2 (a spec or flag this venue cannot follow), 6 (a
    /// bad URL).
    template <env::environment Env>
    [[nodiscard]] static outcome<live_source> source_of(const cli_options& opts) {
        const std::string_view spec = opts.feed;
        if (!opts.record_dir.empty()) {
            return fail_with(exit_code::usage, "--record: Binance recordings are not written yet (docs/binance.md); "
                                               "run without --record");
        }
        live_source src;
        if (spec.starts_with("wss://")) {
            if constexpr (!Env::endpoint_override_allowed) {
                return fail_with(exit_code::usage, fmt::format("--feed {}: another endpoint is not available in mmbot-{}",
                                                               spec, Env::name));
            } else {
                auto url = feed::parse_wss_url(spec);
                if (!url) return fail_with(exit_code::feed, url.error());
                src.stream = *url;
                src.rest = net::https_host{url->host, url->port};
                return src;
            }
        }
        const auto live = parse_live_feed(spec);
        if (!live) return fail_with(exit_code::usage, fmt::format("--feed: \"{}\" is not a live feed", spec));
        if (live->spot) return fail_with(exit_code::usage, fmt::format("--feed {}: Binance spot is not followed (USD-M only)", spec));
        const bool testnet = live->net == live_feed_spec::network::testnet ||
                             (live->net == live_feed_spec::network::of_binary && Env::id == env::kind::testnet);
        using test_hosts = venue::binance::hosts<env::testnet>;
        using main_hosts = venue::binance::hosts<env::live>;
        src.stream = feed::ws_endpoint{std::string(testnet ? test_hosts::stream : main_hosts::stream), "443", "/stream"};
        src.rest = net::https_host{std::string(testnet ? test_hosts::rest : main_hosts::rest)};
        if (!opts.endpoint_override.empty()) {
            if constexpr (!Env::endpoint_override_allowed) {
                return fail_with(exit_code::usage, "--endpoint-override: not available here");
            } else {
                auto moved = feed::parse_wss_url(fmt::format("wss://{}/stream", opts.endpoint_override));
                if (!moved) return fail_with(exit_code::feed, moved.error());
                src.stream = *moved;
                src.rest = net::https_host{moved->host, moved->port};
            }
        }
        return src;
    }

    [[nodiscard]] static options options_for(const live_feed_params& p) {
        options fo;
        fo.endpoint = p.source.stream;
        if (p.source.rest) fo.rest = *p.source.rest;
        fo.symbols = p.symbols;
        fo.max_consecutive_failures = p.give_up_after;
        fo.backoff_seed = p.backoff_seed;
        return fo;
    }
};

}  // namespace mmbot::app
