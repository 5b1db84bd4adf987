// testing/local_venue/account_api.hpp
//
// The signed account endpoints of the local venue (no I/O; rest_api.hpp routes to them), in
// Bybit's v5 shapes:
//   GET /v5/account/wallet-balance   accountType=UNIFIED, coin? (comma-separated): each coin's
//                                    walletBalance, equity, unrealisedPnl, cumRealisedPnl, locked,
//                                    usdValue, and the account's USD totals
//   GET /v5/position/list            category=linear, symbol or settleCoin, limit? (1..200, default
//                                    20), cursor?: size, side, avgPrice, positionValue, markPrice,
//                                    unrealisedPnl, cur/cumRealisedPnl, ...
//   GET /v5/account/info             the account's mode: a unified trading account, regular margin
//   GET /v5/user/query-api           the calling key: its permissions, readOnly 0, never a secret
//   GET /v5/asset/coin/query-info    coin?: the coins the venue knows (no deposit chains)
// These are what a client asks before trading and to watch its money: ccxt's bybit calls
// query-api and account/info to learn the account type, coin/query-info to load currencies.
//
// Values come from account.hpp (fills and fees) and market_state.hpp (the mark each position is
// valued at: the capture's markPrice, else the book's mid). USD values count USDT and USDC at 1 and
// another coin at the mark of <COIN>USDT ("" without one). No margin model: initial and
// maintenance margins are "0", leverage, liquidation and break-even prices "". Prices and sizes
// are printed with the instrument's decimals; coin amounts exactly, without trailing zeros.
//
// Errors (retCode 10001, naming field and value): accountType missing or not UNIFIED; category
// missing or spot (Bybit has no spot positions); neither symbol nor settleCoin; a symbol not
// listed; limit or cursor not an integer in range.
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "testing/local_venue/account.hpp"
#include "testing/local_venue/exchange.hpp"
#include "testing/local_venue/instruments.hpp"
#include "testing/local_venue/market_state.hpp"
#include "testing/local_venue/params.hpp"
#include "testing/local_venue/reply.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mmbot::venue::local::account_api {

namespace detail {
/// Coins locked by open spot orders: a buy locks price x leaves of the quote coin, a sell the
/// leaves of the base coin.
[[nodiscard]] inline std::map<std::string, core::notional, std::less<>> spot_locked(const std::vector<order_record>& orders) {
    std::map<std::string, core::notional, std::less<>> out;
    for (const auto& o : orders) {
        if (o.cat != bybit::category::spot || !o.open()) continue;
        const core::quantity leaves = o.qty - o.cum_qty;
        const symbol_coins c = coins_of(o.symbol);
        if (o.side == core::side::buy) {
            out[c.quote] += o.price * leaves;
        } else {
            out[c.base] += coin_amount(leaves);
        }
    }
    return out;
}

/// The USD price of a coin: 1 for USDT and USDC, else the mark of <COIN>USDT.
[[nodiscard]] inline std::optional<core::ratio> usd_price(const market_state& market, std::string_view coin) {
    if (coin == "USDT" || coin == "USDC") return core::ratio::from_raw(core::ratio::one());
    const auto px = market.mark(std::string(coin) + "USDT");
    // A price and a ratio share the 8-digit scale: the same raw value is the same number.
    if (px) return core::ratio::from_raw(px->raw());
    return std::nullopt;
}

/// Unrealised PnL of the open positions settled in `coin`, each at its mark (at its entry when
/// the market has no price for it yet).
[[nodiscard]] inline core::notional unrealised_in(const account& acct, const market_state& market,
                                                  std::string_view coin) {
    core::notional sum;
    for (const auto& p : acct.positions()) {
        if (p.settle_coin != coin || p.flat()) continue;
        sum += p.unrealised(market.mark(p.symbol).value_or(p.avg));
    }
    return sum;
}

struct usd_totals {
    core::notional wallet, upl;
};

/// One coin row; adds its USD value to `totals`.
[[nodiscard]] inline boost::json::object coin_json(const coin_balance& c, const account& acct, const market_state& market,
                                                   const core::notional& locked, usd_totals& totals) {
    const core::notional upl = unrealised_in(acct, market, c.coin);
    const core::notional equity = c.balance + upl;
    const auto usd = usd_price(market, c.coin);
    if (usd) {
        totals.wallet += core::mul(c.balance, *usd, core::rounding::down);
        totals.upl += core::mul(upl, *usd, core::rounding::down);
    }
    boost::json::object j;
    j["coin"] = c.coin;
    j["walletBalance"] = c.balance.to_string();
    j["equity"] = equity.to_string();
    j["usdValue"] = usd ? core::mul(equity, *usd, core::rounding::down).to_string() : std::string();
    j["unrealisedPnl"] = upl.to_string();
    j["cumRealisedPnl"] = c.cum_realised.to_string();
    j["locked"] = locked.to_string();
    for (const char* zero : {"borrowAmount", "accruedInterest", "totalOrderIM", "totalPositionIM", "totalPositionMM",
                             "bonus", "spotBorrow", "spotHedgingQty"}) {
        j[zero] = "0";
    }
    j["availableToWithdraw"] = "";  // deprecated for UNIFIED: Bybit sends ""
    j["availableToBorrow"] = "";
    j["marginCollateral"] = true;
    j["collateralSwitch"] = true;
    return j;
}

/// The comma-separated `coin` filter, if given.
[[nodiscard]] inline std::vector<std::string> coin_filter(const std::optional<std::string>& text) {
    std::vector<std::string> out;
    if (!text) return out;
    std::string_view rest = *text;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (const auto one = rest.substr(0, comma); !one.empty()) out.emplace_back(one);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return out;
}
}  // namespace detail

/// GET /v5/account/wallet-balance (see the file comment).
[[nodiscard]] inline api_reply wallet_balance(const exchange& ex, const market_state& market,
                                              const boost::json::object& q) {
    auto type = required_param(q, "accountType");
    if (auto* e = std::get_if<api_reply>(&type)) return std::move(*e);
    if (std::get<std::string>(type) != "UNIFIED") {
        return params_error(fmt::format("accountType: only UNIFIED (a unified trading account) here, got \"{}\"",
                                        std::string_view(std::get<std::string>(type)).substr(0, local::detail::max_quoted)));
    }
    auto coin_text = string_param(q, "coin");
    if (auto* e = std::get_if<api_reply>(&coin_text)) return std::move(*e);
    const auto wanted = detail::coin_filter(std::get<std::optional<std::string>>(coin_text));
    const account& acct = ex.holdings();
    const auto locked = detail::spot_locked(ex.orders());
    detail::usd_totals totals;
    boost::json::array coins;
    for (const auto& c : acct.coins()) {
        const auto l = locked.find(c.coin);
        const core::notional held = l == locked.end() ? core::notional{} : l->second;
        auto row = detail::coin_json(c, acct, market, held, totals);
        const bool asked = std::find(wanted.begin(), wanted.end(), c.coin) != wanted.end();
        // Without a filter Bybit lists the coins that hold something.
        const bool holds = !c.balance.is_zero() || !held.is_zero() || !detail::unrealised_in(acct, market, c.coin).is_zero();
        if (wanted.empty() ? holds : asked) coins.push_back(std::move(row));
    }
    const core::notional margin = totals.wallet + totals.upl;
    boost::json::object a;
    a["accountType"] = "UNIFIED";
    a["totalEquity"] = margin.to_string();
    a["totalWalletBalance"] = totals.wallet.to_string();
    a["totalMarginBalance"] = margin.to_string();
    a["totalAvailableBalance"] = margin.to_string();
    a["totalPerpUPL"] = totals.upl.to_string();
    for (const char* zero : {"totalInitialMargin", "totalMaintenanceMargin", "accountIMRate", "accountMMRate",
                             "accountIMRateByMp", "accountMMRateByMp", "totalInitialMarginByMp",
                             "totalMaintenanceMarginByMp", "accountLTV"}) {
        a[zero] = "0";
    }
    a["coin"] = std::move(coins);
    boost::json::object r;
    r["list"] = boost::json::array{std::move(a)};
    return ok_reply(std::move(r));
}

/// One position/list row: `p` may be flat (a symbol asked for by name).
[[nodiscard]] inline boost::json::object position_json(const position_record& p, const market_state& market) {
    const auto mark = market.mark(p.symbol);
    boost::json::object j;
    j["positionIdx"] = 0;
    j["riskId"] = 1;
    j["riskLimitValue"] = "2000000";
    j["symbol"] = p.symbol;
    j["side"] = p.flat() ? "" : core::to_string(p.side);
    j["size"] = p.size.to_string(p.qty_digits);
    j["avgPrice"] = p.avg.to_string(p.price_digits);
    j["positionValue"] = (p.avg * p.size).to_string();
    j["markPrice"] = mark ? mark->to_string(p.price_digits) : std::string();
    j["unrealisedPnl"] = (p.flat() || !mark ? core::notional{} : p.unrealised(*mark)).to_string();
    j["curRealisedPnl"] = p.cur_realised.to_string();
    j["cumRealisedPnl"] = p.cum_realised.to_string();
    j["positionStatus"] = "Normal";
    j["tradeMode"] = 0;
    j["autoAddMargin"] = 0;
    j["adlRankIndicator"] = p.flat() ? 0 : 2;
    // No margin model: margins "0", the prices that follow from margin "".
    for (const char* zero : {"positionIM", "positionIMByMp", "positionMM", "positionMMByMp", "positionBalance"}) {
        j[zero] = "0";
    }
    for (const char* none : {"leverage", "liqPrice", "bustPrice", "breakEvenPrice", "takeProfit", "stopLoss",
                             "trailingStop", "sessionAvgPrice", "delta", "gamma", "vega", "theta",
                             "mmrSysUpdatedTime", "leverageSysUpdatedTime"}) {
        j[none] = "";
    }
    j["tpslMode"] = "Full";
    j["isReduceOnly"] = false;
    j["createdTime"] = std::to_string(p.created_ms);
    j["updatedTime"] = std::to_string(p.updated_ms);
    j["openTime"] = p.opened_ms;
    j["seq"] = p.seq == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(p.seq);
    return j;
}

/// GET /v5/position/list (see the file comment).
[[nodiscard]] inline api_reply position_list(const exchange& ex, const market_state& market,
                                             const boost::json::object& q) {
    auto cat = market_category_param(q);
    if (auto* e = std::get_if<api_reply>(&cat)) return std::move(*e);
    const auto& c = std::get<market_category>(cat);
    if (c.listed == bybit::category::spot) {
        return params_error("category: positions exist for linear, inverse and option, got \"spot\"");
    }
    auto symbol = string_param(q, "symbol");
    if (auto* e = std::get_if<api_reply>(&symbol)) return std::move(*e);
    auto settle = string_param(q, "settleCoin");
    if (auto* e = std::get_if<api_reply>(&settle)) return std::move(*e);
    const auto& sym = std::get<std::optional<std::string>>(symbol);
    const auto& coin = std::get<std::optional<std::string>>(settle);
    auto limit = int_param(q, "limit", 1, 200, 20);
    if (auto* e = std::get_if<api_reply>(&limit)) return std::move(*e);
    auto cursor = int_param(q, "cursor", 0, INT64_MAX, 0);
    if (auto* e = std::get_if<api_reply>(&cursor)) return std::move(*e);
    if (c.listed && !sym && !coin) return params_error("symbol or settleCoin: one is required for linear");
    std::vector<position_record> rows;
    if (c.listed && sym) {
        const instrument_spec* i = find_instrument(ex.instruments(), *c.listed, *sym);
        if (i == nullptr) {
            return params_error(fmt::format("symbol: \"{}\" is not listed for {}",
                                            std::string_view(*sym).substr(0, local::detail::max_quoted), c.name));
        }
        // By name Bybit answers whether or not there is a position.
        const position_record* p = ex.holdings().position(*sym);
        position_record flat;
        flat.symbol = *sym;
        flat.settle_coin = coins_of(*sym).quote;
        flat.price_digits = i->filters.price_digits;
        flat.qty_digits = i->filters.qty_digits;
        rows.push_back(p != nullptr ? *p : flat);
    } else if (c.listed) {
        for (const auto& p : ex.holdings().positions()) {
            if (!p.flat() && p.settle_coin == *coin) rows.push_back(p);
        }
        std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.symbol < b.symbol; });
    }
    const auto first = std::min(rows.size(), static_cast<std::size_t>(std::get<std::int64_t>(cursor)));
    const auto last = std::min(rows.size(), first + static_cast<std::size_t>(std::get<std::int64_t>(limit)));
    boost::json::array list;
    for (std::size_t k = first; k < last; ++k) list.push_back(position_json(rows[k], market));
    boost::json::object r;
    r["category"] = c.name;
    r["list"] = std::move(list);
    r["nextPageCursor"] = last < rows.size() ? std::to_string(last) : std::string();
    return ok_reply(std::move(r));
}

/// GET /v5/account/info: a unified trading account (UTA 2.0) in regular (cross) margin.
[[nodiscard]] inline api_reply account_info(std::int64_t since_ms) {
    boost::json::object r;
    r["unifiedMarginStatus"] = 5;
    r["marginMode"] = "REGULAR_MARGIN";
    r["isMasterTrader"] = false;
    r["spotHedgingStatus"] = "OFF";
    r["updatedTime"] = std::to_string(since_ms);
    r["dcpStatus"] = "OFF";
    r["timeWindow"] = 0;
    r["smpGroup"] = 0;
    return ok_reply(std::move(r));
}

/// GET /v5/user/query-api: the key the request was signed with (its own text, which the caller
/// already has; the secret is "" as Bybit sends it). Read and trade permissions, no IP binding.
[[nodiscard]] inline api_reply query_api(std::string_view api_key, std::string_view created_iso) {
    const auto list = [](std::initializer_list<const char*> names) {
        boost::json::array a;
        for (const char* n : names) a.emplace_back(n);
        return a;
    };
    boost::json::object permissions{
        {"ContractTrade", list({"Order", "Position"})}, {"Spot", list({"SpotTrade"})},
        {"Wallet", list({"AccountTransfer", "SubMemberTransfer"})}, {"Options", list({})},
        {"Derivatives", list({"DerivativesTrade"})}, {"CopyTrading", list({})}, {"BlockTrade", list({})},
        {"Exchange", list({})}, {"NFT", list({})}, {"Affiliate", list({})}, {"Earn", list({})}};
    boost::json::object r{{"id", "1"}, {"note", "mmbot-local-venue"}, {"apiKey", api_key}, {"readOnly", 0},
                          {"secret", ""}, {"permissions", std::move(permissions)}, {"ips", list({"*"})},
                          {"type", 1}, {"deadlineDay", -2}, {"expiredAt", "1970-01-01T00:00:00Z"},
                          {"createdAt", created_iso}, {"unified", 0}, {"uta", 1}, {"userID", 1},
                          {"inviterID", 0}, {"vipLevel", "No VIP"}, {"mktMakerLevel", "0"}, {"affiliateID", 0},
                          {"rsaPublicKey", ""}, {"isMaster", true}, {"parentUid", "0"}};
    return ok_reply(std::move(r));
}

/// GET /v5/asset/coin/query-info: the coins of the listed instruments and of the account.
[[nodiscard]] inline api_reply coin_info(const exchange& ex, const boost::json::object& q) {
    auto coin = string_param(q, "coin");
    if (auto* e = std::get_if<api_reply>(&coin)) return std::move(*e);
    const auto& only = std::get<std::optional<std::string>>(coin);
    std::vector<std::string> names;
    for (const auto& i : ex.instruments()) {
        const symbol_coins c = coins_of(i.filters.symbol);
        names.push_back(c.base);
        names.push_back(c.quote);
    }
    for (const auto& c : ex.holdings().coins()) names.push_back(c.coin);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    boost::json::array rows;
    for (const auto& n : names) {
        if (only && n != *only) continue;
        // Deposits and withdrawals do not exist here: no chains, nothing to withdraw.
        rows.push_back(boost::json::object{{"name", n}, {"coin", n}, {"remainAmount", "0"}, {"chains", boost::json::array{}}});
    }
    boost::json::object r;
    r["rows"] = std::move(rows);
    return ok_reply(std::move(r));
}

}  // namespace mmbot::venue::local::account_api
