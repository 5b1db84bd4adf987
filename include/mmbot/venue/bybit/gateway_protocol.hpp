// mmbot/venue/bybit/gateway_protocol.hpp
//
// Bybit v5 as the order gateway's protocol (venue/gateway_protocol.hpp lists what that is):
//
//   create       POST /v5/order/create     PostOnly, orderLinkId = our id, signed with the
//                                          resolver's short recv_window
//   cancel       POST /v5/order/cancel     by orderLinkId ("CancelByUser" when it succeeds)
//   cancel-all   POST /v5/order/cancel-all the symbol; the answer lists the orders ("CancelAll")
//   query        GET  /v5/order/realtime?orderLinkId=   open and recently closed orders alike
//   open orders  GET  /v5/order/realtime   cursor paging
//   fills        GET  /v5/execution/list?orderLinkId=   newest first: handed on oldest first
//
// The budget is the client-side rate limiter (rate_limiter.hpp) per endpoint and category, fed by
// every answer's X-Bapi-Limit-* headers (their reset time shifted from the venue's clock onto
// ours); a 10006/10018 holds the endpoint until that reset. The last headroom per endpoint is
// readable from any thread (rate_limit_remaining: the metrics tick).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/bybit/endpoints.hpp"
#include "mmbot/venue/bybit/errors.hpp"
#include "mmbot/venue/bybit/order_status.hpp"
#include "mmbot/venue/bybit/rate_limiter.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/responses.hpp"
#include "mmbot/venue/bybit/ret_codes.hpp"
#include "mmbot/venue/bybit/retry_policy.hpp"
#include "mmbot/venue/bybit/signer.hpp"
#include "mmbot/venue/gateway_protocol.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit {

/// What a transport must offer: `send(request, signer*, venue_time_ms)` returning a
/// core::result of a response with `body` (the text) and `limits` (optional rate_limit_status).
template <class T>
concept rest_sender = requires(T& t, const rest_request& r, signer* s, std::int64_t ms) {
    { t.send(r, s, ms) };
    { t.send(r, s, ms)->body } -> std::convertible_to<std::string_view>;
    { t.send(r, s, ms)->limits };
};

class gateway_protocol {
public:
    using request = rest_request;
    using signer_type = signer;
    /// The answer's body (every Bybit answer is an envelope with its retCode).
    using answer = std::string;

    static constexpr std::string_view cancel_text = "CancelByUser";
    static constexpr std::string_view cancel_all_text = "CancelAll";
    /// The reject reason of an order the venue does not know (a final-state query found nothing).
    static constexpr std::string_view not_found_reason = error_label(errc::order_not_found);

    explicit gateway_protocol(category cat = category::linear) : cat_(cat) {}

    // ------------------------------------------------------------------------------ writing

    [[nodiscard]] core::result<void> write_create(const order_request& r, std::chrono::milliseconds window,
                                                  request& out) const {
        if (auto ok = bybit::write_create(cat_, r, out); !ok) return ok;
        // Signed with the resolver's window: after it (plus the skew margin) a create whose
        // answer was lost can no longer be accepted, and the resolver knows "not found" is final.
        out.recv_window = window;
        return {};
    }
    [[nodiscard]] core::result<void> write_cancel(std::string_view symbol, std::string_view id, request& out) const {
        return bybit::write_cancel(cat_, symbol, id, out);
    }
    [[nodiscard]] core::result<void> write_cancel_all(std::string_view symbol, request& out) const {
        return bybit::write_cancel_all(cat_, symbol, out);
    }
    [[nodiscard]] core::result<void> write_query(std::string_view symbol, std::string_view id, request& out) const {
        return write_order_by_link_id(cat_, symbol, id, out);
    }
    [[nodiscard]] core::result<void> write_open_orders(std::string_view symbol, std::string_view cursor,
                                                       request& out) const {
        return bybit::write_open_orders(cat_, symbol, cursor, out);
    }
    [[nodiscard]] core::result<void> write_executions(std::string_view symbol, std::string_view id,
                                                      std::string_view /*venue_order_id*/, std::string_view cursor,
                                                      request& out) const {
        return write_executions_of(cat_, symbol, id, cursor, out);
    }
    [[nodiscard]] static std::string_view path_of(const request& r) noexcept { return bybit::path_of(r.ep); }
    [[nodiscard]] static bool is_query(const request& r) noexcept { return r.ep == endpoint::order_realtime; }

    // ------------------------------------------------------------------------------ sending

    [[nodiscard]] std::chrono::nanoseconds budget_wait(const request& r, std::chrono::nanoseconds now) {
        return limiter_.try_acquire(r.ep, cat_, 1, now);
    }

    template <class Transport>
    [[nodiscard]] core::result<answer> send(Transport& t, const request& r, signer* s, std::int64_t venue_ms,
                                            std::chrono::nanoseconds now) {
        static_assert(rest_sender<Transport>,
                      "bybit::gateway_protocol: Transport needs send(const rest_request&, signer*, int64 ms) "
                      "returning core::result<R> where R has `body` and `limits`");
        auto resp = t.send(r, s, venue_ms);
        if (!resp) return resp.error();
        if (resp->limits) {
            // The reset time is venue time (ms): shift it onto our clock.
            rate_limit_status st = *resp->limits;
            const auto local_reset =
                now + std::chrono::duration_cast<std::chrono::nanoseconds>(st.reset_at - std::chrono::milliseconds{venue_ms});
            st.reset_at = std::chrono::duration_cast<std::chrono::milliseconds>(local_reset);
            limiter_.observe(r.ep, cat_, st);
            headroom_.at(index_of(r.ep)).store(st.remaining);
            last_reset_ = local_reset;
        } else {
            last_reset_.reset();
        }
        return answer(resp->body);
    }

    void note_refusal(const request& r, core::error_code code, std::chrono::nanoseconds now) {
        if (!is_rate_limited(code)) return;
        limiter_.on_rate_limited(r.ep, cat_, now, last_reset_.value_or(std::chrono::nanoseconds{0}));
    }

    /// Requests left in the venue's current window for `e`, from the last answer's
    /// X-Bapi-Limit-Status; nothing until an answer carried it. Any thread.
    [[nodiscard]] std::optional<std::int64_t> rate_limit_remaining(endpoint e) const {
        const std::int64_t v = headroom_.at(index_of(e)).load();
        return v < 0 ? std::nullopt : std::optional<std::int64_t>(v);
    }
    [[nodiscard]] const rate_limiter& limiter() const noexcept { return limiter_; }

    // ------------------------------------------------------------------------------ reading

    [[nodiscard]] static core::result<std::string> read_create(const answer& a) {
        auto ids = parse_order_ids(a);
        if (!ids) return ids.error();
        return std::move(ids->order_id);
    }
    [[nodiscard]] static core::result<void> read_cancel(const answer& a) {
        auto ids = parse_order_ids(a);
        if (!ids) return ids.error();
        return {};
    }
    [[nodiscard]] static core::result<std::vector<std::string>> read_cancel_all(const answer& a) {
        auto list = parse_cancel_all(a);
        if (!list) return list.error();
        std::vector<std::string> out;
        for (auto& ids : *list) {
            if (!ids.order_link_id.empty()) out.push_back(std::move(ids.order_link_id));
        }
        return out;
    }
    [[nodiscard]] static core::result<std::optional<venue_order>> read_query(const answer& a, std::string_view id) {
        auto page = read_open_orders(a);
        if (!page) return page.error();
        std::optional<venue_order> found;
        for (auto& o : page->orders) {
            if (o.client_order_id == id) found = std::move(o);
        }
        return found;
    }
    [[nodiscard]] static core::result<venue_orders_page> read_open_orders(const answer& a) {
        auto page = parse_open_orders(a);
        if (!page) return page.error();
        venue_orders_page out;
        out.next_cursor = std::move(page->next_cursor);
        for (auto& o : page->orders) {
            out.orders.push_back({std::move(o.order_link_id), std::move(o.order_id), state_of(o.status),
                                  std::move(o.status_text), o.cum_exec_qty});
        }
        return out;
    }
    [[nodiscard]] static core::result<venue_fills_page> read_executions(const answer& a, std::string_view id) {
        auto page = parse_executions(a);
        if (!page) return page.error();
        venue_fills_page out;
        out.next_cursor = std::move(page->next_cursor);
        // Bybit lists newest first; the engine gets them in the order they happened.
        for (auto it = page->executions.rbegin(); it != page->executions.rend(); ++it) {
            if (it->client_order_id == id) out.fills.push_back(std::move(*it));  // asked for this order only
        }
        return out;
    }

    // -------------------------------------------------------------------------------- codes

    /// Whether `code` is a retCode's (the venue answered) rather than a parse error's.
    [[nodiscard]] static bool is_refusal(core::error_code code) noexcept {
        if (code == errc::unclassified) return true;
        for (const auto& e : detail::ret_code_table) {
            if (code == e.code) return true;
        }
        return false;
    }
    [[nodiscard]] static refusal create_refusal(core::error_code code) noexcept { return bybit::create_refusal(code); }
    [[nodiscard]] static bool is_order_not_found(core::error_code code) noexcept {
        return code == errc::order_not_found;
    }
    [[nodiscard]] static bool is_rate_limited(core::error_code code) noexcept {
        return code == errc::rate_limit || code == errc::ip_rate_limit;
    }
    [[nodiscard]] static bool is_retryable(core::error_code code) noexcept { return bybit::is_retryable(code); }
    [[nodiscard]] static bool sent_nothing(core::error_code code) noexcept {
        return code == errc::not_sent || code == errc::tls;
    }
    [[nodiscard]] static bool is_timeout(core::error_code code) noexcept { return code == errc::timeout; }
    static constexpr errc queue_full = errc::queue_full;

private:
    [[nodiscard]] static venue_order::state state_of(order_status s) noexcept {
        switch (s) {
            case order_status::filled: return venue_order::state::filled;
            case order_status::rejected: return venue_order::state::rejected;
            case order_status::cancelled:
            case order_status::partially_filled_canceled:
            case order_status::deactivated: return venue_order::state::cancelled;
            default: return venue_order::state::open;
        }
    }

    category cat_;
    rate_limiter limiter_;
    std::optional<std::chrono::nanoseconds> last_reset_;
    /// rate_limit_remaining per endpoint; -1 = not seen yet. Written by the sender.
    std::array<std::atomic<std::int64_t>, endpoint_count> headroom_{-1, -1, -1, -1, -1, -1, -1, -1, -1};
    static_assert(endpoint_count == 9, "headroom_: one -1 per endpoint");
};

}  // namespace mmbot::venue::bybit
