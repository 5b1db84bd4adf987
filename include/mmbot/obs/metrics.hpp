// mmbot/obs/metrics.hpp
//
// A Prometheus metrics registry: counters, gauges and histograms with label sets, printed in the
// text exposition format 0.0.4.
//
// The trading loop must never wait on a scrape or allocate to count something. So a label set is
// resolved once, at start-up or the first time it is seen, into a handle (`with(...)` takes a
// mutex and allocates); after that every increment, set and observe on the handle is one or two
// relaxed atomic operations with no lock and no allocation. Handles stay valid as long as the
// registry lives: families and children are never removed.
//
// Money and time never pass through double. A decimal gauge stores a mmbot::core::decimal's raw
// integer (one atomic word, or a seqlock of three words for 128-bit notionals) and prints it with
// the decimal's own exact formatting; histograms count in integer units (nanoseconds for latency)
// against bucket bounds given as decimal strings ("0.0005") and print `le`, `_sum` exactly.
//
// Exposition is deterministic: families sorted by name, children by label values (in the order
// the family declared its label names), no timestamps.
//
//   mmbot::obs::registry reg;
//   auto& placed = reg.add_counter("mm_orders_placed_total", "Orders sent", {"symbol", "side"});
//   auto& btc_buy = placed.with({"BTCUSDT", "BUY"});   // once; keep the reference
//   btc_buy.inc();                                     // hot path: one atomic add
//   auto& pnl = reg.add_decimal_gauge<mmbot::core::notional_unit>("mm_pnl_realized", "...", {"symbol"});
//   pnl.with({"BTCUSDT"}).set(mmbot::core::notional::parse("12.5").value());
//   std::string text = reg.expose();                   // "# HELP mm_orders_placed_total ..."
#pragma once
// A classic guard as well, so that opening impl/ alone (static analysis) cannot include this twice.
#ifndef MMBOT_OBS_METRICS_HPP
#define MMBOT_OBS_METRICS_HPP

#include "mmbot/core/decimal.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/obs/detail/seqlock.hpp"
#include "mmbot/obs/detail/text.hpp"

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mmbot::obs {

/// The TYPE a family declares.
enum class metric_type : std::uint8_t { counter, gauge, histogram };

namespace detail {
/// The one atomic integer a counter or gauge holds. Relaxed order: a scrape reads each sample on
/// its own, and no other memory is published through it.
template <class T>
class relaxed_cell {
public:
    [[nodiscard]] T value() const noexcept { return value_.load(std::memory_order_relaxed); }

    void write_samples(std::string& out, std::string_view name, std::string_view labels) const;

protected:
    void add_relaxed(T n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    void store_relaxed(T v) noexcept { value_.store(v, std::memory_order_relaxed); }

private:
    std::atomic<T> value_{0};
};
}  // namespace detail

/// A monotonically increasing count (one label set of a counter family).
class counter : public detail::relaxed_cell<std::uint64_t> {
public:
    struct config {};
    explicit counter(config /*unused*/ = {}) noexcept {}

    void inc() noexcept { add_relaxed(1); }
    void inc(std::uint64_t n) noexcept { add_relaxed(n); }
};

/// An integer value that goes up and down (flags, counts of things, states).
class gauge : public detail::relaxed_cell<std::int64_t> {
public:
    struct config {};
    explicit gauge(config /*unused*/ = {}) noexcept {}

    void set(std::int64_t v) noexcept { store_relaxed(v); }
    void set(bool v) noexcept { set(std::int64_t{v ? 1 : 0}); }
    void add(std::int64_t d) noexcept { add_relaxed(d); }
    void inc() noexcept { add(1); }
    void dec() noexcept { add(-1); }
};

/// Seconds with nanosecond resolution, as a decimal unit: ages and durations printed exactly.
struct seconds_unit : core::unit<std::int64_t, 9, "seconds"> {};
using seconds = core::decimal<seconds_unit>;

/// A gauge holding an exact decimal (PnL, inventory, edge, fill rate, ages).
template <core::decimal_unit Unit>
class decimal_gauge {
public:
    using value_type = core::decimal<Unit>;
    static constexpr bool narrow_rep = std::is_same_v<typename Unit::rep, std::int64_t>;
    struct config {};
    explicit decimal_gauge(config /*unused*/ = {}) noexcept {}

    // noexcept for 64-bit units; the 128-bit path goes through Boost.Multiprecision, whose
    // checked arithmetic is declared throwing (the values always fit, but say so honestly).
    void set(const value_type& v) noexcept(narrow_rep);
    [[nodiscard]] value_type value() const noexcept(narrow_rep);

    /// Durations for second-valued gauges (market-data age): nanoseconds are the raw value.
    void set(std::chrono::nanoseconds d) noexcept
        requires std::same_as<Unit, seconds_unit>
    {
        set(value_type::from_raw(d.count()));
    }

    void write_samples(std::string& out, std::string_view name, std::string_view labels) const;

private:
    // One atomic word when the raw value fits in it; otherwise sign, high and low magnitude words.
    std::conditional_t<narrow_rep, std::atomic<std::int64_t>, detail::seqlock_cell<3>> cell_{};
};

namespace detail {
/// Bucket bounds of a histogram family, shared read-only by its children.
struct histogram_layout {
    int scale = 9;                         ///< observations are integers of 10^-scale
    std::vector<std::int64_t> bounds;      ///< ascending upper bounds (raw)
    std::vector<std::string> bound_texts;  ///< the same, printed for `le`
    std::int64_t ns_mul = 1;               ///< nanoseconds -> raw: * ns_mul / ns_div
    std::int64_t ns_div = 1;
};
}  // namespace detail

/// Counts observations per bucket; `le` buckets are cumulative in the output as Prometheus wants.
class histogram {
public:
    using config = const detail::histogram_layout*;
    explicit histogram(config layout);

    /// Observes a value already in the family's integer unit (10^-scale).
    void observe_raw(std::int64_t raw) noexcept;
    /// Observes a duration (the family's scale is 9 for seconds: raw = nanoseconds).
    void observe(std::chrono::nanoseconds d) noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept;
    [[nodiscard]] std::int64_t sum_raw() const noexcept { return sum_.load(std::memory_order_relaxed); }
    /// Non-cumulative count of bucket i (i == bounds().size() is the +Inf overflow bucket).
    [[nodiscard]] std::uint64_t bucket(std::size_t i) const noexcept {
        return buckets_[i].load(std::memory_order_relaxed);
    }

    void write_samples(std::string& out, std::string_view name, std::string_view labels) const;

private:
    const detail::histogram_layout* layout_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds + 1 (+Inf)
    std::atomic<std::int64_t> sum_{0};
};

namespace detail {

/// What every family shares: identity, HELP/TYPE header, label names.
class family_base {
public:
    family_base(std::string_view name, std::string_view help, metric_type type,
                std::initializer_list<std::string_view> label_names);
    family_base(const family_base&) = delete;
    family_base& operator=(const family_base&) = delete;
    family_base(family_base&&) = delete;
    family_base& operator=(family_base&&) = delete;
    virtual ~family_base() = default;

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] metric_type type() const noexcept { return type_; }
    [[nodiscard]] const std::vector<std::string>& label_names() const noexcept { return label_names_; }

    /// Appends the HELP and TYPE lines and every child's samples.
    void write(std::string& out) const;

protected:
    virtual void write_samples(std::string& out) const = 0;
    /// Checks the count and renders `a="x",b="y"` (escaped) for a new child.
    [[nodiscard]] std::string render_labels(std::initializer_list<std::string_view> values) const;

private:
    std::string name_;
    std::string help_;
    metric_type type_;
    std::vector<std::string> label_names_;
};

}  // namespace detail

/// All label sets of one metric name. `with` resolves a label set to its child, creating it the
/// first time (the only step that locks or allocates).
template <class Child>
class metric_family final : public detail::family_base {
public:
    metric_family(std::string_view name, std::string_view help, metric_type type,
                  std::initializer_list<std::string_view> label_names,
                  typename Child::config child_config = {});

    /// The child for these label values (one per declared label name, in that order). Throws
    /// std::invalid_argument when the count differs: that is a programming error.
    [[nodiscard]] Child& with(std::initializer_list<std::string_view> label_values);

    /// Number of label sets created so far.
    [[nodiscard]] std::size_t size() const;

private:
    struct entry {
        std::string labels;  // pre-rendered, escaped
        std::unique_ptr<Child> child;
    };
    void write_samples(std::string& out) const override;

    typename Child::config config_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, entry, std::less<>> children_;
};

using counter_family = metric_family<counter>;
using gauge_family = metric_family<gauge>;
template <core::decimal_unit Unit>
using decimal_gauge_family = metric_family<decimal_gauge<Unit>>;
using histogram_family = metric_family<histogram>;

/// Owns every family. Registration happens at start-up and throws std::invalid_argument on a bad
/// or duplicate name, a bad label name or a bad bucket bound; exposition may run concurrently
/// with increments from any thread.
class registry {
public:
    registry() = default;
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;

    counter_family& add_counter(std::string_view name, std::string_view help,
                                std::initializer_list<std::string_view> label_names = {});
    gauge_family& add_gauge(std::string_view name, std::string_view help,
                            std::initializer_list<std::string_view> label_names = {});
    template <core::decimal_unit Unit>
    decimal_gauge_family<Unit>& add_decimal_gauge(
        std::string_view name, std::string_view help,
        std::initializer_list<std::string_view> label_names = {});
    /// `bounds` are ascending decimal strings ("0.0005", "1"); `scale` is the integer unit of
    /// observations (9: nanoseconds for a `_seconds` histogram). +Inf is added automatically.
    histogram_family& add_histogram(std::string_view name, std::string_view help,
                                    std::initializer_list<std::string_view> label_names,
                                    std::span<const std::string_view> bounds, int scale = 9);
    histogram_family& add_histogram(std::string_view name, std::string_view help,
                                    std::initializer_list<std::string_view> label_names,
                                    std::initializer_list<std::string_view> bounds, int scale = 9) {
        return add_histogram(name, help, label_names, std::span(bounds.begin(), bounds.size()), scale);
    }

    /// Appends the whole exposition (text format 0.0.4) to `out`.
    void write(std::string& out) const;
    [[nodiscard]] std::string expose() const;

    /// One registered family: what docs/metrics.md states of it.
    struct family_info {
        std::string name;
        metric_type type;
        std::vector<std::string> label_names;
    };
    /// Every family, sorted by name (the doc check compares them with docs/metrics.md).
    [[nodiscard]] std::vector<family_info> families() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        std::vector<family_info> out;
        out.reserve(families_.size());
        for (const auto& [name, f] : families_) out.push_back({name, f->type(), f->label_names()});
        return out;
    }

private:
    template <class Family, class... Args>
    Family& add(std::string_view name, Args&&... args);

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<detail::family_base>, std::less<>> families_;
    std::vector<std::unique_ptr<detail::histogram_layout>> layouts_;
};

/// The Content-Type of the exposition.
inline constexpr std::string_view exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace mmbot::obs

#include "mmbot/obs/impl/metrics.hpp"

#endif  // MMBOT_OBS_METRICS_HPP
