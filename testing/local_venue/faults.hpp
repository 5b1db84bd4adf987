// testing/local_venue/faults.hpp
//
// Fault injection for the local venue: what can go wrong with a request or a WebSocket message,
// how often, and for how many more occurrences. A test scripts faults through the admin endpoint
// (POST /admin/fault) or the binary takes them at start-up (--fault KIND:RATE[:COUNT]).
//
//   kind          applies to                         effect
//   disconnect    REST requests                      the connection is closed without a reply
//   http_5xx      REST requests                      HTTP 503, body "503 Service Unavailable"
//   rate_limit    REST requests                      HTTP 200, retCode 10006 "Too many visits!"
//   delay_ms      REST requests                      the reply is held back delay_ms first
//   drop_ws       private WebSocket pushes           the message is never sent
//   dup_ws        private WebSocket pushes           the message is sent twice
//   ws_gap        public orderbook deltas            one delta is skipped: an update-id gap
//
// A rule fires with probability `rate` (an exact decimal in [0, 1], read as parts per million)
// while it has `count` occurrences left (-1: forever). Draws come from one std::mt19937_64 seeded
// at start (--seed), and a rate of 1 draws nothing, so a seeded run, or any run whose rules all
// have rate 1, is repeatable. `path` restricts a REST rule to request targets starting with it.
//
//   fault_plan plan{42};
//   plan.add(parse_fault_spec("http_5xx:1:2").value());   // the next two requests get 503
//   auto d = plan.on_request("/v5/order/create");         // d.action == rest_fault::http_5xx
//
// Errors (code local_fault) name the field and the value: unknown kind, rate outside [0, 1] or
// not a plain decimal, count below -1, delay_ms outside 0..60000.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "testing/local_venue/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

enum class fault_kind : std::uint8_t { disconnect, http_5xx, rate_limit, delay, drop_ws, dup_ws, ws_gap };

namespace detail {
inline constexpr std::array<std::pair<std::string_view, fault_kind>, 7> fault_names{{
    {"disconnect", fault_kind::disconnect},
    {"http_5xx", fault_kind::http_5xx},
    {"rate_limit", fault_kind::rate_limit},
    {"delay_ms", fault_kind::delay},
    {"drop_ws", fault_kind::drop_ws},
    {"dup_ws", fault_kind::dup_ws},
    {"ws_gap", fault_kind::ws_gap},
}};
inline constexpr std::int64_t ppm_one = 1'000'000;
inline constexpr std::int64_t max_delay_ms = 60'000;
}  // namespace detail

[[nodiscard]] constexpr std::string_view to_string(fault_kind k) noexcept {
    for (const auto& [name, kind] : detail::fault_names) {
        if (kind == k) return name;
    }
    return "unknown";
}

[[nodiscard]] inline core::result<fault_kind> parse_fault_kind(std::string_view text) {
    for (const auto& [name, kind] : detail::fault_names) {
        if (name == text) return kind;
    }
    return core::make_error(
        errc::fault,
        fmt::format("kind: expected disconnect, http_5xx, rate_limit, delay_ms, drop_ws, dup_ws "
                    "or ws_gap, got \"{}\"",
                    text.substr(0, 40)));
}

struct fault_rule {
    fault_kind kind = fault_kind::disconnect;
    std::int64_t rate_ppm = detail::ppm_one;  ///< probability in parts per million
    std::int64_t count = -1;                  ///< occurrences left; -1 = unlimited
    std::int64_t delay_ms = 0;                ///< delay_ms only
    std::string path;                         ///< REST only: target prefix ("" = every request)
};

namespace detail {
/// "0.25" -> 250000 ppm, exactly (no binary floating point); [0, 1] only.
[[nodiscard]] inline core::result<std::int64_t> parse_rate(std::string_view text) {
    auto r = core::ratio::parse(text);
    if (!r) return core::make_error(errc::fault, fmt::format("rate: {}", r.error().message));
    const std::int64_t raw = r->raw();  // scale 8
    constexpr std::int64_t raw_per_ppm = 100;
    if (raw < 0 || raw > ppm_one * raw_per_ppm || raw % raw_per_ppm != 0) {
        return core::make_error(errc::fault,
                                fmt::format("rate: must be in [0, 1] with at most 6 fraction "
                                            "digits, got \"{}\"",
                                            text.substr(0, 40)));
    }
    return raw / raw_per_ppm;
}

[[nodiscard]] inline core::result<std::int64_t> parse_int(std::string_view field,
                                                         std::string_view text, std::int64_t lo,
                                                         std::int64_t hi) {
    std::int64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < lo ||
        v > hi) {
        return core::make_error(errc::fault, fmt::format("{}: expected an integer in {}..{}, "
                                                           "got \"{}\"",
                                                           field, lo, hi, text.substr(0, 40)));
    }
    return v;
}
}  // namespace detail

/// --fault KIND:RATE[:COUNT], or delay_ms:MS[:RATE[:COUNT]] ("delay_ms:200" = every request
/// 200 ms late; "disconnect:0.1" = one request in ten on average; "http_5xx:1:3" = the next 3).
[[nodiscard]] inline core::result<fault_rule> parse_fault_spec(std::string_view spec) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    fault_rule rule;
    auto kind = parse_fault_kind(parts[0]);
    if (!kind) return kind.error();
    rule.kind = *kind;
    std::size_t next = 1;
    if (rule.kind == fault_kind::delay) {
        if (parts.size() < 2) {
            return core::make_error(errc::fault,
                                    fmt::format("--fault {}: delay_ms needs a value (delay_ms:MS)",
                                                spec.substr(0, 60)));
        }
        auto ms = detail::parse_int("delay_ms", parts[1], 0, detail::max_delay_ms);
        if (!ms) return ms.error();
        rule.delay_ms = *ms;
        next = 2;
    } else if (parts.size() < 2) {
        return core::make_error(errc::fault, fmt::format("--fault {}: expected KIND:RATE[:COUNT]",
                                                           spec.substr(0, 60)));
    }
    if (parts.size() > next) {
        auto rate = detail::parse_rate(parts[next]);
        if (!rate) return rate.error();
        rule.rate_ppm = *rate;
    }
    if (parts.size() > next + 1) {
        auto count = detail::parse_int("count", parts[next + 1], -1, INT64_MAX);
        if (!count) return count.error();
        rule.count = *count;
    }
    if (parts.size() > next + 2) {
        return core::make_error(errc::fault, fmt::format("--fault {}: too many ':' fields",
                                                           spec.substr(0, 60)));
    }
    return rule;
}

/// The admin endpoint's body: {"kind":"http_5xx","rate":"0.5","count":3,"delay_ms":200,
/// "path":"/v5/order/create"}; only "kind" is required (rate defaults to 1, count to -1).
/// {"clear":true} is handled by the caller.
[[nodiscard]] inline core::result<fault_rule> parse_fault_json(const boost::json::object& o) {
    fault_rule rule;
    const auto* kind = o.if_contains("kind");
    if (kind == nullptr || !kind->is_string()) {
        return core::make_error(errc::fault, "kind: missing or not a string");
    }
    auto k = parse_fault_kind(kind->get_string());
    if (!k) return k.error();
    rule.kind = *k;
    if (const auto* rate = o.if_contains("rate")) {
        if (!rate->is_string() && !rate->is_int64()) {
            return core::make_error(errc::fault, "rate: expected a decimal string like \"0.5\"");
        }
        const std::string text = rate->is_string() ? std::string(rate->get_string())
                                                   : std::to_string(rate->get_int64());
        auto r = detail::parse_rate(text);
        if (!r) return r.error();
        rule.rate_ppm = *r;
    }
    const auto int_field = [&](std::string_view key, std::int64_t lo, std::int64_t hi,
                               std::int64_t& out) -> core::result<void> {
        const auto* v = o.if_contains(key);
        if (v == nullptr) return {};
        if (!v->is_int64() || v->get_int64() < lo || v->get_int64() > hi) {
            return core::make_error(errc::fault,
                                    fmt::format("{}: expected an integer in {}..{}, got {}", key,
                                                lo, hi, boost::json::serialize(*v).substr(0, 40)));
        }
        out = v->get_int64();
        return {};
    };
    if (auto ok = int_field("count", -1, INT64_MAX, rule.count); !ok) return ok.error();
    if (auto ok = int_field("delay_ms", 0, detail::max_delay_ms, rule.delay_ms); !ok) {
        return ok.error();
    }
    if (const auto* path = o.if_contains("path")) {
        if (!path->is_string()) return core::make_error(errc::fault, "path: expected a string");
        rule.path = std::string(path->get_string());
    }
    return rule;
}

/// What to do to one REST request.
enum class rest_fault : std::uint8_t { none, disconnect, http_5xx, rate_limit };

struct request_faults {
    rest_fault action = rest_fault::none;
    std::int64_t delay_ms = 0;
};

/// Counts of faults injected so far (GET /admin/fault reports them).
struct fault_counts {
    std::int64_t disconnects = 0;
    std::int64_t http_5xx = 0;
    std::int64_t rate_limits = 0;
    std::int64_t delays = 0;
    std::int64_t dropped_ws = 0;
    std::int64_t duplicated_ws = 0;
    std::int64_t ws_gaps = 0;
};

/// The active rules. Single-threaded: the server calls it from its one I/O thread.
class fault_plan {
public:
    explicit fault_plan(std::uint64_t seed = 0) : rng_(seed) {}

    void add(fault_rule r) { rules_.push_back(std::move(r)); }
    void clear() { rules_.clear(); }
    [[nodiscard]] const std::vector<fault_rule>& rules() const noexcept { return rules_; }
    [[nodiscard]] const fault_counts& counts() const noexcept { return counts_; }

    /// Decides the fate of one REST request to `target`: the first matching disconnect /
    /// http_5xx / rate_limit rule that fires wins; every delay rule that fires adds its delay.
    [[nodiscard]] request_faults on_request(std::string_view target) {
        request_faults out;
        for (auto& r : rules_) {
            if (r.kind == fault_kind::drop_ws || r.kind == fault_kind::dup_ws ||
                r.kind == fault_kind::ws_gap) {
                continue;
            }
            if (!target.starts_with(r.path)) continue;
            if (r.kind == fault_kind::delay) {
                if (fire(r)) {
                    out.delay_ms += r.delay_ms;
                    ++counts_.delays;
                }
                continue;
            }
            if (out.action != rest_fault::none || !fire(r)) continue;
            switch (r.kind) {
                case fault_kind::disconnect: out.action = rest_fault::disconnect; ++counts_.disconnects; break;
                case fault_kind::http_5xx: out.action = rest_fault::http_5xx; ++counts_.http_5xx; break;
                default: out.action = rest_fault::rate_limit; ++counts_.rate_limits; break;
            }
        }
        prune();
        return out;
    }

    /// How many copies of one private WebSocket push to send: 0 (drop_ws), 1, or 2 (dup_ws).
    [[nodiscard]] int private_copies() {
        int copies = 1;
        for (auto& r : rules_) {
            if (r.kind == fault_kind::drop_ws && copies == 1 && fire(r)) {
                copies = 0;
                ++counts_.dropped_ws;
            } else if (r.kind == fault_kind::dup_ws && copies == 1 && fire(r)) {
                copies = 2;
                ++counts_.duplicated_ws;
            }
        }
        prune();
        return copies;
    }

    /// Whether to skip one public orderbook delta (a sequence gap for every subscriber).
    [[nodiscard]] bool public_gap() {
        bool gap = false;
        for (auto& r : rules_) {
            if (r.kind == fault_kind::ws_gap && !gap && fire(r)) {
                gap = true;
                ++counts_.ws_gaps;
            }
        }
        prune();
        return gap;
    }

private:
    /// Draws for one occurrence; rate 1 and rate 0 draw nothing (repeatable without a seed).
    [[nodiscard]] bool fire(fault_rule& r) {
        if (r.count == 0) return false;
        bool hit = r.rate_ppm >= detail::ppm_one;
        if (!hit && r.rate_ppm > 0) {
            std::uniform_int_distribution<std::int64_t> d(0, detail::ppm_one - 1);
            hit = d(rng_) < r.rate_ppm;
        }
        if (hit && r.count > 0) --r.count;
        return hit;
    }
    void prune() {
        std::erase_if(rules_, [](const fault_rule& r) { return r.count == 0; });
    }

    std::vector<fault_rule> rules_;
    std::mt19937_64 rng_;
    fault_counts counts_;
};

}  // namespace mmbot::venue::local
