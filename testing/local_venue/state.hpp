// testing/local_venue/state.hpp
//
// --state PATH: the venue's trading state on disk, so a venue stopped with SIGTERM or SIGINT and
// started again with the same --state (and --port) is the same exchange to its clients, as Bybit
// is across a client's gateway restart: every order, open and closed, keeps its orderId,
// orderLinkId, status and cumExecQty (the open ones rest again); every execution stays listed;
// orderLinkIds stay used (110072); positions and coin balances are as the fills left them; and
// the counters behind orderIds, execIds and push ids carry on, so no id is handed out twice.
//
// The file is one JSON document, written at the stop through a temporary file and a rename (a
// reader never sees half of it):
//   {"format":"mmbot-local-venue-state","version":1,
//    "counters":{"order":N,"key":N,"push":N,"execution":N},
//    "orders":[{"orderId","orderLinkId","key","category","symbol","side","price","qty",
//               "cumExecQty","cumExecValue","cumExecFee","orderStatus","rejectReason",
//               "cancelType","timeInForce","createdTime","updatedTime","priceDigits","qtyDigits"}],
//    "executions":[{"category","row":{...the execution push's data row...}}],
//    "duplicateLinkIds":[...],
//    "coins":[{"coin","walletBalance","cumRealisedPnl"}],
//    "positions":[{"symbol","settleCoin","side","size","avgPrice","curRealisedPnl",
//                  "cumRealisedPnl","createdTime","updatedTime","openTime","seq","priceDigits",
//                  "qtyDigits"}]}
// Decimals are exact decimal strings, times integers (ms).
//
//   if (auto s = load_state(path)) ex.restore(std::move(*s), now);   // at start, when the file exists
//   save_state(path, ex.state());                                   // at SIGTERM / SIGINT
//
// Errors (code local_state), naming the file and the field: not readable, not JSON, another
// format or version, a field missing or of the wrong type, a decimal or status that is not one.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/account.hpp"
#include "testing/local_venue/cert.hpp"
#include "testing/local_venue/errors.hpp"
#include "testing/local_venue/exchange.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

inline constexpr std::string_view state_format = "mmbot-local-venue-state";
inline constexpr std::int64_t state_version = 1;

namespace detail {

/// The texts an order's status fields can hold: a record keeps views of these.
inline constexpr std::array<std::string_view, 7> order_statuses{
    "Created", "New", "PartiallyFilled", "Filled", "Cancelled", "PartiallyFilledCanceled", "Rejected"};
inline constexpr std::array<std::string_view, 3> reject_reasons{"EC_NoError", "EC_PostOnlyWillTakeLiquidity",
                                                                "EC_Others"};
inline constexpr std::array<std::string_view, 2> cancel_types{"UNKNOWN", "CancelByUser"};

[[nodiscard]] inline boost::json::object order_state_json(const order_record& o) {
    return {{"orderId", o.order_id},
            {"orderLinkId", o.link_id},
            {"key", o.key},
            {"category", bybit::to_string(o.cat)},
            {"symbol", o.symbol},
            {"side", core::to_string(o.side)},
            {"price", o.price.to_string()},
            {"qty", o.qty.to_string()},
            {"cumExecQty", o.cum_qty.to_string()},
            {"cumExecValue", o.cum_value.to_string()},
            {"cumExecFee", o.cum_fee.to_string()},
            {"orderStatus", o.status},
            {"rejectReason", o.reject_reason},
            {"cancelType", o.cancel_type},
            {"timeInForce", o.post_only ? "PostOnly" : "GTC"},
            {"createdTime", o.created_ms},
            {"updatedTime", o.updated_ms},
            {"priceDigits", o.price_digits},
            {"qtyDigits", o.qty_digits}};
}

[[nodiscard]] inline boost::json::object position_state_json(const position_record& p) {
    return {{"symbol", p.symbol},
            {"settleCoin", p.settle_coin},
            {"side", core::to_string(p.side)},
            {"size", p.size.to_string()},
            {"avgPrice", p.avg.to_string()},
            {"curRealisedPnl", p.cur_realised.to_string()},
            {"cumRealisedPnl", p.cum_realised.to_string()},
            {"createdTime", p.created_ms},
            {"updatedTime", p.updated_ms},
            {"openTime", p.opened_ms},
            {"seq", p.seq},
            {"priceDigits", p.price_digits},
            {"qtyDigits", p.qty_digits}};
}

/// Reads the fields of one object of the state file. The first field that is missing or wrong is
/// remembered (file and field named) and read as a default; the caller checks error() once after
/// reading them all, so a reader stays a flat list of fields.
class state_fields {
public:
    state_fields(std::string file, const boost::json::object& o, std::string path)
        : file_(std::move(file)), o_(o), path_(std::move(path)) {}

    [[nodiscard]] const std::optional<core::error>& error() const noexcept { return error_; }
    /// Records a failure of `key` (the first one wins).
    void fail(std::string_view key, std::string_view why) {
        if (!error_) error_ = core::make_error(errc::state, fmt::format("{}: {}{}: {}", file_, path_, key, why));
    }

    [[nodiscard]] const boost::json::value* field(std::string_view key) {
        const auto* v = o_.if_contains(key);
        if (v == nullptr) fail(key, "missing");
        return v;
    }
    [[nodiscard]] std::string text(std::string_view key) {
        const auto* v = field(key);
        if (v == nullptr) return {};
        if (!v->is_string()) {
            fail(key, "expected a string");
            return {};
        }
        return std::string(v->get_string());
    }
    template <class Decimal>
    [[nodiscard]] Decimal decimal(std::string_view key) {
        const auto* v = o_.if_contains(key);
        if (v == nullptr || !v->is_string()) {
            fail(key, "expected a decimal string");
            return {};
        }
        auto d = Decimal::parse(v->get_string());
        if (!d) fail(key, d.error().message);
        return d ? *d : Decimal{};
    }
    [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t lo = 0, std::int64_t hi = INT64_MAX) {
        const auto* v = field(key);
        if (v == nullptr) return lo;
        const std::int64_t* i = v->if_int64();
        const std::uint64_t* u = v->if_uint64();
        if (i != nullptr && *i >= lo && *i <= hi) return *i;
        if (u != nullptr && lo <= 0 && *u <= static_cast<std::uint64_t>(hi)) return static_cast<std::int64_t>(*u);
        fail(key, fmt::format("expected an integer in {}..{}", lo, hi));
        return lo;
    }
    /// One of `allowed`, as the static text (records keep views of it).
    template <std::size_t N>
    [[nodiscard]] std::string_view one_of(std::string_view key, const std::array<std::string_view, N>& allowed) {
        const std::string t = text(key);
        const auto it = std::find(allowed.begin(), allowed.end(), t);
        if (it != allowed.end()) return *it;
        if (!error_) fail(key, fmt::format("unknown value \"{}\"", std::string_view(t).substr(0, 40)));
        return allowed.front();
    }
    [[nodiscard]] core::side side(std::string_view key) {
        return one_of(key, std::array<std::string_view, 2>{"Buy", "Sell"}) == "Sell" ? core::side::sell : core::side::buy;
    }
    [[nodiscard]] bybit::category category(std::string_view key) {
        return one_of(key, std::array<std::string_view, 2>{"linear", "spot"}) == "spot" ? bybit::category::spot
                                                                                       : bybit::category::linear;
    }
    [[nodiscard]] int digits(std::string_view key) { return static_cast<int>(integer(key, 0, 8)); }

    /// Each object of the array `key`, read by `read(state_fields&)`; stops at the first failure.
    template <class T, class Read>
    [[nodiscard]] std::vector<T> list(std::string_view key, Read read) {
        std::vector<T> out;
        const auto* v = field(key);
        if (v == nullptr) return out;
        if (!v->is_array()) {
            fail(key, "expected an array");
            return out;
        }
        for (std::size_t i = 0; i < v->get_array().size() && !error_; ++i) {
            const auto* o = v->get_array()[i].if_object();
            if (o == nullptr) {
                fail(fmt::format("{}[{}]", key, i), "expected an object");
                break;
            }
            state_fields item{file_, *o, fmt::format("{}{}[{}].", path_, key, i)};
            out.push_back(read(item));
            error_ = item.error();
        }
        return out;
    }

private:
    std::string file_;
    const boost::json::object& o_;
    std::string path_;
    std::optional<core::error> error_;
};

[[nodiscard]] inline order_record read_order(state_fields& f) {
    order_record o;
    o.order_id = f.text("orderId");
    o.link_id = f.text("orderLinkId");
    o.key = f.text("key");
    o.cat = f.category("category");
    o.symbol = f.text("symbol");
    o.side = f.side("side");
    o.price = f.decimal<core::price>("price");
    o.qty = f.decimal<core::quantity>("qty");
    o.cum_qty = f.decimal<core::quantity>("cumExecQty");
    o.cum_value = f.decimal<core::notional>("cumExecValue");
    o.cum_fee = f.decimal<core::notional>("cumExecFee");
    o.status = f.one_of("orderStatus", order_statuses);
    o.reject_reason = f.one_of("rejectReason", reject_reasons);
    o.cancel_type = f.one_of("cancelType", cancel_types);
    o.post_only = f.one_of("timeInForce", std::array<std::string_view, 2>{"GTC", "PostOnly"}) == "PostOnly";
    o.created_ms = f.integer("createdTime");
    o.updated_ms = f.integer("updatedTime");
    o.price_digits = f.digits("priceDigits");
    o.qty_digits = f.digits("qtyDigits");
    if (o.cum_qty > o.qty) f.fail("cumExecQty", "more than qty");
    return o;
}

[[nodiscard]] inline position_record read_position(state_fields& f) {
    position_record p;
    p.symbol = f.text("symbol");
    p.settle_coin = f.text("settleCoin");
    p.side = f.side("side");
    p.size = f.decimal<core::quantity>("size");
    p.avg = f.decimal<core::price>("avgPrice");
    p.cur_realised = f.decimal<core::notional>("curRealisedPnl");
    p.cum_realised = f.decimal<core::notional>("cumRealisedPnl");
    p.created_ms = f.integer("createdTime");
    p.updated_ms = f.integer("updatedTime");
    p.opened_ms = f.integer("openTime");
    p.seq = static_cast<std::uint64_t>(f.integer("seq"));
    p.price_digits = f.digits("priceDigits");
    p.qty_digits = f.digits("qtyDigits");
    if (p.size.is_negative()) f.fail("size", "negative");
    return p;
}

[[nodiscard]] inline coin_balance read_coin(state_fields& f) {
    return {f.text("coin"), f.decimal<core::notional>("walletBalance"), f.decimal<core::notional>("cumRealisedPnl")};
}

[[nodiscard]] inline execution_row read_execution(state_fields& f) {
    execution_row e;
    e.cat = f.category("category");
    const auto* row = f.field("row");
    if (row != nullptr && !row->is_object()) f.fail("row", "expected an object");
    if (row != nullptr && row->is_object()) e.row = row->get_object();
    return e;
}

[[nodiscard]] inline std::string read_link_id(const boost::json::value& v, state_fields& top, std::size_t i) {
    if (!v.is_string()) top.fail(fmt::format("duplicateLinkIds[{}]", i), "expected a string");
    return v.is_string() ? std::string(v.get_string()) : std::string();
}

}  // namespace detail

/// The state as the file holds it.
[[nodiscard]] inline std::string state_text(const trading_state& s) {
    boost::json::array orders;
    for (const auto& o : s.orders) orders.push_back(detail::order_state_json(o));
    boost::json::array executions;
    for (const auto& e : s.executions) {
        executions.push_back(boost::json::object{{"category", bybit::to_string(e.cat)}, {"row", e.row}});
    }
    boost::json::array dups;
    for (const auto& l : s.duplicate_link_rejects) dups.emplace_back(l);
    boost::json::array coins;
    for (const auto& c : s.coins) {
        coins.push_back(boost::json::object{{"coin", c.coin},
                                            {"walletBalance", c.balance.to_string()},
                                            {"cumRealisedPnl", c.cum_realised.to_string()}});
    }
    boost::json::array positions;
    for (const auto& p : s.positions) positions.push_back(detail::position_state_json(p));
    return boost::json::serialize(boost::json::object{
        {"format", state_format},
        {"version", state_version},
        {"counters", {{"order", s.next_order}, {"key", s.next_key}, {"push", s.next_push}, {"execution", s.next_execution}}},
        {"orders", std::move(orders)},
        {"executions", std::move(executions)},
        {"duplicateLinkIds", std::move(dups)},
        {"coins", std::move(coins)},
        {"positions", std::move(positions)}});
}

/// Reads a state text; `file` names it in errors.
[[nodiscard]] inline core::result<trading_state> parse_state(std::string_view text, const std::string& file) {
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(text, ec);
    if (ec) return core::make_error(errc::state, fmt::format("{}: not JSON: {}", file, ec.message()));
    if (!doc.is_object()) return core::make_error(errc::state, fmt::format("{}: expected a JSON object", file));
    detail::state_fields top{file, doc.get_object(), ""};
    if (top.text("format") != state_format) top.fail("format", fmt::format("expected \"{}\"", state_format));
    if (const auto v = top.integer("version"); !top.error() && v != state_version) {
        top.fail("version", fmt::format("expected {}, got {}", state_version, v));
    }
    if (top.error()) return *top.error();
    trading_state s;
    const auto* counters = top.field("counters");
    if (counters != nullptr && !counters->is_object()) top.fail("counters", "expected an object");
    if (counters != nullptr && counters->is_object()) {
        detail::state_fields c{file, counters->get_object(), "counters."};
        s.next_order = static_cast<std::uint64_t>(c.integer("order"));
        s.next_key = static_cast<std::uint64_t>(c.integer("key"));
        s.next_push = static_cast<std::uint64_t>(c.integer("push"));
        s.next_execution = static_cast<std::uint64_t>(c.integer("execution"));
        if (c.error()) return *c.error();
    }
    s.orders = top.list<order_record>("orders", detail::read_order);
    s.executions = top.list<execution_row>("executions", detail::read_execution);
    s.coins = top.list<coin_balance>("coins", detail::read_coin);
    s.positions = top.list<position_record>("positions", detail::read_position);
    const auto* dups = top.field("duplicateLinkIds");
    if (dups != nullptr && !dups->is_array()) top.fail("duplicateLinkIds", "expected an array");
    if (dups != nullptr && dups->is_array()) {
        for (std::size_t i = 0; i < dups->get_array().size(); ++i) {
            s.duplicate_link_rejects.push_back(detail::read_link_id(dups->get_array()[i], top, i));
        }
    }
    if (top.error()) return *top.error();
    return s;
}

/// Reads the --state file.
[[nodiscard]] inline core::result<trading_state> load_state(const std::filesystem::path& path) {
    auto text = read_text_file(path);
    if (!text) return core::make_error(errc::state, text.error().message);
    return parse_state(*text, path.string());
}

/// --state at start-up: `ex` becomes the saved exchange when the file exists; a path with nothing
/// there starts a fresh one. The number of orders restored, open ones.
struct restored_counts {
    std::size_t orders = 0;
    std::size_t open = 0;
};
[[nodiscard]] inline core::result<restored_counts> restore_state(const std::filesystem::path& path, exchange& ex,
                                                                 std::chrono::nanoseconds now) {
    std::error_code ec;
    if (std::filesystem::status(path, ec).type() == std::filesystem::file_type::not_found) return restored_counts{};
    auto s = load_state(path);
    if (!s) return s.error();
    const auto open = static_cast<std::size_t>(
        std::count_if(s->orders.begin(), s->orders.end(), [](const order_record& o) { return o.open(); }));
    const std::size_t orders = s->orders.size();
    ex.restore(std::move(*s), now);
    return restored_counts{orders, open};
}

/// Writes the --state file (temporary file + rename).
[[nodiscard]] inline core::result<void> save_state(const std::filesystem::path& path, const trading_state& s) {
    auto ok = write_text_file(path, state_text(s));
    if (!ok) return core::make_error(errc::state, ok.error().message);
    return {};
}

}  // namespace mmbot::venue::local
