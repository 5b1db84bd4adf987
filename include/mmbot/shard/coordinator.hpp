// mmbot/shard/coordinator.hpp
//
// The shard's side of the portfolio, on its own thread: all Redis I/O of a trading process. It
// owns two connections, one for commands and one subscribed to the deployment's event channel
// (shard/keys.hpp), and hands the trading thread only snapshots and flags:
//
//   - the lease (shard/lease.hpp): taken at start (a duplicate shard is refused there), renewed
//     every ttl/3 with compare-and-renew, confirmed again after Redis comes back;
//   - the shard's state (posted by the trading thread, `post`) published at most every
//     publish_interval: MULTI, DEL + HSET of its hash, SADD to the shard set, EXEC, then
//     PUBLISH "update <shard>" so every other coordinator re-reads at once;
//   - the portfolio view (risk::portfolio_view): every shard's state read back and aggregated
//     after each publish, on each "update"/"kill" event and at least every publish_interval,
//     stamped with the time of the read. While Redis is unreachable no view is made: the last one
//     ages, and the portfolio check freezes the shard once it is older than the grace.
//
//   auto c = coordinator::start(opts, wall_now);   // exit 9 on shard_taken / redis_unreachable
//   c->post(state);                                 // trading thread, any rate: the latest wins
//   if (c->version() != seen) view = c->view();     // trading thread, each turn
//
// A stale process (its lease gone to another holder) stops publishing, so it never overwrites the
// state of the process that now trades the shard.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/risk/portfolio.hpp"
#include "mmbot/shard/errors.hpp"
#include "mmbot/shard/keys.hpp"
#include "mmbot/shard/lease.hpp"
#include "mmbot/shard/redis_link.hpp"
#include "mmbot/shard/shard_codec.hpp"

#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mmbot::shard {

struct coordinator_options {
    std::string shard;
    std::string venue;
    redis_endpoint redis;
    std::string name_space = "mmbot";
    std::chrono::milliseconds lease_ttl{10'000};
    std::chrono::milliseconds publish_interval{100};
    /// Connect and command timeout; also how often a lost Redis is tried again.
    std::chrono::milliseconds io_timeout{200};
};

class coordinator {
public:
    using clock_fn = std::function<std::chrono::nanoseconds()>;

    /// Connects, takes the lease, publishes an empty state and reads the first view, then starts
    /// the thread. Errors: shard_taken (naming the holder), redis_unreachable, redis_reply.
    [[nodiscard]] static core::result<std::unique_ptr<coordinator>> start(coordinator_options opts, clock_fn now) {
        auto link = redis_link::open(opts.redis, opts.io_timeout);
        if (!link) return link.error();
        std::unique_ptr<coordinator> c(new coordinator(std::move(opts), std::move(now), std::move(*link)));
        if (auto taken = c->lease_.acquire(c->cmd_); !taken) return taken.error();
        c->lease_held_ = true;
        c->pending_ = risk::shard_state{c->opts_.shard, c->opts_.venue, 0, {}};
        if (auto ok = c->publish(); !ok) return ok.error();
        if (auto ok = c->refresh(); !ok) return ok.error();
        c->thread_ = std::thread([p = c.get()] { p->run(); });
        return c;
    }

    coordinator(const coordinator&) = delete;
    coordinator& operator=(const coordinator&) = delete;
    coordinator(coordinator&&) = delete;
    coordinator& operator=(coordinator&&) = delete;

    /// Stops the thread and releases the lease (if still held), so the next process starts at once.
    ~coordinator() {
        {
            const std::lock_guard lock(mu_);
            stop_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
        if (cmd_.open() && lease_held_) (void)lease_.release(cmd_);
    }

    /// The shard's latest state, published on the coordinator's next turn (at most every
    /// publish_interval). Trading thread; copies under a lock, no I/O.
    void post(risk::shard_state s) {
        const std::lock_guard lock(mu_);
        pending_ = std::move(s);
    }

    /// The last view (never null after start) and its version, bumped on each new view.
    [[nodiscard]] std::shared_ptr<const risk::portfolio_view> view() const {
        const std::lock_guard lock(mu_);
        return view_;
    }
    [[nodiscard]] std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }
    [[nodiscard]] bool redis_up() const noexcept { return redis_up_.load(std::memory_order_relaxed); }
    [[nodiscard]] bool lease_held() const noexcept { return lease_held_.load(std::memory_order_relaxed); }
    /// Why the last Redis call failed, and how many failures so far (the trading thread logs a
    /// change once).
    [[nodiscard]] std::pair<std::string, std::uint64_t> last_error() const {
        const std::lock_guard lock(mu_);
        return {error_, errors_};
    }
    [[nodiscard]] const std::string& holder() const noexcept { return lease_.holder(); }
    [[nodiscard]] const coordinator_options& options() const noexcept { return opts_; }

private:
    coordinator(coordinator_options opts, clock_fn now, redis_link link)
        : opts_(std::move(opts)), keys_(opts_.name_space), now_(std::move(now)), cmd_(std::move(link)),
          lease_(keys_, opts_.shard, holder_text(), opts_.lease_ttl) {}

    using steady = std::chrono::steady_clock;

    void run() {
        auto next_renew = steady::now() + opts_.lease_ttl / 3;
        auto next_refresh = steady::now();
        auto next_connect = steady::now();
        while (!stopping()) {
            const auto t = steady::now();
            if (!cmd_.open() && t >= next_connect) {
                next_connect = t + opts_.io_timeout;
                if (reconnect()) next_renew = t;  // confirm the lease at once
            }
            if (cmd_.open() && t >= next_renew) {
                next_renew = t + opts_.lease_ttl / 3;
                renew();
            }
            if (cmd_.open() && lease_held_ && t - last_publish_ >= opts_.publish_interval && has_pending()) {
                if (note(publish())) {
                    last_publish_ = t;
                    refresh_wanted_ = true;
                }
            }
            if (cmd_.open() && (refresh_wanted_ || t >= next_refresh)) {
                refresh_wanted_ = false;
                next_refresh = t + opts_.publish_interval;
                (void)note(refresh());
            }
            redis_up_.store(cmd_.open(), std::memory_order_relaxed);
            listen(std::chrono::milliseconds(10));
        }
    }

    [[nodiscard]] bool stopping() const {
        const std::lock_guard lock(mu_);
        return stop_;
    }
    [[nodiscard]] bool has_pending() const {
        const std::lock_guard lock(mu_);
        return pending_.has_value();
    }

    /// Records a failure for the trading thread; true on success.
    bool note(const core::result<void>& r) {
        if (r) return true;
        const std::lock_guard lock(mu_);
        error_ = r.error().message;
        ++errors_;
        return false;
    }

    /// Redis is back: a new command link, the lease confirmed (renewed, or taken again if it
    /// expired meanwhile and nobody else took it), the state republished.
    bool reconnect() {
        auto link = redis_link::open(opts_.redis, opts_.io_timeout);
        if (!note(link ? core::result<void>{} : core::result<void>(link.error()))) return false;
        cmd_ = std::move(*link);
        sub_.reset();
        refresh_wanted_ = true;
        last_publish_ = {};
        return true;
    }

    void renew() {
        auto held = lease_.confirm(cmd_);
        if (!held) {
            (void)note(held.error());
            return;
        }
        if (!*held && lease_held_) {
            const std::lock_guard lock(mu_);
            error_ = fmt::format("lease {} lost: another process holds shard \"{}\"", lease_.key(), opts_.shard);
            ++errors_;
        }
        lease_held_ = *held;
        refresh_wanted_ = true;
    }

    core::result<void> publish() {
        std::optional<risk::shard_state> s;
        {
            const std::lock_guard lock(mu_);
            s.swap(pending_);
        }
        if (!s) return {};
        s->shard = opts_.shard;
        s->venue = opts_.venue;
        if (s->updated_ms == 0) {
            s->updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now_()).count();
        }
        const std::string key = keys_.state(opts_.shard);
        auto r = cmd_.pipeline({{"MULTI"},
                                {"DEL", key},
                                encode_state(keys_, *s),
                                {"SADD", keys_.shards(), opts_.shard},
                                {"EXEC"},
                                {"PUBLISH", keys_.events(), "update " + opts_.shard}});
        if (!r) {
            const std::lock_guard lock(mu_);
            if (!pending_) pending_ = std::move(s);  // published on the next connection
            return r.error();
        }
        const reply& exec = (*r)[4];
        if (exec.type != reply::kind::array) {
            return core::make_error(errc::redis_reply, fmt::format("publish {}: EXEC answered {}", key, exec.text));
        }
        return {};
    }

    /// Every shard's state and the kill key, read and aggregated into a new view.
    core::result<void> refresh() {
        auto listed = cmd_.pipeline({{"SMEMBERS", keys_.shards()}, {"GET", keys_.kill()}});
        if (!listed) return listed.error();
        const reply& members = (*listed)[0];
        if (members.type != reply::kind::array) {
            return core::make_error(errc::redis_reply, fmt::format("SMEMBERS {}: {}", keys_.shards(), members.text));
        }
        std::vector<command_args> reads;
        for (const auto& m : members.elements) reads.push_back({"HGETALL", keys_.state(m.text)});
        std::vector<risk::shard_state> states;
        if (!reads.empty()) {
            auto hashes = cmd_.pipeline(reads);
            if (!hashes) return hashes.error();
            for (std::size_t i = 0; i < hashes->size(); ++i) {
                auto st = decode_state(members.elements[i].text, reads[i][1], (*hashes)[i]);
                if (!st) return st.error();
                states.push_back(std::move(*st));
            }
        }
        auto v = std::make_shared<risk::portfolio_view>(risk::aggregate(states, now_()));
        v->lease_held = lease_held_;
        const reply& kill = (*listed)[1];
        if (!kill.is_nil()) v->kill_reason = kill.text.empty() ? std::string("kill_all") : kill.text;
        {
            const std::lock_guard lock(mu_);
            view_ = std::move(v);
        }
        version_.fetch_add(1, std::memory_order_release);
        return {};
    }

    /// Waits up to `wait` for an event on the subscribed link (or a stop); an "update" from
    /// another shard or a "kill" asks for a refresh.
    void listen(std::chrono::milliseconds wait) {
        if (!sub_ && cmd_.open()) subscribe();
        if (!sub_ || !sub_->open()) {
            std::unique_lock lock(mu_);
            wake_.wait_for(lock, wait, [this] { return stop_; });
            return;
        }
        pollfd p{sub_->fd(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
        auto msgs = sub_->read_pending();
        if (!msgs) {
            (void)note(msgs.error());
            sub_.reset();
            return;
        }
        for (const auto& m : *msgs) {
            if (m.type != reply::kind::array || m.elements.size() != 3 || m.elements[0].text != "message") continue;
            const std::string& body = m.elements[2].text;
            if (body != "update " + opts_.shard) refresh_wanted_ = true;
        }
    }

    void subscribe() {
        auto link = redis_link::open(opts_.redis, opts_.io_timeout);
        if (!note(link ? core::result<void>{} : core::result<void>(link.error()))) return;
        auto r = link->command({"SUBSCRIBE", keys_.events()});
        if (!note(r ? core::result<void>{} : core::result<void>(r.error()))) return;
        sub_.emplace(std::move(*link));
        refresh_wanted_ = true;  // what was published while unsubscribed
    }

    coordinator_options opts_;
    key_space keys_;
    clock_fn now_;
    redis_link cmd_;
    std::optional<redis_link> sub_;
    shard_lease lease_;
    std::thread thread_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::optional<risk::shard_state> pending_;
    std::shared_ptr<const risk::portfolio_view> view_;
    std::string error_;
    std::uint64_t errors_ = 0;
    std::atomic<std::uint64_t> version_{0};
    std::atomic<bool> redis_up_{true};
    std::atomic<bool> lease_held_{false};
    bool refresh_wanted_ = false;
    steady::time_point last_publish_{};
};

}  // namespace mmbot::shard
