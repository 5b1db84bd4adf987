// mmbot/shard/shard_codec.hpp
//
// A shard's state (risk::shard_state) as the fields of its Redis hash, and back. Money and
// quantities are exact decimal strings, read back with core::decimal's parser (never a double):
//
//   venue            "bybit-testnet"
//   updated_ms       "1765081234567"           Unix ms of the shard's wall clock
//   BTCUSDT.position "0.003"                   and .mid, .open_buy_notional, .open_sell_notional,
//                                              .realized_pnl, .unrealized_pnl per symbol
//
//   command_args hset = encode_state(keys, state);          // {"HSET", key, f1, v1, ...}
//   auto back = decode_state("alpha", key, hgetall_reply);   // shard_state naming key and field
//
// Errors (decode): shard_state naming the key, the field and the value (a missing field, a value
// that is not a plain decimal, a field this version does not know).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/risk/portfolio.hpp"
#include "mmbot/shard/errors.hpp"
#include "mmbot/shard/keys.hpp"
#include "mmbot/shard/redis_link.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::shard {

/// The per-symbol fields, in the order encode_state writes them.
inline constexpr std::array<std::string_view, 6> symbol_fields = {
    "position", "mid", "open_buy_notional", "open_sell_notional", "realized_pnl", "unrealized_pnl"};

/// HSET of the whole state (the caller deletes the old hash first, in the same MULTI, so a
/// symbol the shard no longer trades does not linger).
[[nodiscard]] inline command_args encode_state(const key_space& keys, const risk::shard_state& s) {
    command_args a{"HSET", keys.state(s.shard), "venue", s.venue, "updated_ms", std::to_string(s.updated_ms)};
    for (const auto& sym : s.symbols) {
        const std::array<std::string, 6> values = {sym.position.to_string(),          sym.mid.to_string(),
                                                   sym.open_buy_notional.to_string(), sym.open_sell_notional.to_string(),
                                                   sym.realized_pnl.to_string(),      sym.unrealized_pnl.to_string()};
        for (std::size_t i = 0; i < symbol_fields.size(); ++i) {
            a.push_back(sym.symbol + "." + std::string(symbol_fields[i]));
            a.push_back(values[i]);
        }
    }
    return a;
}

namespace detail {

template <class D>
[[nodiscard]] core::result<D> field_decimal(std::string_view key, std::string_view field, std::string_view value) {
    auto d = D::parse(value);
    if (!d) {
        return core::make_error(errc::shard_state,
                                fmt::format("{} field {}: expected a decimal, got \"{}\"", key, field, value));
    }
    return *d;
}

/// Stores `value` into the member of `sym` named by `name`; false for an unknown name.
[[nodiscard]] inline core::result<bool> set_symbol_field(risk::shard_symbol_state& sym, std::string_view key,
                                                         std::string_view field, std::string_view name,
                                                         std::string_view value) {
    const auto put = [&](auto& member) -> core::result<bool> {
        auto d = field_decimal<std::remove_cvref_t<decltype(member)>>(key, field, value);
        if (!d) return d.error();
        member = *d;
        return true;
    };
    if (name == "position") return put(sym.position);
    if (name == "mid") return put(sym.mid);
    if (name == "open_buy_notional") return put(sym.open_buy_notional);
    if (name == "open_sell_notional") return put(sym.open_sell_notional);
    if (name == "realized_pnl") return put(sym.realized_pnl);
    if (name == "unrealized_pnl") return put(sym.unrealized_pnl);
    return false;
}

}  // namespace detail

/// The state of `shard` from the flat field/value array HGETALL `key` answered. An empty hash
/// (the shard was listed but its state is gone, e.g. Redis restarted) is an empty state.
[[nodiscard]] inline core::result<risk::shard_state> decode_state(std::string_view shard, std::string_view key,
                                                                  const reply& hgetall) {
    risk::shard_state s;
    s.shard = std::string(shard);
    if (hgetall.type != reply::kind::array || hgetall.elements.size() % 2 != 0) {
        return core::make_error(errc::shard_state, fmt::format("{}: not a hash", key));
    }
    std::map<std::string, risk::shard_symbol_state, std::less<>> by_symbol;
    std::map<std::string, std::size_t, std::less<>> seen;
    for (std::size_t i = 0; i < hgetall.elements.size(); i += 2) {
        const std::string& field = hgetall.elements[i].text;
        const std::string& value = hgetall.elements[i + 1].text;
        if (field == "venue") {
            s.venue = value;
            continue;
        }
        if (field == "updated_ms") {
            const auto* end = value.data() + value.size();  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
            const auto [p, ec] = std::from_chars(value.data(), end, s.updated_ms);
            if (ec != std::errc{} || p != end || s.updated_ms < 0) {
                return core::make_error(errc::shard_state,
                                        fmt::format("{} field updated_ms: expected Unix ms, got \"{}\"", key, value));
            }
            continue;
        }
        const auto dot = field.find('.');
        bool known = false;
        if (dot != std::string::npos && dot > 0) {
            auto& sym = by_symbol[field.substr(0, dot)];
            auto r = detail::set_symbol_field(sym, key, field, std::string_view(field).substr(dot + 1), value);
            if (!r) return r.error();
            known = *r;
            if (known) ++seen[field.substr(0, dot)];
        }
        if (!known) return core::make_error(errc::shard_state, fmt::format("{} field {}: unknown field", key, field));
    }
    for (auto& [name, sym] : by_symbol) {
        if (seen[name] != symbol_fields.size()) {
            return core::make_error(errc::shard_state, fmt::format("{}: symbol {} has {} of its {} fields", key, name,
                                                                   seen[name], symbol_fields.size()));
        }
        sym.symbol = name;
        s.symbols.push_back(std::move(sym));
    }
    return s;
}

}  // namespace mmbot::shard
