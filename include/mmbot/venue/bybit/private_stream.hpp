// mmbot/venue/bybit/private_stream.hpp
//
// Decoder for the Bybit v5 private WebSocket: `order` and `execution` topics into the engine's
// sink calls, plus the control frames (auth, subscribe, pong).
//
//   order      New                                  -> on_ack(orderLinkId, orderId, updatedTime)
//              Rejected                             -> on_reject(orderLinkId, rejectReason, ...)
//              Cancelled, PartiallyFilledCanceled,  -> on_cancel(orderLinkId, reason, ...), reason =
//              Deactivated                             rejectReason unless "EC_NoError" (a crossing
//                                                      PostOnly: "EC_PostOnlyWillTakeLiquidity"),
//                                                      else cancelType ("CancelByUser")
//              Created, PartiallyFilled, Filled,    -> nothing: fills come from `execution`, and
//              Untriggered, Triggered                  the order store derives FILLED from them
//   execution  execType "Trade"                     -> on_fill(execution): execId, execPrice,
//                                                      execQty, execFee (exact; negative = rebate),
//                                                      execTime
//              any other execType (Funding, AdlTrade, BustTrade, Settle, Delivery) is not a fill
//              of one of our orders: counted in stats().other_executions, never sent as a fill.
// Orders and executions with an empty orderLinkId were not placed by us (manual orders): counted
// in stats().foreign and skipped.
//
// A message is parsed and validated whole before any sink call, so a malformed item never leaves
// half a message applied. Views handed to the sink (ids, reasons) live until the next handle().
// Not thread-safe: one decoder per connection.
//
//   private_stream stream;
//   auto kind = stream.handle(frame_text, engine);   // engine has on_ack/on_reject/on_cancel/on_fill
//   if (!kind) log.warn(kind.error().message);       // "data[0].execFee: decimal_syntax ..."
//
// Errors: bybit_json_syntax, bybit_missing_field, bybit_wrong_type, bybit_bad_value, decimal_*,
// bybit_ws_auth (auth refused: Bybit's ret_msg), bybit_ws_subscribe (subscription refused).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/venue/bybit/detail/json_fields.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/execution.hpp"
#include "mmbot/venue/bybit/order_status.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::venue::bybit {

/// What `handle` understood a frame to be.
enum class stream_event : std::uint8_t { auth_ok, subscribed, pong, orders, executions, ignored };

struct stream_stats {
    std::int64_t acks = 0;
    std::int64_t rejects = 0;
    std::int64_t cancels = 0;
    std::int64_t fills = 0;
    std::int64_t foreign = 0;           ///< items without orderLinkId: not ours
    std::int64_t other_executions = 0;  ///< funding, ADL, liquidation, settlement
};

template <class S>
concept private_sink = venue::event_sink<S>;

/// Frames the client sends after connecting (auth first: signer::append_ws_auth) and every 20 s.
inline constexpr std::string_view subscribe_frame = R"({"op":"subscribe","args":["order","execution"]})";
inline constexpr std::string_view ping_frame = R"({"op":"ping"})";

inline constexpr std::string_view reason_no_error = "EC_NoError";
inline constexpr std::string_view reason_post_only_would_take = "EC_PostOnlyWillTakeLiquidity";

class private_stream {
public:
    template <class Sink>
    [[nodiscard]] core::result<stream_event> handle(std::string_view text, Sink& sink);

    [[nodiscard]] const stream_stats& stats() const noexcept { return stats_; }

private:
    enum class action : std::uint8_t { ack, reject, cancel, fill };
    struct pending {
        action what = action::ack;
        std::string_view link;
        std::string_view text;  // venue id (ack) or reason (reject, cancel)
        std::chrono::nanoseconds at{0};
        execution fill;
    };

    [[nodiscard]] core::result<stream_event> control(const boost::json::object& msg,
                                                     std::string_view op);
    [[nodiscard]] core::result<void> read_order(const boost::json::object& o,
                                                const detail::json_path& path);
    [[nodiscard]] core::result<void> read_execution(const boost::json::object& o,
                                                    const detail::json_path& path);

    boost::json::value doc_;
    std::vector<pending> pending_;
    stream_stats stats_;
};

// ---------------------------------------------------------------------------- implementation

inline core::result<stream_event> private_stream::control(const boost::json::object& msg,
                                                          std::string_view op) {
    if (op == "pong" || op == "ping") return stream_event::pong;
    const auto* success = msg.if_contains("success");
    const bool ok = success != nullptr && success->is_bool() && success->get_bool();
    if (op == "auth" || op == "subscribe") {
        if (ok) return op == "auth" ? stream_event::auth_ok : stream_event::subscribed;
        const auto why = detail::fields.string_at(msg, detail::field("ret_msg"));
        return core::make_error(op == "auth" ? errc::ws_auth : errc::ws_subscribe,
                                fmt::format("{}: refused: {}", op,
                                            why ? detail::cut(*why) : "no ret_msg"));
    }
    return stream_event::ignored;
}

inline core::result<void> private_stream::read_order(const boost::json::object& o,
                                                     const detail::json_path& path) {
    auto link = detail::fields.string_at(o, path.at("orderLinkId"));
    if (!link) return link.error();
    auto status_text = detail::fields.string_at(o, path.at("orderStatus"));
    if (!status_text) return status_text.error();
    const auto status = parse_order_status(*status_text);
    if (!status) {
        return detail::fields.bad_value(path.at("orderStatus"),
                                        fmt::format("unknown order status \"{}\"",
                                                    detail::cut(*status_text)));
    }
    auto updated = detail::fields.timestamp_ms_at(o, path.at("updatedTime"));
    if (!updated) return updated.error();
    if (link->empty()) {
        ++stats_.foreign;
        return {};
    }
    pending p;
    p.link = *link;
    p.at = *updated;
    switch (*status) {
        case order_status::new_: {
            auto id = detail::fields.string_at(o, path.at("orderId"));
            if (!id) return id.error();
            p.what = action::ack;
            p.text = *id;
            break;
        }
        case order_status::rejected:
        case order_status::cancelled:
        case order_status::partially_filled_canceled:
        case order_status::deactivated: {
            auto reason = detail::fields.string_at(o, path.at("rejectReason"));
            if (!reason) return reason.error();
            p.text = *reason;
            if (*status == order_status::rejected) {
                p.what = action::reject;
            } else {
                p.what = action::cancel;
                if (p.text.empty() || p.text == reason_no_error) {
                    auto type = detail::fields.string_at(o, path.at("cancelType"));
                    if (!type) return type.error();
                    p.text = *type;
                }
            }
            break;
        }
        default:
            return {};  // progress of a live order: fills arrive on the execution topic
    }
    pending_.push_back(p);
    return {};
}

inline core::result<void> private_stream::read_execution(const boost::json::object& o,
                                                         const detail::json_path& path) {
    pending p;
    p.what = action::fill;
    auto kind = read_execution_row(o, path, p.fill);
    if (!kind) return kind.error();
    switch (*kind) {
        case execution_row::other_exec_type: ++stats_.other_executions; return {};
        case execution_row::foreign: ++stats_.foreign; return {};
        case execution_row::trade: break;
    }
    p.link = p.fill.client_order_id;
    pending_.push_back(p);
    return {};
}

template <class Sink>
core::result<stream_event> private_stream::handle(std::string_view text, Sink& sink) {
    static_assert(private_sink<Sink>,
                  "private_stream sink: needs on_ack(client_id, venue_id, ns), "
                  "on_reject(client_id, reason, ns), on_cancel(client_id, reason, ns) and "
                  "on_fill(const bybit::execution&)");
    auto doc = detail::parse_document(text);
    if (!doc) return doc.error();
    doc_ = std::move(*doc);
    const auto* msg = doc_.if_object();
    if (msg == nullptr) {
        return detail::fields.wrong_type(detail::json_path{}, "an object", doc_);
    }
    if (msg->contains("op")) {
        auto op = detail::fields.string_at(*msg, detail::field("op"));
        if (!op) return op.error();
        return control(*msg, *op);
    }
    if (!msg->contains("topic")) return stream_event::ignored;
    auto topic = detail::fields.string_at(*msg, detail::field("topic"));
    if (!topic) return topic.error();
    const bool orders = *topic == "order";
    if (!orders && *topic != "execution") return stream_event::ignored;  // position, wallet, ...
    auto data = detail::fields.array_at(*msg, detail::field("data"));
    if (!data) return data.error();

    pending_.clear();
    auto ok = detail::fields.for_each_object(
        **data, "data", [&](const boost::json::object& item, const detail::json_path& path) {
            return orders ? read_order(item, path) : read_execution(item, path);
        });
    if (!ok) return ok.error();
    for (const auto& p : pending_) {
        switch (p.what) {
            case action::ack: ++stats_.acks; sink.on_ack(p.link, p.text, p.at); break;
            case action::reject: ++stats_.rejects; sink.on_reject(p.link, p.text, p.at); break;
            case action::cancel: ++stats_.cancels; sink.on_cancel(p.link, p.text, p.at); break;
            case action::fill: ++stats_.fills; sink.on_fill(p.fill); break;
        }
    }
    return orders ? stream_event::orders : stream_event::executions;
}

}  // namespace mmbot::venue::bybit
