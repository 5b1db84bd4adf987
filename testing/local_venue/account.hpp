// testing/local_venue/account.hpp
//
// The venue's one account, as fills change it: coin balances and linear positions, in exact
// decimals (every amount is a core::notional, 16 fraction digits, so a coin's quantity and a
// quote value add up without loss).
//
// A linear fill (one-way mode, positionIdx 0) with price p, quantity q, fee f, settled in the
// symbol's quote coin:
//   - adding to the position (or opening it): the average entry price becomes
//     (avg x size + p x q) / (size + q), kept at the price scale (8 digits, as Bybit keeps
//     avgPrice) and rounded against the holder: up for a long, down for a short, so the stored
//     average never makes unrealised PnL look better than the fills were;
//   - reducing it: realised PnL (p - avg) x closed for a long, (avg - p) x closed for a short,
//     exact; past zero the rest opens the other side at p;
//   - the fee (negative: a rebate) is realised PnL too, as Bybit counts it: curRealisedPnl (this
//     holding's, reset when a position opens from flat) and cumRealisedPnl (all time) both
//     lose it, and the coin's wallet balance moves by realised PnL minus fee.
// A spot fill moves the coins themselves: a buy adds q of the base coin and takes p x q + f of
// the quote coin; a sell the reverse (fees are charged in the quote coin here, whichever side).
// Margin is not modelled: every order the filters accept is taken, balances may go negative.
//
//   account acct{{{"USDT", notional::parse("100000").value()}}};
//   acct.on_fill({.cat = linear, .symbol = "BTCUSDT", .side = buy, .price = p, .qty = q, .fee = f});
//   acct.coin("USDT")->balance;   // 100000 - f
#pragma once

#include "mmbot/core/side.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "testing/local_venue/instruments.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

/// A coin amount in the account's unit.
[[nodiscard]] inline core::notional coin_amount(const core::quantity& q) {
    return core::notional::from_raw(core::wide_int(q.raw()) * core::wide_int(core::price::one()));
}

struct coin_balance {
    std::string coin;
    core::notional balance;
    core::notional cum_realised;  ///< linear realised PnL (fees included) settled in this coin
};

struct position_record {
    std::string symbol;
    std::string settle_coin;
    core::side side = core::side::buy;  ///< meaningless while size is zero
    core::quantity size;                ///< >= 0
    core::price avg;
    core::notional cur_realised;
    core::notional cum_realised;
    std::int64_t created_ms = 0;  ///< first fill on the symbol
    std::int64_t updated_ms = 0;
    std::int64_t opened_ms = 0;   ///< when the current holding opened from flat (0: flat)
    std::uint64_t seq = 0;        ///< the last fill's execution sequence
    int price_digits = 0;
    int qty_digits = 0;

    [[nodiscard]] bool flat() const noexcept { return size.is_zero(); }
    /// (mark - avg) x size for a long, (avg - mark) x size for a short.
    [[nodiscard]] core::notional unrealised(const core::price& mark) const {
        const core::notional gain = (mark - avg) * size;
        return side == core::side::buy ? gain : -gain;
    }
};

/// What one fill tells the account.
struct fill_facts {
    bybit::category cat = bybit::category::linear;
    std::string_view symbol;
    core::side side = core::side::buy;
    core::price price;
    core::quantity qty;
    core::notional fee;
    std::int64_t at_ms = 0;
    std::uint64_t seq = 0;
    number_format format;
};

class account {
public:
    /// Bybit's testnet gives a new account test coins; here 100000 USDT unless told otherwise.
    [[nodiscard]] static std::vector<coin_balance> default_start() {
        return {{"USDT", core::notional::from_raw(core::wide_int(100'000) * core::wide_int(core::notional::one())), {}}};
    }

    explicit account(std::vector<coin_balance> start = default_start()) : coins_(std::move(start)) {}

    void on_fill(const fill_facts& f) {
        if (f.cat == bybit::category::spot) {
            on_spot_fill(f);
        } else {
            on_linear_fill(f);
        }
    }

    [[nodiscard]] const std::vector<coin_balance>& coins() const noexcept { return coins_; }
    [[nodiscard]] const std::vector<position_record>& positions() const noexcept { return positions_; }
    [[nodiscard]] const coin_balance* coin(std::string_view name) const {
        const auto it = std::find_if(coins_.begin(), coins_.end(), [&](const auto& c) { return c.coin == name; });
        return it == coins_.end() ? nullptr : &*it;
    }
    [[nodiscard]] const position_record* position(std::string_view symbol) const {
        const auto it = std::find_if(positions_.begin(), positions_.end(), [&](const auto& p) { return p.symbol == symbol; });
        return it == positions_.end() ? nullptr : &*it;
    }

    /// Replaces everything (a --state file read at start-up).
    void restore(std::vector<coin_balance> coins, std::vector<position_record> positions) {
        coins_ = std::move(coins);
        positions_ = std::move(positions);
    }

private:
    coin_balance& coin_of(std::string_view name) {
        for (auto& c : coins_) {
            if (c.coin == name) return c;
        }
        coins_.push_back({std::string(name), {}, {}});
        return coins_.back();
    }

    position_record& position_of(const fill_facts& f) {
        for (auto& p : positions_) {
            if (p.symbol == f.symbol) return p;
        }
        position_record p;
        p.symbol = std::string(f.symbol);
        p.settle_coin = coins_of(f.symbol).quote;
        p.created_ms = f.at_ms;
        positions_.push_back(std::move(p));
        return positions_.back();
    }

    void on_spot_fill(const fill_facts& f) {
        const symbol_coins names = coins_of(f.symbol);
        const core::notional value = f.price * f.qty;
        const core::notional base = coin_amount(f.qty);
        const bool buy = f.side == core::side::buy;
        coin_of(names.base).balance += buy ? base : -base;
        coin_of(names.quote).balance += (buy ? -value : value) - f.fee;
    }

    void on_linear_fill(const fill_facts& f) {
        position_record& p = position_of(f);
        p.price_digits = f.format.price_digits;
        p.qty_digits = f.format.qty_digits;
        core::quantity left = f.qty;
        core::notional realised;
        if (!p.flat() && p.side != f.side) {
            const core::quantity closed = std::min(left, p.size);
            realised = p.side == core::side::buy ? (f.price - p.avg) * closed : (p.avg - f.price) * closed;
            p.cur_realised += realised;
            p.size -= closed;
            left -= closed;
            if (p.flat()) {
                p.avg = core::price{};
                p.opened_ms = 0;
            }
        }
        if (left.is_positive()) add_to(p, f, left);
        p.cur_realised -= f.fee;
        p.cum_realised += realised - f.fee;
        p.updated_ms = f.at_ms;
        p.seq = f.seq;
        coin_balance& c = coin_of(p.settle_coin);
        c.balance += realised - f.fee;
        c.cum_realised += realised - f.fee;
    }

    /// Opens the position (from flat: a new holding, its realised PnL from zero) or adds to it.
    static void add_to(position_record& p, const fill_facts& f, const core::quantity& q) {
        if (p.flat()) {
            p.side = f.side;
            p.cur_realised = core::notional{};
            p.opened_ms = f.at_ms;
        }
        const core::quantity size = p.size + q;
        const core::notional cost = p.avg * p.size + f.price * q;
        p.avg = core::div(cost, size, p.side == core::side::buy ? core::rounding::up : core::rounding::down);
        p.size = size;
    }

    std::vector<coin_balance> coins_;
    std::vector<position_record> positions_;
};

}  // namespace mmbot::venue::local
