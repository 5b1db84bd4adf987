// mmbot/venue/binance/gateway_protocol.hpp
//
// Binance USD-M as the order gateway's protocol (venue/gateway_protocol.hpp lists what that is;
// venue/order_gateway.hpp keeps the safety rules):
//
//   create       POST   /fapi/v1/order          LIMIT GTX (post-only), newClientOrderId = our id,
//                                               signed with the resolver's short recvWindow
//   cancel       DELETE /fapi/v1/order          by origClientOrderId ("CANCELED" when it succeeds)
//   cancel-all   DELETE /fapi/v1/allOpenOrders  the symbol; the answer names no order: each
//                                               cancel arrives on the user data stream (and a
//                                               reconcile finds any the stream lost)
//   query        GET    /fapi/v1/order          by origClientOrderId; -2013 is "not found"
//   open orders  GET    /fapi/v1/openOrders     the symbol, one page
//   fills        GET    /fapi/v1/userTrades     by orderId (the query's or the listing's), oldest
//                                               first, weight 5
//
// Requests are written when queued and stamped when sent (restamp): a re-sent create or a
// deferred cancel carries the time it goes out, inside its recvWindow. The budget is the venue's
// request weight per minute (request_weight.hpp, X-MBX-USED-WEIGHT-1M and Retry-After from every
// answer); cancels may use the reserve kept for them. A create weighs 0 there (Binance counts
// orders separately and refuses an excess with -1015, which leaves the order unprocessed: the
// resolver re-sends after its backoff).
//
// The refusals a create can meet, as the create rule reads them (venue/create_resolver.hpp):
//   not processed (re-send):   -1021/-5028 timestamp, 429/-1003 weight, -1015 orders, 418 ban
//   outcome unknown (query):   -1000/-1001/-1007/-1008 and 5xx (the venue failed inside), -4116
//                              (the client order id is taken: an earlier attempt landed)
//   final (reject):            -5022 (GTX would take), filters, balance, parameters, keys, others
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/error_codes.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/binance/request_weight.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/signer.hpp"
#include "mmbot/venue/create_resolver.hpp"
#include "mmbot/venue/gateway_protocol.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::binance {

/// What a transport must offer (rest_transport.hpp, or a scripted fake): `send(request, signer*)`
/// returning a core::result of an answer with `status`, `body`, and the header texts
/// `used_weight_1m` and `retry_after`.
template <class T>
concept rest_sender = requires(T& t, const rest_request& r, signer* s) {
    { t.send(r, s)->status } -> std::convertible_to<unsigned>;
    { t.send(r, s)->body } -> std::convertible_to<std::string_view>;
    { t.send(r, s)->used_weight_1m } -> std::convertible_to<std::string_view>;
    { t.send(r, s)->retry_after } -> std::convertible_to<std::string_view>;
};

/// What create_resolver makes of a refused create (the table in the file comment).
[[nodiscard]] inline refusal create_refusal(core::error_code code) noexcept {
    if (code == errc::timestamp || code == errc::rate_limit || code == errc::order_rate_limit ||
        code == errc::ip_banned) {
        return refusal::not_processed;
    }
    if (code == errc::server_error || code == errc::duplicate_client_order_id) return refusal::outcome_unknown;
    return refusal::final;
}

class gateway_protocol {
public:
    using request = rest_request;
    using signer_type = signer;
    struct answer {
        unsigned status = 0;
        std::string body;
    };

    static constexpr std::string_view cancel_text = "CANCELED";
    static constexpr std::string_view cancel_all_text = "CANCELED";
    static constexpr std::string_view not_found_reason = error_label(errc::order_not_found);
    static constexpr errc queue_full = errc::queue_full;
    /// USD-M's REQUEST_WEIGHT per minute (exchangeInfo), and the part of it kept for cancels.
    static constexpr std::uint32_t default_weight_limit = 2400;
    static constexpr std::uint32_t cancel_reserve = 200;
    /// recvWindow of everything but the create (which takes the resolver's).
    static constexpr std::chrono::milliseconds default_window{5000};

    explicit gateway_protocol(std::uint32_t weight_limit = default_weight_limit)
        : weight_(weight_limit, cancel_reserve), weight_limit_(weight_limit) {}

    // ------------------------------------------------------------------------------ writing
    // Written with timestamp 0: send() stamps each request with the venue's time as it goes.

    [[nodiscard]] static core::result<void> write_create(const order_request& r, std::chrono::milliseconds window,
                                                         request& out) {
        return binance::write_create(r, 0, window, out);
    }
    [[nodiscard]] static core::result<void> write_cancel(std::string_view symbol, std::string_view id, request& out) {
        return binance::write_cancel(symbol, id, 0, default_window, out);
    }
    [[nodiscard]] static core::result<void> write_cancel_all(std::string_view symbol, request& out) {
        return binance::write_cancel_all(symbol, 0, default_window, out);
    }
    [[nodiscard]] static core::result<void> write_query(std::string_view symbol, std::string_view id, request& out) {
        return binance::write_query(symbol, id, 0, default_window, out);
    }
    /// Binance lists a symbol's open orders in one answer: there is no cursor.
    [[nodiscard]] static core::result<void> write_open_orders(std::string_view symbol, std::string_view cursor,
                                                              request& out) {
        if (!cursor.empty()) return core::make_error(errc::request, "openOrders: Binance has no cursor");
        return binance::write_open_orders(symbol, 0, default_window, out);
    }
    [[nodiscard]] static core::result<void> write_executions(std::string_view symbol, std::string_view /*id*/,
                                                             std::string_view venue_order_id, std::string_view cursor,
                                                             request& out) {
        if (!cursor.empty()) return core::make_error(errc::request, "userTrades: no cursor for one order's fills");
        return write_user_trades(symbol, venue_order_id, 0, default_window, out);
    }
    [[nodiscard]] static std::string_view path_of(const request& r) noexcept { return r.path; }
    [[nodiscard]] static bool is_query(const request& r) noexcept {
        return r.method == http_method::get && (r.path == path_order || r.path == path_open_orders);
    }

    // ------------------------------------------------------------------------------ sending

    [[nodiscard]] std::chrono::nanoseconds budget_wait(const request& r, std::chrono::nanoseconds now) const {
        const bool cancel = r.method == http_method::del;
        return weight_.wait_for(now, weight_of(r), cancel);
    }

    template <class Transport>
    [[nodiscard]] core::result<answer> send(Transport& t, request& r, signer* s, std::int64_t venue_ms,
                                            std::chrono::nanoseconds now) {
        static_assert(rest_sender<Transport>,
                      "binance::gateway_protocol: Transport needs send(const rest_request&, signer*) returning "
                      "core::result<R> where R has status, body, used_weight_1m and retry_after");
        // Stamped in place: the task keeps the request, and a re-send stamps it again.
        restamp(r, venue_ms);
        auto resp = t.send(r, s);
        if (!resp) return resp.error();
        // A malformed weight header changes nothing (the venue's refusals still hold us back).
        (void)weight_.on_response(now, static_cast<int>(resp->status), resp->used_weight_1m, resp->retry_after);
        if (auto used = parse_header_count(header_used_weight_1m, resp->used_weight_1m)) {
            headroom_.store(static_cast<std::int64_t>(weight_limit_) - static_cast<std::int64_t>(*used),
                            std::memory_order_relaxed);
        }
        return answer{resp->status, std::move(resp->body)};
    }

    /// The weight budget already took the 429/418 and its Retry-After from the answer.
    void note_refusal(const request& /*r*/, core::error_code /*code*/, std::chrono::nanoseconds /*now*/) const noexcept {}

    /// The venue's weight used this minute, as its last answer said. Sender side.
    [[nodiscard]] const request_weight& weight() const noexcept { return weight_; }
    /// The request weight left this minute (the limit less X-MBX-USED-WEIGHT-1M of the last
    /// answer that carried it); empty before one did. Any thread (the metrics tick).
    [[nodiscard]] std::optional<std::int64_t> weight_remaining() const noexcept {
        const std::int64_t left = headroom_.load(std::memory_order_relaxed);
        if (left == unknown_headroom) return std::nullopt;
        return left;
    }

    // ------------------------------------------------------------------------------ reading

    [[nodiscard]] static core::result<std::string> read_create(const answer& a) {
        if (auto ok = check_answer(a.status, a.body); !ok) return ok.error();
        auto o = parse_order(a.body);
        if (!o) return o.error();
        return std::move(o->order_id);
    }
    [[nodiscard]] static core::result<void> read_cancel(const answer& a) {
        if (auto ok = check_answer(a.status, a.body); !ok) return ok;
        auto o = parse_order(a.body);
        if (!o) return o.error();
        return {};
    }
    [[nodiscard]] static core::result<std::vector<std::string>> read_cancel_all(const answer& a) {
        if (auto ok = check_answer(a.status, a.body); !ok) return ok.error();
        if (auto ok = parse_cancel_all(a.body); !ok) return ok.error();
        return std::vector<std::string>{};
    }
    [[nodiscard]] static core::result<std::optional<venue_order>> read_query(const answer& a, std::string_view /*id*/) {
        if (auto ok = check_answer(a.status, a.body); !ok) {
            if (ok.error().code == errc::order_not_found) return std::optional<venue_order>{};
            return ok.error();
        }
        auto o = parse_order(a.body);
        if (!o) return o.error();
        return std::optional<venue_order>{to_venue_order(std::move(*o))};
    }
    [[nodiscard]] static core::result<venue_orders_page> read_open_orders(const answer& a) {
        if (auto ok = check_answer(a.status, a.body); !ok) return ok.error();
        auto list = parse_open_orders(a.body);
        if (!list) return list.error();
        venue_orders_page page;
        for (auto& o : *list) page.orders.push_back(to_venue_order(std::move(o)));
        return page;
    }
    [[nodiscard]] static core::result<venue_fills_page> read_executions(const answer& a, std::string_view id) {
        if (auto ok = check_answer(a.status, a.body); !ok) return ok.error();
        auto fills = parse_user_trades(a.body, id);
        if (!fills) return fills.error();
        return venue_fills_page{std::move(*fills), {}};
    }

    // -------------------------------------------------------------------------------- codes

    /// Whether `code` is a refusal check_answer classified (the venue answered), rather than a
    /// parse or transport error.
    [[nodiscard]] static bool is_refusal(core::error_code code) noexcept {
        if (code == errc::unclassified || code == errc::rate_limit || code == errc::ip_banned ||
            code == errc::server_error) {
            return true;
        }
        for (const auto& e : detail::code_table) {
            if (code == e.error) return true;
        }
        return false;
    }
    [[nodiscard]] static refusal create_refusal(core::error_code code) noexcept { return binance::create_refusal(code); }
    [[nodiscard]] static bool is_order_not_found(core::error_code code) noexcept { return code == errc::order_not_found; }
    [[nodiscard]] static bool is_rate_limited(core::error_code code) noexcept {
        return code == errc::rate_limit || code == errc::order_rate_limit || code == errc::ip_banned;
    }
    [[nodiscard]] static bool is_retryable(core::error_code code) noexcept {
        return code == errc::timestamp || code == errc::rate_limit || code == errc::order_rate_limit ||
               code == errc::server_error;
    }
    [[nodiscard]] static bool sent_nothing(core::error_code code) noexcept {
        return code == errc::not_sent || code == errc::tls || code == errc::stale_connection;
    }
    [[nodiscard]] static bool is_timeout(core::error_code code) noexcept { return code == errc::timeout; }

private:
    /// The request's weight on the IP's per-minute budget (Binance's published weights).
    [[nodiscard]] static std::uint32_t weight_of(const request& r) noexcept {
        if (r.path == path_order && r.method == http_method::post) return 0;  // counted as an order
        if (r.path == path_user_trades) return 5;
        return 1;
    }

    [[nodiscard]] static venue_order to_venue_order(order_state o) {
        venue_order v;
        v.client_order_id = std::move(o.client_order_id);
        v.order_id = std::move(o.order_id);
        v.status_text = std::string(to_string(o.status));
        v.cum_qty = o.executed_qty;
        switch (o.status) {
            case order_status::new_:
            case order_status::partially_filled: v.now = venue_order::state::open; break;
            case order_status::filled: v.now = venue_order::state::filled; break;
            case order_status::rejected: v.now = venue_order::state::rejected; break;
            case order_status::canceled:
            case order_status::expired:
            case order_status::expired_in_match: v.now = venue_order::state::cancelled; break;
        }
        return v;
    }

    static constexpr std::int64_t unknown_headroom = -1;
    request_weight weight_;
    std::uint32_t weight_limit_;
    /// weight_remaining(); unknown_headroom until an answer said. Written by the sender.
    std::atomic<std::int64_t> headroom_{unknown_headroom};
};

}  // namespace mmbot::venue::binance
