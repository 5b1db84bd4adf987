// mmbot/venue/order_gateway.hpp
//
// The order venue of testnet and live, for any venue: models venue::order_venue for the execution
// loop over a venue's REST protocol (venue/gateway_protocol.hpp: bybit::gateway_protocol,
// binance::gateway_protocol), which says how each request is written, sent inside the venue's
// rate budget and read back. Every safety rule below is stated and kept once, here.
//
//   place      -> the protocol's create (post-only, the engine's client order id, price and qty
//                 printed with the request's price_digits/qty_digits)
//   cancel     -> cancel by client order id
//   cancel_all -> cancel every open order of the symbol
//   reconcile  -> list open orders (cursor paging) + cancels + queries, see below
//   recovery   -> list an order's fills: those a lost push never delivered
//
// Threading. The trading thread never waits for the network: place/cancel/cancel_all validate and
// build the request, then push it onto a bounded command queue and return. A sender thread
// (`start()`) or, in tests, the caller (`pump(now)`) sends them one at a time over the transport
// (synchronous HTTPS). Outcomes go onto an event queue the loop drains once per turn:
//   drain(sink) -> sink.on_ack(link, order_id, at) / on_reject(link, reason label, at) /
//                  on_cancel(link, reason, at) / on_fill(const execution_record&) (or
//                  on_recovered_fill, if the sink has it: every fill here was read back)
// and, if the sink has it, sink.on_gateway_notice(const gateway_event&) for what the engine has no
// sink call for (a cancel that failed, a create left unresolved, a reconcile summary). Everything
// else a sender touches (transport, signer, the protocol's budget) is owned by the sender side.
//
// Safety rules (venue/create_resolver.hpp has the create state machine):
//   * the protocol's budget is asked before every request; a request it defers waits, nothing is
//     dropped; a venue rate-limit refusal holds the budget as the protocol says;
//   * a create is re-sent only when the venue refused it before processing (the protocol's
//     create_refusal: not_processed) or nothing was written; a timeout, a garbled reply, a venue
//     failure and a duplicate client order id are resolved by querying the order by its client
//     order id, never by a blind re-send; a create still unresolved after the query budget is
//     reported as `unresolved` (the caller freezes and reconciles);
//   * cancels are idempotent and retried on rate limits and timeouts; "order not found" is
//     resolved by a query that reports the order's final state;
//   * a full command queue is an error (the protocol's queue_full), reported to the engine as a
//     reject for a create and as a notice for a cancel: never a silent drop.
//
// Reconcile (after every private-stream (re)connect and before quoting): pages through the
// symbol's open orders; a venue-open order the caller does not list (and this gateway is not
// creating) is cancelled; an order the caller lists that the venue does not show is queried by
// client order id and its final state applied (cancelled -> on_cancel, rejected -> on_reject). An
// order that closed with fills (filled, or cancelled after a partial fill), and a venue-open order
// with a filled quantity, has its fills read back and handed to on_fill before its final state: a
// fill whose push was lost during a private-stream gap is recovered, and one already applied is
// dropped by the engine's exec-id check.
//
//   venue::order_gateway<bybit::gateway_protocol, rest_transport> gw{std::move(transport), &signer,
//                                                                    params, clock};
//   gw.start();                         // sender thread
//   loop = execution_loop<decltype(gw), Gate, Logger>{gw, ...};
//   every turn: gw.drain(loop);
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/create_resolver.hpp"
#include "mmbot/venue/execution.hpp"
#include "mmbot/venue/gateway_protocol.hpp"
#include "mmbot/venue/order_venue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mmbot::venue {

struct gateway_params {
    /// Commands waiting for the sender; one more is refused with the protocol's queue_full.
    std::size_t queue_capacity = 1024;
    /// The create state machine's budget and backoff (also used for cancel retries).
    retry_params retry;
    /// Attempts of one cancel / cancel-all before it is reported as failed.
    int max_cancel_sends = 4;
    /// Longest the sender thread sleeps with nothing due (it wakes at once on a new command).
    std::chrono::nanoseconds idle_wait{std::chrono::milliseconds{50}};
};

/// One outcome, as the event queue carries it.
struct gateway_event {
    enum class kind : std::uint8_t {
        ack,             ///< order exists: text = venue order id
        reject,          ///< order definitely not placed: text = retCode label / reason
        cancel,          ///< order no longer open: text = reason
        cancel_failed,   ///< a cancel or cancel-all could not be done: text = error label
        unresolved,      ///< create outcome unknown after the query budget: freeze + reconcile
        filled,          ///< a query found the order filled (the fills come from executions)
        reconciled,      ///< reconcile of `symbol` finished: text = summary
        reconcile_failed,  ///< reconcile could not list the venue's orders: text = error
        fill,            ///< a fill recovered from the venue's fill listing: `fill` holds it
        fills_unrecovered  ///< the fill listing failed after retries: text = error (next reconcile retries)
    };
    kind what = kind::ack;
    std::string client_order_id;
    std::string text;
    std::chrono::nanoseconds at{0};
    std::string symbol;
    std::optional<execution_record> fill;
};

[[nodiscard]] constexpr std::string_view to_string(gateway_event::kind k) noexcept {
    using enum gateway_event::kind;
    switch (k) {
        case ack: return "ack";
        case reject: return "reject";
        case cancel: return "cancel";
        case cancel_failed: return "cancel_failed";
        case unresolved: return "unresolved";
        case filled: return "filled";
        case reconciled: return "reconciled";
        case reconcile_failed: return "reconcile_failed";
        case fill: return "fill";
        case fills_unrecovered: return "fills_unrecovered";
    }
    return "unknown";
}

/// Counters since start (a snapshot; the sender updates them).
struct gateway_stats {
    std::int64_t requests_sent = 0;   ///< every HTTP request written (creates, cancels, queries)
    std::int64_t creates_sent = 0;    ///< create attempts (re-sends included)
    std::int64_t resends = 0;         ///< safe create re-sends after a gateway refusal
    std::int64_t queries = 0;         ///< order queries and listings (resolution + reconcile)
    std::int64_t throttled = 0;       ///< requests the client-side limiter deferred
    std::int64_t venue_rate_limited = 0;  ///< the venue's rate-limit refusals
    std::int64_t transport_errors = 0;
    std::int64_t queue_full = 0;
    std::int64_t unresolved = 0;
    std::int64_t orphans_cancelled = 0;   ///< reconcile: venue-open orders we did not know
    std::int64_t final_states_applied = 0;  ///< reconcile: store-open orders resolved by query
    /// Fills read back from the venue's listing and handed on, including fills the private
    /// stream had already pushed (the engine drops those by exec id).
    std::int64_t executions_read_back = 0;
};


template <class Protocol, class Transport>
class order_gateway {
public:
    using request = typename Protocol::request;
    using signer = typename Protocol::signer_type;
    using answer = typename Protocol::answer;

    using clock_fn = std::function<std::chrono::nanoseconds()>;
    using venue_ms_fn = std::function<core::result<std::int64_t>(std::chrono::nanoseconds)>;

    /// `clock` is the loop's clock (events carry its time); `venue_ms` turns it into the venue's
    /// clock in ms for the signed timestamps (default: the system clock, i.e. no offset).
    order_gateway(Transport transport, signer* sig, const gateway_params& params, clock_fn clock,
                  venue_ms_fn venue_ms = {})
        : transport_(std::move(transport)),
          signer_(sig),
          params_(params),
          clock_(std::move(clock)),
          venue_ms_(std::move(venue_ms)) {
        if (!venue_ms_) {
            venue_ms_ = [](std::chrono::nanoseconds) -> core::result<std::int64_t> {
                return std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                    .count();
            };
        }
    }

    order_gateway(const order_gateway&) = delete;
    order_gateway& operator=(const order_gateway&) = delete;
    ~order_gateway() { stop(); }

    // ----------------------------------------------------------- trading thread: order_venue

    void place(const order_request& r, std::chrono::nanoseconds now) {
        if (auto ok = submit_place(r, now); !ok) {
            push_event({gateway_event::kind::reject, std::string(r.client_order_id),
                        std::string(ok.error().code.name()), now, std::string(r.symbol), {}});
        }
    }
    void cancel(std::string_view symbol, std::string_view client_order_id,
                std::chrono::nanoseconds now) {
        if (auto ok = submit_cancel(symbol, client_order_id, now); !ok) {
            push_event({gateway_event::kind::cancel_failed, std::string(client_order_id),
                        std::string(ok.error().code.name()), now, std::string(symbol), {}});
        }
    }
    void cancel_all(std::string_view symbol, std::chrono::nanoseconds now) {
        if (auto ok = submit_cancel_all(symbol, now); !ok) {
            push_event({gateway_event::kind::cancel_failed, {}, std::string(ok.error().code.name()), now,
                        std::string(symbol), {}});
        }
    }

    /// The same as place, with the error returned (the protocol's request error, or queue_full).
    [[nodiscard]] core::result<void> submit_place(const order_request& r,
                                                  std::chrono::nanoseconds now) {
        task t;
        t.what = task_kind::create;
        // Signed with the resolver's window: after it (plus the skew margin) a create whose
        // answer was lost can no longer be accepted, and the resolver knows "not found" is final.
        const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(params_.retry.recv_window);
        if (auto ok = protocol_.write_create(r, window, t.req); !ok) return ok.error();
        t.link = r.client_order_id;
        t.symbol = r.symbol;
        t.due = now;
        return enqueue(std::move(t));
    }
    [[nodiscard]] core::result<void> submit_cancel(std::string_view symbol,
                                                   std::string_view client_order_id,
                                                   std::chrono::nanoseconds now) {
        task t;
        t.what = task_kind::cancel;
        if (auto ok = protocol_.write_cancel(symbol, client_order_id, t.req); !ok) {
            return ok.error();
        }
        t.link = client_order_id;
        t.symbol = symbol;
        t.due = now;
        return enqueue(std::move(t));
    }
    [[nodiscard]] core::result<void> submit_cancel_all(std::string_view symbol,
                                                       std::chrono::nanoseconds now) {
        task t;
        t.what = task_kind::cancel_all;
        if (auto ok = protocol_.write_cancel_all(symbol, t.req); !ok) return ok.error();
        t.symbol = symbol;
        t.due = now;
        return enqueue(std::move(t));
    }

    /// Reconciles `symbol` against the venue (see the file comment). `known_open` lists the
    /// client order ids the order store holds open for the symbol.
    [[nodiscard]] core::result<void> reconcile(std::string_view symbol,
                                               std::vector<std::string> known_open,
                                               std::chrono::nanoseconds now) {
        task t;
        t.what = task_kind::list_open;
        if (auto ok = protocol_.write_open_orders(symbol, {}, t.req); !ok) return ok.error();
        t.symbol = symbol;
        t.known = std::make_shared<reconcile_state>();
        t.known->store_open.insert(std::make_move_iterator(known_open.begin()),
                                   std::make_move_iterator(known_open.end()));
        t.due = now;
        return enqueue(std::move(t));
    }

    /// Hands every outcome so far to `sink` (the execution loop), oldest first. Returns how many.
    template <class Sink>
    std::size_t drain(Sink& sink) {
        {
            const std::lock_guard lock{events_mu_};
            drained_.swap(events_);
        }
        for (const auto& e : drained_) {
            switch (e.what) {
                case gateway_event::kind::ack: sink.on_ack(e.client_order_id, e.text, e.at); break;
                case gateway_event::kind::reject:
                    sink.on_reject(e.client_order_id, e.text, e.at);
                    break;
                case gateway_event::kind::cancel:
                    sink.on_cancel(e.client_order_id, e.text, e.at);
                    break;
                case gateway_event::kind::fill:
                    // A sink that tells a read-back fill from a pushed one (to count the fills
                    // only the read-back delivered) has on_recovered_fill.
                    if constexpr (requires { sink.on_recovered_fill(*e.fill); }) {
                        sink.on_recovered_fill(*e.fill);
                    } else {
                        sink.on_fill(*e.fill);
                    }
                    break;
                default:
                    if constexpr (requires { sink.on_gateway_notice(e); }) {
                        sink.on_gateway_notice(e);
                    }
                    break;
            }
        }
        const std::size_t n = drained_.size();
        drained_.clear();
        return n;
    }

    [[nodiscard]] gateway_stats stats() const {
        gateway_stats s;
        s.requests_sent = c_.requests_sent.load();
        s.creates_sent = c_.creates_sent.load();
        s.resends = c_.resends.load();
        s.queries = c_.queries.load();
        s.throttled = c_.throttled.load();
        s.venue_rate_limited = c_.venue_rate_limited.load();
        s.transport_errors = c_.transport_errors.load();
        s.queue_full = c_.queue_full.load();
        s.unresolved = c_.unresolved.load();
        s.orphans_cancelled = c_.orphans_cancelled.load();
        s.final_states_applied = c_.final_states_applied.load();
        s.executions_read_back = c_.executions_read_back.load();
        return s;
    }

    /// The venue's protocol: its budget's readouts (thread-safe ones only from other threads).
    [[nodiscard]] const Protocol& protocol() const noexcept { return protocol_; }

    /// Commands not yet picked up plus requests in progress on the sender side.
    [[nodiscard]] std::size_t pending() const {
        const std::lock_guard lock{commands_mu_};
        return commands_.size() + in_progress_.load();
    }

    // ------------------------------------------------------------------------- sender side

    /// Starts the sender thread (production). Tests call pump() instead.
    void start() {
        if (thread_.joinable()) return;
        stopping_ = false;
        thread_ = std::thread([this] { run(); });
    }
    /// Stops the sender thread; commands not yet sent stay unsent.
    void stop() {
        {
            const std::lock_guard lock{commands_mu_};
            stopping_ = true;
        }
        commands_cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    /// One pass of the sender: takes new commands, sends every request that is due at `now`.
    /// Returns when the next deferred request is due (nullopt: nothing waiting).
    std::optional<std::chrono::nanoseconds> pump(std::chrono::nanoseconds now) {
        take_commands();
        // Work on the tasks due now; what they schedule (queries, re-sends) goes after them.
        std::deque<task> ready;
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            if (it->due <= now) {
                ready.push_back(std::move(*it));
                it = tasks_.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& t : ready) step(std::move(t), now);
        report_finished_reconciles(now);
        in_progress_.store(tasks_.size());
        std::optional<std::chrono::nanoseconds> next;
        for (const auto& t : tasks_) next = next ? std::min(*next, t.due) : t.due;
        return next;
    }

    [[nodiscard]] Transport& transport() noexcept { return transport_; }

private:
    enum class task_kind : std::uint8_t {
        create,        ///< the create, resolver decides
        query_create,  ///< the order by client id, for a create with an unknown outcome
        cancel,
        cancel_all,
        query_final,   ///< the order by client id, to learn a final state
        list_open,     ///< reconcile: one page of open orders
        list_executions,  ///< the order's fills: those a missed push did not deliver
    };

    struct reconcile_state {
        std::set<std::string, std::less<>> store_open;
        std::set<std::string, std::less<>> venue_open;
        std::int64_t orphans = 0;
        std::int64_t queried = 0;
        bool listed = false;  ///< every page read; done once no follow-up task is left
    };

    struct task {
        task_kind what = task_kind::create;
        std::string link;
        std::string symbol;
        /// The venue's id of the order, once known (the fill listing of some venues needs it).
        std::string order_id;
        request req;
        /// The create's own request while `req` holds its query (kept for a safe re-send).
        request create;
        std::chrono::nanoseconds due{0};
        std::optional<create_resolver> resolver;
        int sends = 0;
        bool from_reconcile = false;
        std::shared_ptr<reconcile_state> known;
        /// list_executions: the final state to report once its fills are in (cancel of a
        /// partially filled order, or filled), so the engine never closes an order before
        /// applying its fills.
        std::optional<std::pair<gateway_event::kind, std::string>> after_fills;
    };

    struct counters {
        std::atomic<std::int64_t> requests_sent{0};
        std::atomic<std::int64_t> creates_sent{0};
        std::atomic<std::int64_t> resends{0};
        std::atomic<std::int64_t> queries{0};
        std::atomic<std::int64_t> throttled{0};
        std::atomic<std::int64_t> venue_rate_limited{0};
        std::atomic<std::int64_t> transport_errors{0};
        std::atomic<std::int64_t> queue_full{0};
        std::atomic<std::int64_t> unresolved{0};
        std::atomic<std::int64_t> orphans_cancelled{0};
        std::atomic<std::int64_t> final_states_applied{0};
        std::atomic<std::int64_t> executions_read_back{0};
    };

    /// An answer, or the error the exchange ended with.
    struct reply {
        std::optional<answer> body;
        core::error err;
    };

    [[nodiscard]] core::result<void> enqueue(task t) {
        {
            const std::lock_guard lock{commands_mu_};
            if (commands_.size() >= params_.queue_capacity) {
                c_.queue_full.fetch_add(1);
                return core::make_error(
                    Protocol::queue_full,
                    fmt::format("order gateway: {} \"{}\" refused, {} commands already queued "
                                "(capacity {})",
                                Protocol::path_of(t.req), t.link.empty() ? t.symbol : t.link,
                                commands_.size(), params_.queue_capacity));
            }
            commands_.push_back(std::move(t));
        }
        commands_cv_.notify_one();
        return {};
    }

    void push_event(gateway_event e) {
        const std::lock_guard lock{events_mu_};
        events_.push_back(std::move(e));
    }
    void emit(gateway_event::kind k, const task& t, std::string text, std::chrono::nanoseconds at) {
        push_event({k, t.link, std::move(text), at, t.symbol, {}});
    }

    void take_commands() {
        std::deque<task> fresh;
        {
            const std::lock_guard lock{commands_mu_};
            fresh.swap(commands_);
        }
        for (auto& t : fresh) tasks_.push_back(std::move(t));
    }

    void schedule(task t, std::chrono::nanoseconds due) {
        t.due = due;
        tasks_.push_back(std::move(t));
    }

    [[nodiscard]] bool creating(std::string_view link) const {
        return std::any_of(tasks_.begin(), tasks_.end(), [&](const task& t) {
            return (t.what == task_kind::create || t.what == task_kind::query_create) &&
                   t.link == link;
        });
    }

    [[nodiscard]] std::chrono::nanoseconds backoff(int n) const noexcept {
        return retry_backoff(params_.retry, n);
    }

    /// Rate limiter, then the transport. Nothing is sent (and nullopt returned) when the limiter
    /// defers the request: the task is rescheduled for when its budget allows.
    [[nodiscard]] std::optional<reply> send(task& t, std::chrono::nanoseconds now) {
        const auto wait = protocol_.budget_wait(t.req, now);
        if (wait.count() > 0) {
            c_.throttled.fetch_add(1);
            schedule(std::move(t), now + wait);
            return std::nullopt;
        }
        reply out;
        auto ms = venue_ms_(now);
        if (!ms) {
            out.err = ms.error();
            return out;
        }
        c_.requests_sent.fetch_add(1);
        if (Protocol::is_query(t.req)) c_.queries.fetch_add(1);
        auto resp = protocol_.send(transport_, t.req, signer_, *ms, now);
        if (!resp) {
            c_.transport_errors.fetch_add(1);
            out.err = resp.error();
            return out;
        }
        out.body = std::move(*resp);
        return out;
    }

    void note_rate_limited(const task& t, core::error_code code, std::chrono::nanoseconds now) {
        if (!Protocol::is_rate_limited(code)) return;
        c_.venue_rate_limited.fetch_add(1);
        protocol_.note_refusal(t.req, code, now);
    }

    /// A query that failed (transport or parse) uses one of its sends: while the budget lasts it
    /// is retried after the backoff (true, `t` taken); false when the budget is spent.
    [[nodiscard]] bool retry_query(task& t, core::error_code code, std::chrono::nanoseconds now) {
        note_rate_limited(t, code, now);
        if (t.sends >= params_.retry.max_queries) return false;
        const auto after = backoff(t.sends);
        schedule(std::move(t), now + after);
        return true;
    }

    /// Sends `t`'s listing query and hands the parsed page to `on_page(task, page)`. A failure
    /// (transport or parse) is retried while the query budget lasts, then ends with `on_fail`.
    template <class Parse, class OnPage>
    void step_listing(task t, std::chrono::nanoseconds now, Parse&& parse, OnPage&& on_page,
                      gateway_event::kind on_fail) {
        auto r = send(t, now);
        if (!r) return;
        ++t.sends;
        core::error err = r->err;
        if (r->body) {
            auto page = std::forward<Parse>(parse)(*r->body);
            if (page) return std::forward<OnPage>(on_page)(std::move(t), *page);
            err = page.error();
        }
        if (retry_query(t, err.code, now)) return;
        emit(on_fail, t, fmt::format("{}: {}", err.code, err.message), now);
    }

    /// Asks for the next page of a listing: `write(t)` fills the task's fresh request; a request
    /// that cannot be written ends the listing with `on_fail`.
    template <class Write>
    void next_page(task t, Write&& write, gateway_event::kind on_fail, std::chrono::nanoseconds now) {
        t.req = request{};
        if (auto ok = std::forward<Write>(write)(t); !ok) {
            emit(on_fail, t, ok.error().message, now);
            return;
        }
        t.sends = 0;
        schedule(std::move(t), now);
    }

    void step(task t, std::chrono::nanoseconds now) {
        switch (t.what) {
            case task_kind::create: step_create(std::move(t), now); break;
            case task_kind::query_create: step_query_create(std::move(t), now); break;
            case task_kind::cancel:
            case task_kind::cancel_all: step_cancel(std::move(t), now); break;
            case task_kind::query_final: step_query_final(std::move(t), now); break;
            case task_kind::list_open: step_list_open(std::move(t), now); break;
            case task_kind::list_executions: step_list_executions(std::move(t), now); break;
        }
    }

    // ------------------------------------------------------------------------------ creates

    void step_create(task t, std::chrono::nanoseconds now) {
        if (!t.resolver) t.resolver.emplace(params_.retry, now);
        auto r = send(t, now);
        if (!r) return;  // deferred by the limiter
        c_.creates_sent.fetch_add(1);
        create_result outcome = create_result::timeout();
        std::string id;
        if (!r->body) {
            outcome = Protocol::sent_nothing(r->err.code) ? create_result::not_sent() : create_result::timeout();
        } else if (auto created = Protocol::read_create(*r->body)) {
            id = std::move(*created);
            outcome = create_result::accepted(id);
        } else if (Protocol::is_refusal(created.error().code)) {
            const auto code = created.error().code;
            note_rate_limited(t, code, now);
            outcome = create_result::venue_error(code, Protocol::create_refusal(code));
        }  // else: an HTML 502, a cut body: the outcome is unknown -> timeout -> query
        const decision d = t.resolver->on_create(outcome, now);
        apply(std::move(t), d, now, std::nullopt);
    }

    void step_query_create(task t, std::chrono::nanoseconds now) {
        auto r = send(t, now);
        if (!r) return;
        query_result q = query_result::failed();
        std::optional<venue_order> found;
        if (r->body) {
            if (auto got = Protocol::read_query(*r->body, t.link)) {
                found = std::move(*got);
                q = found ? query_result::found(found->order_id) : query_result::not_found();
            } else {
                note_rate_limited(t, got.error().code, now);
            }
        }
        const decision d = t.resolver->on_query(q, now);
        apply(std::move(t), d, now, std::move(found));
    }

    /// Carries out a resolver decision for a create task.
    void apply(task t, const decision& d, std::chrono::nanoseconds now,
               std::optional<venue_order> found) {
        using a = decision::action;
        using st = venue_order::state;
        switch (d.next) {
            case a::acked:
                if (found && found->now == st::rejected) {
                    emit(gateway_event::kind::reject, t, found->status_text, now);
                    return;
                }
                emit(gateway_event::kind::ack, t, d.order_id, now);
                if (found && found->now == st::cancelled) {
                    emit(gateway_event::kind::cancel, t, found->status_text, now);
                } else if (found && found->now == st::filled) {
                    emit(gateway_event::kind::filled, t, found->status_text, now);
                }
                return;
            case a::rejected: emit(gateway_event::kind::reject, t, d.reason, now); return;
            case a::send: {
                // Safe re-send: same body, same client order id, a fresh timestamp when signed.
                c_.resends.fetch_add(1);
                if (t.what == task_kind::query_create) t.req = std::move(t.create);
                t.what = task_kind::create;
                schedule(std::move(t), now + d.after);
                return;
            }
            case a::query: {
                if (t.what == task_kind::create) {
                    t.create = std::move(t.req);
                    t.req = request{};
                    (void)protocol_.write_query(t.symbol, t.link, t.req);
                }
                t.what = task_kind::query_create;
                schedule(std::move(t), now + d.after);
                return;
            }
            case a::escalate:
                c_.unresolved.fetch_add(1);
                emit(gateway_event::kind::unresolved, t, d.reason, now);
                return;
        }
    }

    // ------------------------------------------------------------------------------ cancels

    void step_cancel(task t, std::chrono::nanoseconds now) {
        if (t.what == task_kind::cancel && creating(t.link)) {
            // The create is still being resolved: cancel once it is known, not before.
            schedule(std::move(t), now + params_.retry.base_backoff);
            return;
        }
        auto r = send(t, now);
        if (!r) return;
        ++t.sends;
        const bool all = t.what == task_kind::cancel_all;
        if (r->body) {
            if (all) {
                if (auto list = Protocol::read_cancel_all(*r->body)) {
                    for (auto& link : *list) {
                        push_event({gateway_event::kind::cancel, std::move(link), std::string(Protocol::cancel_all_text),
                                    now, t.symbol, {}});
                    }
                    return;
                } else {
                    if (retry_cancel(t, list.error().code, now)) return;
                    emit(gateway_event::kind::cancel_failed, t, std::string(list.error().code.name()),
                         now);
                    return;
                }
            }
            auto done = Protocol::read_cancel(*r->body);
            if (done) {
                emit(gateway_event::kind::cancel, t, std::string(Protocol::cancel_text), now);
                if (t.from_reconcile) c_.orphans_cancelled.fetch_add(1);
                return;
            }
            if (Protocol::is_order_not_found(done.error().code)) {
                // Filled or cancelled already (or never placed): ask what it became.
                to_query_final(std::move(t), now);
                return;
            }
            if (retry_cancel(t, done.error().code, now)) return;
            emit(gateway_event::kind::cancel_failed, t, std::string(done.error().code.name()), now);
            return;
        }
        if (retry_cancel(t, r->err.code, now)) return;
        emit(gateway_event::kind::cancel_failed, t, std::string(r->err.code.name()), now);
    }

    /// Cancels are idempotent: retried on anything that may pass later.
    bool retry_cancel(task& t, core::error_code code, std::chrono::nanoseconds now) {
        note_rate_limited(t, code, now);
        const bool transient = Protocol::is_timeout(code) || Protocol::sent_nothing(code) ||
                               Protocol::is_retryable(code) || !Protocol::is_refusal(code);
        if (!transient || t.sends >= params_.max_cancel_sends) return false;
        const auto after = backoff(t.sends);
        schedule(std::move(t), now + after);
        return true;
    }

    void to_query_final(task t, std::chrono::nanoseconds now) {
        t.what = task_kind::query_final;
        t.req = request{};
        (void)protocol_.write_query(t.symbol, t.link, t.req);
        t.sends = 0;
        schedule(std::move(t), now);
    }

    void step_query_final(task t, std::chrono::nanoseconds now) {
        auto r = send(t, now);
        if (!r) return;
        ++t.sends;
        std::optional<core::error> err;
        if (r->body) {
            auto got = Protocol::read_query(*r->body, t.link);
            if (got) {
                using st = venue_order::state;
                const std::optional<venue_order>& o = *got;
                if (t.from_reconcile) c_.final_states_applied.fetch_add(1);
                if (!o) {
                    emit(gateway_event::kind::reject, t, std::string(Protocol::not_found_reason), now);
                } else if (o->now == st::rejected) {
                    emit(gateway_event::kind::reject, t, o->status_text, now);
                } else if (o->now == st::cancelled && !o->cum_qty.is_positive()) {
                    emit(gateway_event::kind::cancel, t, o->status_text, now);
                } else if (o->now == st::cancelled || o->now == st::filled) {
                    // Closed with fills we may not have seen (their pushes can be lost): read
                    // them back first, then report the final state.
                    const auto k = o->now == st::filled ? gateway_event::kind::filled : gateway_event::kind::cancel;
                    t.order_id = o->order_id;
                    to_list_executions(std::move(t), std::pair{k, o->status_text}, now);
                } else if (!t.from_reconcile) {
                    // Still open although the cancel said "not found": cancel it again.
                    t.what = task_kind::cancel;
                    t.req = request{};
                    (void)protocol_.write_cancel(t.symbol, t.link, t.req);
                    schedule(std::move(t), now + backoff(1));
                } else {
                    emit(gateway_event::kind::ack, t, o->order_id, now);
                }
                return;
            }
            err = got.error();
        } else {
            err = r->err;
        }
        if (retry_query(t, err->code, now)) return;
        emit(gateway_event::kind::cancel_failed, t, std::string(err->code.name()), now);
    }

    // ------------------------------------------------------------------ execution recovery

    void to_list_executions(task t, const std::optional<std::pair<gateway_event::kind, std::string>>& after,
                            std::chrono::nanoseconds now) {
        t.what = task_kind::list_executions;
        t.req = request{};
        t.sends = 0;
        t.after_fills = after;
        if (auto ok = protocol_.write_executions(t.symbol, t.link, t.order_id, {}, t.req); !ok) {
            emit(gateway_event::kind::fills_unrecovered, t, ok.error().message, now);
            return;
        }
        schedule(std::move(t), now);
    }

    void step_list_executions(task t, std::chrono::nanoseconds now) {
        // A listing that cannot finish leaves the order open in the engine; the next reconcile
        // asks again.
        const std::string link = t.link;
        step_listing(std::move(t), now, [&link](const answer& body) { return Protocol::read_executions(body, link); },
                     [this, now](task x, venue_fills_page& page) { on_executions(std::move(x), page, now); },
                     gateway_event::kind::fills_unrecovered);
    }

    void on_executions(task t, venue_fills_page& page, std::chrono::nanoseconds now) {
        for (auto& f : page.fills) {
            c_.executions_read_back.fetch_add(1);
            gateway_event e{gateway_event::kind::fill, t.link, f.exec_id, now, t.symbol, {}};
            e.fill = std::move(f);
            push_event(std::move(e));
        }
        if (!page.next_cursor.empty()) {
            const auto write = [this, &page](task& x) {
                return protocol_.write_executions(x.symbol, x.link, x.order_id, page.next_cursor, x.req);
            };
            return next_page(std::move(t), write, gateway_event::kind::fills_unrecovered, now);
        }
        if (t.after_fills) emit(t.after_fills->first, t, t.after_fills->second, now);
    }

    // ---------------------------------------------------------------------------- reconcile

    void step_list_open(task t, std::chrono::nanoseconds now) {
        step_listing(std::move(t), now, [](const answer& body) { return Protocol::read_open_orders(body); },
                     [this, now](task x, const venue_orders_page& page) { on_open_orders(std::move(x), page, now); },
                     gateway_event::kind::reconcile_failed);
    }

    void on_open_orders(task t, const venue_orders_page& page, std::chrono::nanoseconds now) {
        for (const auto& o : page.orders) {
            if (o.client_order_id.empty() || o.now != venue_order::state::open) continue;
            t.known->venue_open.insert(o.client_order_id);
            if (t.known->store_open.contains(o.client_order_id) && o.cum_qty.is_positive()) {
                // Partly filled while the private stream may have been down.
                task x;
                x.link = o.client_order_id;
                x.order_id = o.order_id;
                x.symbol = t.symbol;
                x.from_reconcile = true;
                x.known = t.known;
                to_list_executions(std::move(x), std::nullopt, now);
            }
            if (t.known->store_open.contains(o.client_order_id) || creating(o.client_order_id)) continue;
            // Open at the venue, unknown here: an orphan. Cancel it.
            task c;
            c.what = task_kind::cancel;
            c.link = o.client_order_id;
            c.symbol = t.symbol;
            c.from_reconcile = true;
            c.known = t.known;
            if (protocol_.write_cancel(t.symbol, c.link, c.req)) {
                ++t.known->orphans;
                schedule(std::move(c), now);
            }
        }
        if (!page.next_cursor.empty()) {
            const auto write = [this, &page](task& x) {
                return protocol_.write_open_orders(x.symbol, page.next_cursor, x.req);
            };
            return next_page(std::move(t), write, gateway_event::kind::reconcile_failed, now);
        }
        finish_reconcile(t, now);
    }

    void finish_reconcile(task& t, std::chrono::nanoseconds now) {
        auto& k = *t.known;
        for (const auto& link : k.store_open) {
            if (k.venue_open.contains(link) || creating(link)) continue;
            task q;
            q.what = task_kind::query_final;
            q.link = link;
            q.symbol = t.symbol;
            q.from_reconcile = true;
            q.known = t.known;
            if (protocol_.write_query(t.symbol, link, q.req)) {
                ++k.queried;
                schedule(std::move(q), now);
            }
        }
        k.listed = true;
        reconciles_.push_back({t.known, t.symbol});
    }

    /// A reconcile is reported once its listing is done and its cancels and queries are too.
    void report_finished_reconciles(std::chrono::nanoseconds now) {
        std::erase_if(reconciles_, [&](const auto& r) {
            const bool busy = std::any_of(tasks_.begin(), tasks_.end(), [&](const task& x) {
                return x.known == r.first;
            });
            if (busy) return false;
            const auto& k = *r.first;
            push_event({gateway_event::kind::reconciled, {},
                        fmt::format("venue_open={} store_open={} orphans_cancelled={} queried={}",
                                    k.venue_open.size(), k.store_open.size(), k.orphans,
                                    k.queried),
                        now, r.second, {}});
            return true;
        });
    }

    // ------------------------------------------------------------------------ sender thread

    void run() {
        std::optional<std::chrono::nanoseconds> next;
        for (;;) {
            {
                std::unique_lock lock{commands_mu_};
                auto wait = params_.idle_wait;
                if (next) wait = std::clamp(*next - clock_(), std::chrono::nanoseconds{0}, wait);
                commands_cv_.wait_for(lock, wait, [&] { return stopping_ || !commands_.empty(); });
                if (stopping_) return;
            }
            next = pump(clock_());
        }
    }

    Transport transport_;
    Protocol protocol_;
    signer* signer_;
    gateway_params params_;
    clock_fn clock_;
    venue_ms_fn venue_ms_;

    // Shared with the trading thread.
    mutable std::mutex commands_mu_;
    std::condition_variable commands_cv_;
    std::deque<task> commands_;
    bool stopping_ = false;
    std::mutex events_mu_;
    std::vector<gateway_event> events_;
    counters c_;
    std::atomic<std::size_t> in_progress_{0};

    // Trading thread only.
    std::vector<gateway_event> drained_;

    // Sender side only.
    std::deque<task> tasks_;
    std::vector<std::pair<std::shared_ptr<reconcile_state>, std::string>> reconciles_;
    std::thread thread_;
};

}  // namespace mmbot::venue
