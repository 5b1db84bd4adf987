// testing/local_venue/market_api.hpp
//
// The public market endpoints of the local venue (no I/O; rest_api.hpp routes to them):
//   GET /v5/market/instruments-info  category, symbol?, baseCoin?, status?, limit? (1..1000)
//   GET /v5/market/orderbook         category, symbol, limit? (spot 1..1000 default 1; linear and
//                                    inverse 1..1000 default 25; option 1..25 default 1)
//   GET /v5/market/tickers           category, symbol?
//   GET /v5/market/recent-trade      category, symbol, limit? (spot 1..60 default 60; others
//                                    1..1000 default 500)
// in Bybit's v5 shapes, from the replayed capture (market_state.hpp) and the listed instruments.
// Every category Bybit has is accepted; inverse and option list nothing here (a client that loads
// every category, as ccxt's market loader does, gets empty lists, not an error). Prices and sizes
// are printed with the instrument's decimals ("65000.10", "0.500"). A ticker field the capture
// cannot give honestly (24 h statistics, open interest, the next funding time, ...) is "", as
// Bybit prints a field without a value.
//
// Errors (retCode 10001, the message naming the field and value): category missing or not one of
// Bybit's, symbol missing (orderbook, recent-trade) or not listed in the category, limit not an
// integer in range.
//
//   api_reply r = market_api::orderbook(market, instruments, query, now_ms);
#pragma once

#include "mmbot/feed/types.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/depth_views.hpp"
#include "testing/local_venue/instruments.hpp"
#include "testing/local_venue/market_state.hpp"
#include "testing/local_venue/params.hpp"
#include "testing/local_venue/reply.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mmbot::venue::local::market_api {

namespace detail {
/// The listed instrument `symbol` names in `cat`, or the 10001 that refuses it.
[[nodiscard]] inline param<const instrument_spec*> listed_symbol(const std::vector<instrument_spec>& list,
                                                                 const market_category& cat,
                                                                 std::string_view symbol) {
    const instrument_spec* i = cat.listed ? find_instrument(list, *cat.listed, symbol) : nullptr;
    if (i == nullptr) {
        return params_error(fmt::format("symbol: \"{}\" is not listed for {}",
                                        symbol.substr(0, local::detail::max_quoted), cat.name));
    }
    return i;
}

/// The page size a category allows (1..max) and gives without a `limit`.
struct limit_range {
    std::int64_t max = 0;
    std::int64_t dflt = 0;
};

/// category, symbol (listed in that category) and limit: what orderbook and recent-trade read.
struct symbol_query {
    market_category category;
    const instrument_spec* instrument = nullptr;
    std::size_t limit = 0;
};
template <class LimitsOf>
[[nodiscard]] param<symbol_query> read_symbol_query(const std::vector<instrument_spec>& list,
                                                    const boost::json::object& q, LimitsOf limits_of) {
    auto cat = market_category_param(q);
    if (auto* e = std::get_if<api_reply>(&cat)) return std::move(*e);
    auto& c = std::get<market_category>(cat);
    auto symbol = required_param(q, "symbol");
    if (auto* e = std::get_if<api_reply>(&symbol)) return std::move(*e);
    const limit_range range = limits_of(c);
    auto limit = int_param(q, "limit", 1, range.max, range.dflt);
    if (auto* e = std::get_if<api_reply>(&limit)) return std::move(*e);
    auto ins = listed_symbol(list, c, std::get<std::string>(symbol));
    if (auto* e = std::get_if<api_reply>(&ins)) return std::move(*e);
    return symbol_query{std::move(c), std::get<const instrument_spec*>(ins),
                        static_cast<std::size_t>(std::get<std::int64_t>(limit))};
}

template <class T>
[[nodiscard]] std::string text_or_empty(const std::optional<T>& v, int digits = 0) {
    return v ? v->to_string(digits) : std::string();
}
}  // namespace detail

/// One instruments-info row.
[[nodiscard]] inline boost::json::object instrument_json(const instrument_spec& i) {
    boost::json::object price_filter;
    boost::json::object lot;
    price_filter["tickSize"] = i.tick_size;
    lot["minOrderQty"] = i.min_qty;
    lot["maxOrderQty"] = i.max_qty;
    if (i.category == bybit::category::linear) {
        price_filter["minPrice"] = i.min_price;
        price_filter["maxPrice"] = i.max_price;
        lot["qtyStep"] = i.qty_step;
        lot["minNotionalValue"] = i.min_notional;
        lot["maxMktOrderQty"] = i.max_qty;
        lot["postOnlyMaxOrderQty"] = i.max_qty;
    } else {
        lot["basePrecision"] = i.qty_step;
        lot["minOrderAmt"] = i.min_notional;
        lot["maxOrderAmt"] = "10000000";
    }
    const symbol_coins coins = coins_of(i.filters.symbol);
    boost::json::object j;
    j["symbol"] = i.filters.symbol;
    j["status"] = "Trading";
    j["baseCoin"] = coins.base;
    j["quoteCoin"] = coins.quote;
    if (i.category == bybit::category::linear) {
        // The fields of a USDT perpetual that a client's market loader reads (ccxt's
        // parseMarket among them), with Bybit's values for BTCUSDT where they do not matter here.
        j["contractType"] = "LinearPerpetual";
        j["settleCoin"] = coins.quote;
        j["launchTime"] = "1585526400000";
        j["deliveryTime"] = "0";
        j["deliveryFeeRate"] = "";
        j["priceScale"] = std::to_string(price_scale_of(i.tick_size));
        j["leverageFilter"] = {{"minLeverage", "1"}, {"maxLeverage", "100.00"}, {"leverageStep", "0.01"}};
        j["unifiedMarginTrade"] = true;
        j["fundingInterval"] = 480;
        j["copyTrading"] = "both";
        j["upperFundingRate"] = "0.00375";
        j["lowerFundingRate"] = "-0.00375";
        j["isPreListing"] = false;
        j["preListingInfo"] = nullptr;
    } else {
        j["innovation"] = "0";
        j["marginTrading"] = "utaOnly";
        j["stTag"] = "0";
        lot["quotePrecision"] = "0.00000001";
    }
    j["riskParameters"] = {{"priceLimitRatioX", "0.01"}, {"priceLimitRatioY", "0.02"}};
    j["priceFilter"] = std::move(price_filter);
    j["lotSizeFilter"] = std::move(lot);
    return j;
}

/// GET /v5/market/instruments-info (see the file comment).
[[nodiscard]] inline api_reply instruments_info(const std::vector<instrument_spec>& list,
                                                const boost::json::object& q) {
    auto cat = market_category_param(q);
    if (auto* e = std::get_if<api_reply>(&cat)) return std::move(*e);
    std::array<std::optional<std::string>, 3> filter{};
    constexpr std::array<std::string_view, 3> keys{"symbol", "baseCoin", "status"};
    for (std::size_t k = 0; k < keys.size(); ++k) {
        auto s = string_param(q, keys[k]);
        if (auto* e = std::get_if<api_reply>(&s)) return std::move(*e);
        filter[k] = std::move(std::get<std::optional<std::string>>(s));
    }
    auto limit = int_param(q, "limit", 1, 1000, 500);
    if (auto* e = std::get_if<api_reply>(&limit)) return std::move(*e);
    const auto& c = std::get<market_category>(cat);
    boost::json::array rows;
    for (const auto& i : list) {
        if (!c.listed || i.category != *c.listed) continue;
        if (filter[0] && i.filters.symbol != *filter[0]) continue;
        if (filter[1] && coins_of(i.filters.symbol).base != *filter[1]) continue;
        if (filter[2] && *filter[2] != "Trading") continue;  // every listed instrument trades
        rows.push_back(instrument_json(i));
    }
    boost::json::object r;
    r["category"] = c.name;
    r["list"] = std::move(rows);
    r["nextPageCursor"] = "";
    return ok_reply(std::move(r));
}

/// GET /v5/market/orderbook: the top `limit` levels of the capture's current book.
[[nodiscard]] inline api_reply orderbook(const market_state& market, const std::vector<instrument_spec>& list,
                                         const boost::json::object& q, std::int64_t now_ms) {
    auto query = detail::read_symbol_query(list, q, [](const market_category& c) -> detail::limit_range {
        if (c.name == "option") return {25, 1};
        return {1000, c.listed == bybit::category::spot ? 1 : 25};
    });
    if (auto* e = std::get_if<api_reply>(&query)) return std::move(*e);
    const instrument_spec& i = *std::get<detail::symbol_query>(query).instrument;
    const std::size_t depth = std::get<detail::symbol_query>(query).limit;
    const symbol_market* m = market.find(i.filters.symbol);
    const auto top = [&](const level_list& side) {
        level_list out;
        if (m != nullptr) out.assign(side.begin(), side.begin() + static_cast<std::ptrdiff_t>(std::min(depth, side.size())));
        return json_levels(out, format_of(i));
    };
    boost::json::object r;
    r["s"] = i.filters.symbol;
    r["b"] = top(m != nullptr ? m->bids : level_list{});
    r["a"] = top(m != nullptr ? m->asks : level_list{});
    r["ts"] = now_ms;
    r["u"] = m != nullptr ? m->u : 0;
    r["seq"] = m != nullptr && m->seq ? *m->seq : 0;
    r["cts"] = now_ms;
    return ok_reply(std::move(r));
}

/// One tickers row, in the fields Bybit gives for the instrument's category.
[[nodiscard]] inline boost::json::object ticker_json(const instrument_spec& i, const symbol_market& m) {
    const number_format f = format_of(i);
    boost::json::object t;
    t["symbol"] = i.filters.symbol;
    t["lastPrice"] = detail::text_or_empty(m.last_price, f.price_digits);
    t["bid1Price"] = m.best_bid->px.to_string(f.price_digits);
    t["bid1Size"] = m.best_bid->qty.to_string(f.qty_digits);
    t["ask1Price"] = m.best_ask->px.to_string(f.price_digits);
    t["ask1Size"] = m.best_ask->qty.to_string(f.qty_digits);
    // What a capture of minutes cannot say: 24 h statistics, open interest, funding schedule.
    for (const char* unknown : {"prevPrice24h", "price24hPcnt", "highPrice24h", "lowPrice24h", "turnover24h", "volume24h"}) {
        t[unknown] = "";
    }
    if (i.category == bybit::category::spot) {
        t["usdIndexPrice"] = "";
        return t;
    }
    t["indexPrice"] = detail::text_or_empty(m.index_price, f.price_digits);
    t["markPrice"] = detail::text_or_empty(m.mark_price, f.price_digits);
    t["fundingRate"] = detail::text_or_empty(m.funding_rate);
    for (const char* unknown : {"prevPrice1h", "openInterest", "openInterestValue", "nextFundingTime",
                                "predictedDeliveryPrice", "basisRate", "basis", "deliveryFeeRate", "preOpenPrice",
                                "preQty", "curPreListingPhase", "basisRateYear"}) {
        t[unknown] = "";
    }
    t["deliveryTime"] = "0";
    t["fundingIntervalHour"] = "8";
    t["fundingCap"] = "0.00375";
    return t;
}

/// GET /v5/market/tickers: every listed symbol of the category that has a two-sided book yet
/// (Bybit lists every symbol; a bot reads the absence as "no price", which is what it is here).
[[nodiscard]] inline api_reply tickers(const market_state& market, const std::vector<instrument_spec>& list,
                                       const boost::json::object& q) {
    auto cat = market_category_param(q);
    if (auto* e = std::get_if<api_reply>(&cat)) return std::move(*e);
    const auto& c = std::get<market_category>(cat);
    auto symbol = string_param(q, "symbol");
    if (auto* e = std::get_if<api_reply>(&symbol)) return std::move(*e);
    const auto& sym = std::get<std::optional<std::string>>(symbol);
    if (sym) {
        auto ins = detail::listed_symbol(list, c, *sym);
        if (auto* e = std::get_if<api_reply>(&ins)) return std::move(*e);
    }
    boost::json::array rows;
    for (const auto& i : list) {
        if (!c.listed || i.category != *c.listed || (sym && i.filters.symbol != *sym)) continue;
        const symbol_market* m = market.find(i.filters.symbol);
        if (m != nullptr && m->best_bid && m->best_ask) rows.push_back(ticker_json(i, *m));
    }
    boost::json::object r;
    r["category"] = c.name;
    r["list"] = std::move(rows);
    return ok_reply(std::move(r));
}

/// GET /v5/market/recent-trade: the replayed trades, newest first.
[[nodiscard]] inline api_reply recent_trades(const market_state& market, const std::vector<instrument_spec>& list,
                                             const boost::json::object& q) {
    auto query = detail::read_symbol_query(list, q, [](const market_category& c) -> detail::limit_range {
        return c.listed == bybit::category::spot ? detail::limit_range{60, 60} : detail::limit_range{1000, 500};
    });
    if (auto* e = std::get_if<api_reply>(&query)) return std::move(*e);
    const instrument_spec& i = *std::get<detail::symbol_query>(query).instrument;
    const std::size_t limit = std::get<detail::symbol_query>(query).limit;
    const std::string& category = std::get<detail::symbol_query>(query).category.name;
    const number_format f = format_of(i);
    boost::json::array rows;
    if (const symbol_market* m = market.find(i.filters.symbol)) {
        const auto n = std::min(m->trades.size(), limit);
        for (std::size_t k = 0; k < n; ++k) {
            const recent_trade& t = m->trades[k];
            rows.push_back(boost::json::object{
                {"execId", t.id},
                {"symbol", i.filters.symbol},
                {"price", t.px.to_string(f.price_digits)},
                {"size", t.qty.to_string(f.qty_digits)},
                {"side", t.side == feed::taker_side::buy ? "Buy" : "Sell"},
                {"time", std::to_string(t.time_ms)},
                {"isBlockTrade", t.block_trade},
                {"isRPITrade", false},
                {"seq", t.seq ? std::to_string(*t.seq) : std::string()},
            });
        }
    }
    boost::json::object r;
    r["category"] = category;
    r["list"] = std::move(rows);
    return ok_reply(std::move(r));
}

}  // namespace mmbot::venue::local::market_api
