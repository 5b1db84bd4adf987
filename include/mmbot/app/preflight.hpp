// mmbot/app/preflight.hpp
//
// Preflight: the checks a bot must pass before it may trade (--preflight, in every binary;
// mandatory for mmbot-live). Each check answers one question and says why in one sentence:
//
//   config        the config file loads and matches this binary
//   secrets       credentials for this environment's namespace are present (shown masked)
//   venue_clock   the venue answers market/time and the local clock is within half the
//                 recv_window of the venue's (a signed request would be refused otherwise)
//   instruments   every configured symbol is Trading and its filters on the venue equal the
//                 config's (tick, step, min/max qty, min notional, price limits)
//   open_orders   the orders open on the venue are exactly the journal's open orders (an order
//                 the journal does not know may belong to someone else on the account)
//   order_fits    one order of strategy.order_qty at the venue's best bid and best ask
//                 (market/tickers) is above min notional and min qty x pad and within the
//                 canary, order-notional and position caps (else every intent would be blocked)
//   journal       the journal opens and recovers (records, open orders, any torn tail); on a
//                 fresh checkout, where its directory does not exist yet, that a run can create
//                 it (the nearest existing parent is a writable directory): nothing is created
//
// A check that cannot run because an earlier one failed is "skip", which also fails the
// verdict. The verdict is deterministic JSON (app/detail/stable_json.hpp):
//
//   {"checks": [{"detail": "...", "name": "config", "status": "pass"}, ...],
//    "environment": "testnet", "passed": true}
//
// The venue checks take any `rest_sender` (venue::bybit::rest_transport in the binaries, a
// scripted fake in tests), so they speak exactly the requests the adapter sends.
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/app/detail/stable_json.hpp"
#include "mmbot/app/errors.hpp"
#include "mmbot/app/preflight/verdict.hpp"
#include "mmbot/app/venue_filters.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/engine/errors.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/engine/order_store.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app::preflight {

/// What the venue checks need: one REST exchange, signed when the endpoint is private.
template <class T>
concept rest_sender = requires(T& t, const venue::bybit::rest_request& r, venue::bybit::signer* s,
                               std::int64_t now_ms) {
    { t.send(r, s, now_ms)->body } -> std::convertible_to<std::string>;
};


// ----------------------------------------------------------------------------------- journal

/// What the journal holds: the detail line and the client ids of its open orders.
struct journal_state {
    std::string detail;
    std::set<std::string, std::less<>> open_orders;
};

/// For a journal whose directory does not exist yet (a fresh checkout): the detail line when a
/// run could create it, that is when the nearest existing parent is a directory this process may
/// write; journal_io naming that parent otherwise. A run creates the directories
/// (runtime/journal_file.hpp); preflight only looks.
[[nodiscard]] inline core::result<journal_state> check_journal_creatable(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(path).parent_path();
    fs::path parent = dir;
    std::error_code ec;
    while (!parent.empty() && !fs::exists(parent, ec)) parent = parent.parent_path();
    const fs::path shown = parent.empty() ? fs::path(".") : parent;
    const bool writable = fs::is_directory(shown, ec) &&
                          ::access(shown.c_str(), W_OK | X_OK) == 0;  // NOLINT(cppcoreguidelines-pro-type-vararg)
    if (!writable) {
        return core::make_error(engine::errc::journal_io,
                                fmt::format("{}: its directory {} does not exist and cannot be created: {} "
                                            "is not a writable directory",
                                            path, dir.string(), shown.string()));
    }
    journal_state s;
    s.detail = fmt::format("{}: not created yet (a run creates {}; {} is writable), 0 records, 0 open orders",
                           path, dir.string(), shown.string());
    return s;
}

/// Opens and recovers the journal as the bot would at start (creating the file when missing, cutting
/// a torn tail), and replays it into an order store; a missing directory is check_journal_creatable.
/// Errors: the journal's own (journal_locked when a running bot holds it,
/// journal_wrong_environment, journal_corrupted, ...), journal_io for a directory that cannot be made.
[[nodiscard]] inline core::result<journal_state> check_journal(const std::string& path,
                                                               std::string_view environment,
                                                               const engine::journal_options& options) {
    std::error_code ec;
    if (const auto dir = std::filesystem::path(path).parent_path();
        !dir.empty() && !std::filesystem::exists(dir, ec)) {
        return check_journal_creatable(path);
    }
    auto opened = engine::journal::open(path, environment, options);
    if (!opened) return opened.error();
    engine::order_store store;
    for (const auto& entry : opened->entries) {
        if (auto applied = store.apply(entry.event); !applied) {
            return core::make_error(engine::errc::journal_malformed,
                                    fmt::format("{}: record {}: {}", path, entry.sequence,
                                                applied.error().message));
        }
    }
    journal_state s;
    for (const engine::order* o : store.open_orders()) s.open_orders.insert(o->client_order_id);
    s.detail = fmt::format("{}: {} records, {} open orders{}", path, opened->entries.size(),
                           s.open_orders.size(),
                           opened->report.truncated() ? "; " + opened->report.describe() : "");
    return s;
}

// ------------------------------------------------------------------------------------- venue

namespace detail {

/// A server-time answer judged: the offset (server time against the midpoint of the round trip)
/// must stay below half the recv_window (errc::preflight_clock_skew names the numbers).
[[nodiscard]] inline core::result<std::string> clock_verdict(std::chrono::nanoseconds sent, std::chrono::nanoseconds received,
                                                            std::chrono::nanoseconds server,
                                                            std::chrono::milliseconds recv_window) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const auto rtt = received - sent;
    const auto offset = server - (sent + rtt / 2);
    const auto skew = offset.count() < 0 ? -offset : offset;
    const auto limit = duration_cast<std::chrono::nanoseconds>(recv_window) / 2;
    const auto text = fmt::format("round trip {} ms, local clock off by {} ms (limit {} ms = half "
                                  "the {} ms recv_window)",
                                  duration_cast<milliseconds>(rtt).count(),
                                  duration_cast<milliseconds>(offset).count(),
                                  duration_cast<milliseconds>(limit).count(), recv_window.count());
    if (skew >= limit) return core::make_error(errc::preflight_clock_skew, text);
    return "venue answered: " + text;
}

}  // namespace detail

/// market/time: reachable, and the clock offset (server time against the midpoint of the
/// round trip) below half the recv_window. `local_now` gives wall-clock time since the epoch.
template <rest_sender Transport, class LocalClock>
[[nodiscard]] core::result<std::string> check_venue_clock(Transport& t, LocalClock local_now,
                                                          std::chrono::milliseconds recv_window) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    venue::bybit::rest_request req;
    venue::bybit::write_server_time(req);
    const std::chrono::nanoseconds sent = local_now();
    auto resp = t.send(req, nullptr, duration_cast<milliseconds>(sent).count());
    const std::chrono::nanoseconds received = local_now();
    if (!resp) return resp.error();
    auto server = venue::bybit::parse_server_time(resp->body);
    if (!server) return server.error();
    return detail::clock_verdict(sent, received, *server, recv_window);
}

namespace detail {

/// The first filter field whose values differ, as "field: config X, venue Y" (or with the
/// names given: "tick_size: was 0.10, now 0.50").
[[nodiscard]] inline std::string filter_mismatch(const core::instrument_filters& cfg,
                                                 const core::instrument_filters& ven,
                                                 std::string_view cfg_name = "config",
                                                 std::string_view ven_name = "venue") {
    std::string out;
    // Prices and quantities are printed with the tick's and step's digits, as the venue writes them.
    const auto price = [](const core::instrument_filters& f, const core::price& p) {
        return p.to_string(f.price_digits);
    };
    const auto qty = [](const core::instrument_filters& f, const core::quantity& q) {
        return q.to_string(f.qty_digits);
    };
    const auto cmp = [&](std::string_view field, bool differ, const std::string& a, const std::string& b) {
        if (out.empty() && differ) out = fmt::format("{}: {} {}, {} {}", field, cfg_name, a, ven_name, b);
    };
    cmp("tick_size", cfg.tick_size != ven.tick_size, price(cfg, cfg.tick_size), price(ven, ven.tick_size));
    cmp("qty_step", cfg.qty_step != ven.qty_step, qty(cfg, cfg.qty_step), qty(ven, ven.qty_step));
    cmp("min_qty", cfg.min_qty != ven.min_qty, qty(cfg, cfg.min_qty), qty(ven, ven.min_qty));
    cmp("max_qty", cfg.max_qty != ven.max_qty, qty(cfg, cfg.max_qty), qty(ven, ven.max_qty));
    cmp("min_notional", cfg.min_notional != ven.min_notional, cfg.min_notional.to_string(),
        ven.min_notional.to_string());
    cmp("min_price", cfg.min_price != ven.min_price, price(cfg, cfg.min_price), price(ven, ven.min_price));
    cmp("max_price", cfg.max_price != ven.max_price, price(cfg, cfg.max_price), price(ven, ven.max_price));
    return out;
}

}  // namespace detail

/// instruments-info of each of `symbols`: listed and Trading (else errc::preflight_instrument),
/// its filters by name. Public: no signer.
template <rest_sender Transport>
[[nodiscard]] core::result<venue_filter_map> fetch_venue_filters(Transport& t, const std::vector<std::string>& symbols,
                                                                 venue::bybit::category cat) {
    venue_filter_map out;
    for (const auto& name : symbols) {
        venue::bybit::rest_request req;
        if (auto ok = venue::bybit::write_instruments(cat, name, "", req); !ok) return ok.error();
        auto resp = t.send(req, nullptr, 0);
        if (!resp) return resp.error();
        auto page = venue::bybit::parse_instruments(resp->body, cat);
        if (!page) return page.error();
        const auto it = std::find_if(page->instruments.begin(), page->instruments.end(),
                                     [&name](const auto& i) { return i.filters.symbol == name; });
        if (it == page->instruments.end()) {
            return core::make_error(errc::preflight_instrument,
                                    fmt::format("{}: the venue does not list it ({})", name,
                                                venue::bybit::to_string(cat)));
        }
        if (it->status != "Trading") {
            return core::make_error(errc::preflight_instrument,
                                    fmt::format("{}: status \"{}\", not Trading", name, it->status));
        }
        out.emplace(name, it->filters);
    }
    return out;
}

namespace detail {

/// Every configured symbol's filters from the venue (`venue` has each), against the config's:
/// where it states them at least as strict, and the filters the bot uses (cfg, merged at start by
/// with_venue_filters) still what that gives.
[[nodiscard]] inline core::result<std::string> instruments_verdict(const config& cfg, const venue_filter_map& venue) {
    std::vector<std::string> checked;
    for (const auto& [name, sc] : cfg.symbols) {
        auto f = effective_filters(name, sc, venue.at(name));
        if (!f) return f.error();
        if (const auto diff = detail::filter_mismatch(sc.filters, *f); !diff.empty()) {
            return core::make_error(errc::preflight_instrument,
                                    fmt::format("{}: the bot's filters differ from the venue's: {}", name, diff));
        }
        checked.push_back(fmt::format("{} ({})", name, sc.filters_from_config ? "config filters, at least as strict as "
                                                                                "the venue's"
                                                                              : "the venue's filters"));
    }
    return fmt::format("{}: Trading", fmt::join(checked, ", "));
}

}  // namespace detail

/// instruments-info for every configured symbol: listed, Trading, the config's filters (where it
/// states them) at least as strict as the venue's, and the filters the bot uses (cfg, merged at
/// start by with_venue_filters) still what that gives.
template <rest_sender Transport>
[[nodiscard]] core::result<std::string> check_instruments(Transport& t, const config& cfg,
                                                          venue::bybit::category cat) {
    std::vector<std::string> names;
    for (const auto& [name, sc] : cfg.symbols) names.push_back(name);
    auto venue = fetch_venue_filters(t, names, cat);
    if (!venue) return venue.error();
    return detail::instruments_verdict(cfg, *venue);
}

namespace detail {

/// The venue's open orders (`venue_open` by client id; `unknown`: those the journal does not
/// know, as shown) against the journal's: any unknown order fails (another bot on the account, or
/// a lost journal), and so does a journal order the venue does not list.
[[nodiscard]] inline core::result<std::string> open_orders_verdict(const std::set<std::string, std::less<>>& venue_open,
                                                                  const std::vector<std::string>& unknown,
                                                                  const std::set<std::string, std::less<>>& journal_open) {
    std::vector<std::string> missing;
    for (const auto& id : journal_open) {
        if (!venue_open.contains(id)) missing.push_back(id);
    }
    const auto mismatch = [](const std::vector<std::string>& ids, std::string_view what) {
        return core::make_error(errc::preflight_open_orders,
                                fmt::format("{} {}: {}", ids.size(), what, fmt::join(ids, ", ")));
    };
    if (!unknown.empty()) {
        return mismatch(unknown, "order(s) open on the venue that the journal does not know "
                                 "(another bot on this account, or a lost journal)");
    }
    if (!missing.empty()) {
        return mismatch(missing, "journal order(s) open that the venue does not list (start-up "
                                 "reconcile will query each)");
    }
    return fmt::format("{} open order(s) on the venue, all in the journal", venue_open.size());
}

}  // namespace detail

/// order/realtime (open orders, every page) for every configured symbol, against the journal.
template <rest_sender Transport>
[[nodiscard]] core::result<std::string> check_open_orders(
    Transport& t, venue::bybit::signer& s, std::int64_t venue_now_ms, const config& cfg,
    venue::bybit::category cat, const std::set<std::string, std::less<>>& journal_open) {
    std::set<std::string, std::less<>> venue_open;
    std::vector<std::string> unknown;
    for (const auto& [name, sym] : cfg.symbols) {
        std::string cursor;
        for (int page_no = 0;; ++page_no) {
            if (page_no >= 1000) {
                return core::make_error(errc::preflight_open_orders,
                                        fmt::format("{}: more than 1000 pages of open orders", name));
            }
            venue::bybit::rest_request req;
            if (auto ok = venue::bybit::write_open_orders(cat, name, cursor, req); !ok) return ok.error();
            auto resp = t.send(req, &s, venue_now_ms);
            if (!resp) return resp.error();
            auto page = venue::bybit::parse_open_orders(resp->body);
            if (!page) return page.error();
            for (const auto& o : page->orders) {
                venue_open.insert(o.order_link_id);
                if (!journal_open.contains(o.order_link_id)) {
                    unknown.push_back(o.order_link_id.empty() ? "orderId " + o.order_id : o.order_link_id);
                }
            }
            if (page->next_cursor.empty()) break;
            cursor = page->next_cursor;
        }
    }
    return detail::open_orders_verdict(venue_open, unknown, journal_open);
}

/// One order of strategy.order_qty of `symbol` at `mid` can trade: its notional (mid x qty) is
/// at least filters.min_notional and within risk.canary_max_inventory_notional,
/// risk.max_order_notional and risk.max_position_notional, and the quantity meets
/// filters.min_qty x maker.min_qty_pad. Errors (preflight_cannot_trade) name every number.
[[nodiscard]] inline core::result<std::string> check_order_fits(const config& cfg, std::string_view symbol,
                                                               const core::price& mid) {
    const auto it = cfg.symbols.find(symbol);
    if (it == cfg.symbols.end()) {
        return core::make_error(errc::preflight_cannot_trade, fmt::format("{}: not in the config", symbol));
    }
    const auto& sc = it->second;
    const auto& q = sc.strategy.order_qty;
    const core::notional value = mid * q;
    const auto bad = [&](std::string_view why) {
        return core::make_error(errc::preflight_cannot_trade,
                                fmt::format("{}: one order of {} at {} is {} (quote currency): {}; every "
                                            "order would be blocked",
                                            symbol, q, mid, value, why));
    };
    if (value < sc.filters.min_notional) {
        return bad(fmt::format("below filters.min_notional {}", sc.filters.min_notional));
    }
    for (const auto& [field, cap] : {std::pair{"canary_max_inventory_notional", sc.limits.canary_max_inventory_notional},
                                     std::pair{"max_order_notional", sc.limits.max_order_notional},
                                     std::pair{"max_position_notional", sc.limits.max_position_notional}}) {
        if (value > cap) return bad(fmt::format("above risk.{} {}", field, cap));
    }
    if (auto e = app::detail::order_cannot_trade(it->first, sc, cfg.maker)) return *e;
    return fmt::format("{}: one order of {} at {} is {}, within the caps", symbol, q, mid, value);
}

/// check_order_fits at the venue's best bid and at its best ask: the line for the verdict.
[[nodiscard]] inline core::result<std::string> order_fits_both_sides(const config& cfg, std::string_view symbol,
                                                                    const core::price& bid, const core::price& ask) {
    for (const auto& px : {bid, ask}) {
        auto ok = check_order_fits(cfg, symbol, px);
        if (!ok) return ok.error();
    }
    return fmt::format("{}: one order of {} fits at bid {} and ask {}", symbol,
                       cfg.symbols.find(symbol)->second.strategy.order_qty, bid, ask);
}

/// market/tickers for every configured symbol, then check_order_fits at its best bid and at its
/// best ask: one order of the config can trade at the venue's current prices. Errors: the
/// transport's and the parser's (a symbol without a two-sided book is "no ticker"), and
/// preflight_cannot_trade naming the numbers.
template <rest_sender Transport>
[[nodiscard]] core::result<std::string> check_order_fits_at_venue(Transport& t, const config& cfg,
                                                                  venue::bybit::category cat) {
    std::vector<std::string> fits;
    for (const auto& entry : cfg.symbols) {
        const std::string& name = entry.first;
        venue::bybit::rest_request req;
        if (auto ok = venue::bybit::write_tickers(cat, name, req); !ok) return ok.error();
        auto resp = t.send(req, nullptr, 0);
        if (!resp) return resp.error();
        auto top = venue::bybit::parse_ticker(resp->body, name);
        if (!top) return top.error();
        auto fit = order_fits_both_sides(cfg, name, top->bid, top->ask);
        if (!fit) return fit.error();
        fits.push_back(std::move(*fit));
    }
    return fmt::format("{}", fmt::join(fits, "; "));
}

}  // namespace mmbot::app::preflight
