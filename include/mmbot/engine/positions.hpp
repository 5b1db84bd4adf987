// mmbot/engine/positions.hpp
//
// Per-symbol positions and PnL from fills, in exact decimals.
//
// A position keeps its signed quantity and its cost basis as a signed notional (the sum of
// price x qty of what is still open), never an average price: the average is derived on demand
// with an explicit rounding, so adding to a position never rounds anything. Reducing a position
// by part of its size takes the same fraction of the cost basis, which is the one place a
// rounding happens: that share is rounded up (toward +inf), so realized PnL is never overstated,
// and because the remainder is what is left of the exact basis, closing the rest releases it
// exactly: over a round trip, realized PnL sums to exactly sells - buys. Flipping through zero
// closes the old position completely, then opens the rest at the fill price.
//
// Fees are tracked apart from PnL: a fill carries the fee the venue charged or the one
// core::fee_for (core/fee.hpp: notional x rate rounded UP; a negative rate is a maker rebate, and
// rounding up makes a rebate the smaller one) computed. Every fill has an execution id; a repeated one is ignored
// and counted, so replaying fills twice cannot double a position.
//
//   position_book book;
//   auto fee = core::fee_for(px, qty, ratio::parse("-0.00025").value());   // maker rebate
//   (void)book.apply(order_fill{id, "e1", "BTCUSDT", side::buy, px, qty, fee, now});
//   const position* p = book.find("BTCUSDT");
//   p->avg_entry(rounding::down); p->unrealized_pnl(mid);
//   auto t = book.totals(marks);  // realized, unrealized, fees, net across symbols
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/node_pool.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/errors.hpp"
#include "mmbot/engine/order.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>

namespace mmbot::engine {

/// One symbol's position.
struct position {
    std::string symbol;
    /// Signed: positive long, negative short, zero flat.
    core::quantity qty;
    /// Signed cost of the open quantity (same sign as qty; zero when flat).
    core::notional cost_basis;
    /// Realized PnL before fees.
    core::notional realized_pnl;
    /// Fees paid (negative: rebates exceeded fees).
    core::notional fees;
    core::quantity bought;  ///< total bought volume
    core::quantity sold;    ///< total sold volume
    std::uint64_t fills = 0;

    [[nodiscard]] bool is_flat() const { return qty.is_zero(); }
    /// Average entry price |cost| / |qty| in the rounding direction given; zero when flat.
    [[nodiscard]] core::price avg_entry(core::rounding dir) const {
        return qty.is_zero() ? core::price{} : core::div(cost_basis.abs(), qty.abs(), dir);
    }
    /// Marked at `mark`: qty x mark - cost basis (exact).
    [[nodiscard]] core::notional unrealized_pnl(const core::price& mark) const {
        return mark * qty - cost_basis;
    }
    /// realized + unrealized - fees.
    [[nodiscard]] core::notional net_pnl(const core::price& mark) const {
        return realized_pnl + unrealized_pnl(mark) - fees;
    }

    friend bool operator==(const position&, const position&) = default;
};

/// What one fill did.
struct position_change {
    apply_outcome outcome = apply_outcome::applied;
    /// Realized PnL of this fill (before its fee); zero when it only added to the position.
    core::notional realized;
};

/// PnL summed over symbols.
struct pnl_totals {
    core::notional realized;
    core::notional unrealized;
    core::notional fees;
    /// realized + unrealized - fees
    core::notional net;
};

class position_book {
public:
    /// Applies a fill. Errors: `invalid_fill` (empty exec id or symbol, non-positive price or
    /// qty). A known exec id returns `duplicate` and changes nothing.
    [[nodiscard]] core::result<position_change> apply(const order_fill& f);

    /// The position on `symbol`, or nullptr if it never traded.
    [[nodiscard]] const position* find(std::string_view symbol) const {
        const auto it = positions_.find(symbol);
        return it == positions_.end() ? nullptr : &it->second;
    }
    /// Signed quantity on `symbol` (zero if it never traded).
    [[nodiscard]] core::quantity qty(std::string_view symbol) const {
        const position* p = find(symbol);
        return p == nullptr ? core::quantity{} : p->qty;
    }
    [[nodiscard]] const std::map<std::string, position, std::less<>>& all() const noexcept {
        return positions_;
    }

    /// Totals with each symbol marked by `mark_of(symbol) -> std::optional<core::price>`.
    /// Error `missing_mark` names a symbol with an open position and no mark; flat symbols
    /// need none.
    template <class MarkOf>
        requires std::is_invocable_r_v<std::optional<core::price>, MarkOf&, std::string_view>
    [[nodiscard]] core::result<pnl_totals> totals(MarkOf&& mark_of) const;

    /// Totals with marks from a map symbol -> mid.
    [[nodiscard]] core::result<pnl_totals> totals(
        const std::map<std::string, core::price, std::less<>>& marks) const {
        return totals([&marks](std::string_view s) -> std::optional<core::price> {
            const auto it = marks.find(s);
            return it == marks.end() ? std::nullopt : std::optional<core::price>(it->second);
        });
    }

    [[nodiscard]] std::uint64_t duplicate_fills() const noexcept { return duplicates_; }

    /// Room for `fills` execution ids made now (ids up to 36 characters: Bybit's are UUIDs), so
    /// the first ones do not allocate.
    void reserve(std::size_t fills) {
        exec_nodes_.reserve(fills, std::string(36, 'x'));
        exec_ids_.reserve(fills);
    }
    /// Forgets an execution id, so the set of known ones follows the orders still held rather
    /// than the run's age (the execution loop calls this for the fills of the orders its store
    /// prunes; a fill of a pruned order never reaches the positions). Its node is kept for the
    /// next fill.
    void forget_exec_id(const std::string& exec_id) {
        if (const auto it = exec_ids_.find(exec_id); it != exec_ids_.end()) exec_nodes_.erase(exec_ids_, it);
    }

    friend bool operator==(const position_book& a, const position_book& b) {
        return a.positions_ == b.positions_ && a.exec_ids_ == b.exec_ids_;
    }

private:
    std::map<std::string, position, std::less<>> positions_;
    std::unordered_set<std::string> exec_ids_;
    core::node_pool<std::unordered_set<std::string>> exec_nodes_;
    std::uint64_t duplicates_ = 0;
};

// ------------------------------------------------------------------------------------ bodies

namespace detail {
/// The share `closing / |open|` of `cost`, rounded toward +inf (0 < closing <= |open|).
[[nodiscard]] inline core::notional cost_share(const core::notional& cost,
                                               const core::quantity& closing,
                                               const core::quantity& open_abs) {
    if (closing == open_abs) return cost;  // closing everything: exact, no rounding at all
    const core::wider_int num = core::wider_int(cost.raw()) * core::wider_int(closing.raw());
    const core::wider_int q = core::detail::div_ceil(num, core::wider_int(open_abs.raw()));
    // |q| <= |cost|, so it fits the notional representation.
    return core::notional::from_raw(q.convert_to<core::wide_int>());
}
}  // namespace detail

inline core::result<position_change> position_book::apply(const order_fill& f) {
    if (f.exec_id.empty() || f.symbol.empty() || !f.qty.is_positive() || !f.price.is_positive()) {
        return core::make_error(
            errc::invalid_fill,
            fmt::format("fill exec_id \"{}\" symbol \"{}\": needs an exec id, a symbol, price > 0 "
                        "and qty > 0, got \"{}\" x \"{}\"",
                        f.exec_id, f.symbol, f.price, f.qty));
    }
    if (exec_ids_.contains(f.exec_id)) {
        ++duplicates_;
        return position_change{apply_outcome::duplicate, {}};
    }
    exec_nodes_.insert(exec_ids_, f.exec_id);
    auto [it, inserted] = positions_.try_emplace(f.symbol);
    position& p = it->second;
    if (inserted) p.symbol = f.symbol;
    const core::quantity delta = f.side == side::buy ? f.qty : -f.qty;
    (f.side == side::buy ? p.bought : p.sold) += f.qty;
    p.fees += f.fee;
    ++p.fills;

    position_change change;
    const bool adds = p.qty.is_zero() || (p.qty.is_positive() == delta.is_positive());
    if (adds) {
        p.qty += delta;
        p.cost_basis += f.price * delta;
        return change;
    }
    // Reduces (and maybe flips). Signed: the closing part has delta's sign; its cash flow is
    // -(price x closing); the basis it releases is the same fraction of the signed cost.
    const core::quantity open_abs = p.qty.abs();
    const core::quantity closing_abs = std::min(f.qty, open_abs);
    const core::quantity closing = delta.is_positive() ? closing_abs : -closing_abs;
    const core::notional released = detail::cost_share(p.cost_basis, closing_abs, open_abs);
    change.realized = -(f.price * closing) - released;
    p.realized_pnl += change.realized;
    p.qty += closing;
    p.cost_basis -= released;
    if (closing_abs < f.qty) {  // flip: the rest opens a position on the other side
        const core::quantity rest = delta - closing;
        p.qty = rest;
        p.cost_basis = f.price * rest;
    }
    return change;
}

template <class MarkOf>
    requires std::is_invocable_r_v<std::optional<core::price>, MarkOf&, std::string_view>
core::result<pnl_totals> position_book::totals(MarkOf&& mark_of) const {
    pnl_totals t;
    for (const auto& [symbol, p] : positions_) {
        t.realized += p.realized_pnl;
        t.fees += p.fees;
        if (p.is_flat()) continue;
        const std::optional<core::price> mark = mark_of(std::string_view(symbol));
        if (!mark) {
            return core::make_error(errc::missing_mark,
                                    fmt::format("{}: open position {} has no mark price", symbol,
                                                p.qty));
        }
        t.unrealized += p.unrealized_pnl(*mark);
    }
    t.net = t.realized + t.unrealized - t.fees;
    return t;
}

}  // namespace mmbot::engine
