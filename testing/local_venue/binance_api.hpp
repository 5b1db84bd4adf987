// testing/local_venue/binance_api.hpp
//
// The local venue's Binance USD-M futures REST front end (--protocol binance), without any I/O:
// the same matching core, account, faults and state as the Bybit front end (rest_api.hpp), in
// Binance's paths, parameters, answers and errors (docs/local-venue.md, "Binance USD-M protocol").
//
// For one request, in this order: path and method (unknown: HTTP 404 / 405 with -1000 naming it),
// parameters (query string and x-www-form-urlencoded body, both percent-decoded into one object),
// authentication (binance_access.hpp: the API key; SIGNED endpoints the signature over the raw
// query + body and the timestamp), rate limits (REQUEST_WEIGHT by the endpoint's weight, ORDERS
// for new orders: 429 + Retry-After, -1003 / -1015), then the handler. Every answer on a served
// path carries X-MBX-USED-WEIGHT-1M; new orders also X-MBX-ORDER-COUNT-1M.
//
// Orders are checked as Binance checks them, with its codes (the exchange's own Bybit checks then
// never refuse): LIMIT only (-1116), timeInForce GTC or GTX (-1115), BUY/SELL (-1117), price and
// quantity on the grid and inside PRICE_FILTER / LOT_SIZE (-4014, -4013, -4002, -4023, -4004,
// -4005), MIN_NOTIONAL (-4164), PERCENT_PRICE around the mark (-4016 / -4024), a newClientOrderId
// of an open order (-4116; a closed order's id may be used again, as on Binance), a GTX that would
// take at once against the replayed book (-5022, nothing recorded).
//
//   binance_front bn{binance_access{signer, true, std::chrono::minutes{60}}};
//   rest_answer a = handle_binance_rest(core, bn, "POST", "/fapi/v1/order", headers, body, now);
#pragma once

#include "mmbot/venue/binance/exchange_info.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "testing/local_venue/binance_access.hpp"
#include "testing/local_venue/binance_orders.hpp"
#include "testing/local_venue/rest_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <variant>

namespace mmbot::venue::local {

/// The Binance front end's own state beside the shared venue_core.
struct binance_front {
    explicit binance_front(binance_access a) : access(std::move(a)) {}

    binance_access access;
    /// orderId (Binance's integer) -> index in exchange::orders(), for the orders numbered so far.
    std::unordered_map<std::int64_t, std::size_t> by_number;
    std::size_t numbered = 0;
    /// newClientOrderIds made for orders sent without one.
    std::uint64_t auto_ids = 0;
};

/// The PERCENT_PRICE band the venue lists and enforces (Binance's for BTCUSDT): 1.0500 / 0.9500.
inline constexpr binance::percent_band binance_band{core::ratio::from_raw(105'000'000), core::ratio::from_raw(95'000'000)};

namespace binance_api {

enum class op : std::uint8_t {
    ping,
    time,
    exchange_info,
    depth,
    order_new,
    order_cancel,
    order_query,
    cancel_all,
    open_orders,
    listen_key_new,
    listen_key_keep,
    listen_key_close,
    balance,
    account,
    position_risk,
    coin_config,
    margin_pairs,
    user_trades,
    book_ticker,
};

enum class access : std::uint8_t { open, key, signed_request };

struct route {
    std::string_view method;
    std::string_view path;
    op what;
    access who;
    std::int64_t weight;  ///< REQUEST_WEIGHT (depth and openOrders: by parameters, see weight_of)
};

/// Every path served, with Binance's weights ("USD-M Futures" REST docs).
inline constexpr std::array<route, 22> routes{{
    {"GET", "/fapi/v1/ping", op::ping, access::open, 1},
    {"GET", "/fapi/v1/time", op::time, access::open, 1},
    {"GET", "/fapi/v1/exchangeInfo", op::exchange_info, access::open, 1},
    {"GET", "/fapi/v1/depth", op::depth, access::open, 0},
    {"POST", "/fapi/v1/order", op::order_new, access::signed_request, 0},
    {"DELETE", "/fapi/v1/order", op::order_cancel, access::signed_request, 1},
    {"GET", "/fapi/v1/order", op::order_query, access::signed_request, 1},
    {"DELETE", "/fapi/v1/allOpenOrders", op::cancel_all, access::signed_request, 1},
    {"GET", "/fapi/v1/openOrders", op::open_orders, access::signed_request, 0},
    {"GET", "/fapi/v1/userTrades", op::user_trades, access::signed_request, 5},
    {"GET", "/fapi/v1/ticker/bookTicker", op::book_ticker, access::open, 2},
    {"POST", "/fapi/v1/listenKey", op::listen_key_new, access::key, 1},
    {"PUT", "/fapi/v1/listenKey", op::listen_key_keep, access::key, 1},
    {"DELETE", "/fapi/v1/listenKey", op::listen_key_close, access::key, 1},
    {"GET", "/fapi/v2/balance", op::balance, access::signed_request, 5},
    {"GET", "/fapi/v3/balance", op::balance, access::signed_request, 5},
    {"GET", "/fapi/v2/account", op::account, access::signed_request, 5},
    {"GET", "/fapi/v3/account", op::account, access::signed_request, 5},
    {"GET", "/fapi/v2/positionRisk", op::position_risk, access::signed_request, 5},
    {"GET", "/fapi/v3/positionRisk", op::position_risk, access::signed_request, 5},
    // Binance's wallet and margin (api.binance.com): ccxt's loadMarkets asks for the coins and the
    // cross-margin pairs when it has keys (there are none here: an empty list).
    {"GET", "/sapi/v1/capital/config/getall", op::coin_config, access::signed_request, 10},
    {"GET", "/sapi/v1/margin/allPairs", op::margin_pairs, access::key, 1},
}};

/// A handler's outcome: the JSON to send with 200, or Binance's refusal.
using outcome = std::variant<boost::json::value, binance_error>;

namespace detail {

[[nodiscard]] inline std::string_view text(const boost::json::object& p, std::string_view key) {
    const auto* v = p.if_contains(key);
    return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

/// depth: 2 for limit <= 50, 5 for 100, 10 for 500 (the default), 20 for 1000.
[[nodiscard]] inline std::int64_t depth_weight(std::int64_t limit) {
    if (limit <= 50) return 2;
    if (limit <= 100) return 5;
    if (limit <= 500) return 10;
    return 20;
}
[[nodiscard]] inline std::optional<std::int64_t> depth_limit(std::string_view t) {
    if (t.empty()) return 500;
    std::int64_t n = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), n);
    if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) return std::nullopt;
    for (const std::int64_t ok : {5, 10, 20, 50, 100, 500, 1000}) {
        if (n == ok) return n;
    }
    return std::nullopt;
}

[[nodiscard]] inline std::int64_t weight_of(const route& r, const boost::json::object& p) {
    if (r.what == op::depth) return depth_weight(depth_limit(text(p, "limit")).value_or(500));
    if (r.what == op::open_orders) return text(p, "symbol").empty() ? 40 : 1;
    return r.weight;
}

[[nodiscard]] inline const instrument_spec* listed(const venue_core& core, std::string_view symbol) {
    return find_instrument(core.ex.instruments(), bybit::category::linear, symbol);
}
[[nodiscard]] inline binance_error bad_symbol() { return bn_error(bn::bad_symbol, "Invalid symbol."); }

/// exchangeInfo's row of one instrument.
[[nodiscard]] inline boost::json::object symbol_info(const instrument_spec& i) {
    const symbol_coins coins = coins_of(i.filters.symbol);
    boost::json::array filters;
    filters.push_back({{"filterType", "PRICE_FILTER"}, {"minPrice", i.min_price}, {"maxPrice", i.max_price}, {"tickSize", i.tick_size}});
    filters.push_back({{"filterType", "LOT_SIZE"}, {"stepSize", i.qty_step}, {"maxQty", i.max_qty}, {"minQty", i.min_qty}});
    filters.push_back({{"filterType", "MARKET_LOT_SIZE"}, {"stepSize", i.qty_step}, {"maxQty", i.max_qty}, {"minQty", i.min_qty}});
    filters.push_back({{"filterType", "MAX_NUM_ORDERS"}, {"limit", 200}});
    filters.push_back({{"filterType", "MAX_NUM_ALGO_ORDERS"}, {"limit", 10}});
    filters.push_back({{"filterType", "MIN_NOTIONAL"}, {"notional", i.min_notional}});
    filters.push_back({{"filterType", "PERCENT_PRICE"},
                       {"multiplierUp", binance_band.up.to_string(4)},
                       {"multiplierDown", binance_band.down.to_string(4)},
                       {"multiplierDecimal", "4"}});
    boost::json::object s;
    s["symbol"] = i.filters.symbol;
    s["pair"] = i.filters.symbol;
    s["contractType"] = "PERPETUAL";
    s["deliveryDate"] = 4133404800000;
    s["onboardDate"] = 1569398400000;
    s["status"] = "TRADING";
    s["maintMarginPercent"] = "2.5000";
    s["requiredMarginPercent"] = "5.0000";
    s["baseAsset"] = coins.base;
    s["quoteAsset"] = coins.quote;
    s["marginAsset"] = coins.quote;
    s["pricePrecision"] = i.filters.price_digits;
    s["quantityPrecision"] = i.filters.qty_digits;
    s["baseAssetPrecision"] = 8;
    s["quotePrecision"] = 8;
    s["underlyingType"] = "COIN";
    s["underlyingSubType"] = boost::json::array{};
    s["triggerProtect"] = "0.0500";
    s["liquidationFee"] = "0.012500";
    s["marketTakeBound"] = "0.05";
    s["maxMoveOrderLimit"] = 10000;
    s["filters"] = std::move(filters);
    s["orderTypes"] = boost::json::array{"LIMIT"};
    s["timeInForce"] = boost::json::array{"GTC", "GTX"};
    s["settlePlan"] = 0;
    return s;
}

[[nodiscard]] inline boost::json::value exchange_info(const venue_core& core, std::int64_t now_ms) {
    boost::json::array symbols;
    for (const auto& i : core.ex.instruments()) {
        if (i.category == bybit::category::linear) symbols.push_back(symbol_info(i));
    }
    boost::json::array limits;
    limits.push_back({{"rateLimitType", "REQUEST_WEIGHT"}, {"interval", "MINUTE"}, {"intervalNum", 1}, {"limit", binance_weight_per_minute}});
    limits.push_back({{"rateLimitType", "ORDERS"}, {"interval", "MINUTE"}, {"intervalNum", 1}, {"limit", binance_orders_per_minute}});
    boost::json::object o;
    o["timezone"] = "UTC";
    o["serverTime"] = now_ms;
    o["futuresType"] = "U_MARGINED";
    o["rateLimits"] = std::move(limits);
    o["exchangeFilters"] = boost::json::array{};
    o["assets"] = boost::json::array{boost::json::object{{"asset", "USDT"}, {"marginAvailable", true}, {"autoAssetExchange", "-10000"}}};
    o["symbols"] = std::move(symbols);
    return o;
}

/// GET /fapi/v1/depth: the replayed book's top `limit` levels and the id of the last diff in it.
[[nodiscard]] inline outcome depth(const venue_core& core, const boost::json::object& p, std::int64_t now_ms) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    const instrument_spec* ins = listed(core, symbol);
    if (ins == nullptr) return bad_symbol();
    const auto limit = depth_limit(text(p, "limit"));
    if (!limit) return bn_error(bn::mandatory_param, "Illegal 'limit': use 5, 10, 20, 50, 100, 500 or 1000.");
    boost::json::object o;
    boost::json::array bids;
    boost::json::array asks;
    std::uint64_t last = 0;
    if (const symbol_market* m = core.market.find(symbol)) {
        last = m->u;
        const auto put = [&](boost::json::array& out, const level_list& levels) {
            for (std::size_t k = 0; k < levels.size() && k < static_cast<std::size_t>(*limit); ++k) {
                out.push_back(boost::json::array{levels[k].px.to_string(ins->filters.price_digits),
                                                 levels[k].qty.to_string(ins->filters.qty_digits)});
            }
        };
        put(bids, m->bids);
        put(asks, m->asks);
    }
    o["lastUpdateId"] = last;
    o["E"] = now_ms;
    o["T"] = now_ms;
    o["bids"] = std::move(bids);
    o["asks"] = std::move(asks);
    return boost::json::value(std::move(o));
}

/// The order a request names by orderId or origClientOrderId, in `symbol` (nullopt: none such).
[[nodiscard]] inline std::variant<std::optional<std::size_t>, binance_error> find_order(const venue_core& core, binance_front& bn,
                                                                                        const boost::json::object& p) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    const std::string_view number = text(p, "orderId");
    const std::string_view client = text(p, "origClientOrderId");
    if (number.empty() && client.empty()) {
        return bn_error(bn::mandatory_param, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    std::optional<std::size_t> idx;
    if (!number.empty()) {
        std::int64_t n = 0;
        const auto r = std::from_chars(number.data(), number.data() + number.size(), n);
        if (r.ec != std::errc{} || r.ptr != number.data() + number.size()) return bn_missing("orderId");
        const auto& orders = core.ex.orders();
        for (; bn.numbered < orders.size(); ++bn.numbered) bn.by_number[binance_number(orders[bn.numbered].order_id)] = bn.numbered;
        if (const auto it = bn.by_number.find(n); it != bn.by_number.end()) idx = it->second;
        if (idx && !client.empty() && core.ex.orders()[*idx].link_id != client) idx.reset();
    } else {
        idx = core.ex.index_by_link(client);
    }
    if (idx && (core.ex.orders()[*idx].symbol != symbol || core.ex.orders()[*idx].cat != bybit::category::linear)) idx.reset();
    return idx;
}

/// Binance's checks of a new LIMIT order (see the file comment); the exchange's parameters when
/// it passes.
[[nodiscard]] inline std::variant<boost::json::object, binance_error> order_params(const venue_core& core, binance_front& bn,
                                                                                   const boost::json::object& p) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    const instrument_spec* ins = listed(core, symbol);
    if (ins == nullptr) return bad_symbol();
    const std::string_view side = text(p, "side");
    if (side != "BUY" && side != "SELL") return bn_error(bn::invalid_side, "Invalid side.");
    if (text(p, "type") != "LIMIT") return bn_error(bn::invalid_order_type, "Invalid orderType.");
    const std::string_view tif = text(p, "timeInForce");
    if (tif != "GTC" && tif != "GTX") return bn_error(bn::invalid_tif, "Invalid timeInForce.");
    for (const std::string_view k : {"reduceOnly", "closePosition"}) {
        if (const std::string_view v = text(p, k); !v.empty() && v != "false") {
            return bn_error(bn::mandatory_param, fmt::format("{}: only false is supported here, got \"{}\"", k, v.substr(0, 20)));
        }
    }
    if (const std::string_view ps = text(p, "positionSide"); !ps.empty() && ps != "BOTH") {
        return bn_error(bn::mandatory_param, fmt::format("positionSide: only BOTH (one-way mode) here, got \"{}\"", ps.substr(0, 20)));
    }
    const auto px = core::price::parse(text(p, "price"));
    if (!px) return bn_missing("price");
    const auto qty = core::quantity::parse(text(p, "quantity"));
    if (!qty) return bn_missing("quantity");
    const auto& f = ins->filters;
    if (!px->is_positive() || px->raw() % f.tick_size.raw() != 0) return bn_error(bn::price_tick, "Price not increased by tick size.");
    if (*px < f.min_price) return bn_error(bn::price_below_min, "Price less than min price.");
    if (*px > f.max_price) return bn_error(bn::price_above_max, "Price greater than max price.");
    if (!qty->is_positive() || qty->raw() % f.qty_step.raw() != 0) return bn_error(bn::qty_step, "Quantity not increased by step size.");
    if (*qty < f.min_qty) return bn_error(bn::qty_below_min, "Quantity less than min quantity.");
    if (*qty > f.max_qty) return bn_error(bn::qty_above_max, "Quantity greater than max quantity.");
    if (*px * *qty < f.min_notional) {
        return bn_error(bn::min_notional,
                        fmt::format("Order's notional must be no smaller than {} (unless you choose reduce only).", ins->min_notional));
    }
    if (const auto mark = core.market.mark(symbol); mark && !binance::within_band(binance_band, *px, *mark)) {
        const bool above = px->raw() > mark->raw();
        return bn_error(above ? bn::price_above_band : bn::price_below_band,
                        fmt::format("Limit price can't be {} than the PERCENT_PRICE band ({} .. {} x the mark {}).",
                                    above ? "higher" : "lower", binance_band.down.to_string(4),
                                    binance_band.up.to_string(4), mark->to_string(f.price_digits)));
    }
    std::string client(text(p, "newClientOrderId"));
    if (client.empty()) {
        client = fmt::format("lvauto-{}-{}", core.started_ms, ++bn.auto_ids);
    } else {
        const bool ok = client.size() <= binance::max_client_order_id &&
                        client.find_first_not_of(".ABCDEFGHIJKLMNOPQRSTUVWXYZ:/abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                            std::string::npos;
        if (!ok) return bn_error(bn::client_order_id_invalid, "Client order id is not valid.");
        if (const auto held = core.ex.index_by_link(client); held && core.ex.orders()[*held].open()) {
            return bn_error(bn::duplicate_client_order_id, "ClientOrderId is duplicated.");
        }
    }
    const bool buy = side == "BUY";
    if (tif == "GTX") {
        // Binance refuses a post-only order that would take at once, and records nothing.
        if (const symbol_market* m = core.market.find(symbol)) {
            const bool takes = buy ? m->best_ask && *px >= m->best_ask->px : m->best_bid && *px <= m->best_bid->px;
            if (takes) {
                return bn_error(bn::post_only_would_take,
                                "Due to the order could not be executed as maker, the Post Only order will be rejected. "
                                "The order will not be recorded in the order history");
            }
        }
    }
    boost::json::object out;
    out["category"] = "linear";
    out["symbol"] = symbol;
    out["side"] = buy ? "Buy" : "Sell";
    out["orderType"] = "Limit";
    out["qty"] = qty->to_string(f.qty_digits);
    out["price"] = px->to_string(f.price_digits);
    out["timeInForce"] = tif == "GTX" ? "PostOnly" : "GTC";
    out["orderLinkId"] = client;
    return out;
}

[[nodiscard]] inline outcome order_new(venue_core& core, binance_front& bn, const boost::json::object& p,
                                       std::chrono::nanoseconds now) {
    auto checked = order_params(core, bn, p);
    if (auto* refused = std::get_if<binance_error>(&checked)) {
        if (refused->code == bn::duplicate_client_order_id) {
            core.ex.record_duplicate_link(std::string(text(p, "newClientOrderId")));
        }
        return std::move(*refused);
    }
    const auto& params = std::get<boost::json::object>(checked);
    const api_reply r = core.ex.create(params, now);
    if (r.ret_code != ret::ok) return bn_error(bn::unknown, r.ret_msg);  // the checks above leave none
    const auto idx = core.ex.index_by_link(params.at("orderLinkId").get_string());
    return boost::json::value(binance_order_answer(core.ex.orders().at(idx.value())));
}

[[nodiscard]] inline outcome order_cancel(venue_core& core, binance_front& bn, const boost::json::object& p,
                                          std::chrono::nanoseconds now) {
    auto found = find_order(core, bn, p);
    if (auto* refused = std::get_if<binance_error>(&found)) return std::move(*refused);
    const auto idx = std::get<std::optional<std::size_t>>(found);
    if (!idx || !core.ex.orders()[*idx].open()) return bn_error(bn::cancel_rejected, "Unknown order sent.");
    const order_record& o = core.ex.orders()[*idx];
    boost::json::object params{{"category", "linear"}, {"symbol", o.symbol}, {"orderId", o.order_id}};
    const api_reply r = core.ex.cancel(params, now);
    if (r.ret_code != ret::ok) return bn_error(bn::cancel_rejected, "Unknown order sent.");
    boost::json::object answer = binance_order_answer(core.ex.orders()[*idx]);
    answer["status"] = "CANCELED";  // Binance answers the cancel as done; with --latency-ms the push follows
    return boost::json::value(std::move(answer));
}

[[nodiscard]] inline outcome order_query(venue_core& core, binance_front& bn, const boost::json::object& p) {
    auto found = find_order(core, bn, p);
    if (auto* refused = std::get_if<binance_error>(&found)) return std::move(*refused);
    const auto idx = std::get<std::optional<std::size_t>>(found);
    if (!idx) return bn_error(bn::no_such_order, "Order does not exist.");
    return boost::json::value(binance_order_json(core.ex.orders()[*idx]));
}

[[nodiscard]] inline outcome cancel_all(venue_core& core, const boost::json::object& p, std::chrono::nanoseconds now) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    if (listed(core, symbol) == nullptr) return bad_symbol();
    const api_reply r = core.ex.cancel_all(boost::json::object{{"category", "linear"}, {"symbol", symbol}}, now);
    if (r.ret_code != ret::ok) return bn_error(bn::unknown, r.ret_msg);
    return boost::json::value(boost::json::object{{"code", 200}, {"msg", "The operation of cancel all open order is done."}});
}

[[nodiscard]] inline outcome open_orders(const venue_core& core, const boost::json::object& p) {
    const std::string_view symbol = text(p, "symbol");
    if (!symbol.empty() && listed(core, symbol) == nullptr) return bad_symbol();
    boost::json::array list;
    for (const auto& o : core.ex.orders()) {
        if (o.open() && o.cat == bybit::category::linear && (symbol.empty() || o.symbol == symbol)) {
            list.push_back(binance_order_json(o));
        }
    }
    return boost::json::value(std::move(list));
}

/// The account's wallet balance and unrealised PnL in `coin` (positions settled in it, at the mark).
struct coin_view {
    core::notional wallet;
    core::notional unrealised;
};
[[nodiscard]] inline coin_view coin_of(const venue_core& core, const coin_balance& c) {
    coin_view v{c.balance, {}};
    for (const auto& p : core.ex.holdings().positions()) {
        if (p.settle_coin != c.coin || p.flat()) continue;
        if (const auto mark = core.market.mark(p.symbol)) v.unrealised += p.unrealised(*mark);
    }
    return v;
}

[[nodiscard]] inline outcome balance(const venue_core& core, std::int64_t now_ms) {
    boost::json::array list;
    for (const auto& c : core.ex.holdings().coins()) {
        const coin_view v = coin_of(core, c);
        list.push_back({{"accountAlias", "lv"},
                        {"asset", c.coin},
                        {"balance", v.wallet.to_string()},
                        {"crossWalletBalance", v.wallet.to_string()},
                        {"crossUnPnl", v.unrealised.to_string()},
                        {"availableBalance", (v.wallet + v.unrealised).to_string()},
                        {"maxWithdrawAmount", v.wallet.to_string()},
                        {"marginAvailable", true},
                        {"updateTime", now_ms}});
    }
    return boost::json::value(std::move(list));
}

[[nodiscard]] inline boost::json::object position_row(const venue_core& core, const instrument_spec& i, std::int64_t now_ms) {
    position_record flat;
    flat.symbol = i.filters.symbol;
    flat.price_digits = i.filters.price_digits;
    flat.qty_digits = i.filters.qty_digits;
    const position_record* p = core.ex.holdings().position(i.filters.symbol);
    const position_record& pos = p != nullptr ? *p : flat;
    const auto mark = core.market.mark(i.filters.symbol);
    const binance_position_view v = position_view(pos, mark);
    const core::notional notional = mark && !pos.flat() ? *mark * pos.size : core::notional{};
    return {{"symbol", i.filters.symbol},
            {"positionAmt", v.amount},
            {"entryPrice", v.entry},
            {"breakEvenPrice", v.entry},
            {"markPrice", mark.value_or(core::price{}).to_string(i.filters.price_digits)},
            {"unRealizedProfit", v.unrealised},
            {"liquidationPrice", "0"},
            {"leverage", "20"},
            {"maxNotionalValue", "250000"},
            {"marginType", "cross"},
            {"isolatedMargin", "0"},
            {"isAutoAddMargin", "false"},
            {"positionSide", "BOTH"},
            {"notional", (pos.side == core::side::sell ? -notional : notional).to_string()},
            {"isolatedWallet", "0"},
            {"updateTime", p != nullptr ? p->updated_ms : now_ms}};
}

[[nodiscard]] inline outcome position_risk(const venue_core& core, const boost::json::object& p, std::int64_t now_ms) {
    const std::string_view symbol = text(p, "symbol");
    if (!symbol.empty() && listed(core, symbol) == nullptr) return bad_symbol();
    boost::json::array list;
    for (const auto& i : core.ex.instruments()) {
        if (i.category == bybit::category::linear && (symbol.empty() || i.filters.symbol == symbol)) {
            list.push_back(position_row(core, i, now_ms));
        }
    }
    return boost::json::value(std::move(list));
}

[[nodiscard]] inline outcome account(const venue_core& core, std::int64_t now_ms) {
    boost::json::array assets;
    core::notional wallet;
    core::notional unrealised;
    for (const auto& c : core.ex.holdings().coins()) {
        const coin_view v = coin_of(core, c);
        if (c.coin == "USDT") {
            wallet = v.wallet;
            unrealised = v.unrealised;
        }
        assets.push_back({{"asset", c.coin},
                          {"walletBalance", v.wallet.to_string()},
                          {"unrealizedProfit", v.unrealised.to_string()},
                          {"marginBalance", (v.wallet + v.unrealised).to_string()},
                          {"maintMargin", "0"},
                          {"initialMargin", "0"},
                          {"positionInitialMargin", "0"},
                          {"openOrderInitialMargin", "0"},
                          {"crossWalletBalance", v.wallet.to_string()},
                          {"crossUnPnl", v.unrealised.to_string()},
                          {"availableBalance", (v.wallet + v.unrealised).to_string()},
                          {"maxWithdrawAmount", v.wallet.to_string()},
                          {"marginAvailable", true},
                          {"updateTime", now_ms}});
    }
    boost::json::array positions;
    for (const auto& i : core.ex.instruments()) {
        if (i.category == bybit::category::linear) positions.push_back(position_row(core, i, now_ms));
    }
    boost::json::object o;
    o["feeTier"] = 0;
    o["canTrade"] = true;
    o["canDeposit"] = true;
    o["canWithdraw"] = true;
    o["updateTime"] = 0;
    o["multiAssetsMargin"] = false;
    o["totalInitialMargin"] = "0";
    o["totalMaintMargin"] = "0";
    o["totalWalletBalance"] = wallet.to_string();
    o["totalUnrealizedProfit"] = unrealised.to_string();
    o["totalMarginBalance"] = (wallet + unrealised).to_string();
    o["totalPositionInitialMargin"] = "0";
    o["totalOpenOrderInitialMargin"] = "0";
    o["totalCrossWalletBalance"] = wallet.to_string();
    o["totalCrossUnPnl"] = unrealised.to_string();
    o["availableBalance"] = (wallet + unrealised).to_string();
    o["maxWithdrawAmount"] = wallet.to_string();
    o["assets"] = std::move(assets);
    o["positions"] = std::move(positions);
    return boost::json::value(std::move(o));
}

/// GET /sapi/v1/capital/config/getall: the coins of the listed instruments and of the account,
/// with the account's balance as `free`; no networks (no deposits or withdrawals here).
[[nodiscard]] inline outcome coin_config(const venue_core& core) {
    std::set<std::string, std::less<>> names;
    for (const auto& i : core.ex.instruments()) {
        const symbol_coins c = coins_of(i.filters.symbol);
        names.insert(c.base);
        names.insert(c.quote);
    }
    for (const auto& c : core.ex.holdings().coins()) names.insert(c.coin);
    boost::json::array list;
    for (const auto& name : names) {
        const coin_balance* held = core.ex.holdings().coin(name);
        list.push_back({{"coin", name},
                        {"name", name},
                        {"free", (held != nullptr ? held->balance : core::notional{}).to_string()},
                        {"locked", "0"},
                        {"freeze", "0"},
                        {"withdrawing", "0"},
                        {"ipoing", "0"},
                        {"ipoable", "0"},
                        {"storage", "0"},
                        {"isLegalMoney", false},
                        {"trading", true},
                        {"depositAllEnable", false},
                        {"withdrawAllEnable", false},
                        {"networkList", boost::json::array{}}});
    }
    return boost::json::value(std::move(list));
}

/// The exchange's text of a field of an execution row ("" when absent).
[[nodiscard]] inline std::string_view row_text(const boost::json::object& row, std::string_view key) {
    return text(row, key);
}

/// GET /fapi/v1/userTrades: the symbol's fills (of one order with orderId), oldest first, at most
/// `limit` (default 500, max 1000). Each trade's `id` is the `t` its ORDER_TRADE_UPDATE carried.
[[nodiscard]] inline outcome user_trades(const venue_core& core, const boost::json::object& p) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    const instrument_spec* ins = listed(core, symbol);
    if (ins == nullptr) return bad_symbol();
    std::optional<std::int64_t> order_number;
    if (const std::string_view n = text(p, "orderId"); !n.empty()) {
        std::int64_t v = 0;
        const auto r = std::from_chars(n.data(), n.data() + n.size(), v);
        if (r.ec != std::errc{} || r.ptr != n.data() + n.size()) return bn_missing("orderId");
        order_number = v;
    }
    std::int64_t limit = 500;
    if (const std::string_view l = text(p, "limit"); !l.empty()) {
        const auto r = std::from_chars(l.data(), l.data() + l.size(), limit);
        if (r.ec != std::errc{} || r.ptr != l.data() + l.size() || limit < 1 || limit > 1000) {
            return bn_error(bn::mandatory_param, "Illegal 'limit': 1 to 1000.");
        }
    }
    boost::json::array list;
    for (const auto& e : core.ex.executions()) {
        if (std::cmp_greater_equal(list.size(), limit)) break;
        const auto& row = e.row;
        if (e.cat != bybit::category::linear || row_text(row, "symbol") != symbol) continue;
        const std::string_view venue_id = row_text(row, "orderId");
        const std::int64_t number = binance_number(venue_id);
        if (order_number && number != *order_number) continue;
        const auto* seq = row.if_contains("seq");
        const std::uint64_t exec_seq = seq != nullptr && seq->is_int64() ? static_cast<std::uint64_t>(seq->get_int64()) : 0;
        const auto px = core::price::parse(row_text(row, "execPrice"));
        const auto qty = core::quantity::parse(row_text(row, "execQty"));
        const bool buy = row_text(row, "side") == core::to_string(core::side::buy);
        const auto* maker = row.if_contains("isMaker");
        const bool is_maker = maker != nullptr && maker->is_bool() && maker->get_bool();
        std::int64_t at_ms = 0;
        const std::string_view t = row_text(row, "execTime");
        (void)std::from_chars(t.data(), t.data() + t.size(), at_ms);
        boost::json::object o;
        o["buyer"] = buy;
        o["commission"] = row_text(row, "execFee");
        o["commissionAsset"] = coins_of(symbol).quote;
        o["id"] = binance_number(fmt::format("{}-{:012x}", venue_id.substr(0, 23), exec_seq & 0xFFFFFFFFFFFFULL));
        o["maker"] = is_maker;
        o["orderId"] = number;
        o["price"] = row_text(row, "execPrice");
        o["qty"] = row_text(row, "execQty");
        o["quoteQty"] = px && qty ? (*px * *qty).to_string() : std::string("0");
        o["realizedPnl"] = "0";
        o["side"] = buy ? "BUY" : "SELL";
        o["positionSide"] = "BOTH";
        o["symbol"] = symbol;
        o["time"] = at_ms;
        list.push_back(std::move(o));
    }
    return boost::json::value(std::move(list));
}

/// GET /fapi/v1/ticker/bookTicker?symbol=: the replayed book's best bid and ask.
[[nodiscard]] inline outcome book_ticker(const venue_core& core, const boost::json::object& p, std::int64_t now_ms) {
    const std::string_view symbol = text(p, "symbol");
    if (symbol.empty()) return bn_missing("symbol");
    const instrument_spec* ins = listed(core, symbol);
    if (ins == nullptr) return bad_symbol();
    const auto& f = ins->filters;
    boost::json::object o;
    o["symbol"] = symbol;
    const auto put = [&](std::string_view px_key, std::string_view qty_key, const level_list* levels) {
        const bool any = levels != nullptr && !levels->empty();
        o[px_key] = any ? levels->front().px.to_string(f.price_digits) : core::price{}.to_string(f.price_digits);
        o[qty_key] = any ? levels->front().qty.to_string(f.qty_digits) : core::quantity{}.to_string(f.qty_digits);
    };
    const symbol_market* m = core.market.find(symbol);
    put("bidPrice", "bidQty", m != nullptr ? &m->bids : nullptr);
    put("askPrice", "askQty", m != nullptr ? &m->asks : nullptr);
    o["time"] = now_ms;
    o["lastUpdateId"] = m != nullptr ? m->u : std::uint64_t{0};
    return boost::json::value(std::move(o));
}

[[nodiscard]] inline outcome listen_key(binance_front& bn, op what, const boost::json::object& p, std::int64_t now_ms) {
    if (what == op::listen_key_new) {
        return boost::json::value(boost::json::object{{"listenKey", bn.access.open_listen_key(now_ms)}});
    }
    std::string key(text(p, "listenKey"));
    if (key.empty()) key = bn.access.live_key();
    if (what == op::listen_key_keep) {
        if (key.empty() || !bn.access.keep_alive(key, now_ms)) {
            return bn_error(bn::invalid_listen_key, "This listenKey does not exist.");
        }
        return boost::json::value(boost::json::object{{"listenKey", key}});
    }
    if (!key.empty()) (void)bn.access.close_listen_key(key);
    return boost::json::value(boost::json::object{});
}

[[nodiscard]] inline outcome dispatch(venue_core& core, binance_front& bn, op what, const boost::json::object& p,
                                      std::chrono::nanoseconds now) {
    const std::int64_t now_ms = local::detail::to_ms(now);
    switch (what) {
        case op::ping: return boost::json::value(boost::json::object{});
        case op::time: return boost::json::value(boost::json::object{{"serverTime", now_ms}});
        case op::exchange_info: return exchange_info(core, now_ms);
        case op::depth: return depth(core, p, now_ms);
        case op::order_new: return order_new(core, bn, p, now);
        case op::order_cancel: return order_cancel(core, bn, p, now);
        case op::order_query: return order_query(core, bn, p);
        case op::cancel_all: return cancel_all(core, p, now);
        case op::open_orders: return open_orders(core, p);
        case op::listen_key_new:
        case op::listen_key_keep:
        case op::listen_key_close: return listen_key(bn, what, p, now_ms);
        case op::balance: return balance(core, now_ms);
        case op::account: return account(core, now_ms);
        case op::position_risk: return position_risk(core, p, now_ms);
        case op::coin_config: return coin_config(core);
        case op::margin_pairs: return boost::json::value(boost::json::array{});
        case op::user_trades: return user_trades(core, p);
        case op::book_ticker: return book_ticker(core, p, now_ms);
    }
    return bn_error(bn::unknown, "unknown endpoint");
}

[[nodiscard]] inline rest_answer error_answer(const binance_error& e) {
    rest_answer a;
    a.status = e.http_status;
    a.body = e.body();
    if (e.retry_after_s > 0) a.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
    return a;
}

}  // namespace detail

/// Whether `path` is one of the front end's (any method).
[[nodiscard]] inline bool serves(std::string_view path) {
    for (const auto& r : routes) {
        if (r.path == path) return true;
    }
    return false;
}

}  // namespace binance_api

/// One Binance REST request (see the file comment). `forced_rate_limit`: the rate_limit fault
/// fired for it.
template <header_lookup Headers>
[[nodiscard]] rest_answer handle_binance_rest(venue_core& core, binance_front& bn, std::string_view method,
                                              std::string_view target, const Headers& header, std::string_view body,
                                              std::chrono::nanoseconds now, bool forced_rate_limit = false) {
    namespace api = binance_api;
    const std::int64_t now_ms = detail::to_ms(now);
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const api::route* served = nullptr;
    for (const auto& r : api::routes) {
        if (r.path == path && r.method == method) served = &r;
    }
    if (served == nullptr) {
        auto a = api::detail::error_answer(
            bn_error(bn::unknown, fmt::format("{} {} is not served here", method.substr(0, 10), path.substr(0, 80))));
        a.status = api::serves(path) ? 405 : 404;
        return a;
    }
    auto from_query = parse_query(query);
    auto from_body = parse_query(body);
    if (std::holds_alternative<api_reply>(from_query) || std::holds_alternative<api_reply>(from_body)) {
        return api::detail::error_answer(bn_error(bn::illegal_chars, "Illegal characters found in a parameter."));
    }
    boost::json::object params = std::move(std::get<boost::json::object>(from_query));
    for (auto& [k, v] : std::get<boost::json::object>(from_body)) params[k] = std::move(v);

    const std::string_view key = header(binance::header_api_key);
    std::optional<binance_error> refused;
    if (served->who == api::access::key) refused = bn.access.check_key(key);
    if (served->who == api::access::signed_request) refused = bn.access.check_signed(key, query, body, params, now_ms);
    // A request refused for its key, signature or time still weighs; only an authentic order
    // counts against ORDERS.
    const bool order = served->what == api::op::order_new;
    const binance_usage use =
        bn.access.charge(api::detail::weight_of(*served, params), order && !refused, now_ms, forced_rate_limit);
    if (!refused) refused = use.refused;
    const api::outcome out = refused ? api::outcome{*refused} : api::detail::dispatch(core, bn, served->what, params, now);
    rest_answer a = std::holds_alternative<binance_error>(out)
                        ? api::detail::error_answer(std::get<binance_error>(out))
                        : rest_answer{200, boost::json::serialize(std::get<boost::json::value>(out)), "application/json", {}, {}};
    a.headers.emplace_back("X-MBX-USED-WEIGHT-1M", std::to_string(use.used_weight));
    if (order) a.headers.emplace_back("X-MBX-ORDER-COUNT-1M", std::to_string(use.order_count));
    return a;
}

}  // namespace mmbot::venue::local
