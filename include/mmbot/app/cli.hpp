// mmbot/app/cli.hpp
//
// Command-line flags of the trading binaries (mmbot-shadow, mmbot-testnet, mmbot-live), after the
// predecessor's exec_demo. Parsing never exits or prints: it returns the options or an error whose
// message names the flag and the value; main() prints it with the usage line and exits with
// exit_code::usage (2, app/exit_codes.hpp). docs/cli.md lists every flag.
//
//   auto opts = mmbot::app::parse_cli(argc, argv, "configs/shadow.json");
//   if (!opts) { fmt::print(stderr, "error: {}\n", opts.error().message); return 2; }
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app {

struct cli_options {
    std::string config_path;
    /// Symbols to trade; empty = every symbol in the config.
    std::vector<std::string> symbols;
    /// Stop after this many market-data events (0 = until the feed ends or a signal).
    std::int64_t iterations = 0;
    std::optional<bool> maker_only;
    std::optional<core::bps> post_only_offset_bps;
    std::optional<core::ratio> min_qty_pad;
    /// Caps every symbol's inventory notional (the predecessor's --max-inv, in quote currency).
    std::optional<core::notional> max_inv;
    bool obs = false;
    std::uint16_t obs_port = 8080;
    /// "replay:<path>", "live[:mainnet|:testnet][:linear|:spot]" (Bybit's public WebSocket) or
    /// "wss://HOST[:PORT]/PATH" (another public stream; not in mmbot-live). See is_live_feed().
    std::string feed;
    /// Extra CA certificate (PEM) to trust for a live feed: a local test server's.
    std::string ca_file;
    /// The kill switch's file: its appearance freezes and cancels everything (app/kill_switch.hpp).
    std::string kill_switch_file;
    /// testnet/live: how long the orderly stop keeps cancelling and reconciling before it gives
    /// up and exits 1 with the orders that are still open (the journal keeps them).
    std::int64_t stop_timeout_s = 15;
    std::string report_path;
    std::string journal_path;
    std::string log_path;
    std::string log_level = "INFO";
    /// Overrides the public/REST host (tests, the local venue); refused by mmbot-live.
    std::string endpoint_override;
    bool preflight = false;
    bool live_acknowledged = false;
    bool help = false;
    /// Every flag given, by its long name ("--feed"), for refuse_unused_flags (app/cli_rules.hpp).
    std::vector<std::string> flags_given;
};

inline constexpr std::string_view cli_usage =
    R"(usage: mmbot-<env> [flags]
  --config PATH               config file (default configs/<env>.json)
  --feed replay:PATH|live[:testnet][:spot]|wss://HOST:PORT/PATH
                              market data: a recorded capture, Bybit's public WebSocket
                              (mainnet by default), or another wss:// stream (mmbot-shadow only)
  --ca-file PATH              also trust this CA certificate (PEM) for a live feed
  --kill-switch-file PATH     freeze and cancel everything when this file appears (also SIGUSR1)
  --stop-timeout-s N          testnet/live: keep cancelling open orders for up to N s at stop,
                              then exit 1 if any is still open (default 15, 1..600)
  --symbols A,B               symbols to trade (default: all in the config)
  --symbol-filter A,B         explicit symbol list; overrides --symbols
  --iterations N              stop after N market-data events (0 = no limit)
  --maker-only | --no-maker-only
                              post-only offset on (default) or off; never crosses either way
  --post-only-offset-bps X    offset from the reference, in bps (default 1.5)
  --min-qty-pad X             min-qty multiplier (default 1.1)
  --max-inv X                 cap every symbol's inventory notional (quote currency)
  --obs                       serve /health, /ready and /metrics on 127.0.0.1
  --obs-port N                port for --obs (default 8080; 0 = any free port)
  --report PATH               write the final JSON report there
  --journal PATH              order journal (default from the config)
  --log PATH                  JSON log file (default stderr)
  --log-level LEVEL           DEBUG | INFO | WARN | ERROR (default INFO)
  --endpoint-override HOST:PORT
                              point the venue/feed at another host (testnet: loopback or
                              Bybit testnet only; shadow: with a live feed; not in mmbot-live)
  --preflight                 run the preflight checks, print a JSON verdict, exit
  --i-understand-this-is-live required by mmbot-live (refused by the others)
a flag the binary does not use is refused (exit 2)
  --help                      this text
exit codes: 0 ok, 1 runtime, 2 usage, 3 config, 4 environment/secrets, 5 journal, 6 feed,
            7 preflight failed, 8 live not acknowledged
)";

/// A parsed `--feed live...` value.
struct live_feed_spec {
    enum class network : std::uint8_t { of_binary, mainnet, testnet };
    network net = network::of_binary;  ///< "live" alone: the binary's own environment
    bool spot = false;
};

/// "live", then optional ":mainnet"/":testnet" and ":linear"/":spot" in any order; nullopt when
/// `v` is not a live spec.
[[nodiscard]] inline std::optional<live_feed_spec> parse_live_feed(std::string_view v) {
    if (!v.starts_with("live")) return std::nullopt;
    v.remove_prefix(4);
    live_feed_spec spec;
    bool net_seen = false;
    bool cat_seen = false;
    while (!v.empty()) {
        if (v.front() != ':') return std::nullopt;
        v.remove_prefix(1);
        const auto colon = v.find(':');
        const std::string_view tok = v.substr(0, colon);
        v = colon == std::string_view::npos ? std::string_view() : v.substr(colon);
        if ((tok == "mainnet" || tok == "testnet") && !net_seen) {
            net_seen = true;
            spec.net = tok == "testnet" ? live_feed_spec::network::testnet : live_feed_spec::network::mainnet;
        } else if ((tok == "linear" || tok == "spot") && !cat_seen) {
            cat_seen = true;
            spec.spot = tok == "spot";
        } else {
            return std::nullopt;
        }
    }
    return spec;
}

/// True for the feed values that open a WebSocket (live... and wss://...).
[[nodiscard]] inline bool is_live_feed(std::string_view v) {
    return parse_live_feed(v).has_value() || v.starts_with("wss://");
}

namespace detail {

/// Longest flag value an error message echoes; a longer one is cut to this many bytes followed
/// by "... (N bytes)" (a 130 KB value must not flood the terminal or the log).
inline constexpr std::size_t max_echoed_value = 64;

/// `message` with every quoted value longer than max_echoed_value cut, and any unquoted run longer
/// than 4 * max_echoed_value (an unquoted value, or a value holding quotes) cut the same way.
[[nodiscard]] inline std::string cut_long_values(std::string_view message) {
    const auto cut = [](std::string_view v, std::size_t max) {
        if (v.size() <= max) return std::string(v);
        return fmt::format("{}... ({} bytes)", v.substr(0, max), v.size());
    };
    std::string out;
    for (;;) {
        const auto open = message.find('"');
        const auto close = open == std::string_view::npos ? open : message.find('"', open + 1);
        if (close == std::string_view::npos) break;
        out += cut(message.substr(0, open), 4 * max_echoed_value);
        out += '"';
        out += cut(message.substr(open + 1, close - open - 1), max_echoed_value);
        out += '"';
        message.remove_prefix(close + 1);
    }
    out += cut(message, 4 * max_echoed_value);
    return out;
}

/// Every flag error goes through here: code "usage", long values cut (cut_long_values).
[[nodiscard]] inline core::error usage_error(std::string_view message) {
    return core::make_error(errc::usage, cut_long_values(message));
}

[[nodiscard]] inline core::result<std::vector<std::string>> split_symbols(std::string_view flag,
                                                                          std::string_view text) {
    std::vector<std::string> out;
    while (true) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        if (item.empty()) {
            return usage_error(fmt::format("{}: empty symbol in \"{}\"", flag, text));
        }
        for (char c : item) {
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return usage_error(fmt::format(
                    "{}: \"{}\" is not a symbol (upper-case letters and digits, e.g. BTCUSDT)",
                    flag, item));
            }
        }
        out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

template <class Int>
[[nodiscard]] core::result<Int> parse_int(std::string_view flag, std::string_view text, Int lo,
                                          Int hi) {
    Int v{};
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc{} || p != end || v < lo || v > hi) {
        return usage_error(fmt::format("{}: expected an integer in [{}, {}], got \"{}\"", flag, lo,
                                       hi, text));
    }
    return v;
}

template <class Decimal>
[[nodiscard]] core::result<Decimal> parse_decimal(std::string_view flag, std::string_view text,
                                                  bool allow_zero) {
    auto d = Decimal::parse(text);
    if (!d) return usage_error(fmt::format("{}: {}", flag, d.error().message));
    if (d->is_negative() || (!allow_zero && d->is_zero())) {
        return usage_error(fmt::format("{}: must be {} 0, got \"{}\"", flag,
                                       allow_zero ? ">=" : ">", text));
    }
    return *d;
}

}  // namespace detail

/// Parses argv (without argv[0]). Errors (code "usage") name the flag and the value.
[[nodiscard]] inline core::result<cli_options> parse_cli(std::span<const std::string_view> args,
                                                         std::string_view default_config) {
    cli_options o;
    o.config_path = std::string(default_config);
    std::optional<std::vector<std::string>> symbols;
    std::optional<std::vector<std::string>> symbol_filter;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view flag = args[i];
        // Flags take their value as the next argument or after '='.
        std::string_view inline_value;
        std::string_view name = flag;
        if (const auto eq = flag.find('='); eq != std::string_view::npos && flag.starts_with("--")) {
            name = flag.substr(0, eq);
            inline_value = flag.substr(eq + 1);
        }
        const bool has_inline = name.size() != flag.size();
        o.flags_given.emplace_back(name == "-h" ? std::string_view("--help") : name);
        const auto value = [&]() -> core::result<std::string_view> {
            if (has_inline) return inline_value;
            if (i + 1 >= args.size()) {
                return detail::usage_error(fmt::format("{}: missing value", name));
            }
            return args[++i];
        };
        const auto no_value = [&]() -> std::optional<core::error> {
            if (has_inline) {
                return detail::usage_error(fmt::format("{}: takes no value, got \"{}\"", name,
                                                       inline_value));
            }
            return std::nullopt;
        };
#define MMBOT_CLI_VALUE(var)              \
    auto var##_r = value();               \
    if (!var##_r) return var##_r.error(); \
    const std::string_view var = *var##_r

        if (name == "--help" || name == "-h") {
            o.help = true;
        } else if (name == "--config") {
            MMBOT_CLI_VALUE(v);
            o.config_path = std::string(v);
        } else if (name == "--symbols" || name == "--symbol-filter") {
            MMBOT_CLI_VALUE(v);
            auto list = detail::split_symbols(name, v);
            if (!list) return list.error();
            (name == "--symbols" ? symbols : symbol_filter) = std::move(*list);
        } else if (name == "--iterations") {
            MMBOT_CLI_VALUE(v);
            auto n = detail::parse_int<std::int64_t>(name, v, 0, INT64_MAX);
            if (!n) return n.error();
            o.iterations = *n;
        } else if (name == "--maker-only" || name == "--no-maker-only") {
            if (auto e = no_value()) return *e;
            o.maker_only = name == "--maker-only";
        } else if (name == "--post-only-offset-bps") {
            MMBOT_CLI_VALUE(v);
            auto d = detail::parse_decimal<core::bps>(name, v, true);
            if (!d) return d.error();
            o.post_only_offset_bps = *d;
        } else if (name == "--min-qty-pad") {
            MMBOT_CLI_VALUE(v);
            auto d = detail::parse_decimal<core::ratio>(name, v, false);
            if (!d) return d.error();
            if (*d < core::ratio::parse("1").value()) {
                return detail::usage_error(fmt::format("{}: must be >= 1, got \"{}\"", name, v));
            }
            o.min_qty_pad = *d;
        } else if (name == "--max-inv") {
            MMBOT_CLI_VALUE(v);
            auto d = detail::parse_decimal<core::notional>(name, v, false);
            if (!d) return d.error();
            o.max_inv = *d;
        } else if (name == "--obs") {
            if (auto e = no_value()) return *e;
            o.obs = true;
        } else if (name == "--obs-port") {
            MMBOT_CLI_VALUE(v);
            auto n = detail::parse_int<std::uint16_t>(name, v, 0, 65535);
            if (!n) return n.error();
            o.obs_port = *n;
        } else if (name == "--feed") {
            MMBOT_CLI_VALUE(v);
            if (!is_live_feed(v) && !(v.starts_with("replay:") && v.size() > 7)) {
                return detail::usage_error(fmt::format(
                    "--feed: expected \"replay:<path>\", \"live[:testnet][:spot]\" or "
                    "\"wss://HOST[:PORT]/PATH\", got \"{}\"",
                    v));
            }
            o.feed = std::string(v);
        } else if (name == "--ca-file") {
            MMBOT_CLI_VALUE(v);
            if (v.empty()) return detail::usage_error("--ca-file: empty path");
            o.ca_file = std::string(v);
        } else if (name == "--kill-switch-file") {
            MMBOT_CLI_VALUE(v);
            if (v.empty()) return detail::usage_error("--kill-switch-file: empty path");
            o.kill_switch_file = std::string(v);
        } else if (name == "--stop-timeout-s") {
            MMBOT_CLI_VALUE(v);
            auto n = detail::parse_int<std::int64_t>(name, v, 1, 600);
            if (!n) return n.error();
            o.stop_timeout_s = *n;
        } else if (name == "--report") {
            MMBOT_CLI_VALUE(v);
            o.report_path = std::string(v);
        } else if (name == "--journal") {
            MMBOT_CLI_VALUE(v);
            o.journal_path = std::string(v);
        } else if (name == "--log") {
            MMBOT_CLI_VALUE(v);
            o.log_path = std::string(v);
        } else if (name == "--log-level") {
            MMBOT_CLI_VALUE(v);
            if (v != "DEBUG" && v != "INFO" && v != "WARN" && v != "ERROR") {
                return detail::usage_error(fmt::format(
                    "--log-level: expected DEBUG, INFO, WARN or ERROR, got \"{}\"", v));
            }
            o.log_level = std::string(v);
        } else if (name == "--endpoint-override") {
            MMBOT_CLI_VALUE(v);
            if (v.find(':') == std::string_view::npos) {
                return detail::usage_error(
                    fmt::format("--endpoint-override: expected HOST:PORT, got \"{}\"", v));
            }
            o.endpoint_override = std::string(v);
        } else if (name == "--preflight") {
            if (auto e = no_value()) return *e;
            o.preflight = true;
        } else if (name == "--i-understand-this-is-live") {
            if (auto e = no_value()) return *e;
            o.live_acknowledged = true;
        } else {
            return detail::usage_error(fmt::format("unknown flag \"{}\" (see --help)", flag));
        }
#undef MMBOT_CLI_VALUE
    }
    if (symbol_filter) {
        o.symbols = std::move(*symbol_filter);
    } else if (symbols) {
        o.symbols = std::move(*symbols);
    }
    return o;
}

/// Convenience for main(): argv as string_views.
[[nodiscard]] inline core::result<cli_options> parse_cli(int argc, char** argv,
                                                         std::string_view default_config) {
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);  // NOLINT(*-pointer-arithmetic)
    return parse_cli(args, default_config);
}

}  // namespace mmbot::app
