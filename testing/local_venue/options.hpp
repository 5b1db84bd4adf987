// testing/local_venue/options.hpp
//
// Command-line flags of mmbot-local-venue (docs/local-venue.md lists them with examples).
//
//   --port N                 TCP port on 127.0.0.1 (0, the default: ephemeral)
//   --port-file PATH         write the chosen port there (one line), once listening
//   --cert-out PATH          write the self-signed certificate (PEM) there for clients to trust
//   --cert PATH --key PATH   use this certificate chain and key instead of making one
//   --api-key KEY            the API key the venue accepts (with --api-secret-file)
//   --api-secret-file PATH   file holding the API secret (first line)
//   --credentials-file PATH  or both at once: {"api_key":..,"api_secret":..} or two lines
//   --capture PATH           capture replayed as public market data (fills come from it)
//   --speed X                replay speed, an exact decimal > 0 (default 1)
//   --config PATH            instruments: "symbols.<name>.filters" objects (mmbot config shape)
//   --fault SPEC             KIND:RATE[:COUNT] or delay_ms:MS[:RATE[:COUNT]]; repeatable
//   --seed N                 seed of the fault draws (default 1)
//   --latency-ms N           matching-engine placement / cancel latency (default 0)
//   --maker-fee RATE         maker fee rate (default 0.0002; negative = rebate)
//   --taker-fee RATE         taker fee rate (default 0.00055)
//   --no-rate-limit          answer every request (the headers are still sent)
//   --balance COIN:AMOUNT    the account's coins before any fill (repeatable; default USDT:100000)
//   --state PATH             trading state saved there at SIGTERM/SIGINT, restored from it at start
//   --help
// Both --flag VALUE and --flag=VALUE work. Errors (code local_usage) name the flag and the value;
// secrets never appear in them.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/flags.hpp"
#include "mmbot/core/units.hpp"
#include "testing/local_venue/account.hpp"
#include "testing/local_venue/errors.hpp"
#include "testing/local_venue/faults.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mmbot::venue::local {

/// The wire protocol the venue speaks (--protocol): one matching core, accounts, faults and state
/// behind either front end.
enum class wire_protocol : std::uint8_t { bybit, binance };

struct venue_options {
    wire_protocol protocol = wire_protocol::bybit;
    /// --listen-key-ttl-s: a Binance listenKey not kept alive for this long expires (Binance: 60 min).
    std::int64_t listen_key_ttl_s = 3600;
    unsigned short port = 0;
    std::string port_file;
    std::string cert_out;
    std::string cert;
    std::string key;
    std::string api_key;
    std::string api_secret_file;
    std::string credentials_file;
    std::string capture;
    core::ratio speed = core::ratio::from_raw(100'000'000);  // 1
    /// --loop: replay the capture over and over, ids and times kept increasing.
    bool loop = false;
    std::string config;
    std::vector<fault_rule> faults;
    std::uint64_t seed = 1;
    std::int64_t latency_ms = 0;
    core::ratio maker_fee = core::ratio::from_raw(20'000);   // 0.0002
    core::ratio taker_fee = core::ratio::from_raw(55'000);   // 0.00055
    bool rate_limits = true;
    /// --balance: empty means account::default_start().
    std::vector<coin_balance> balances;
    /// --state: where the trading state is saved at the stop and read at the start ("" none).
    std::string state;
    bool help = false;
};

inline constexpr std::string_view usage_text = R"(usage: mmbot-local-venue [flags]
A local venue speaking Bybit's v5 (or Binance USD-M's) REST and WebSocket protocol over TLS on
127.0.0.1.
  --protocol P             bybit (the default) or binance (USD-M futures: /fapi, /ws, /stream)
  --listen-key-ttl-s N     binance: a listenKey not kept alive for N s expires (default 3600)
  --port N                 port (0 = ephemeral, the default)
  --port-file PATH         write the chosen port there once listening
  --cert-out PATH          write the self-signed certificate (PEM) there
  --cert PATH --key PATH   use this certificate and key instead
  --api-key KEY            the API key accepted (with --api-secret-file)
  --api-secret-file PATH   file whose first line is the API secret
  --credentials-file PATH  {"api_key":..,"api_secret":..} or two lines: key, secret
  --capture PATH           capture to replay as market data
  --speed X                replay speed (default 1)
  --loop                   start the capture over at its end, for ever (update ids, sequences and
                           trade ids keep increasing; needs --capture)
  --config PATH            instruments (mmbot config shape: symbols.<name>.filters)
  --fault SPEC             KIND:RATE[:COUNT] | delay_ms:MS[:RATE[:COUNT]]  (repeatable)
                           kinds: disconnect http_5xx rate_limit delay_ms drop_ws dup_ws ws_gap
  --seed N                 seed for fault draws (default 1)
  --latency-ms N           order placement/cancel latency (default 0)
  --maker-fee RATE         maker fee rate (default 0.0002)
  --taker-fee RATE         taker fee rate (default 0.00055)
  --no-rate-limit          never refuse for rate (10006; binance: 429 -1003)
  --balance COIN:AMOUNT    a coin's balance before any fill (repeatable; default USDT:100000)
  --state PATH             save orders, executions, positions and balances there at SIGTERM/SIGINT;
                           restore them from it at start when it exists
See docs/local-venue.md.
)";

namespace detail {
[[nodiscard]] inline core::error usage_error(std::string_view flag, std::string_view why) {
    return core::make_error(errc::usage, fmt::format("{}: {}", flag, why));
}

template <class Int>
[[nodiscard]] core::result<Int> int_flag(std::string_view flag, std::string_view v, Int lo, Int hi) {
    Int n{};
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < lo || n > hi) {
        return usage_error(flag, fmt::format("expected an integer in {}..{}, got \"{}\"", lo, hi,
                                             v.substr(0, 40)));
    }
    return n;
}
}  // namespace detail

namespace detail {

/// A flag whose value is kept as text.
[[nodiscard]] inline core::flag_spec text_flag(std::string_view name, std::string& out) {
    return core::value_flag(name, [&out](std::string_view, std::string_view v) -> core::result<void> {
        out = std::string(v);
        return {};
    });
}

/// A flag whose value is an exact decimal ratio; `positive` refuses 0 and below.
[[nodiscard]] inline core::flag_spec ratio_flag(std::string_view name, core::ratio& out, bool positive) {
    return core::value_flag(name, [&out, positive](std::string_view n, std::string_view v) -> core::result<void> {
        auto r = core::ratio::parse(v);
        if (!r) return usage_error(n, r.error().message);
        if (positive && !r->is_positive()) return usage_error(n, fmt::format("must be > 0, got \"{}\"", v.substr(0, 40)));
        out = *r;
        return {};
    });
}

template <class Int>
[[nodiscard]] core::flag_spec int_flag_spec(std::string_view name, Int& out, Int lo, Int hi) {
    return core::value_flag(name, [&out, lo, hi](std::string_view n, std::string_view v) -> core::result<void> {
        auto i = int_flag<Int>(n, v, lo, hi);
        if (!i) return i.error();
        out = *i;
        return {};
    });
}

/// --balance COIN:AMOUNT: an upper-case coin name (letters and digits) and an exact decimal.
[[nodiscard]] inline core::result<coin_balance> parse_balance(std::string_view flag, std::string_view v) {
    const auto colon = v.find(':');
    const std::string_view coin = v.substr(0, colon);
    const bool coin_ok = !coin.empty() && coin.size() <= 16 &&
                         coin.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string_view::npos;
    if (colon == std::string_view::npos || !coin_ok) {
        return usage_error(flag, fmt::format("expected COIN:AMOUNT (e.g. USDT:100000), got \"{}\"", v.substr(0, 40)));
    }
    auto amount = core::notional::parse(v.substr(colon + 1));
    if (!amount) return usage_error(flag, fmt::format("{}: {}", coin, amount.error().message));
    return coin_balance{std::string(coin), *amount, {}};
}

[[nodiscard]] inline std::vector<core::flag_spec> venue_flags(venue_options& o) {
    return {
        core::flag_spec{.name = "--help", .alias = "-h", .arity = core::flag_arity::none,
                        .apply = [&o](std::string_view, std::string_view) -> core::result<void> {
                            o.help = true;
                            return {};
                        },
                        .stops = true},
        core::switch_flag("--loop", [&o](std::string_view, std::string_view) -> core::result<void> {
            o.loop = true;
            return {};
        }),
        core::switch_flag("--no-rate-limit", [&o](std::string_view, std::string_view) -> core::result<void> {
            o.rate_limits = false;
            return {};
        }),
        int_flag_spec<unsigned short>("--port", o.port, 0, 65535),
        text_flag("--port-file", o.port_file),
        text_flag("--cert-out", o.cert_out),
        text_flag("--cert", o.cert),
        text_flag("--key", o.key),
        text_flag("--api-key", o.api_key),
        text_flag("--api-secret-file", o.api_secret_file),
        text_flag("--credentials-file", o.credentials_file),
        text_flag("--capture", o.capture),
        text_flag("--config", o.config),
        text_flag("--state", o.state),
        ratio_flag("--speed", o.speed, true),
        ratio_flag("--maker-fee", o.maker_fee, false),
        ratio_flag("--taker-fee", o.taker_fee, false),
        core::value_flag("--fault", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            auto f = parse_fault_spec(v);
            if (!f) return usage_error(n, f.error().message);
            o.faults.push_back(std::move(*f));
            return {};
        }),
        core::value_flag("--balance", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            auto b = parse_balance(n, v);
            if (!b) return b.error();
            o.balances.push_back(std::move(*b));
            return {};
        }),
        core::value_flag("--protocol", [&o](std::string_view n, std::string_view v) -> core::result<void> {
            if (v == "bybit") {
                o.protocol = wire_protocol::bybit;
            } else if (v == "binance") {
                o.protocol = wire_protocol::binance;
            } else {
                return usage_error(n, fmt::format("expected bybit or binance, got \"{}\"", v.substr(0, 40)));
            }
            return {};
        }),
        int_flag_spec<std::int64_t>("--listen-key-ttl-s", o.listen_key_ttl_s, 1, 86'400),
        int_flag_spec<std::uint64_t>("--seed", o.seed, 0, UINT64_MAX),
        int_flag_spec<std::int64_t>("--latency-ms", o.latency_ms, 0, 60'000),
    };
}

[[nodiscard]] inline core::error venue_problem(const core::flag_problem& p) {
    switch (p.kind) {
        case core::flag_problem_kind::missing_value: return usage_error(p.name, "needs a value");
        case core::flag_problem_kind::unexpected_value: return usage_error(p.name, "takes no value");
        case core::flag_problem_kind::unknown_flag: return usage_error(p.name, "unknown flag (see --help)");
        case core::flag_problem_kind::positional: break;
    }
    return usage_error(p.arg, "unknown argument");
}

}  // namespace detail

/// Parses argv[1..]. `--help` sets `help` and stops.
[[nodiscard]] inline core::result<venue_options> parse_options(std::span<const std::string_view> args) {
    venue_options o;
    const std::vector<core::flag_spec> flags = detail::venue_flags(o);
    if (auto ok = core::read_flags(args, {.flags = flags, .problem = detail::venue_problem}); !ok) {
        return ok.error();
    }
    if (o.help) return o;
    if (o.cert.empty() != o.key.empty()) {
        return detail::usage_error("--cert/--key", "give both or neither");
    }
    if (o.loop && o.capture.empty()) return detail::usage_error("--loop", "needs --capture");
    const bool split = !o.api_key.empty() || !o.api_secret_file.empty();
    if (split && (o.api_key.empty() || o.api_secret_file.empty())) {
        return detail::usage_error("--api-key/--api-secret-file", "give both");
    }
    if (split == !o.credentials_file.empty()) {
        return detail::usage_error("--credentials-file",
                                   "give either --credentials-file or --api-key with "
                                   "--api-secret-file");
    }
    return o;
}

}  // namespace mmbot::venue::local
