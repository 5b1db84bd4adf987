// testing/local_venue/rest_api.hpp
//
// Routes one HTTP request of the local venue to its handler, without any I/O: the server hands in
// the method, the raw target, a header lookup and the raw body, and writes back what comes out.
//
// For /v5/... in this order: path (unknown: HTTP 404, retCode 10017; the paths are routes.hpp's),
// method (HTTP 405), authentication of private endpoints over the raw bytes (10003 / 10002 /
// 10004, see auth.hpp), rate limits (10006 with HTTP 200, or HTTP 403 for the IP limit, see
// rate_limits.hpp), then the handler: order entry and queries (exchange.hpp), the market
// (market_api.hpp), the account (account_api.hpp). Every /v5 answer carries X-Bapi-Limit,
// X-Bapi-Limit-Status and X-Bapi-Limit-Reset-Timestamp.
//
// /admin/fault (same server, not part of Bybit's API; see docs/local-venue.md):
//   POST {"kind":"http_5xx","rate":"1","count":2,"delay_ms":0,"path":"/v5/order"}  adds a rule
//   POST {"clear":true}                                                          removes all
//   GET                                   {"rules":[...],"counts":{...}}: what is active, what fired
// /admin/instruments (same server, test-only): POST a document of the --config shape
//   ({"symbols": {"BTCUSDT": {"filters": {...}}}}); its symbols replace the listed instruments, as an
//   exchange changing a tick or lot size while trading. {"ok":true,"instruments":N} or 400 naming
//   the bad field.
// /admin/orders (same server, test-only, not part of Bybit's API):
//   GET   {"ok":true,"orders":[{"orderLinkId","orderId","category","symbol","side","price","qty",
//          "status","cumExecQty"}...],"duplicate_link_rejects":N,"duplicate_link_ids":[...]}:
//          every order the venue ever accepted, open or closed, in the order it accepted them;
//          N = creates refused with 110072, and their orderLinkIds in the order refused.
//          Reliability tests compare it with the bot's journal (docs/reliability.md).
//
//   venue_core core{...};
//   rest_answer a = handle_rest(core, "POST", "/v5/order/create", headers, body, now);
#pragma once

#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/signer.hpp"
#include "testing/local_venue/account_api.hpp"
#include "testing/local_venue/auth.hpp"
#include "testing/local_venue/exchange.hpp"
#include "testing/local_venue/faults.hpp"
#include "testing/local_venue/market_api.hpp"
#include "testing/local_venue/market_state.hpp"
#include "testing/local_venue/params.hpp"
#include "testing/local_venue/rate_limits.hpp"
#include "testing/local_venue/reply.hpp"
#include "testing/local_venue/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

/// Everything the venue's handlers share. Single-threaded (the server's I/O thread).
struct venue_core {
    venue_core(exchange_options ex_opts, bybit::signer credentials, bool rate_limits,
               std::uint64_t seed)
        : ex(std::move(ex_opts)), auth(std::move(credentials)), limits(rate_limits), faults(seed) {}

    exchange ex;
    /// The replayed public market, as the market and account answers read it.
    market_state market;
    authenticator auth;
    server_limits limits;
    fault_plan faults;
    /// When the venue started (ms since the epoch): the account's and the key's creation time.
    std::int64_t started_ms = 0;
    /// --state: the exchange is saved there before any change is pushed or answered, so a venue
    /// killed with SIGKILL restarts with every order it acknowledged ("" none).
    std::string state_path;
};

struct rest_answer {
    unsigned status = 200;
    std::string body;
    std::string_view content_type = "application/json";
    std::optional<limit_answer> limits;
    /// Further headers (the Binance front end's X-MBX-* and Retry-After).
    std::vector<std::pair<std::string, std::string>> headers;
};

/// What the server's header lookup must be: name -> value ("" when absent).
template <class F>
concept header_lookup = std::is_invocable_r_v<std::string_view, const F&, std::string_view>;

namespace detail {
[[nodiscard]] inline rest_answer answer(const api_reply& r, std::int64_t now_ms) {
    rest_answer a;
    a.status = r.http_status;
    a.body = envelope_text(r, now_ms);
    return a;
}

/// Category for rate limiting, read leniently (the handler reports a bad one properly).
[[nodiscard]] inline bybit::category category_hint(const boost::json::object& p) {
    const auto* c = p.if_contains("category");
    return c != nullptr && c->is_string() && c->get_string() == "spot" ? bybit::category::spot
                                                                       : bybit::category::linear;
}
/// "2026-08-09T12:00:00Z" for a time in ms since the epoch.
[[nodiscard]] inline std::string iso8601(std::int64_t ms) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(ms / 1000)));
}

/// The handler of an authenticated, admitted request to one of the client's endpoints.
[[nodiscard]] inline api_reply dispatch(venue_core& core, bybit::endpoint ep, const boost::json::object& p,
                                        std::chrono::nanoseconds now) {
    const std::int64_t now_ms = to_ms(now);
    switch (ep) {
        case bybit::endpoint::market_time:
            return ok_reply({{"timeSecond", std::to_string(now_ms / 1000)}, {"timeNano", std::to_string(now.count())}});
        case bybit::endpoint::market_instruments: return market_api::instruments_info(core.ex.instruments(), p);
        case bybit::endpoint::market_tickers: return market_api::tickers(core.market, core.ex.instruments(), p);
        case bybit::endpoint::order_create: return core.ex.create(p, now);
        case bybit::endpoint::order_create_batch: return core.ex.create_batch(p, now);
        case bybit::endpoint::order_cancel: return core.ex.cancel(p, now);
        case bybit::endpoint::order_cancel_all: return core.ex.cancel_all(p, now);
        case bybit::endpoint::order_realtime: return core.ex.realtime(p);
        case bybit::endpoint::execution_list: return core.ex.execution_list(p);
    }
    return error_reply(ret::path_not_found, "path not found");
}

/// The handler of an authenticated, admitted request to an extra path. `api_key`: the key it was
/// signed with.
[[nodiscard]] inline api_reply dispatch(venue_core& core, extra_endpoint ep, const boost::json::object& p,
                                        std::string_view api_key, std::chrono::nanoseconds now) {
    switch (ep) {
        case extra_endpoint::market_orderbook:
            return market_api::orderbook(core.market, core.ex.instruments(), p, to_ms(now));
        case extra_endpoint::market_recent_trade: return market_api::recent_trades(core.market, core.ex.instruments(), p);
        case extra_endpoint::account_wallet_balance: return account_api::wallet_balance(core.ex, core.market, p);
        case extra_endpoint::position_list: return account_api::position_list(core.ex, core.market, p);
        case extra_endpoint::account_info: return account_api::account_info(core.started_ms);
        case extra_endpoint::user_query_api: return account_api::query_api(api_key, iso8601(core.started_ms));
        case extra_endpoint::asset_coin_info: return account_api::coin_info(core.ex, p);
    }
    return error_reply(ret::path_not_found, "path not found");
}
}  // namespace detail

/// One /v5 request. `forced_rate_limit`: the rate_limit fault fired for it.
template <header_lookup Headers>
[[nodiscard]] rest_answer handle_rest(venue_core& core, std::string_view method,
                                      std::string_view target, const Headers& header,
                                      std::string_view body, std::chrono::nanoseconds now,
                                      bool forced_rate_limit = false) {
    const std::int64_t now_ms = detail::to_ms(now);
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const auto ep = route_of(path);
    if (!ep) {
        auto a = detail::answer(error_reply(ret::path_not_found,
                                            fmt::format("path not found: {}", path.substr(0, 80))),
                                now_ms);
        a.status = 404;
        return a;
    }
    const bool is_get = method_of(*ep) == bybit::http_method::get;
    if (method != (is_get ? "GET" : "POST")) {
        auto a = detail::answer(params_error(fmt::format("{} needs {}, got {}", path,
                                                         is_get ? "GET" : "POST",
                                                         method.substr(0, 10))),
                                now_ms);
        a.status = 405;
        return a;
    }
    if (is_signed(*ep)) {
        auto refused = core.auth.check_rest(header(bybit::header_api_key), header(bybit::header_timestamp),
                                            header(bybit::header_recv_window), header(bybit::header_sign),
                                            is_get ? query : body, now_ms);
        if (refused) return detail::answer(*refused, now_ms);
    }
    auto params = is_get ? parse_query(query) : parse_body(body);
    if (auto* bad = std::get_if<api_reply>(&params)) return detail::answer(*bad, now_ms);
    const auto& p = std::get<boost::json::object>(params);

    std::int64_t cost = 1;
    if (*ep == route{bybit::endpoint::order_create_batch}) {
        const auto* list = p.if_contains("request");
        if (list != nullptr && list->is_array()) cost = static_cast<std::int64_t>(list->get_array().size());
    }
    limit_answer lim = core.limits.charge(*ep, detail::category_hint(p), cost, now_ms);
    if (forced_rate_limit && lim.allowed) {
        lim.allowed = false;
        lim.remaining = 0;
        lim.reset_ms = now_ms + 1000;
    }
    if (!lim.allowed) {
        rest_answer a;
        if (lim.ip_limited) {
            a.status = 403;
            a.body = "access too frequent";
            a.content_type = "text/plain";
        } else {
            a = detail::answer(error_reply(ret::rate_limit, "Too many visits!"), now_ms);
        }
        a.limits = lim;
        return a;
    }

    const auto* client = std::get_if<bybit::endpoint>(&*ep);
    const api_reply r = client != nullptr ? detail::dispatch(core, *client, p, now)
                                          : detail::dispatch(core, std::get<extra_endpoint>(*ep), p,
                                                             header(bybit::header_api_key), now);
    auto a = detail::answer(r, now_ms);
    a.limits = lim;
    return a;
}

/// /admin/fault (see the file comment).
[[nodiscard]] inline rest_answer handle_admin(venue_core& core, std::string_view method,
                                              std::string_view body) {
    rest_answer a;
    const auto fail = [&](unsigned status, std::string_view why) {
        boost::json::object o;
        o["ok"] = false;
        o["error"] = why;
        a.status = status;
        a.body = boost::json::serialize(o);
        return a;
    };
    if (method == "POST") {
        auto params = parse_body(body);
        if (auto* bad = std::get_if<api_reply>(&params)) return fail(400, bad->ret_msg);
        const auto& p = std::get<boost::json::object>(params);
        if (const auto* clear = p.if_contains("clear"); clear != nullptr && clear->is_bool() &&
                                                        clear->get_bool()) {
            core.faults.clear();
        } else {
            auto rule = parse_fault_json(p);
            if (!rule) return fail(400, rule.error().message);
            core.faults.add(std::move(*rule));
        }
    } else if (method != "GET") {
        return fail(405, "use GET or POST");
    }
    boost::json::array rules;
    for (const auto& r : core.faults.rules()) {
        boost::json::object o;
        o["kind"] = to_string(r.kind);
        o["rate_ppm"] = r.rate_ppm;
        o["count"] = r.count;
        o["delay_ms"] = r.delay_ms;
        o["path"] = r.path;
        rules.push_back(std::move(o));
    }
    const auto& c = core.faults.counts();
    boost::json::object counts;
    counts["disconnect"] = c.disconnects;
    counts["http_5xx"] = c.http_5xx;
    counts["rate_limit"] = c.rate_limits;
    counts["delay_ms"] = c.delays;
    counts["drop_ws"] = c.dropped_ws;
    counts["dup_ws"] = c.duplicated_ws;
    counts["ws_gap"] = c.ws_gaps;
    boost::json::object o;
    o["ok"] = true;
    o["rules"] = std::move(rules);
    o["counts"] = std::move(counts);
    a.body = boost::json::serialize(o);
    return a;
}

/// /admin/instruments (see the file comment): POST a config-shaped document; its symbols replace
/// the listed instruments.
[[nodiscard]] inline rest_answer handle_admin_instruments(venue_core& core, std::string_view method,
                                                          std::string_view body) {
    rest_answer a;
    boost::json::object o;
    if (method != "POST") {
        o["ok"] = false;
        o["error"] = "use POST";
        a.status = 405;
    } else if (auto list = load_instruments(body, "/admin/instruments"); !list) {
        o["ok"] = false;
        o["error"] = list.error().message;
        a.status = 400;
    } else {
        o["ok"] = true;
        o["instruments"] = static_cast<std::uint64_t>(list->size());
        core.ex.set_instruments(std::move(*list));
    }
    a.body = boost::json::serialize(o);
    return a;
}

/// /admin/orders (see the file comment): GET only.
[[nodiscard]] inline rest_answer handle_admin_orders(const venue_core& core,
                                                     std::string_view method) {
    rest_answer a;
    if (method != "GET") {
        boost::json::object o;
        o["ok"] = false;
        o["error"] = "use GET";
        a.status = 405;
        a.body = boost::json::serialize(o);
        return a;
    }
    boost::json::array orders;
    const auto& records = core.ex.orders();
    orders.reserve(records.size());
    for (const auto& r : records) {  // acceptance order: deterministic
        boost::json::object o;
        o["orderLinkId"] = r.link_id;
        o["orderId"] = r.order_id;
        o["category"] = bybit::to_string(r.cat);
        o["symbol"] = r.symbol;
        o["side"] = mmbot::core::to_string(r.side);
        o["price"] = r.price.to_string(r.price_digits);
        o["qty"] = r.qty.to_string(r.qty_digits);
        o["status"] = r.status;
        o["cumExecQty"] = r.cum_qty.to_string(r.qty_digits);
        orders.push_back(std::move(o));
    }
    boost::json::object o;
    o["ok"] = true;
    o["orders"] = std::move(orders);
    boost::json::array dups;
    for (const auto& l : core.ex.duplicate_link_rejects()) dups.emplace_back(l);
    o["duplicate_link_rejects"] = static_cast<std::uint64_t>(dups.size());
    o["duplicate_link_ids"] = std::move(dups);
    a.body = boost::json::serialize(o);
    return a;
}

}  // namespace mmbot::venue::local
