// mmbot/venue/create_resolver.hpp
//
// What to do after each attempt of an order create, whichever the venue, as a pure state machine:
// no I/O, no clock of its own, so every path is a unit test.
//
// The rule: a create is never re-sent while it might have reached the matching engine. Re-sending
// is safe only when the venue definitely refused it at its gateway (refusal::not_processed: a rate
// limit, a timestamp outside the window) or the request never left (connect failure). A timeout,
// a dropped connection after the bytes were written, a venue-side failure or timeout, and a
// "duplicate client order id" (an earlier attempt did land) leave the outcome unknown
// (refusal::outcome_unknown): they are resolved by querying the order by its client order id.
// Each adapter says which of its codes is which (bybit::create_refusal, binance::create_refusal).
// A query that finds nothing is final only once the original request can no longer be accepted:
// after its timestamp + recv_window (plus a clock-skew margin) the venue rejects it as expired.
// Until then the resolver queries again; after that it may send again, with the same client order
// id, so that even a wrong "not found" cannot make two orders (the venue would refuse the
// duplicate). The query that settles it goes just after that expiry, not on the backoff grid: the
// create's short recv_window (retry_params) is what bounds how long an order's fate stays unknown.
//
//   create_resolver r{params, sent_at};
//   auto d = r.on_create(create_result::timeout(), now);   // d.next == action::query, d.after = 200ms
//   ... query the order by its client order id after d.after ...
//   d = r.on_query(query_result::found("1321..."), now);   // d.next == action::acked
#pragma once

#include "mmbot/core/backoff.hpp"
#include "mmbot/core/error.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue {

struct retry_params {
    /// Attempts of the create itself (first send included).
    int max_sends = 3;
    /// Queries by client order id before giving up on resolving (then the caller reconciles).
    int max_queries = 8;
    std::chrono::nanoseconds base_backoff{std::chrono::milliseconds{100}};
    std::chrono::nanoseconds max_backoff{std::chrono::seconds{2}};
    /// Signed recv_window of the create: after sent_at + recv_window + skew_margin the venue can
    /// no longer accept the original request. Shorter than the venues' default 5 s, because it is
    /// how long a create whose answer was lost stays unknown (and its quote slot empty): 2 s still
    /// covers the network and the clock error a clock sync leaves.
    std::chrono::nanoseconds recv_window{std::chrono::milliseconds{2000}};
    std::chrono::nanoseconds skew_margin{std::chrono::milliseconds{1000}};
};

/// The wait before attempt n (from 1) of a create, a query or a cancel: base_backoff doubled once
/// per earlier attempt, at most max_backoff. No jitter, as before: the gateway and resolver tests
/// pin these delays.
[[nodiscard]] inline std::chrono::nanoseconds retry_backoff(const retry_params& p, int n) noexcept {
    return core::exponential_delay(p.base_backoff, p.max_backoff,
                                   static_cast<std::uint32_t>(std::max(n - 1, 0)));
}

/// What a venue's refusal of a create says about the order, as each adapter classifies its codes
/// (bybit::create_refusal, binance::create_refusal).
enum class refusal : std::uint8_t {
    /// Refused at the gateway before matching (rate limit, timestamp outside the window): the
    /// order was not processed, a re-send is safe.
    not_processed,
    /// The venue failed or timed out inside (or says the id is taken): the order may exist.
    outcome_unknown,
    /// A definite refusal (parameters, balance, post-only would take): not placed, final.
    final,
};

/// How one create attempt ended, from the transport's point of view.
struct create_result {
    enum class kind : std::uint8_t {
        accepted,         ///< the venue took it: the order id is known
        venue_error,      ///< the venue refused it (its code in `error_code`, read as `how`)
        timeout,          ///< sent, no response in time, or the connection dropped after sending
        not_sent,         ///< failed before any byte of the request was written
    };
    kind what = kind::timeout;
    core::error_code error_code;  ///< the adapter's code of the refusal, for venue_error
    refusal how = refusal::final;
    std::string_view order_id;    ///< for accepted

    [[nodiscard]] static create_result accepted(std::string_view id) {
        return {kind::accepted, {}, refusal::final, id};
    }
    [[nodiscard]] static create_result venue_error(core::error_code code, refusal how) {
        return {kind::venue_error, code, how, {}};
    }
    [[nodiscard]] static create_result timeout() { return {kind::timeout, {}, refusal::final, {}}; }
    [[nodiscard]] static create_result not_sent() { return {kind::not_sent, {}, refusal::final, {}}; }
};

/// How one query of an order by its client order id ended.
struct query_result {
    enum class kind : std::uint8_t { found, not_found, failed };
    kind what = kind::failed;
    std::string_view order_id;  ///< for found

    [[nodiscard]] static query_result found(std::string_view id) { return {kind::found, id}; }
    [[nodiscard]] static query_result not_found() { return {kind::not_found, {}}; }
    [[nodiscard]] static query_result failed() { return {kind::failed, {}}; }
};

struct decision {
    enum class action : std::uint8_t {
        acked,     ///< the order exists: report on_ack(order_id)
        rejected,  ///< definitely not placed: report on_reject(reason)
        send,      ///< send the create again (same client order id, fresh timestamp) after `after`
        query,     ///< query by client order id after `after`
        escalate,  ///< unresolved within the budget: freeze quoting and reconcile (never resend)
    };
    action next = action::escalate;
    std::chrono::nanoseconds after{0};
    std::string reason;    ///< for rejected / escalate: the refusal's label or a policy reason
    std::string order_id;  ///< for acked
};

class create_resolver {
public:
    create_resolver(retry_params p, std::chrono::nanoseconds sent_at) : p_(p), sent_at_(sent_at) {}

    /// After a create attempt.
    [[nodiscard]] decision on_create(const create_result& r, std::chrono::nanoseconds now) {
        ++sends_;
        using k = create_result::kind;
        switch (r.what) {
            case k::accepted: return {decision::action::acked, {}, {}, std::string(r.order_id)};
            case k::not_sent: return resend_or_reject("create_not_sent", now);
            case k::timeout: return query_or_escalate("create_timeout");
            case k::venue_error: break;
        }
        switch (r.how) {
            case refusal::outcome_unknown: return query_or_escalate(r.error_code.name());
            case refusal::not_processed: return resend_or_reject(r.error_code.name(), now);
            case refusal::final: break;
        }
        return {decision::action::rejected, {}, std::string(r.error_code.name()), {}};
    }

    /// After a query by client order id.
    [[nodiscard]] decision on_query(const query_result& r, std::chrono::nanoseconds now) {
        ++queries_;
        using k = query_result::kind;
        if (r.what == k::found) return {decision::action::acked, {}, {}, std::string(r.order_id)};
        if (r.what == k::not_found && now > expiry()) {
            // The original can no longer be accepted, so "not found" is the truth.
            return resend_or_reject("create_not_found", now);
        }
        auto next = query_or_escalate(r.what == k::not_found ? "create_pending" : "query_failed");
        if (next.next == decision::action::query && now <= expiry() && now + next.after > expiry()) {
            // The query that settles it is the first one after expiry: send it then, not on the
            // backoff grid up to max_backoff later.
            next.after = expiry() - now + settle_step;
        }
        return next;
    }

    /// When the last send's request expires at the venue.
    [[nodiscard]] std::chrono::nanoseconds expiry() const noexcept {
        return sent_at_ + p_.recv_window + p_.skew_margin;
    }
    [[nodiscard]] int sends() const noexcept { return sends_; }
    /// How long after expiry the settling query goes.
    static constexpr std::chrono::nanoseconds settle_step{std::chrono::milliseconds{1}};
    [[nodiscard]] int queries() const noexcept { return queries_; }

private:
    [[nodiscard]] decision resend_or_reject(std::string_view why, std::chrono::nanoseconds now) {
        if (sends_ >= p_.max_sends) return {decision::action::rejected, {}, std::string(why), {}};
        const auto wait = retry_backoff(p_, sends_);
        sent_at_ = now + wait;  // the next request carries a fresh timestamp
        queries_ = 0;
        return {decision::action::send, wait, std::string(why), {}};
    }

    [[nodiscard]] decision query_or_escalate(std::string_view why) {
        if (queries_ >= p_.max_queries) {
            return {decision::action::escalate, {}, std::string(why), {}};
        }
        return {decision::action::query, retry_backoff(p_, queries_ + 1), std::string(why), {}};
    }

    retry_params p_;
    std::chrono::nanoseconds sent_at_;
    int sends_ = 0;
    int queries_ = 0;
};

}  // namespace mmbot::venue
