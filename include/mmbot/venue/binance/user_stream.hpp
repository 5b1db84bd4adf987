// mmbot/venue/binance/user_stream.hpp
//
// The Binance USD-M user data stream (wss://.../ws/<listenKey>), one pushed message at a time.
// The events a market maker acts on:
//
//   ORDER_TRADE_UPDATE  an order changed: o.x is what happened (NEW, CANCELED, EXPIRED, TRADE,
//                       AMENDMENT, CALCULATED), o.X the order's status after it. A TRADE carries
//                       one fill: last quantity o.l at o.L, trade id o.t (the fill's id, unique per
//                       symbol, the engine's dedup key), commission o.n in asset o.N (both absent
//                       when there is none), maker flag o.m, time o.T.
//   ACCOUNT_UPDATE      balances (a.B) and positions (a.P) after a change, with its reason a.m.
//   listenKeyExpired    the key lapsed (no keep-alive within 60 minutes): the stream is dead,
//                       make a new key, reconnect, then reconcile by REST.
//
// Anything else (MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, TRADE_LITE, ...) is `other_event` with its
// name: known to be harmless here, counted, never an error. A message may come bare (/ws/<key>) or
// wrapped by a combined stream ({"stream":"<key>","data":{...}}).
//
//   auto ev = parse_user_event(text);
//   if (auto* u = std::get_if<order_trade_update>(&*ev); u && u->fill) engine.on_fill(u->execution());
//
// Errors: binance_json_syntax, binance_missing_field / _wrong_type / _bad_value with the path
// ("o.L: missing field"), decimal_*. A fill is never dropped for a field this parser does not
// need; one it needs and cannot read is an error the caller turns into a reconcile.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/execution.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mmbot::venue::binance {

/// ORDER_TRADE_UPDATE's execution type (o.x).
enum class exec_type : std::uint8_t { new_, canceled, calculated, expired, trade, amendment };

namespace detail {
inline constexpr std::array<std::pair<std::string_view, exec_type>, 6> exec_type_names{{
    {"NEW", exec_type::new_},
    {"CANCELED", exec_type::canceled},
    {"CALCULATED", exec_type::calculated},
    {"EXPIRED", exec_type::expired},
    {"TRADE", exec_type::trade},
    {"AMENDMENT", exec_type::amendment},
}};
}  // namespace detail

/// One fill of an ORDER_TRADE_UPDATE whose o.x is TRADE.
struct trade_fill {
    /// o.t, as text.
    std::string trade_id;
    core::price price;      ///< o.L
    core::quantity qty;     ///< o.l
    /// o.n; zero when the venue sent none.
    core::notional commission;
    /// o.N; empty when the venue sent none. USDT-margined fees are in USDT unless the account
    /// pays them in BNB: the caller compares it with the symbol's margin asset.
    std::string commission_asset;
    bool is_maker = false;  ///< o.m
};

struct order_trade_update {
    std::chrono::nanoseconds event_time{0};  ///< E
    exec_type what = exec_type::new_;        ///< o.x
    /// The order after the event (o.s, o.c, o.i, o.S, o.X, o.p, o.q, o.z, o.T).
    order_state order;
    /// Present exactly when `what` is trade.
    std::optional<trade_fill> fill;

    /// The fill as the engine takes it (views into this update). Requires `fill`.
    [[nodiscard]] execution execution_of() const {
        return {order.client_order_id, fill->trade_id, order.order_id, order.symbol,
                fill->price,           fill->qty,      fill->commission, order.updated,
                fill->is_maker};
    }
};

struct balance_change {
    std::string asset;        ///< a
    core::notional wallet;    ///< wb
};
struct position_change {
    std::string symbol;       ///< s
    core::quantity amount;    ///< pa (negative: short)
    core::price entry_price;  ///< ep
    std::string side;         ///< ps: BOTH (one-way mode), LONG or SHORT (hedge mode)
};
struct account_update {
    std::chrono::nanoseconds event_time{0};  ///< E
    std::string reason;                      ///< a.m: ORDER, FUNDING_FEE, DEPOSIT, ...
    std::vector<balance_change> balances;
    std::vector<position_change> positions;
};

struct listen_key_expired {
    std::chrono::nanoseconds event_time{0};
};

/// An event this adapter does not act on; `name` is its "e".
struct other_event {
    std::string name;
};

using user_event = std::variant<order_trade_update, account_update, listen_key_expired, other_event>;

namespace detail {

[[nodiscard]] inline core::result<exec_type> exec_type_at(const boost::json::object& o, const core::json::path& p) {
    auto s = fields.string_at(o, p);
    if (!s) return s.error();
    for (const auto& [name, value] : exec_type_names) {
        if (name == *s) return value;
    }
    return fields.bad_value(p, fmt::format("unknown execution type \"{}\"", core::json::cut(*s)));
}

[[nodiscard]] inline core::result<trade_fill> read_fill(const boost::json::object& o, const core::json::path& p) {
    trade_fill f;
    auto id = id_text_at(o, p.at("t"));
    if (!id) return id.error();
    f.trade_id = std::move(*id);
    auto px = fields.decimal_at<core::price>(o, p.at("L"));
    if (!px) return px.error();
    auto qty = fields.decimal_at<core::quantity>(o, p.at("l"));
    if (!qty) return qty.error();
    if (!px->is_positive() || !qty->is_positive()) {
        return fields.bad_value(p, fmt::format("a trade's L and l must be > 0, got {} x {}", px->to_string(),
                                               qty->to_string()));
    }
    f.price = *px;
    f.qty = *qty;
    // "will not push if no commission"
    if (o.contains("n")) {
        auto fee = fields.decimal_at<core::notional>(o, p.at("n"));
        if (!fee) return fee.error();
        f.commission = *fee;
    }
    if (o.contains("N")) {
        auto asset = fields.string_at(o, p.at("N"));
        if (!asset) return asset.error();
        f.commission_asset = *asset;
    }
    const auto* maker = o.if_contains("m");
    if (maker == nullptr) return fields.missing(p.at("m"));
    auto is_maker = fields.as_bool(*maker, p.at("m"));
    if (!is_maker) return is_maker.error();
    f.is_maker = *is_maker;
    return f;
}

[[nodiscard]] inline core::result<user_event> read_order_update(const boost::json::object& root,
                                                                std::chrono::nanoseconds at) {
    const auto op = core::json::under("o");
    auto o = fields.object_at(root, core::json::field("o"));
    if (!o) return o.error();
    order_trade_update u;
    u.event_time = at;
    auto what = exec_type_at(**o, op.at("x"));
    if (!what) return what.error();
    u.what = *what;
    auto order = read_order(**o, op, stream_order_keys);
    if (!order) return order.error();
    u.order = std::move(*order);
    if (u.what == exec_type::trade) {
        auto f = read_fill(**o, op);
        if (!f) return f.error();
        u.fill = std::move(*f);
    }
    return user_event{std::move(u)};
}

[[nodiscard]] inline core::result<user_event> read_account_update(const boost::json::object& root,
                                                                  std::chrono::nanoseconds at) {
    const auto ap = core::json::under("a");
    auto a = fields.object_at(root, core::json::field("a"));
    if (!a) return a.error();
    account_update u;
    u.event_time = at;
    auto reason = fields.string_at(**a, ap.at("m"));
    if (!reason) return reason.error();
    u.reason = *reason;
    auto balances = fields.array_at(**a, ap.at("B"));
    if (!balances) return balances.error();
    auto ok = fields.for_each_object(**balances, "a.B", [&](const boost::json::object& b, const core::json::path& p) {
        balance_change c;
        auto asset = fields.string_at(b, p.at("a"));
        if (!asset) return core::result<void>(asset.error());
        c.asset = *asset;
        auto wallet = fields.decimal_at<core::notional>(b, p.at("wb"));
        if (!wallet) return core::result<void>(wallet.error());
        c.wallet = *wallet;
        u.balances.push_back(std::move(c));
        return core::result<void>{};
    });
    if (!ok) return ok.error();
    auto positions = fields.array_at(**a, ap.at("P"));
    if (!positions) return positions.error();
    ok = fields.for_each_object(**positions, "a.P", [&](const boost::json::object& q, const core::json::path& p) {
        position_change c;
        for (auto [key, dst] : {std::pair{"s", &c.symbol}, std::pair{"ps", &c.side}}) {
            auto s = fields.string_at(q, p.at(key));
            if (!s) return core::result<void>(s.error());
            *dst = *s;
        }
        auto amount = fields.decimal_at<core::quantity>(q, p.at("pa"));
        if (!amount) return core::result<void>(amount.error());
        c.amount = *amount;
        auto entry = fields.decimal_at<core::price>(q, p.at("ep"));
        if (!entry) return core::result<void>(entry.error());
        c.entry_price = *entry;
        u.positions.push_back(std::move(c));
        return core::result<void>{};
    });
    if (!ok) return ok.error();
    return user_event{std::move(u)};
}

}  // namespace detail

/// One pushed message of the user data stream (bare or wrapped in {"stream","data"}).
[[nodiscard]] inline core::result<user_event> parse_user_event(std::string_view text) {
    auto doc = detail::parse_document(text, "user data message");
    if (!doc) return doc.error();
    auto root = detail::root_object(*doc);
    if (!root) return root.error();
    const boost::json::object* msg = *root;
    if (const auto* data = msg->if_contains("data"); data != nullptr && msg->contains("stream")) {
        auto inner = detail::fields.as_object(*data, core::json::field("data"));
        if (!inner) return inner.error();
        msg = *inner;
    }
    auto name = detail::fields.string_at(*msg, core::json::field("e"));
    if (!name) return name.error();
    if (*name != "ORDER_TRADE_UPDATE" && *name != "ACCOUNT_UPDATE" && *name != "listenKeyExpired") {
        return user_event{other_event{std::string(*name)}};
    }
    // E is a number, or a digit string in listenKeyExpired.
    auto at = detail::fields.timestamp_ms_at(*msg, core::json::field("E"));
    if (!at) return at.error();
    if (*name == "ORDER_TRADE_UPDATE") return detail::read_order_update(*msg, *at);
    if (*name == "ACCOUNT_UPDATE") return detail::read_account_update(*msg, *at);
    return user_event{listen_key_expired{*at}};
}

}  // namespace mmbot::venue::binance
