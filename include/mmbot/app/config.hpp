// mmbot/app/config.hpp
//
// The bot's configuration file (configs/<env>.json): loaded once at start and again on hot
// reload, validated completely before anything uses it. Every error names the field's path and
// the value ("symbols.BTCUSDT.risk.max_loss: must be >= 0, got \"-5\""). Decimals are JSON strings;
// unknown keys are errors. docs/config.md documents every field.
//
//   auto cfg = mmbot::app::load_config_file("configs/shadow.json");
//   if (!cfg) { fmt::print(stderr, "{}\n", cfg.error().message); return exit_code::config; }
#pragma once

#include "mmbot/app/detail/json_reader.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/filters.hpp"
#include "mmbot/core/number_text.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/policy/maker_policy.hpp"
#include "mmbot/risk/limits.hpp"
#include "mmbot/risk/portfolio.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <optional>
#include <string>
#include <utility>
#include <system_error>
#include <string_view>

namespace mmbot::app {

/// How the quoter prices one symbol (mapped onto mmbot::strategy's parameters).
struct strategy_config {
    std::string fair_price = "mid";  ///< "mid" or "microprice"
    std::string quote_from = "fair";  ///< "fair" or "touch" (optional; strategy::quote_reference)
    core::bps half_spread_bps;
    core::quantity order_qty;
    core::bps skew_bps_at_max;
    core::quantity max_position;
    core::bps requote_threshold_bps;
    std::chrono::milliseconds max_quote_age{5000};
};

struct symbol_config {
    /// The exchange filters. testnet/live: the venue's (app/venue_filters.hpp), or the config's
    /// where it states them, which must then be at least as strict; shadow: the config's.
    core::instrument_filters filters;
    /// The config states "filters" for this symbol (always in shadow, which asks no venue).
    bool filters_from_config = true;
    strategy_config strategy;
    risk::symbol_limits limits;
};

struct journal_config {
    std::string path;
    std::string fsync = "every_record";  ///< every_record | interval | none
    std::chrono::milliseconds fsync_interval{100};
};

struct sim_config {
    core::ratio maker_fee_rate;               ///< negative = rebate
    std::chrono::milliseconds latency{20};    ///< decision -> live on the simulated book
    /// Optional order-entry outage (venue_outage scenario): venue::sim::venue_config.
    std::chrono::milliseconds outage_after{0};
    std::chrono::milliseconds outage_for{0};
};

/// The optional "portfolio" section: this process is one shard of a deployment coordinated through
/// Redis (docs/deploy.md). Absent: the bot is not a shard and behaves as without it.
struct portfolio_config {
    std::string shard;  ///< 1-6 of [a-z0-9]: it goes into every client order id
    std::string venue;  ///< where this shard trades, as published (default "bybit-<environment>")
    std::string redis_host = "127.0.0.1";
    std::int64_t redis_port = 6379;
    std::string redis_namespace = "mmbot";
    std::chrono::milliseconds lease{10'000};
    std::chrono::milliseconds publish_interval{100};
    /// The limits across shards; limits.grace is the config's grace_ms (default 5000, < lease).
    risk::portfolio_limits limits;
};

struct config {
    std::string environment;  ///< must match the binary: shadow | testnet | live
    policy::maker_params maker;
    journal_config journal;
    risk::global_limits global_limits;
    std::chrono::milliseconds freeze_cool_down{0};  ///< 0: only an operator unfreezes
    sim_config sim;
    /// Sorted by symbol, so every iteration (and the report) is deterministic.
    std::map<std::string, symbol_config, std::less<>> symbols;
    std::optional<portfolio_config> portfolio;
};

namespace detail {

/// The first JSON number with a fraction or an exponent in `v` ("maker.post_only_offset_bps",
/// "sim.outages[0].x"), nullopt when there is none. No config field takes one: decimals are
/// strings, counts and durations integers. Refused before the typed reads so that the example in
/// the message is the number as a plain decimal ("1.5"), never the parser's "1.5E0".
[[nodiscard]] inline std::optional<std::pair<std::string, double>> first_float_number(
    const boost::json::value& v, const std::string& path) {
    if (v.is_double()) return std::pair{path, v.get_double()};
    if (v.is_object()) {
        for (const auto& kv : v.get_object()) {
            auto inner = path.empty() ? std::string(kv.key()) : fmt::format("{}.{}", path, kv.key());
            if (auto f = first_float_number(kv.value(), inner)) return f;
        }
    }
    if (v.is_array()) {
        const auto& arr = v.get_array();
        for (std::size_t i = 0; i < arr.size(); ++i) {
            if (auto f = first_float_number(arr[i], fmt::format("{}[{}]", path, i))) return f;
        }
    }
    return std::nullopt;
}

/// Reads a required field into `out`, remembering the first failure (keeps the parsers flat).
class field_sink {
public:
    template <class T>
    void take(core::result<T> r, T& out) {
        if (failed()) return;
        if (r) {
            out = std::move(*r);
        } else {
            error_ = r.error();
        }
    }
    void fail(core::error e) {
        if (!failed()) error_ = std::move(e);
    }
    [[nodiscard]] bool failed() const noexcept { return !error_.code.empty(); }
    [[nodiscard]] const core::error& error() const noexcept { return error_; }

    /// The object `key` of `parent`, holding none but `keys`; nothing when it is missing, not an
    /// object or has another key (that failure taken).
    [[nodiscard]] std::optional<json_reader> section(const json_reader& parent, std::string_view key,
                                                     std::initializer_list<std::string_view> keys) {
        auto object = parent.object(key);
        if (!object) {
            fail(object.error());
            return std::nullopt;
        }
        if (auto e = object->only_keys(keys)) {
            fail(*e);
            return std::nullopt;
        }
        return std::move(*object);
    }

private:
    core::error error_;
};

inline void read_filters(const json_reader& r, const std::string& symbol, field_sink& sink,
                         core::instrument_filters& out) {
    if (auto e = r.only_keys({"tick_size", "qty_step", "min_qty", "max_qty", "min_notional",
                              "min_price", "max_price"})) {
        return sink.fail(*e);
    }
    std::string tick, step, min_qty, max_qty, min_notional, min_price, max_price;
    sink.take(r.string("tick_size"), tick);
    sink.take(r.string("qty_step"), step);
    sink.take(r.string("min_qty"), min_qty);
    sink.take(r.string("max_qty"), max_qty);
    sink.take(r.string("min_notional"), min_notional);
    sink.take(r.string("min_price"), min_price);
    sink.take(r.string("max_price"), max_price);
    if (sink.failed()) return;
    auto f = core::make_filters({symbol, tick, step, min_qty, max_qty, min_notional, min_price,
                                  max_price});
    if (!f) {
        return sink.fail(core::make_error(errc::invalid_config,
                                          fmt::format("{}: {}", r.path(), f.error().message)));
    }
    out = *f;
}

inline void read_strategy(const json_reader& r, field_sink& sink, strategy_config& out) {
    if (auto e = r.only_keys({"fair_price", "quote_from", "half_spread_bps", "order_qty",
                              "skew_bps_at_max", "max_position", "requote_threshold_bps",
                              "max_quote_age_ms"})) {
        return sink.fail(*e);
    }
    sink.take(r.choice("fair_price", {"mid", "microprice"}), out.fair_price);
    // Optional: configs written before the touch reference keep quoting from the fair price.
    if (r.has("quote_from")) sink.take(r.choice("quote_from", {"fair", "touch"}), out.quote_from);
    sink.take(r.decimal<core::bps>("half_spread_bps"), out.half_spread_bps);
    sink.take(r.decimal<core::quantity>("order_qty"), out.order_qty);
    sink.take(r.decimal<core::bps>("skew_bps_at_max"), out.skew_bps_at_max);
    sink.take(r.decimal<core::quantity>("max_position"), out.max_position);
    sink.take(r.decimal<core::bps>("requote_threshold_bps"), out.requote_threshold_bps);
    sink.take(r.millis("max_quote_age_ms", 1, 86'400'000), out.max_quote_age);
    if (sink.failed()) return;
    const auto non_negative = [&](std::string_view key, bool ok, const auto& v) {
        if (!ok) sink.fail(r.fail(key, fmt::format("must be > 0, got \"{}\"", v)));
    };
    non_negative("half_spread_bps", !out.half_spread_bps.is_negative(), out.half_spread_bps);
    non_negative("order_qty", out.order_qty.is_positive(), out.order_qty);
    non_negative("max_position", out.max_position.is_positive(), out.max_position);
    non_negative("skew_bps_at_max", !out.skew_bps_at_max.is_negative(), out.skew_bps_at_max);
    non_negative("requote_threshold_bps", !out.requote_threshold_bps.is_negative(),
                 out.requote_threshold_bps);
}

inline void read_symbol_limits(const json_reader& r, field_sink& sink, risk::symbol_limits& out) {
    if (auto e = r.only_keys({"max_position_qty", "max_position_notional", "max_loss",
                              "edge_floor_bps", "stale_after_ms", "max_order_notional",
                              "price_band_bps", "canary_max_inventory_notional"})) {
        return sink.fail(*e);
    }
    sink.take(r.decimal<core::quantity>("max_position_qty"), out.max_position_qty);
    sink.take(r.decimal<core::notional>("max_position_notional"), out.max_position_notional);
    sink.take(r.decimal<core::notional>("max_loss"), out.max_loss);
    sink.take(r.decimal<core::bps>("edge_floor_bps"), out.edge_floor_bps);
    std::chrono::milliseconds stale{};
    sink.take(r.millis("stale_after_ms", 1, 3'600'000), stale);
    out.stale_after = stale;
    sink.take(r.decimal<core::notional>("max_order_notional"), out.max_order_notional);
    sink.take(r.decimal<core::bps>("price_band_bps"), out.price_band_bps);
    // Optional: only the live binary requires it (checked against the environment below).
    if (r.has("canary_max_inventory_notional")) {
        sink.take(r.decimal<core::notional>("canary_max_inventory_notional"),
                  out.canary_max_inventory_notional);
    }
    if (sink.failed()) return;
    const auto positive = [&](std::string_view key, bool ok, const auto& v) {
        if (!ok) sink.fail(r.fail(key, fmt::format("must be > 0, got \"{}\"", v)));
    };
    positive("max_position_qty", out.max_position_qty.is_positive(), out.max_position_qty);
    positive("max_position_notional", out.max_position_notional.is_positive(),
             out.max_position_notional);
    positive("max_loss", out.max_loss.is_positive(), out.max_loss);
    positive("max_order_notional", out.max_order_notional.is_positive(), out.max_order_notional);
    positive("price_band_bps", out.price_band_bps.is_positive(), out.price_band_bps);
    positive("canary_max_inventory_notional", out.canary_max_inventory_notional.is_positive(),
             out.canary_max_inventory_notional);
    if (out.edge_floor_bps.is_negative()) {
        sink.fail(r.fail("edge_floor_bps", fmt::format("must be >= 0, got \"{}\"", out.edge_floor_bps)));
    }
}

}  // namespace detail

namespace detail {

/// What can be checked without a price that one order of strategy.order_qty can trade: it meets
/// filters.min_qty x maker.min_qty_pad (else every order is blocked for min_qty), fits
/// filters.max_qty, risk.max_position_qty and strategy.max_position, and the notional caps are at
/// least filters.min_notional. The check at a price is preflight::check_order_fits.
[[nodiscard]] inline std::optional<core::error> order_cannot_trade(const std::string& name,
                                                                   const symbol_config& sc,
                                                                   const policy::maker_params& maker) {
    const auto& q = sc.strategy.order_qty;
    const auto& f = sc.filters;
    const auto bad = [&](std::string_view what) {
        return core::make_error(errc::invalid_config,
                                fmt::format("symbols.{}.strategy.order_qty: {} cannot trade: {}", name, q, what));
    };
    const auto padded = core::mul(f.min_qty, maker.min_qty_pad, core::rounding::up);
    if (q < padded) {
        return bad(fmt::format("below filters.min_qty {} x maker.min_qty_pad {} = {}", f.min_qty,
                               maker.min_qty_pad, padded));
    }
    if (q > f.max_qty) return bad(fmt::format("above filters.max_qty {}", f.max_qty));
    if (q > sc.limits.max_position_qty) {
        return bad(fmt::format("above risk.max_position_qty {}", sc.limits.max_position_qty));
    }
    if (q > sc.strategy.max_position) {
        return bad(fmt::format("above strategy.max_position {}", sc.strategy.max_position));
    }
    for (const auto& [field, cap] : {std::pair{"max_order_notional", sc.limits.max_order_notional},
                                     std::pair{"max_position_notional", sc.limits.max_position_notional},
                                     std::pair{"canary_max_inventory_notional",
                                               sc.limits.canary_max_inventory_notional}}) {
        if (cap < f.min_notional) {
            return bad(fmt::format("risk.{} {} is below filters.min_notional {}", field, cap, f.min_notional));
        }
    }
    return std::nullopt;
}

/// The "maker" object: post_only_offset_bps >= 0, min_qty_pad >= 1.
inline void read_maker(const json_reader& root, field_sink& sink, config& c) {
    if (const auto maker = sink.section(root, "maker", {"maker_only", "post_only_offset_bps", "min_qty_pad"})) {
        sink.take(maker->boolean("maker_only"), c.maker.maker_only);
        sink.take(maker->decimal<core::bps>("post_only_offset_bps"), c.maker.post_only_offset_bps);
        sink.take(maker->decimal<core::ratio>("min_qty_pad"), c.maker.min_qty_pad);
        if (!sink.failed() && c.maker.post_only_offset_bps.is_negative()) {
            sink.fail(maker->fail("post_only_offset_bps", fmt::format("must be >= 0, got \"{}\"", c.maker.post_only_offset_bps)));
        }
        if (!sink.failed() && c.maker.min_qty_pad < core::ratio::parse("1").value()) {
            sink.fail(maker->fail("min_qty_pad", fmt::format("must be >= 1, got \"{}\"", c.maker.min_qty_pad)));
        }
    }
}

/// The "journal" object: a non-empty path; fsync_interval_ms is optional.
inline void read_journal(const json_reader& root, field_sink& sink, config& c) {
    if (const auto j = sink.section(root, "journal", {"path", "fsync", "fsync_interval_ms"})) {
        sink.take(j->string("path"), c.journal.path);
        sink.take(j->choice("fsync", {"every_record", "interval", "none"}), c.journal.fsync);
        if (j->has("fsync_interval_ms")) {
            sink.take(j->millis("fsync_interval_ms", 1, 60'000), c.journal.fsync_interval);
        }
        if (!sink.failed() && c.journal.path.empty()) sink.fail(j->fail("path", "must not be empty"));
    }
}

/// The "risk" object (the limits over all symbols): max_total_loss > 0; max_unanswered_ms optional.
inline void read_risk(const json_reader& root, field_sink& sink, config& c) {
    if (const auto rk = sink.section(root, "risk", {"max_total_loss", "max_orders_per_second", "max_ack_latency_ms",
                                                    "max_unanswered_ms", "ack_latency_window",
                                                    "freeze_cool_down_ms"})) {
        sink.take(rk->decimal<core::notional>("max_total_loss"), c.global_limits.max_total_loss);
        sink.take(rk->integer("max_orders_per_second", 1, 10'000), c.global_limits.max_orders_per_second);
        std::chrono::milliseconds ack{};
        sink.take(rk->millis("max_ack_latency_ms", 1, 600'000), ack);
        c.global_limits.max_ack_latency = ack;
        if (rk->has("max_unanswered_ms")) {  // optional: default 10000 (risk/limits.hpp)
            std::chrono::milliseconds unanswered{};
            sink.take(rk->millis("max_unanswered_ms", 1, 600'000), unanswered);
            c.global_limits.max_unanswered = unanswered;
        }
        sink.take(rk->integer("ack_latency_window", 1, 1024), c.global_limits.ack_latency_window);
        sink.take(rk->millis("freeze_cool_down_ms", 0, 86'400'000), c.freeze_cool_down);
        if (!sink.failed() && !c.global_limits.max_total_loss.is_positive()) {
            sink.fail(rk->fail("max_total_loss", fmt::format("must be > 0, got \"{}\"", c.global_limits.max_total_loss)));
        }
    }
}

/// The "sim" object; "outage" is optional (no outage unless asked for).
inline void read_sim(const json_reader& root, field_sink& sink, config& c) {
    if (const auto s = sink.section(root, "sim", {"maker_fee_rate", "latency_ms", "outage"})) {
        sink.take(s->decimal<core::ratio>("maker_fee_rate"), c.sim.maker_fee_rate);
        sink.take(s->millis("latency_ms", 0, 60'000), c.sim.latency);
        if (!s->has("outage")) return;  // optional: no outage unless asked for
        if (const auto o = sink.section(*s, "outage", {"after_ms", "duration_ms"})) {
            sink.take(o->millis("after_ms", 0, 86'400'000), c.sim.outage_after);
            sink.take(o->millis("duration_ms", 1, 86'400'000), c.sim.outage_for);
        }
    }
}

/// The optional "portfolio" object (docs/config.md#portfolio): the shard's name, Redis, the lease,
/// and the limits across shards. grace_ms must be shorter than lease_ms: a shard that cannot see
/// Redis must stop trading before its lease can run out and another process take the shard.
inline void read_portfolio(const json_reader& root, field_sink& sink, config& c) {
    if (!root.has("portfolio")) return;
    if (c.environment == "shadow") {
        return sink.fail(root.fail("portfolio", "shadow trades against a simulated venue and is never a shard (testnet, live)"));
    }
    const auto p = sink.section(root, "portfolio", {"shard", "venue", "redis", "lease_ms", "grace_ms",
                                                    "publish_interval_ms", "max_total_loss", "assets"});
    if (!p) return;
    portfolio_config pc;
    pc.venue = "bybit-" + c.environment;
    sink.take(p->string("shard"), pc.shard);
    if (!sink.failed()) {
        const bool ok = !pc.shard.empty() && pc.shard.size() <= 6 &&
                        std::all_of(pc.shard.begin(), pc.shard.end(),
                                    [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); });
        if (!ok) sink.fail(p->fail("shard", fmt::format("must be 1-6 of [a-z0-9] (it goes into every client order id), got \"{}\"", pc.shard)));
    }
    if (p->has("venue")) sink.take(p->string("venue"), pc.venue);
    if (const auto r = sink.section(*p, "redis", {"host", "port", "namespace"})) {
        sink.take(r->string("host"), pc.redis_host);
        sink.take(r->integer("port", 1, 65535), pc.redis_port);
        if (r->has("namespace")) sink.take(r->string("namespace"), pc.redis_namespace);
        if (!sink.failed() && pc.redis_host.empty()) sink.fail(r->fail("host", "must not be empty"));
        if (!sink.failed() && pc.redis_namespace.empty()) sink.fail(r->fail("namespace", "must not be empty"));
    }
    if (p->has("lease_ms")) sink.take(p->millis("lease_ms", 1'000, 600'000), pc.lease);
    std::chrono::milliseconds grace{5'000};
    if (p->has("grace_ms")) sink.take(p->millis("grace_ms", 100, 600'000), grace);
    pc.limits.grace = grace;
    if (p->has("publish_interval_ms")) sink.take(p->millis("publish_interval_ms", 100, 10'000), pc.publish_interval);
    if (!sink.failed() && grace >= pc.lease) {
        sink.fail(p->fail("grace_ms", fmt::format("must be below lease_ms {} (a shard that cannot see Redis stops "
                                                  "trading before its lease can pass to another process), got {}",
                                                  pc.lease.count(), grace.count())));
    }
    if (p->has("max_total_loss")) {
        sink.take(p->decimal<core::notional>("max_total_loss"), pc.limits.max_total_loss);
        if (!sink.failed() && !pc.limits.max_total_loss.is_positive()) {
            sink.fail(p->fail("max_total_loss", fmt::format("must be > 0, got \"{}\"", pc.limits.max_total_loss)));
        }
    }
    if (p->has("assets")) {
        auto assets = p->object("assets");
        if (!assets) return sink.fail(assets.error());
        for (const auto& kv : assets->raw()) {
            const std::string asset(kv.key());
            const auto a = sink.section(*assets, asset, {"max_gross_exposure", "max_net_exposure"});
            if (!a) return;
            risk::asset_limits al;
            for (const auto& [key, out] : {std::pair{"max_gross_exposure", &al.max_gross_exposure},
                                           std::pair{"max_net_exposure", &al.max_net_exposure}}) {
                if (!a->has(key)) continue;
                sink.take(a->decimal<core::notional>(key), *out);
                if (!sink.failed() && !out->is_positive()) {
                    sink.fail(a->fail(key, fmt::format("must be > 0, got \"{}\"", *out)));
                }
            }
            pc.limits.assets.emplace(asset, al);
        }
    }
    if (!sink.failed()) c.portfolio = std::move(pc);
}

/// The "symbols" object: at least one; each symbol's filters, strategy and risk, then whether one
/// order can trade. Stops at the first symbol that fails.
inline void read_symbols(const json_reader& root, field_sink& sink, config& c) {
    if (auto syms = root.object("symbols"); !syms) {
        sink.fail(syms.error());
    } else {
        if (syms->raw().empty()) sink.fail(root.fail("symbols", "must list at least one symbol"));
        for (const auto& kv : syms->raw()) {
            const std::string name(kv.key());
            auto sym = syms->object(name);
            if (!sym) {
                sink.fail(sym.error());
                break;
            }
            if (auto e = sym->only_keys({"filters", "strategy", "risk"})) {
                sink.fail(*e);
                break;
            }
            symbol_config sc;
            if (!sym->has("filters") && c.environment != "shadow") {
                // testnet/live take them from the venue at start (app/venue_filters.hpp).
                sc.filters_from_config = false;
                sc.filters.symbol = name;
            } else if (auto f = sym->object("filters"); f) {
                detail::read_filters(*f, name, sink, sc.filters);
            } else {
                sink.fail(f.error());
            }
            if (auto st = sym->object("strategy"); st) detail::read_strategy(*st, sink, sc.strategy);
            else sink.fail(st.error());
            if (auto rl = sym->object("risk"); rl) detail::read_symbol_limits(*rl, sink, sc.limits);
            else sink.fail(rl.error());
            if (!sink.failed() && c.environment == "live" &&
                sc.limits.canary_max_inventory_notional == core::notional::max()) {
                sink.fail(core::make_error(
                    errc::invalid_config,
                    fmt::format("symbols.{}.risk.canary_max_inventory_notional: required for live",
                                name)));
            }
            // Without filters the check runs once the venue's are known (with_venue_filters).
            if (!sink.failed() && sc.filters_from_config) {
                if (auto e = detail::order_cannot_trade(name, sc, c.maker)) sink.fail(*e);
            }
            if (sink.failed()) break;
            c.symbols.emplace(name, std::move(sc));
        }
    }
}

}  // namespace detail

/// Parses and validates a whole config document. `source` names it in errors (a file path).
[[nodiscard]] inline core::result<config> parse_config(std::string_view text,
                                                       std::string_view source) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text, ec);
    if (ec) {
        return core::make_error(errc::invalid_config,
                                fmt::format("{}: not valid JSON: {}", source, ec.message()));
    }
    if (!doc.is_object()) {
        return core::make_error(errc::invalid_config,
                                fmt::format("{}: the top level must be an object", source));
    }
    if (const auto dup = detail::find_duplicate_key(text)) {
        return core::make_error(errc::invalid_config,
                                fmt::format("{}: {}: duplicate key (each key may appear once)", source, *dup));
    }
    if (const auto num = detail::first_float_number(doc, "")) {
        return core::make_error(
            errc::invalid_config,
            fmt::format("{}: {}: write decimals as strings, e.g. \"{}\" (JSON numbers with a fraction "
                        "or an exponent go through floating point; counts and durations are integers)",
                        source, num->first, core::plain_number_text(num->second)));
    }
    const detail::json_reader root(doc.get_object(), "");
    detail::field_sink sink;
    config c;
    if (auto e = root.only_keys({"environment", "maker", "journal", "risk", "sim", "symbols", "portfolio"})) {
        return core::make_error(e->code, fmt::format("{}: {}", source, e->message));
    }
    sink.take(root.choice("environment", {"shadow", "testnet", "live"}), c.environment);

    detail::read_maker(root, sink, c);
    detail::read_journal(root, sink, c);
    detail::read_risk(root, sink, c);
    detail::read_sim(root, sink, c);
    detail::read_symbols(root, sink, c);
    detail::read_portfolio(root, sink, c);
    if (sink.failed()) {
        return core::make_error(sink.error().code, fmt::format("{}: {}", source, sink.error().message));
    }
    return c;
}

/// Reads and parses a config file. Errors: "config_unreadable" (names the path and the OS reason:
/// missing, no permission, a directory), invalid_config (names the file and the field; a key that
/// appears twice in one object is one).
[[nodiscard]] inline core::result<config> load_config_file(const std::string& path) {
    // POSIX reads: std::ifstream opens a directory and then reports EISDIR as an empty file.
    const auto unreadable = [&](int err) {
        return core::make_error(errc::config_unreadable,
                                fmt::format("config: cannot read \"{}\": {}", path, std::system_category().message(err)));
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (fd < 0) return unreadable(errno);
    std::string text;
    std::array<char, std::size_t{16} * 1024> buf{};
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return unreadable(err);
        }
        if (n == 0) break;
        text.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return parse_config(text, path);
}

}  // namespace mmbot::app
