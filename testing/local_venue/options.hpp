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
//   --help
// Both --flag VALUE and --flag=VALUE work. Errors (code local_usage) name the flag and the value;
// secrets never appear in them.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
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

struct venue_options {
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
    std::string config;
    std::vector<fault_rule> faults;
    std::uint64_t seed = 1;
    std::int64_t latency_ms = 0;
    core::ratio maker_fee = core::ratio::from_raw(20'000);   // 0.0002
    core::ratio taker_fee = core::ratio::from_raw(55'000);   // 0.00055
    bool rate_limits = true;
    bool help = false;
};

inline constexpr std::string_view usage_text = R"(usage: mmbot-local-venue [flags]
A local venue speaking Bybit's v5 REST and WebSocket protocol over TLS on 127.0.0.1.
  --port N                 port (0 = ephemeral, the default)
  --port-file PATH         write the chosen port there once listening
  --cert-out PATH          write the self-signed certificate (PEM) there
  --cert PATH --key PATH   use this certificate and key instead
  --api-key KEY            the API key accepted (with --api-secret-file)
  --api-secret-file PATH   file whose first line is the API secret
  --credentials-file PATH  {"api_key":..,"api_secret":..} or two lines: key, secret
  --capture PATH           capture to replay as market data
  --speed X                replay speed (default 1)
  --config PATH            instruments (mmbot config shape: symbols.<name>.filters)
  --fault SPEC             KIND:RATE[:COUNT] | delay_ms:MS[:RATE[:COUNT]]  (repeatable)
                           kinds: disconnect http_5xx rate_limit delay_ms drop_ws dup_ws ws_gap
  --seed N                 seed for fault draws (default 1)
  --latency-ms N           order placement/cancel latency (default 0)
  --maker-fee RATE         maker fee rate (default 0.0002)
  --taker-fee RATE         taker fee rate (default 0.00055)
  --no-rate-limit          never answer 10006
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

/// Parses argv[1..]. `--help` sets `help` and stops.
[[nodiscard]] inline core::result<venue_options> parse_options(std::span<const std::string_view> args) {
    venue_options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view flag = args[i];
        std::optional<std::string_view> inline_value;
        if (const auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        if (flag == "--help" || flag == "-h") {
            o.help = true;
            return o;
        }
        if (flag == "--no-rate-limit") {
            o.rate_limits = false;
            continue;
        }
        std::string_view v;
        if (inline_value) {
            v = *inline_value;
        } else if (i + 1 < args.size()) {
            v = args[++i];
        } else {
            return detail::usage_error(flag, flag.starts_with("--") ? "needs a value"
                                                                    : "unknown argument");
        }
        const auto text = [&](std::string& out) { out = std::string(v); };
        if (flag == "--port") {
            auto p = detail::int_flag<unsigned short>(flag, v, 0, 65535);
            if (!p) return p.error();
            o.port = *p;
        } else if (flag == "--port-file") {
            text(o.port_file);
        } else if (flag == "--cert-out") {
            text(o.cert_out);
        } else if (flag == "--cert") {
            text(o.cert);
        } else if (flag == "--key") {
            text(o.key);
        } else if (flag == "--api-key") {
            text(o.api_key);
        } else if (flag == "--api-secret-file") {
            text(o.api_secret_file);
        } else if (flag == "--credentials-file") {
            text(o.credentials_file);
        } else if (flag == "--capture") {
            text(o.capture);
        } else if (flag == "--config") {
            text(o.config);
        } else if (flag == "--speed" || flag == "--maker-fee" || flag == "--taker-fee") {
            auto r = core::ratio::parse(v);
            if (!r) return detail::usage_error(flag, r.error().message);
            if (flag == "--speed") {
                if (!r->is_positive()) {
                    return detail::usage_error(flag, fmt::format("must be > 0, got \"{}\"", v.substr(0, 40)));
                }
                o.speed = *r;
            } else {
                (flag == "--maker-fee" ? o.maker_fee : o.taker_fee) = *r;
            }
        } else if (flag == "--fault") {
            auto f = parse_fault_spec(v);
            if (!f) return detail::usage_error(flag, f.error().message);
            o.faults.push_back(std::move(*f));
        } else if (flag == "--seed") {
            auto s = detail::int_flag<std::uint64_t>(flag, v, 0, UINT64_MAX);
            if (!s) return s.error();
            o.seed = *s;
        } else if (flag == "--latency-ms") {
            auto l = detail::int_flag<std::int64_t>(flag, v, 0, 60'000);
            if (!l) return l.error();
            o.latency_ms = *l;
        } else {
            return detail::usage_error(flag, "unknown flag (see --help)");
        }
    }
    if (o.cert.empty() != o.key.empty()) {
        return detail::usage_error("--cert/--key", "give both or neither");
    }
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
