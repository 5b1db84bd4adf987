// mmbot/venue/binance/private_stream.hpp
//
// Decoder for the Binance USD-M user data stream: each pushed event (user_stream.hpp parses it)
// into the engine's sink calls, as bybit::private_stream does for Bybit's private topics.
//
//   ORDER_TRADE_UPDATE  x=NEW                 -> on_ack(c, orderId, T)
//                       x=TRADE               -> on_fill(execution): trade id t, L x l, fee n, T,
//                                                maker m (the store derives PARTIALLY_FILLED and
//                                                FILLED from the fills, as for Bybit)
//                       x=CANCELED, EXPIRED   -> on_cancel(c, "CANCELED" / "EXPIRED", T)
//                       X=REJECTED            -> on_reject(c, "REJECTED", T)
//                       x=AMENDMENT           -> nothing (we never amend; counted as other)
//                       x=CALCULATED          -> nothing: a liquidation or ADL execution is not a
//                                                fill of our order (counted as other)
//   ACCOUNT_UPDATE                            -> nothing for the engine (its positions come from
//                                                fills); counted
//   listenKeyExpired                          -> stream_event::key_expired: the caller makes a new
//                                                key, reconnects and reconciles
//   anything else                             -> ignored, counted
// An order whose client id is empty or Binance's own (liquidation "autoclose-", ADL "adl_autoclose",
// settlement "settlement_autoclose-") was not placed by us: counted as foreign, skipped.
//
// Fees: USD-M commissions are in the margin asset (USDT) unless the account pays them in BNB. A
// fill whose commission asset is not `fee_asset` is applied with its price and quantity (a fill is
// never dropped) and a zero fee, and counted in stats().fees_in_other_asset: run mmbot with the
// BNB fee discount off (docs/binance.md).
//
//   private_stream stream{"USDT"};
//   auto kind = stream.handle(frame_text, engine);   // engine has on_ack/on_reject/on_cancel/on_fill
//   if (kind && *kind == stream_event::key_expired) renew_key_and_reconnect();
//
// Errors: those of parse_user_event (binance_json_syntax, binance_missing_field, ...): a message is
// parsed whole before any sink call.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/user_stream.hpp"
#include "mmbot/venue/execution.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mmbot::venue::binance {

/// What `handle` understood a message to be.
enum class stream_event : std::uint8_t { order, account, key_expired, ignored };

struct stream_stats {
    std::int64_t acks = 0;
    std::int64_t rejects = 0;
    std::int64_t cancels = 0;
    std::int64_t fills = 0;
    std::int64_t foreign = 0;               ///< orders Binance placed itself, or without a client id
    std::int64_t other_executions = 0;      ///< AMENDMENT, CALCULATED
    std::int64_t account_updates = 0;
    std::int64_t fees_in_other_asset = 0;   ///< fills applied with a zero fee (see the file comment)
    std::int64_t ignored = 0;
};

class private_stream {
public:
    explicit private_stream(std::string fee_asset = "USDT") : fee_asset_(std::move(fee_asset)) {}

    template <class Sink>
    [[nodiscard]] core::result<stream_event> handle(std::string_view text, Sink& sink) {
        static_assert(venue::event_sink<Sink>,
                      "binance::private_stream sink: needs on_ack(client_id, venue_id, ns), "
                      "on_reject(client_id, reason, ns), on_cancel(client_id, reason, ns) and "
                      "on_fill(const venue::execution&)");
        auto ev = parse_user_event(text);
        if (!ev) return ev.error();
        if (std::holds_alternative<account_update>(*ev)) {
            ++stats_.account_updates;
            return stream_event::account;
        }
        if (std::holds_alternative<listen_key_expired>(*ev)) return stream_event::key_expired;
        if (std::holds_alternative<other_event>(*ev)) {
            ++stats_.ignored;
            return stream_event::ignored;
        }
        apply(std::get<order_trade_update>(*ev), sink);
        return stream_event::order;
    }

    [[nodiscard]] const stream_stats& stats() const noexcept { return stats_; }

private:
    [[nodiscard]] static bool placed_by_venue(std::string_view id) noexcept {
        return id.empty() || id.starts_with("autoclose-") || id.starts_with("adl_autoclose") ||
               id.starts_with("settlement_autoclose-");
    }

    template <class Sink>
    void apply(const order_trade_update& u, Sink& sink) {
        const order_state& o = u.order;
        if (placed_by_venue(o.client_order_id)) {
            ++stats_.foreign;
            return;
        }
        if (o.status == order_status::rejected) {
            ++stats_.rejects;
            sink.on_reject(o.client_order_id, to_string(o.status), o.updated);
            return;
        }
        switch (u.what) {
            case exec_type::new_:
                ++stats_.acks;
                sink.on_ack(o.client_order_id, o.order_id, o.updated);
                return;
            case exec_type::trade: {
                ++stats_.fills;
                execution e = u.execution_of();
                const auto& asset = u.fill->commission_asset;
                if (!asset.empty() && asset != fee_asset_) {
                    ++stats_.fees_in_other_asset;
                    e.fee = core::notional{};
                }
                sink.on_fill(e);
                return;
            }
            case exec_type::canceled:
            case exec_type::expired:
                ++stats_.cancels;
                sink.on_cancel(o.client_order_id, u.what == exec_type::canceled ? "CANCELED" : "EXPIRED", o.updated);
                return;
            case exec_type::amendment:
            case exec_type::calculated: ++stats_.other_executions; return;
        }
    }

    std::string fee_asset_;
    stream_stats stats_;
};

}  // namespace mmbot::venue::binance
