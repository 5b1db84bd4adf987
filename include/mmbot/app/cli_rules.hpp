// mmbot/app/cli_rules.hpp
//
// Which binary uses which flag. parse_cli accepts the union of every binary's flags; a binary
// then refuses, with exit_code::usage, each flag it would not read, so that nothing given on the
// command line is silently ignored or reported without effect. docs/cli.md's table has a column
// per binary that says the same.
//
//   if (auto e = refuse_unused_flags<Env>(*opts)) { print(e->message); return exit_code::usage; }
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace mmbot::app {

namespace cli_rules_detail {

/// A flag that not every binary reads, and why the others do not.
struct flag_rule {
    std::string_view flag;
    bool shadow;
    bool testnet;
    bool live;
    std::string_view why_not;
};

inline constexpr std::array<flag_rule, 7> binary_rules{{
    {"--feed", true, false, false,
     "it trades on Bybit's public stream of its own environment; replays and other streams are "
     "for mmbot-shadow"},
    {"--speed", true, false, false,
     "it trades on a live stream, which arrives in real time; --speed paces mmbot-shadow's replay"},
    {"--stop-timeout-s", false, true, true, "it sends no orders, so its stop has nothing to cancel"},
    {"--clock-resync-s", false, true, true, "it signs no requests, so it keeps no venue clock"},
    {"--filters-refresh-s", false, true, true, "its filters are the config's; it asks no venue"},
    {"--i-understand-this-is-live", false, false, true, "it does not trade on mainnet"},
    {"--decision-timing", true, false, false, "it always times its decisions"},
}};

template <env::environment Env>
[[nodiscard]] constexpr bool reads(const flag_rule& r) {
    switch (Env::id) {
        case env::kind::shadow: return r.shadow;
        case env::kind::testnet: return r.testnet;
        case env::kind::live: return r.live;
    }
    return false;
}

}  // namespace cli_rules_detail

/// The first flag in `o` that the binary of Env would not use, as a usage error naming the flag
/// and the binary; nullopt when every flag given is used. Rules:
///   --feed                       mmbot-shadow only
///   --speed                      mmbot-shadow with a replay
///   --stop-timeout-s             mmbot-testnet and mmbot-live
///   --clock-resync-s             mmbot-testnet and mmbot-live
///   --filters-refresh-s          mmbot-testnet and mmbot-live
///   --i-understand-this-is-live  mmbot-live only
///   --decision-timing            mmbot-shadow only (testnet and live always time)
///   --endpoint-override          mmbot-shadow with a live feed, mmbot-testnet (never mmbot-live)
///   --record                     mmbot-shadow with a live feed, mmbot-testnet, mmbot-live
///   --record-max-mb              only with --record
///   --obs-port, --obs-address    only with --obs
template <env::environment Env>
[[nodiscard]] std::optional<core::error> refuse_unused_flags(const cli_options& o) {
    const auto given = [&o](std::string_view f) {
        return std::find(o.flags_given.begin(), o.flags_given.end(), f) != o.flags_given.end();
    };
    const auto refuse = [](std::string_view flag, std::string_view why) {
        return core::make_error(errc::usage, fmt::format("{}: not used by mmbot-{} ({})", flag, Env::name, why));
    };
    for (const auto& r : cli_rules_detail::binary_rules) {
        if (given(r.flag) && !cli_rules_detail::reads<Env>(r)) return refuse(r.flag, r.why_not);
    }
    if (given("--endpoint-override")) {
        if constexpr (!Env::endpoint_override_allowed) {
            return refuse("--endpoint-override", "it only talks to mainnet");
        } else if (Env::id == env::kind::shadow && !is_live_feed(o.feed)) {
            return refuse("--endpoint-override", "a replay reaches no host; use it with --feed live");
        }
    }
    if (given("--speed") && is_live_feed(o.feed)) {
        return refuse("--speed", "a live feed arrives in real time; --speed paces a replay");
    }
    if (given("--record") && Env::id == env::kind::shadow && !is_live_feed(o.feed)) {
        return refuse("--record", "a replay is a capture already; record a live feed (--feed live or wss://...)");
    }
    if (given("--record-max-mb") && !given("--record")) return refuse("--record-max-mb", "only used with --record");
    if (given("--obs-port") && !o.obs) return refuse("--obs-port", "only used with --obs");
    if (given("--obs-address") && !o.obs) return refuse("--obs-address", "only used with --obs");
    return std::nullopt;
}

}  // namespace mmbot::app
