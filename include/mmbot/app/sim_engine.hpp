// mmbot/app/sim_engine.hpp
//
// Shadow's engine: the execution loop trading against the in-process simulated venue
// (venue/sim). The loop starts at the first timestamped event, because its client order ids are
// derived from that time: the same capture gives the same ids, report and log. Used by
// mmbot-shadow (app/run_shadow.hpp) and the shadow benches, so they measure what shadow runs.
//
//   sim_engine<standard_gate, logger_t> eng(cfg, setups, journal, metrics, log);
//   eng.start_at(now);                      // once; later calls do nothing
//   eng.advance(now);                       // the venue's latencies, acks, fills
//   eng.on_book(symbol, book, now);         // the venue sees the book first, then the loop
#pragma once

#include "mmbot/app/config.hpp"
#include "mmbot/app/engine_setup.hpp"
#include "mmbot/app/runtime/book_step.hpp"
#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/execution_loop.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/types.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/venue/order_venue.hpp"
#include "mmbot/venue/sim/simulated_venue.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::app {

/// The simulated venue behind the engine's venue interface.
struct sim_order_venue {
    explicit sim_order_venue(venue::sim::simulated_venue& s) : sim(s) {}

    venue::sim::simulated_venue& sim;
    /// Kept between orders: writing each order over it reuses its strings' capacity, so placing
    /// does not allocate (the sim copies what it keeps into fixed-capacity ids).
    venue::sim::place_request request{};

    void place(const venue::order_request& r, std::chrono::nanoseconds now) {
        request.client_order_id.assign(r.client_order_id);
        request.symbol.assign(r.symbol);
        request.side = r.side;
        request.price = r.price;
        request.qty = r.qty;
        request.post_only = r.post_only;
        sim.place(request, now);
    }
    void cancel(std::string_view symbol, std::string_view id, std::chrono::nanoseconds now) {
        sim.cancel(symbol, id, now);
    }
    void cancel_all(std::string_view symbol, std::chrono::nanoseconds now) {
        sim.cancel_all(symbol, now);
    }
};

/// The simulated venue as the config's `sim` block describes it.
[[nodiscard]] inline venue::sim::venue_config sim_config_of(const config& cfg) {
    venue::sim::venue_config v;
    v.place_latency = cfg.sim.latency;
    v.cancel_latency = cfg.sim.latency;
    v.maker_fee_rate = cfg.sim.maker_fee_rate;
    v.outage_after = cfg.sim.outage_after;
    v.outage_for = cfg.sim.outage_for;
    return v;
}

template <class Gate, class Logger>
class sim_engine {
public:
    using loop_type = engine::execution_loop<sim_order_venue, Gate, Logger>;

    sim_engine(const config& cfg, const symbol_setups& setups, engine::journal& journal,
               obs::mm_metrics& metrics, Logger& log)
        : sim_(sim_config_of(cfg)), venue_{sim_}, options_(to_options(cfg)), setups_(setups),
          journal_(journal), metrics_(metrics), log_(log) {}

    /// Starts the loop at the first event's time (nothing once started).
    loop_type& start_at(std::chrono::nanoseconds now) {
        if (!loop_) {
            loop_.emplace(venue_, journal_, engine::order_store{}, engine::position_book{}, options_, setups_,
                          metrics_, log_, engine::client_order_id_generator::for_run(now, 0));
            loop_->observe(observer_);
            loop_->start(now);
        }
        return *loop_;
    }
    /// Who draws the run (engine/run_observer.hpp), attached when the loop starts.
    void observe(engine::run_observer* o) noexcept { observer_ = o; }
    [[nodiscard]] bool started() const noexcept { return loop_.has_value(); }
    [[nodiscard]] loop_type& loop() { return *loop_; }
    [[nodiscard]] const loop_type& loop() const { return *loop_; }
    [[nodiscard]] venue::sim::simulated_venue& venue() noexcept { return sim_; }

    /// The venue's clock: pending acks, cancels and fills up to `now` reach the loop.
    void advance(std::chrono::nanoseconds now) { sim_.advance(now, *loop_); }
    /// A traded symbol's book: resting orders it crosses fill first, then the loop requotes.
    void on_book(std::string_view symbol, const feed::l2_book& book, std::chrono::nanoseconds now) {
        sim_.on_book(book, now, *loop_);
        loop_->on_book(symbol, top_of(book), now);
    }
    /// A trade print of a traded symbol: it may fill resting orders.
    void on_trade(const feed::trade& print, std::chrono::nanoseconds now) { sim_.on_trade(print, now, *loop_); }

private:
    venue::sim::simulated_venue sim_;
    sim_order_venue venue_;
    engine::engine_options options_;
    const symbol_setups& setups_;
    engine::run_observer* observer_ = nullptr;
    engine::journal& journal_;
    obs::mm_metrics& metrics_;
    Logger& log_;
    std::optional<loop_type> loop_;
};

}  // namespace mmbot::app
