// testing/local_venue/exchange.hpp
//
// The local venue's trading core without I/O: Bybit v5 order entry and queries in front of the
// shadow simulator's matching engine (venue::sim::simulated_venue, one per category), and the
// private WebSocket messages its events produce.
//
// Order entry checks what Bybit checks before accepting a request and answers synchronously:
//   10001   category, symbol (not listed), side, orderType (Limit only), timeInForce (GTC or
//           PostOnly), price/qty missing, not a decimal, off the tick/step grid, outside
//           min/max, orderLinkId characters; each message names the field and the value
//   110094  price x qty below the instrument's min notional
//   110072  orderLinkId already used by an order of this account (open or closed), as Bybit
//   110001  cancel of an order that is not open ("Order does not exist")
// Accepted orders go to the simulator; its events become order states and pushes:
//   ack                        -> New
//   fill                       -> PartiallyFilled / Filled, an `execution` push (execType Trade)
//   cancel (PostOnly crossing) -> Cancelled, rejectReason EC_PostOnlyWillTakeLiquidity
//   cancel (by user)           -> Cancelled / PartiallyFilledCanceled, cancelType CancelByUser
// Market data (the capture) goes to both simulators: a symbol listed in both categories trades
// against the same book.
//
// Time is the caller's: `now` is wall-clock nanoseconds since the epoch (ms timestamps in the
// answers derive from it). Single-threaded: the server calls it from its one I/O thread.
//
//   exchange ex({.instruments = default_instruments()});
//   api_reply r = ex.create(body_object, now);
//   for (auto& p : ex.take_pushes()) broadcast(p);   // {"topic":"order",...}
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/venue/bybit/detail/wire_text.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"
#include "testing/local_venue/account.hpp"
#include "testing/local_venue/instruments.hpp"
#include "testing/local_venue/params.hpp"
#include "testing/local_venue/reply.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace mmbot::venue::local {

using std::chrono::nanoseconds;

struct exchange_options {
    std::vector<instrument_spec> instruments = default_instruments();
    /// Latencies and fee rates of the matching engine (Bybit's base rates by default).
    sim::venue_config sim{};
    /// Leads every order and execution id this venue hands out. Bybit never reuses either, and
    /// a bot rightly refuses an orderId that already names another order and drops a fill whose
    /// execId it has journaled; so a venue process that restarts must not count from the same
    /// place. mmbot-local-venue sets this to its start time in milliseconds; 0 (in-process
    /// tests) keeps ids repeatable.
    std::uint64_t id_epoch = 0;
    /// The account's coins before any fill (account.hpp).
    std::vector<coin_balance> start_balances = account::default_start();
    /// Binance's rule for client order ids: unique among *open* orders (a closed order's id may be
    /// used again). false: Bybit's, never reused (110072).
    bool link_ids_unique_among_open = false;
};

/// One order as the venue keeps it (open and closed alike; orderLinkIds are never reused).
struct order_record {
    std::string order_id;
    std::string link_id;  ///< as the client sent it ("" when it sent none)
    std::string key;      ///< the simulator's client id: link_id, or "lv-<n>" without one
    std::string symbol;
    bybit::category cat = bybit::category::linear;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
    core::quantity cum_qty;
    core::notional cum_value;
    core::notional cum_fee;
    std::string_view status = "Created";
    std::string_view reject_reason = "EC_NoError";
    std::string_view cancel_type = "UNKNOWN";
    bool post_only = true;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    int price_digits = 0;
    int qty_digits = 0;

    [[nodiscard]] bool open() const noexcept {
        return status == "Created" || status == "New" || status == "PartiallyFilled";
    }
};

/// A private WebSocket message and the topic that carries it.
struct private_push {
    std::string_view topic;  ///< "order" or "execution"
    std::string text;
};

/// What happened to an order, for a front end that formats its own pushes (Binance's
/// ORDER_TRADE_UPDATE): the record's index in orders() and, for a trade, the fill.
enum class order_event_kind : std::uint8_t { accepted, trade, canceled, post_only_expired, rejected };
struct order_event {
    std::size_t index = 0;
    order_event_kind kind = order_event_kind::accepted;
    std::int64_t at_ms = 0;
    /// The order as this event left it (a later event may have changed the record since).
    std::string_view status;
    std::string_view reject_reason;
    core::quantity cum_qty;
    core::notional cum_value;
    // A trade only:
    core::price px;
    core::quantity qty;
    core::notional fee;
    bool maker = false;
    std::uint64_t exec_seq = 0;  ///< the execution's counter (execId's last group)
    core::notional realised;     ///< realised PnL of this fill before its fee
};

/// One execution as the `execution` topic pushed it (and execution/list serves it).
struct execution_row {
    bybit::category cat = bybit::category::linear;
    boost::json::object row;
};

/// What a venue that restarts must keep to be the same exchange (--state, state.hpp): every order
/// and execution, the duplicate-link refusals, the counters behind every id it handed out, and
/// the account.
struct trading_state {
    std::vector<order_record> orders;  ///< in acceptance order
    std::vector<execution_row> executions;
    std::vector<std::string> duplicate_link_rejects;
    std::uint64_t next_order = 0;     ///< the last order id's counter
    std::uint64_t next_key = 0;       ///< the last simulator key ("lv-<n>") of an order without a link id
    std::uint64_t next_push = 0;      ///< the last private push id
    std::uint64_t next_execution = 0; ///< the last execution's counter and sequence
    std::vector<coin_balance> coins;
    std::vector<position_record> positions;
};

namespace detail {
[[nodiscard]] inline std::int64_t to_ms(nanoseconds t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
}

template <class T>
[[nodiscard]] bool failed(const param<T>& p) noexcept {
    return std::holds_alternative<api_reply>(p);
}
template <class T>
[[nodiscard]] api_reply take_error(param<T>& p) {
    api_reply r = std::move(std::get<api_reply>(p));
    return r;
}

/// Average fill price, truncated to the price scale (display only; the exact sums are kept).
[[nodiscard]] inline core::price average_price(const core::notional& value,
                                               const core::quantity& qty) {
    if (!qty.is_positive()) return core::price{};
    const core::wide_int q = value.raw() / core::wide_int(qty.raw());
    return core::price::from_raw(q.convert_to<std::int64_t>());
}
}  // namespace detail

class exchange {
public:
    explicit exchange(exchange_options opts)
        : opts_(std::move(opts)), linear_(opts_.sim), spot_(opts_.sim), account_(opts_.start_balances) {}

    /// Replaces the listed instruments (an exchange changing a tick or a lot size while trading):
    /// instruments-info and every later order check use the new filters; resting orders stay.
    void set_instruments(std::vector<instrument_spec> list) { opts_.instruments = std::move(list); }

    [[nodiscard]] const std::vector<instrument_spec>& instruments() const noexcept {
        return opts_.instruments;
    }
    [[nodiscard]] const std::vector<order_record>& orders() const noexcept { return records_; }
    /// Every execution in the order it happened (execution/list's rows; Binance's userTrades).
    [[nodiscard]] const std::vector<execution_row>& executions() const noexcept { return executions_; }
    /// The orderLinkId of each create (single or in a batch) refused because the id was already
    /// used (Bybit's 110072, Binance's -4116), oldest first (a test's ledger: a well-behaved client
    /// sends none but re-sends of a create whose answer it lost).
    [[nodiscard]] const std::vector<std::string>& duplicate_link_rejects() const noexcept {
        return duplicate_link_rejects_;
    }
    /// Records such a refusal; the Binance front end checks its ids itself (its rule: only an open
    /// order holds one).
    void record_duplicate_link(std::string link) { duplicate_link_rejects_.push_back(std::move(link)); }
    [[nodiscard]] const sim::venue_config& sim_config() const noexcept { return opts_.sim; }
    /// Coins and positions as the fills left them.
    [[nodiscard]] const account& holdings() const noexcept { return account_; }
    [[nodiscard]] const sim::venue_stats& stats(bybit::category c) const noexcept {
        return sim_for(c).stats();
    }

    // --------------------------------------------------------------------------- market data

    /// Carries out simulator requests due by `now` (placement latency).
    void advance(nanoseconds now) {
        sink s{*this, bybit::category::linear};
        linear_.advance(now, s);
        sink t{*this, bybit::category::spot};
        spot_.advance(now, t);
    }
    void on_book(const feed::l2_book& book, nanoseconds now) {
        sink s{*this, bybit::category::linear};
        linear_.on_book(book, now, s);
        sink t{*this, bybit::category::spot};
        spot_.on_book(book, now, t);
    }
    void on_trade(const feed::trade& print, nanoseconds now) {
        sink s{*this, bybit::category::linear};
        linear_.on_trade(print, now, s);
        sink t{*this, bybit::category::spot};
        spot_.on_trade(print, now, t);
    }

    /// Everything --state keeps (see trading_state).
    [[nodiscard]] trading_state state() const {
        return {records_,   executions_, duplicate_link_rejects_, next_order_, next_key_, next_push_,
                next_exec_seq_, account_.coins(), account_.positions()};
    }

    /// Becomes the exchange `s` describes, before any market data: every order and execution, the
    /// counters (so no id is handed out twice) and the account; the open orders rest in the
    /// matching engine again with what is left of them, at the back of the queue (the engine's
    /// queue positions are not kept), without a push.
    void restore(trading_state s, nanoseconds now) {
        records_ = std::move(s.orders);
        executions_ = std::move(s.executions);
        duplicate_link_rejects_ = std::move(s.duplicate_link_rejects);
        next_order_ = s.next_order;
        next_key_ = s.next_key;
        next_push_ = s.next_push;
        next_exec_seq_ = s.next_execution;
        account_.restore(std::move(s.coins), std::move(s.positions));
        by_key_.clear();
        by_link_.clear();
        by_order_id_.clear();
        restoring_ = true;
        for (std::size_t i = 0; i < records_.size(); ++i) {
            const order_record& o = records_[i];
            by_key_[cat_key(o.cat, o.key)] = i;
            if (!o.link_id.empty()) by_link_[o.link_id] = i;
            by_order_id_[o.order_id] = i;
            if (o.open()) sim_for(o.cat).place({o.key, o.symbol, o.side, o.price, o.qty - o.cum_qty, o.post_only}, now);
        }
        advance(now + opts_.sim.place_latency);
        restoring_ = false;
    }

    /// The private pushes produced since the last call, oldest first.
    [[nodiscard]] std::vector<private_push> take_pushes() { return std::exchange(pushes_, {}); }
    /// The order events since the last call, oldest first (the same changes the pushes tell).
    [[nodiscard]] std::vector<order_event> take_events() { return std::exchange(events_, {}); }

    /// The index in orders() of the order with this orderId / orderLinkId (the latest holder of
    /// a reused one), if any.
    [[nodiscard]] std::optional<std::size_t> index_by_order_id(std::string_view id) const {
        const auto it = by_order_id_.find(std::string(id));
        return it == by_order_id_.end() ? std::nullopt : std::optional(it->second);
    }
    [[nodiscard]] std::optional<std::size_t> index_by_link(std::string_view link) const {
        const auto it = by_link_.find(std::string(link));
        return it == by_link_.end() ? std::nullopt : std::optional(it->second);
    }

    // --------------------------------------------------------------------------- order entry

    /// POST /v5/order/create.
    [[nodiscard]] api_reply create(const boost::json::object& p, nanoseconds now) {
        auto cat = category_param(p);
        if (detail::failed(cat)) return detail::take_error(cat);
        auto r = place_one(std::get<bybit::category>(cat), p, now);
        if (detail::failed(r)) return detail::take_error(r);
        const order_record& o = records_[std::get<std::size_t>(r)];
        boost::json::object result;
        result["orderId"] = o.order_id;
        result["orderLinkId"] = o.link_id;
        return ok_reply(std::move(result));
    }

    /// POST /v5/order/create-batch: {"category":..,"request":[up to 10 orders]}. The envelope
    /// says 0; each order's own outcome is in retExtInfo.list[i] (code, msg), as Bybit does.
    [[nodiscard]] api_reply create_batch(const boost::json::object& p, nanoseconds now) {
        auto cat = category_param(p);
        if (detail::failed(cat)) return detail::take_error(cat);
        const auto* req = p.if_contains("request");
        if (req == nullptr || !req->is_array()) return params_error("request: missing or not an array");
        const auto& items = req->get_array();
        if (items.empty() || items.size() > bybit::max_batch_orders) {
            return params_error(fmt::format("request: a batch holds 1..{} orders, got {}",
                                            bybit::max_batch_orders, items.size()));
        }
        boost::json::array list;
        boost::json::array codes;
        for (std::size_t i = 0; i < items.size(); ++i) {
            boost::json::object ids;
            ids["category"] = bybit::to_string(std::get<bybit::category>(cat));
            boost::json::object code;
            const auto* item = items[i].if_object();
            param<std::size_t> r = item == nullptr
                                       ? param<std::size_t>{params_error(fmt::format(
                                             "request[{}]: expected an object", i))}
                                       : place_one(std::get<bybit::category>(cat), *item, now);
            if (detail::failed(r)) {
                const api_reply& e = std::get<api_reply>(r);
                ids["symbol"] = item != nullptr && item->contains("symbol") ? item->at("symbol")
                                                                            : boost::json::value("");
                ids["orderId"] = "";
                ids["orderLinkId"] = item != nullptr && item->contains("orderLinkId")
                                         ? item->at("orderLinkId")
                                         : boost::json::value("");
                code["code"] = e.ret_code;
                code["msg"] = e.ret_msg;
            } else {
                const order_record& o = records_[std::get<std::size_t>(r)];
                ids["symbol"] = o.symbol;
                ids["orderId"] = o.order_id;
                ids["orderLinkId"] = o.link_id;
                ids["createAt"] = std::to_string(o.created_ms);
                code["code"] = 0;
                code["msg"] = "OK";
            }
            list.push_back(std::move(ids));
            codes.push_back(std::move(code));
        }
        api_reply out;
        out.result["list"] = std::move(list);
        out.ext["list"] = std::move(codes);
        return out;
    }

    /// POST /v5/order/cancel by orderLinkId or orderId.
    [[nodiscard]] api_reply cancel(const boost::json::object& p, nanoseconds now) {
        auto cat = category_param(p);
        if (detail::failed(cat)) return detail::take_error(cat);
        auto symbol = required_param(p, "symbol");
        if (detail::failed(symbol)) return detail::take_error(symbol);
        auto found = find_order(p, std::get<bybit::category>(cat), std::get<std::string>(symbol));
        if (detail::failed(found)) return detail::take_error(found);
        const std::size_t idx = std::get<std::size_t>(found);
        if (idx == npos || !records_[idx].open()) {
            return error_reply(ret::order_not_found, "Order does not exist");
        }
        order_record& o = records_[idx];
        sim_for(o.cat).cancel(o.symbol, o.key, now);
        advance(now);
        boost::json::object result;
        result["orderId"] = records_[idx].order_id;
        result["orderLinkId"] = records_[idx].link_id;
        return ok_reply(std::move(result));
    }

    /// POST /v5/order/cancel-all for one symbol: the orders it cancelled.
    [[nodiscard]] api_reply cancel_all(const boost::json::object& p, nanoseconds now) {
        auto cat = category_param(p);
        if (detail::failed(cat)) return detail::take_error(cat);
        auto symbol = required_param(p, "symbol");
        if (detail::failed(symbol)) return detail::take_error(symbol);
        const auto c = std::get<bybit::category>(cat);
        const std::string& sym = std::get<std::string>(symbol);
        boost::json::array list;
        for (const auto& o : records_) {
            if (o.cat != c || o.symbol != sym || !o.open()) continue;
            boost::json::object ids;
            ids["orderId"] = o.order_id;
            ids["orderLinkId"] = o.link_id;
            list.push_back(std::move(ids));
        }
        sim_for(c).cancel_all(sym, now);
        advance(now);
        boost::json::object result;
        result["list"] = std::move(list);
        result["success"] = "1";
        return ok_reply(std::move(result));
    }

    /// GET /v5/order/realtime: category (required); symbol, orderId, orderLinkId, openOnly
    /// ("0" default: open orders only, unless an id is given), limit (1..50, default 20),
    /// cursor (the previous page's nextPageCursor). Newest first.
    [[nodiscard]] api_reply realtime(const boost::json::object& q) const {
        auto cat = category_param(q);
        if (detail::failed(cat)) return detail::take_error(cat);
        std::array<std::optional<std::string>, 5> f{};
        constexpr std::array<std::string_view, 5> keys{"symbol", "orderId", "orderLinkId",
                                                       "openOnly", "cursor"};
        for (std::size_t i = 0; i < keys.size(); ++i) {
            auto s = string_param(q, keys[i]);
            if (detail::failed(s)) return detail::take_error(s);
            f[i] = std::move(std::get<std::optional<std::string>>(s));
        }
        auto limit = int_param(q, "limit", 1, bybit::max_page_limit, 20);
        if (detail::failed(limit)) return detail::take_error(limit);
        std::int64_t offset = 0;
        if (f[4]) {
            auto c = int_param(q, "cursor", 0, INT64_MAX, 0);
            if (detail::failed(c)) return detail::take_error(c);
            offset = std::get<std::int64_t>(c);
        }
        const bool by_id = f[1] || f[2];
        const bool open_only = !by_id && (!f[3] || *f[3] == "0");
        std::vector<const order_record*> match;
        for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
            if (it->cat != std::get<bybit::category>(cat)) continue;
            if (f[0] && it->symbol != *f[0]) continue;
            if (f[1] && it->order_id != *f[1]) continue;
            if (f[2] && it->link_id != *f[2]) continue;
            if (open_only && !it->open()) continue;
            match.push_back(&*it);
        }
        boost::json::array list;
        const auto first = static_cast<std::size_t>(std::min<std::int64_t>(
            offset, static_cast<std::int64_t>(match.size())));
        const std::size_t last =
            std::min(match.size(), first + static_cast<std::size_t>(std::get<std::int64_t>(limit)));
        for (std::size_t i = first; i < last; ++i) list.push_back(order_json(*match[i]));
        boost::json::object result;
        result["category"] = bybit::to_string(std::get<bybit::category>(cat));
        result["list"] = std::move(list);
        result["nextPageCursor"] = last < match.size() ? std::to_string(last) : std::string();
        return ok_reply(std::move(result));
    }

    /// GET /v5/execution/list: category (required); symbol, orderId, orderLinkId, limit
    /// (1..100, default 50), cursor. Newest first; only execType Trade exists here. How a client
    /// recovers fills whose `execution` push it missed.
    [[nodiscard]] api_reply execution_list(const boost::json::object& q) const {
        auto cat = category_param(q);
        if (detail::failed(cat)) return detail::take_error(cat);
        std::array<std::optional<std::string>, 4> f{};
        constexpr std::array<std::string_view, 4> keys{"symbol", "orderId", "orderLinkId", "cursor"};
        for (std::size_t i = 0; i < keys.size(); ++i) {
            auto s = string_param(q, keys[i]);
            if (detail::failed(s)) return detail::take_error(s);
            f[i] = std::move(std::get<std::optional<std::string>>(s));
        }
        auto limit = int_param(q, "limit", 1, 100, 50);
        if (detail::failed(limit)) return detail::take_error(limit);
        std::int64_t offset = 0;
        if (f[3]) {
            auto c = int_param(q, "cursor", 0, INT64_MAX, 0);
            if (detail::failed(c)) return detail::take_error(c);
            offset = std::get<std::int64_t>(c);
        }
        const auto field_is = [](const boost::json::object& o, std::string_view k, const std::string& v) {
            const auto* x = o.if_contains(k);
            return x != nullptr && x->is_string() && x->get_string() == v;
        };
        std::vector<const boost::json::object*> match;
        for (auto it = executions_.rbegin(); it != executions_.rend(); ++it) {
            if (it->cat != std::get<bybit::category>(cat)) continue;
            if (f[0] && !field_is(it->row, "symbol", *f[0])) continue;
            if (f[1] && !field_is(it->row, "orderId", *f[1])) continue;
            if (f[2] && !field_is(it->row, "orderLinkId", *f[2])) continue;
            match.push_back(&it->row);
        }
        boost::json::array list;
        const auto first = static_cast<std::size_t>(std::min<std::int64_t>(
            offset, static_cast<std::int64_t>(match.size())));
        const std::size_t last =
            std::min(match.size(), first + static_cast<std::size_t>(std::get<std::int64_t>(limit)));
        for (std::size_t i = first; i < last; ++i) {
            boost::json::object row = *match[i];
            row.erase("category");
            row.erase("seq");
            list.push_back(std::move(row));
        }
        boost::json::object result;
        result["category"] = bybit::to_string(std::get<bybit::category>(cat));
        result["list"] = std::move(list);
        result["nextPageCursor"] = last < match.size() ? std::to_string(last) : std::string();
        return ok_reply(std::move(result));
    }

    /// An order in the shape of order/realtime's list and the `order` topic's data.
    [[nodiscard]] static boost::json::object order_json(const order_record& o) {
        boost::json::object j;
        j["category"] = bybit::to_string(o.cat);
        j["orderId"] = o.order_id;
        j["orderLinkId"] = o.link_id;
        j["symbol"] = o.symbol;
        j["side"] = core::to_string(o.side);
        j["orderType"] = "Limit";
        j["timeInForce"] = o.post_only ? "PostOnly" : "GTC";
        j["price"] = o.price.to_string(o.price_digits);
        j["qty"] = o.qty.to_string(o.qty_digits);
        j["orderStatus"] = o.status;
        j["cancelType"] = o.cancel_type;
        j["rejectReason"] = o.reject_reason;
        j["avgPrice"] = o.cum_qty.is_positive()
                            ? detail::average_price(o.cum_value, o.cum_qty).to_string(o.price_digits)
                            : std::string();
        const core::quantity leaves = o.open() ? o.qty - o.cum_qty : core::quantity{};
        j["leavesQty"] = leaves.to_string(o.qty_digits);
        j["leavesValue"] = (o.price * leaves).to_string();
        j["cumExecQty"] = o.cum_qty.to_string(o.qty_digits);
        j["cumExecValue"] = o.cum_value.to_string();
        j["cumExecFee"] = o.cum_fee.to_string();
        j["positionIdx"] = 0;
        j["reduceOnly"] = false;
        j["closeOnTrigger"] = false;
        j["triggerPrice"] = "";
        j["stopOrderType"] = "";
        j["smpType"] = "None";
        j["createdTime"] = std::to_string(o.created_ms);
        j["updatedTime"] = std::to_string(o.updated_ms);
        return j;
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// Receives the simulator's events for one category.
    struct sink {
        exchange& ex;
        bybit::category cat;
        void on_ack(std::string_view key, std::string_view /*venue_id*/, nanoseconds at) {
            ex.on_ack(cat, key, at);
        }
        void on_reject(std::string_view key, std::string_view why, nanoseconds at) {
            ex.on_sim_reject(cat, key, why, at);
        }
        void on_fill(const sim::fill& f) { ex.on_fill(cat, f); }
        void on_cancel(std::string_view key, std::string_view why, nanoseconds at) {
            ex.on_cancel(cat, key, why, at);
        }
    };

    [[nodiscard]] sim::simulated_venue& sim_for(bybit::category c) noexcept {
        return c == bybit::category::linear ? linear_ : spot_;
    }
    [[nodiscard]] const sim::simulated_venue& sim_for(bybit::category c) const noexcept {
        return c == bybit::category::linear ? linear_ : spot_;
    }

    /// Index of the order named by orderLinkId or orderId (npos: none), or 10001 when neither
    /// is given.
    [[nodiscard]] param<std::size_t> find_order(const boost::json::object& p, bybit::category cat,
                                                std::string_view symbol) const {
        auto link = string_param(p, "orderLinkId");
        if (detail::failed(link)) return detail::take_error(link);
        auto id = string_param(p, "orderId");
        if (detail::failed(id)) return detail::take_error(id);
        const auto& l = std::get<std::optional<std::string>>(link);
        const auto& i = std::get<std::optional<std::string>>(id);
        if (!l && !i) return params_error("orderId or orderLinkId: one is required");
        const auto& index = l ? by_link_ : by_order_id_;
        const auto it = index.find(l ? *l : *i);
        if (it == index.end()) return npos;
        const order_record& o = records_[it->second];
        return o.cat == cat && o.symbol == symbol ? it->second : npos;
    }

    /// Validates one order and hands it to the simulator: the record's index, or the refusal.
    [[nodiscard]] param<std::size_t> place_one(bybit::category cat, const boost::json::object& p,
                                               nanoseconds now) {
        auto symbol = required_param(p, "symbol");
        if (detail::failed(symbol)) return detail::take_error(symbol);
        const std::string& sym = std::get<std::string>(symbol);
        const instrument_spec* ins = find_instrument(opts_.instruments, cat, sym);
        if (ins == nullptr) {
            return params_error(fmt::format("symbol: \"{}\" is not listed for {}",
                                            std::string_view(sym).substr(0, detail::max_quoted),
                                            bybit::to_string(cat)));
        }
        auto side_text = required_param(p, "side");
        if (detail::failed(side_text)) return detail::take_error(side_text);
        const auto& st = std::get<std::string>(side_text);
        if (st != "Buy" && st != "Sell") {
            return params_error(fmt::format("side: expected Buy or Sell, got \"{}\"",
                                            std::string_view(st).substr(0, detail::max_quoted)));
        }
        auto type = required_param(p, "orderType");
        if (detail::failed(type)) return detail::take_error(type);
        if (std::get<std::string>(type) != "Limit") {
            return params_error(fmt::format("orderType: only Limit is supported, got \"{}\"",
                                            std::string_view(std::get<std::string>(type))
                                                .substr(0, detail::max_quoted)));
        }
        auto tif = string_param(p, "timeInForce");
        if (detail::failed(tif)) return detail::take_error(tif);
        const std::string tif_text = std::get<std::optional<std::string>>(tif).value_or("GTC");
        if (tif_text != "GTC" && tif_text != "PostOnly") {
            return params_error(fmt::format("timeInForce: GTC or PostOnly, got \"{}\"",
                                            std::string_view(tif_text).substr(0, detail::max_quoted)));
        }
        auto qty = decimal_param<core::quantity>(p, "qty");
        if (detail::failed(qty)) return detail::take_error(qty);
        auto price = decimal_param<core::price>(p, "price");
        if (detail::failed(price)) return detail::take_error(price);
        const auto& f = ins->filters;
        const core::quantity q = std::get<core::quantity>(qty);
        const core::price px = std::get<core::price>(price);
        if (!px.is_positive() || px.raw() % f.tick_size.raw() != 0 || px < f.min_price ||
            px > f.max_price) {
            return params_error(fmt::format("price: must be a multiple of {} in {}..{}, got \"{}\"",
                                            ins->tick_size, ins->min_price, ins->max_price,
                                            px.to_string()));
        }
        if (!q.is_positive() || q.raw() % f.qty_step.raw() != 0 || q < f.min_qty || q > f.max_qty) {
            return params_error(fmt::format("qty: must be a multiple of {} in {}..{}, got \"{}\"",
                                            ins->qty_step, ins->min_qty, ins->max_qty,
                                            q.to_string()));
        }
        if (px * q < f.min_notional) {
            return error_reply(110094, fmt::format("Order does not meet minimum order value {}: "
                                                   "price x qty = {}",
                                                   ins->min_notional, (px * q).to_string()));
        }
        auto link = string_param(p, "orderLinkId");
        if (detail::failed(link)) return detail::take_error(link);
        const auto& l = std::get<std::optional<std::string>>(link);
        if (l) {
            if (auto ok = bybit::detail::check_link_id(*l); !ok) {
                return params_error(ok.error().message);
            }
            const auto held = by_link_.find(*l);
            if (held != by_link_.end() &&
                (!opts_.link_ids_unique_among_open || records_[held->second].open())) {
                record_duplicate_link(*l);
                return error_reply(ret::duplicate_link_id, "OrderLinkedID is duplicate");
            }
        }

        order_record o;
        o.order_id = next_order_id();
        o.link_id = l.value_or("");
        o.key = l ? *l : fmt::format("lv-{}", next_key_++);
        o.symbol = sym;
        o.cat = cat;
        o.side = st == "Buy" ? core::side::buy : core::side::sell;
        o.price = px;
        o.qty = q;
        o.post_only = tif_text == "PostOnly";
        o.created_ms = detail::to_ms(now);
        o.updated_ms = o.created_ms;
        o.price_digits = f.price_digits;
        o.qty_digits = f.qty_digits;
        const std::size_t idx = records_.size();
        records_.push_back(o);
        by_key_[cat_key(cat, o.key)] = idx;
        if (l) by_link_[*l] = idx;
        by_order_id_[o.order_id] = idx;
        sim_for(cat).place({o.key, o.symbol, o.side, o.price, o.qty, o.post_only}, now);
        advance(now);
        return idx;
    }

    /// Bybit order and execution ids are UUIDs; these are UUID-shaped: the epoch's 48 bits, a
    /// group telling orders (8000) from executions (9000), then a counter.
    [[nodiscard]] std::string venue_uuid(std::string_view kind, std::uint64_t counter) const {
        const std::uint64_t epoch = opts_.id_epoch & 0xFFFFFFFFFFFFULL;
        return fmt::format("{:08x}-{:04x}-4000-{}-{:012x}", epoch >> 16U, epoch & 0xFFFFU, kind,
                           counter & 0xFFFFFFFFFFFFULL);
    }
    [[nodiscard]] std::string next_order_id() { return venue_uuid("8000", ++next_order_); }
    [[nodiscard]] static std::string cat_key(bybit::category c, std::string_view key) {
        return fmt::format("{}/{}", bybit::to_string(c), key);
    }
    [[nodiscard]] order_record* record_of(bybit::category c, std::string_view key) {
        const auto it = by_key_.find(cat_key(c, key));
        return it == by_key_.end() ? nullptr : &records_[it->second];
    }

    [[nodiscard]] order_event make_event(const order_record& o, order_event_kind k, nanoseconds at) const {
        order_event e;
        e.index = static_cast<std::size_t>(&o - records_.data());
        e.kind = k;
        e.at_ms = detail::to_ms(at);
        e.status = o.status;
        e.reject_reason = o.reject_reason;
        e.cum_qty = o.cum_qty;
        e.cum_value = o.cum_value;
        return e;
    }
    void event(const order_record& o, order_event_kind k, nanoseconds at) { events_.push_back(make_event(o, k, at)); }

    void push_order(const order_record& o, nanoseconds at) {
        boost::json::object msg;
        msg["id"] = fmt::format("lv-{}", ++next_push_);
        msg["topic"] = "order";
        msg["creationTime"] = detail::to_ms(at);
        boost::json::array data;
        data.push_back(order_json(o));
        msg["data"] = std::move(data);
        pushes_.push_back({"order", boost::json::serialize(msg)});
    }

    void on_ack(bybit::category c, std::string_view key, nanoseconds at) {
        order_record* o = record_of(c, key);
        if (o == nullptr) return;
        if (restoring_) {
            if (o->status == "Created") o->status = "New";  // saved between its create and its ack
            return;
        }
        o->status = "New";
        o->updated_ms = detail::to_ms(at);
        push_order(*o, at);
        event(*o, order_event_kind::accepted, at);
    }
    void on_sim_reject(bybit::category c, std::string_view key, std::string_view /*why*/,
                       nanoseconds at) {
        // The venue validates before placing, so the simulator has nothing left to refuse but
        // what it checks on its own; shown as Bybit's generic rejection.
        order_record* o = record_of(c, key);
        if (o == nullptr || !o->open()) return;
        o->status = "Rejected";
        o->reject_reason = "EC_Others";
        o->updated_ms = detail::to_ms(at);
        push_order(*o, at);
        event(*o, order_event_kind::rejected, at);
    }
    void on_cancel(bybit::category c, std::string_view key, std::string_view why, nanoseconds at) {
        order_record* o = record_of(c, key);
        if (o == nullptr) return;
        o->status = o->cum_qty.is_positive() ? "PartiallyFilledCanceled" : "Cancelled";
        const bool post_only = why == sim::reason::post_only_would_take;
        if (post_only) {
            o->reject_reason = "EC_PostOnlyWillTakeLiquidity";
        } else {
            o->cancel_type = "CancelByUser";
        }
        o->updated_ms = detail::to_ms(at);
        push_order(*o, at);
        event(*o, post_only ? order_event_kind::post_only_expired : order_event_kind::canceled, at);
    }
    void on_fill(bybit::category c, const sim::fill& f) {
        order_record* o = record_of(c, f.client_order_id);
        if (o == nullptr) return;
        o->cum_qty += f.qty;
        o->cum_value += f.price * f.qty;
        o->cum_fee += f.fee;
        o->status = f.leaves_qty.is_zero() ? "Filled" : "PartiallyFilled";
        o->updated_ms = detail::to_ms(f.at);
        boost::json::object e;
        e["category"] = bybit::to_string(c);
        e["symbol"] = o->symbol;
        e["orderId"] = o->order_id;
        e["orderLinkId"] = o->link_id;
        e["side"] = core::to_string(o->side);
        e["orderType"] = "Limit";
        e["orderPrice"] = o->price.to_string(o->price_digits);
        e["orderQty"] = o->qty.to_string(o->qty_digits);
        e["leavesQty"] = f.leaves_qty.to_string(o->qty_digits);
        ++next_exec_seq_;
        e["execId"] = venue_uuid("9000", next_exec_seq_);
        e["execType"] = "Trade";
        e["execPrice"] = f.price.to_string(o->price_digits);
        e["execQty"] = f.qty.to_string(o->qty_digits);
        e["execValue"] = (f.price * f.qty).to_string();
        e["execFee"] = f.fee.to_string();
        e["feeRate"] = (f.is_maker ? opts_.sim.maker_fee_rate : opts_.sim.taker_fee_rate).to_string();
        e["isMaker"] = f.is_maker;
        e["execTime"] = std::to_string(detail::to_ms(f.at));
        e["closedSize"] = "0";
        e["seq"] = static_cast<std::int64_t>(next_exec_seq_);
        const auto realised_so_far = [&] {
            const position_record* p = account_.position(o->symbol);
            return p == nullptr ? core::notional{} : p->cum_realised;
        };
        const core::notional before = realised_so_far();
        account_.on_fill({c, o->symbol, o->side, f.price, f.qty, f.fee, detail::to_ms(f.at), next_exec_seq_,
                          {o->price_digits, o->qty_digits}});
        order_event ev = make_event(*o, order_event_kind::trade, f.at);
        ev.px = f.price;
        ev.qty = f.qty;
        ev.fee = f.fee;
        ev.maker = f.is_maker;
        ev.exec_seq = next_exec_seq_;
        ev.realised = c == bybit::category::linear ? realised_so_far() - before + f.fee : core::notional{};
        events_.push_back(ev);
        executions_.push_back({c, e});  // GET /v5/execution/list serves the same rows
        boost::json::object msg;
        msg["id"] = fmt::format("lv-{}", ++next_push_);
        msg["topic"] = "execution";
        msg["creationTime"] = detail::to_ms(f.at);
        boost::json::array data;
        data.push_back(std::move(e));
        msg["data"] = std::move(data);
        pushes_.push_back({"execution", boost::json::serialize(msg)});
        push_order(*o, f.at);
    }

    exchange_options opts_;
    sim::simulated_venue linear_;
    sim::simulated_venue spot_;
    std::vector<order_record> records_;
    std::unordered_map<std::string, std::size_t> by_key_;
    std::unordered_map<std::string, std::size_t> by_link_;
    std::unordered_map<std::string, std::size_t> by_order_id_;
    std::vector<private_push> pushes_;
    std::vector<order_event> events_;
    /// Every execution, oldest first, as the `execution` topic pushed it.
    std::vector<execution_row> executions_;
    std::uint64_t next_order_ = 0;
    std::uint64_t next_key_ = 0;
    std::uint64_t next_push_ = 0;
    std::uint64_t next_exec_seq_ = 0;
    std::vector<std::string> duplicate_link_rejects_;
    account account_;
    bool restoring_ = false;  ///< restore() puts open orders back: their acks are not news
};

}  // namespace mmbot::venue::local
