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
#include "mmbot/core/flags.hpp"
#include "mmbot/core/units.hpp"

#include <boost/asio/ip/address.hpp>

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
    /// --obs-address: where --obs listens (loopback unless an operator says otherwise, e.g. a pod).
    std::string obs_address = "127.0.0.1";
    /// "replay:<path>", "live[:mainnet|:testnet][:linear|:spot]" (Bybit's public WebSocket) or
    /// "wss://HOST[:PORT]/PATH" (another public stream; not in mmbot-live). See is_live_feed().
    std::string feed;
    /// mmbot-shadow's replay pace: the capture's timestamps divided by this (1 = real time);
    /// unset = as fast as the engine goes (the byte-reproducible default).
    std::optional<core::ratio> speed;
    /// Extra CA certificate (PEM) to trust for a live feed: a local test server's.
    std::string ca_file;
    /// --record DIR: write every public frame, as received, to gzip captures there
    /// (feed/capture_recorder.hpp); empty = no recording.
    std::string record_dir;
    /// --record-max-mb: rotate a capture file after this many compressed MiB.
    std::int64_t record_max_mb = 256;
    /// The kill switch's file: its appearance freezes and cancels everything (app/kill_switch.hpp).
    std::string kill_switch_file;
    /// The control socket mmbot-ctl talks to (app/control/); empty = "<journal>.ctl".
    std::string control_socket;
    /// testnet/live: how long the orderly stop keeps cancelling and reconciling before it gives
    /// up and exits 1 with the orders that are still open (the journal keeps them).
    std::int64_t stop_timeout_s = 15;
    /// testnet/live: how often the venue-time offset is measured again (app/venue_watch.hpp).
    std::int64_t clock_resync_s = 60;
    /// testnet/live: how often instruments-info is asked again (app/venue_filters.hpp).
    std::int64_t filters_refresh_s = 300;
    std::string report_path;
    /// --decision-timing (mmbot-shadow): time each decision into the report's
    /// performance.decision_latency; testnet and live always do (app/runtime/decision_timing.hpp).
    bool decision_timing = false;
    /// --html-report: the run as a self-contained HTML page (app/report/html_report.hpp).
    std::string html_report_path;
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
  --config PATH               config file (default configs/<env>.json; mmbot-shadow-binance:
                              configs/binance/shadow.json)
  --feed replay:PATH|live[:testnet][:spot]|wss://HOST:PORT/PATH
                              market data: a recorded capture, Bybit's public WebSocket
                              (mainnet by default), or another wss:// stream (mmbot-shadow only)
  --speed X                   shadow replay: pace the capture on the wall clock, X times real
                              time (an exact decimal > 0; 1 = real time; default: as fast as
                              possible)
  --ca-file PATH              also trust this CA certificate (PEM) for a live feed
  --record DIR                record the public feed as received: gzip captures in DIR,
                              rotated by size and hour, replayable with --feed replay:FILE
  --record-max-mb N           rotate a --record file after N MiB compressed (default 256,
                              1..65536)
  --kill-switch-file PATH     freeze and cancel everything when this file appears (also SIGUSR1)
  --control-socket PATH       the control socket for mmbot-ctl (Unix domain, mode 0600;
                              default: the journal's path + ".ctl")
  --stop-timeout-s N          testnet/live: keep cancelling open orders for up to N s at stop,
                              then exit 1 if any is still open (default 15, 1..600)
  --clock-resync-s N          testnet/live: measure the venue's clock again every N s
                              (default 60, 5..3600)
  --filters-refresh-s N       testnet/live: ask instruments-info again every N s; a changed
                              tick or step requotes on the new grid (default 300, 10..86400)
  --symbols A,B               symbols to trade (default: all in the config)
  --symbol-filter A,B         explicit symbol list; overrides --symbols
  --iterations N              stop after N market-data events (0 = no limit)
  --maker-only | --no-maker-only
                              post-only offset on (default) or off; never crosses either way
  --post-only-offset-bps X    offset from the reference, in bps (default 1.5)
  --min-qty-pad X             min-qty multiplier (default 1.1)
  --max-inv X                 cap every symbol's inventory notional (quote currency)
  --obs                       serve /health, /ready, /metrics and /status on 127.0.0.1
  --obs-port N                port for --obs (default 8080; 0 = any free port)
  --obs-address IP            address for --obs (default 127.0.0.1; 0.0.0.0 in a pod, for probes and scrapes)
  --report PATH               write the final JSON report there
  --decision-timing           shadow: time each decision (book update -> intents sent) into the
                              report's performance.decision_latency (testnet/live always do)
  --html-report PATH          write the run as a self-contained HTML page (charts) there
  --journal PATH              order journal (default from the config)
  --log PATH                  JSON log file (default: mmbot.log beside the journal; - = stderr)
  --log-level LEVEL           DEBUG | INFO | WARN | ERROR (default INFO)
  --endpoint-override HOST:PORT
                              point the venue/feed at another host (testnet: loopback or
                              Bybit testnet only; shadow: with a live feed; not in mmbot-live)
  --preflight                 run the preflight checks, print a JSON verdict, exit
  --i-understand-this-is-live required by mmbot-live (refused by the others)
a flag the binary does not use is refused (exit 2)
  --help                      this text
exit codes: 0 ok, 1 runtime, 2 usage, 3 config, 4 environment/secrets, 5 journal, 6 feed,
            7 preflight failed, 8 live not acknowledged, 9 shard (lease taken, Redis unreachable)
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

namespace detail {

/// What several flags fill in before parse_cli settles it (--symbol-filter wins over --symbols).
struct cli_pending {
    std::optional<std::vector<std::string>> symbols;
    std::optional<std::vector<std::string>> symbol_filter;
};

/// Stores a parsed value, or passes the parse error on.
template <class T, class U>
[[nodiscard]] core::result<void> store(T& out, core::result<U> parsed) {
    if (!parsed) return parsed.error();
    out = std::move(*parsed);
    return {};
}

/// A flag whose value is a non-empty path.
[[nodiscard]] inline core::flag_spec path_flag(std::string_view name, std::string& out, bool may_be_empty) {
    return core::value_flag(name, [&out, may_be_empty](std::string_view n, std::string_view v) -> core::result<void> {
        if (v.empty() && !may_be_empty) return usage_error(fmt::format("{}: empty path", n));
        out = std::string(v);
        return {};
    });
}

/// --config, --symbols, --symbol-filter, --iterations, --report, --html-report, --decision-timing,
/// --journal, --log, --log-level.
[[nodiscard]] inline std::vector<core::flag_spec> run_flags(cli_options& o, cli_pending& p) {
    const auto symbols = [&p](std::string_view n, std::string_view v) -> core::result<void> {
        return store(n == "--symbols" ? p.symbols : p.symbol_filter, split_symbols(n, v));
    };
    return {
        path_flag("--config", o.config_path, true),
        core::value_flag("--symbols", symbols),
        core::value_flag("--symbol-filter", symbols),
        core::value_flag("--iterations", [&o](std::string_view n, std::string_view v) {
            return store(o.iterations, parse_int<std::int64_t>(n, v, 0, INT64_MAX));
        }),
        path_flag("--report", o.report_path, true),
        path_flag("--html-report", o.html_report_path, true),
        core::switch_flag("--decision-timing", [&o](std::string_view, std::string_view) -> core::result<void> {
            o.decision_timing = true;
            return {};
        }),
        path_flag("--journal", o.journal_path, true),
        path_flag("--log", o.log_path, true),
        core::value_flag("--log-level", [&o](std::string_view, std::string_view v) -> core::result<void> {
            if (v != "DEBUG" && v != "INFO" && v != "WARN" && v != "ERROR") {
                return usage_error(fmt::format("--log-level: expected DEBUG, INFO, WARN or ERROR, got \"{}\"", v));
            }
            o.log_level = std::string(v);
            return {};
        }),
    };
}

/// --maker-only, --no-maker-only, --post-only-offset-bps, --min-qty-pad, --max-inv.
[[nodiscard]] inline std::vector<core::flag_spec> policy_flags(cli_options& o) {
    const auto maker_only = [&o](std::string_view n, std::string_view) -> core::result<void> {
        o.maker_only = n == "--maker-only";
        return {};
    };
    return {
        core::switch_flag("--maker-only", maker_only),
        core::switch_flag("--no-maker-only", maker_only),
        core::value_flag("--post-only-offset-bps", [&o](std::string_view n, std::string_view v) {
            return store(o.post_only_offset_bps, parse_decimal<core::bps>(n, v, true));
        }),
        core::value_flag("--min-qty-pad", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            auto d = parse_decimal<core::ratio>(n, v, false);
            if (d && *d < core::ratio::parse("1").value()) {
                return usage_error(fmt::format("{}: must be >= 1, got \"{}\"", n, v));
            }
            return store(o.min_qty_pad, std::move(d));
        }),
        core::value_flag("--max-inv", [&o](std::string_view n, std::string_view v) {
            return store(o.max_inv, parse_decimal<core::notional>(n, v, false));
        }),
    };
}

/// --obs, --obs-port, --obs-address, --feed, --speed, --ca-file, --record, --record-max-mb,
/// --kill-switch-file, --control-socket,
/// --stop-timeout-s, --clock-resync-s, --filters-refresh-s, --endpoint-override.
[[nodiscard]] inline std::vector<core::flag_spec> io_flags(cli_options& o) {
    return {
        core::switch_flag("--obs", [&o](std::string_view, std::string_view) -> core::result<void> {
            o.obs = true;
            return {};
        }),
        core::value_flag("--obs-port", [&o](std::string_view n, std::string_view v) {
            return store(o.obs_port, parse_int<std::uint16_t>(n, v, 0, 65535));
        }),
        core::value_flag("--obs-address", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            boost::system::error_code ec;
            (void)boost::asio::ip::make_address(std::string(v), ec);
            if (ec) return usage_error(fmt::format("{}: expected an IP address, got \"{}\"", n, v));
            o.obs_address = std::string(v);
            return {};
        }),
        core::value_flag("--feed", [&o](std::string_view, std::string_view v) -> core::result<void> {
            if (!is_live_feed(v) && !(v.starts_with("replay:") && v.size() > 7)) {
                return usage_error(fmt::format("--feed: expected \"replay:<path>\", \"live[:testnet][:spot]\" or "
                                               "\"wss://HOST[:PORT]/PATH\", got \"{}\"",
                                               v));
            }
            o.feed = std::string(v);
            return {};
        }),
        core::value_flag("--speed", [&o](std::string_view n, std::string_view v) {
            return store(o.speed, parse_decimal<core::ratio>(n, v, false));
        }),
        path_flag("--ca-file", o.ca_file, false),
        path_flag("--record", o.record_dir, false),
        core::value_flag("--record-max-mb", [&o](std::string_view n, std::string_view v) {
            return store(o.record_max_mb, parse_int<std::int64_t>(n, v, 1, 65536));
        }),
        path_flag("--kill-switch-file", o.kill_switch_file, false),
        path_flag("--control-socket", o.control_socket, false),
        core::value_flag("--stop-timeout-s", [&o](std::string_view n, std::string_view v) {
            return store(o.stop_timeout_s, parse_int<std::int64_t>(n, v, 1, 600));
        }),
        core::value_flag("--clock-resync-s", [&o](std::string_view n, std::string_view v) {
            return store(o.clock_resync_s, parse_int<std::int64_t>(n, v, 5, 3600));
        }),
        core::value_flag("--filters-refresh-s", [&o](std::string_view n, std::string_view v) {
            return store(o.filters_refresh_s, parse_int<std::int64_t>(n, v, 10, 86400));
        }),
        core::value_flag("--endpoint-override", [&o](std::string_view, std::string_view v) -> core::result<void> {
            if (v.find(':') == std::string_view::npos) {
                return usage_error(fmt::format("--endpoint-override: expected HOST:PORT, got \"{}\"", v));
            }
            o.endpoint_override = std::string(v);
            return {};
        }),
    };
}

/// --help (-h), --preflight, --i-understand-this-is-live.
[[nodiscard]] inline std::vector<core::flag_spec> mode_flags(cli_options& o) {
    const auto set = [](bool& b) {
        return [&b](std::string_view, std::string_view) -> core::result<void> {
            b = true;
            return {};
        };
    };
    return {
        core::switch_flag("--help", "-h", set(o.help)),
        core::switch_flag("--preflight", set(o.preflight)),
        core::switch_flag("--i-understand-this-is-live", set(o.live_acknowledged)),
    };
}

/// The bots' wording of a flag problem: the flag and the value it was given, quoted.
[[nodiscard]] inline core::error cli_problem(const core::flag_problem& p) {
    // A positional argument reads as an unknown flag here: the bots take none.
    if (p.kind == core::flag_problem_kind::positional) {
        return usage_error(fmt::format("unknown flag \"{}\" (see --help)", p.arg));
    }
    return usage_error(core::describe(p));
}

}  // namespace detail

/// Parses argv (without argv[0]). Errors (code "usage") name the flag and the value.
[[nodiscard]] inline core::result<cli_options> parse_cli(std::span<const std::string_view> args,
                                                         std::string_view default_config) {
    cli_options o;
    o.config_path = std::string(default_config);
    detail::cli_pending pending;
    std::vector<core::flag_spec> flags = detail::run_flags(o, pending);
    for (auto* group : {&detail::policy_flags, &detail::io_flags, &detail::mode_flags}) {
        for (auto& f : group(o)) flags.push_back(std::move(f));
    }
    auto ok = core::read_flags(args, {.flags = flags,
                                      .problem = detail::cli_problem,
                                      .seen = [&o](std::string_view n) { o.flags_given.emplace_back(n); }});
    if (!ok) return ok.error();
    if (pending.symbol_filter) {
        o.symbols = std::move(*pending.symbol_filter);
    } else if (pending.symbols) {
        o.symbols = std::move(*pending.symbols);
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
