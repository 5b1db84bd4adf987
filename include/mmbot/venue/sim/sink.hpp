// mmbot/venue/sim/sink.hpp
//
// What the simulated venue needs from the object it reports events to.
//
// The venue never calls back on its own: events come out of `advance`, `on_book` and `on_trade`,
// in time order, each stamped with the simulated time it happened at. A sink may place and cancel
// orders from inside a callback (the request is queued behind the current event) but must not call
// advance/on_book/on_trade re-entrantly.
//
//   struct my_sink {
//       void on_ack(std::string_view client_id, std::string_view venue_id, nanoseconds at);
//       void on_reject(std::string_view client_id, std::string_view reason, nanoseconds at);
//       void on_fill(const mmbot::venue::sim::fill& f);
//       void on_cancel(std::string_view client_id, std::string_view reason, nanoseconds at);
//       // optional: after each cancel-all, how many orders it removed (Bybit returns the list)
//       void on_cancel_all(std::string_view symbol, std::size_t cancelled, nanoseconds at);
//   };
#pragma once

#include "mmbot/venue/sim/types.hpp"

#include <cstddef>
#include <string_view>

namespace mmbot::venue::sim {

template <class S>
concept sink_has_on_ack = requires(S& s, std::string_view id, nanoseconds at) {
    s.on_ack(id, id, at);
};
template <class S>
concept sink_has_on_reject = requires(S& s, std::string_view id, nanoseconds at) {
    s.on_reject(id, id, at);
};
template <class S>
concept sink_has_on_fill = requires(S& s, const fill& f) { s.on_fill(f); };
template <class S>
concept sink_has_on_cancel = requires(S& s, std::string_view id, nanoseconds at) {
    s.on_cancel(id, id, at);
};

/// Every event the venue can report.
template <class S>
concept event_sink =
    sink_has_on_ack<S> && sink_has_on_reject<S> && sink_has_on_fill<S> && sink_has_on_cancel<S>;

/// Optional: the sink also wants the outcome of each cancel-all, even an empty one.
template <class S>
concept reports_cancel_all = requires(S& s, std::string_view sym, std::size_t n, nanoseconds at) {
    s.on_cancel_all(sym, n, at);
};

namespace detail {
/// Checked at the top of every venue entry point that takes a sink: the message names the member
/// the sink is missing, where a bare concept failure would only say "constraints not satisfied".
template <class S>
constexpr void require_sink() {
    static_assert(sink_has_on_ack<S>,
                  "sim sink: missing on_ack(std::string_view client_order_id, "
                  "std::string_view venue_order_id, std::chrono::nanoseconds at)");
    static_assert(sink_has_on_reject<S>,
                  "sim sink: missing on_reject(std::string_view client_order_id, "
                  "std::string_view reason, std::chrono::nanoseconds at)");
    static_assert(sink_has_on_fill<S>,
                  "sim sink: missing on_fill(const mmbot::venue::sim::fill&)");
    static_assert(sink_has_on_cancel<S>,
                  "sim sink: missing on_cancel(std::string_view client_order_id, "
                  "std::string_view reason, std::chrono::nanoseconds at)");
}
}  // namespace detail

/// A sink that ignores everything (benchmarks, warm-up).
struct null_sink {
    void on_ack(std::string_view /*id*/, std::string_view /*venue_id*/, nanoseconds /*at*/) {}
    void on_reject(std::string_view /*id*/, std::string_view /*reason*/, nanoseconds /*at*/) {}
    void on_fill(const fill& /*f*/) {}
    void on_cancel(std::string_view /*id*/, std::string_view /*reason*/, nanoseconds /*at*/) {}
};
static_assert(event_sink<null_sink>);

}  // namespace mmbot::venue::sim
