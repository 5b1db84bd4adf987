// mmbot/obs/impl/metrics.hpp: bodies of the metrics registry, its families and children.
// Included at the bottom of mmbot/obs/metrics.hpp; not for direct inclusion.
#pragma once
// A classic guard as well: when a tool opens this file as its main file, #pragma once does not
// apply to it, and the parent header would include it a second time.
#ifndef MMBOT_OBS_IMPL_METRICS_HPP
#define MMBOT_OBS_IMPL_METRICS_HPP

#include "mmbot/obs/metrics.hpp"  // self-contained for tools that open this file alone

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace mmbot::obs {
namespace detail {

/// `name{labels} ` or `name ` followed by the caller's value and a newline.
inline void append_sample_head(std::string& out, std::string_view name, std::string_view suffix,
                               std::string_view labels) {
    out += name;
    out += suffix;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
}

[[nodiscard]] inline std::string_view type_name(metric_type t) noexcept {
    switch (t) {
        case metric_type::counter: return "counter";
        case metric_type::gauge: return "gauge";
        case metric_type::histogram: return "histogram";
    }
    return "untyped";
}

inline family_base::family_base(std::string_view name, std::string_view help, metric_type type,
                                std::initializer_list<std::string_view> label_names)
    : name_(name), help_(help), type_(type) {
    if (!valid_metric_name(name)) {
        throw std::invalid_argument("metric name \"" + std::string(name) + "\" is not a valid Prometheus name");
    }
    for (const std::string_view l : label_names) {
        if (!valid_label_name(l) || (type == metric_type::histogram && l == "le")) {
            throw std::invalid_argument("metric " + name_ + ": label name \"" + std::string(l) +
                                        "\" is not allowed");
        }
        if (std::find(label_names_.begin(), label_names_.end(), l) != label_names_.end()) {
            throw std::invalid_argument("metric " + name_ + ": label name \"" + std::string(l) +
                                        "\" repeated");
        }
        label_names_.emplace_back(l);
    }
}

inline void family_base::write(std::string& out) const {
    out += "# HELP ";
    out += name_;
    out += ' ';
    append_help_text(out, help_);
    out += "\n# TYPE ";
    out += name_;
    out += ' ';
    out += type_name(type_);
    out += '\n';
    write_samples(out);
}

inline std::string family_base::render_labels(std::initializer_list<std::string_view> values) const {
    if (values.size() != label_names_.size()) {
        throw std::invalid_argument("metric " + name_ + ": expected " +
                                    std::to_string(label_names_.size()) + " label values, got " +
                                    std::to_string(values.size()));
    }
    std::string s;
    std::size_t i = 0;
    for (const std::string_view v : values) {
        if (i != 0) s += ',';
        s += label_names_[i++];
        s += "=\"";
        append_label_value(s, v);
        s += '"';
    }
    return s;
}

}  // namespace detail

// ------------------------------------------------------------------------------ children

namespace detail {
template <class Int>
void append_int_sample(std::string& out, std::string_view name, std::string_view labels, Int v) {
    append_sample_head(out, name, {}, labels);
    append_int(out, v);
    out += '\n';
}

template <class T>
void relaxed_cell<T>::write_samples(std::string& out, std::string_view name,
                                    std::string_view labels) const {
    append_int_sample(out, name, labels, value());
}
}  // namespace detail

template <core::decimal_unit Unit>
void decimal_gauge<Unit>::set(const value_type& v) noexcept(narrow_rep) {
    if constexpr (narrow_rep) {
        cell_.store(v.raw(), std::memory_order_relaxed);
    } else {
        // Sign and magnitude: the multiprecision type is sign-magnitude, so no two's-complement
        // bit tricks on negative values. The magnitude fits 128 unsigned bits: two words.
        const auto& raw = v.raw();
        const bool negative = raw < 0;
        const typename Unit::rep mag = negative ? typename Unit::rep(-raw) : raw;
        const typename Unit::rep low_mask(std::numeric_limits<std::uint64_t>::max());
        const auto hi = static_cast<typename Unit::rep>(mag >> 64).template convert_to<std::uint64_t>();
        const auto lo = static_cast<typename Unit::rep>(mag & low_mask).template convert_to<std::uint64_t>();
        cell_.store({negative ? 1U : 0U, hi, lo});
    }
}

template <core::decimal_unit Unit>
typename decimal_gauge<Unit>::value_type decimal_gauge<Unit>::value() const noexcept(narrow_rep) {
    if constexpr (narrow_rep) {
        return value_type::from_raw(cell_.load(std::memory_order_relaxed));
    } else {
        const auto w = cell_.load();
        typename Unit::rep mag = (typename Unit::rep(w[1]) << 64) | typename Unit::rep(w[2]);
        return value_type::from_raw(w[0] != 0U ? typename Unit::rep(-mag) : mag);
    }
}

template <core::decimal_unit Unit>
void decimal_gauge<Unit>::write_samples(std::string& out, std::string_view name,
                                        std::string_view labels) const {
    detail::append_sample_head(out, name, {}, labels);
    std::array<char, core::max_decimal_chars> buf{};
    out.append(buf.data(), value().to_chars(buf.data()));
    out += '\n';
}

inline histogram::histogram(config layout)
    : layout_(layout),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(layout->bounds.size() + 1)) {}

inline void histogram::observe_raw(std::int64_t raw) noexcept {
    // Bucket i counts values in (bound[i-1], bound[i]]; lower_bound finds the first bound >= raw.
    const auto& b = layout_->bounds;
    const auto i = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), raw) - b.begin());
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(raw, std::memory_order_relaxed);
}

inline void histogram::observe(std::chrono::nanoseconds d) noexcept {
    std::int64_t raw = 0;
    if (__builtin_mul_overflow(d.count(), layout_->ns_mul, &raw)) {
        raw = d.count() < 0 ? std::numeric_limits<std::int64_t>::min()
                            : std::numeric_limits<std::int64_t>::max();
    }
    observe_raw(raw / layout_->ns_div);
}

inline std::uint64_t histogram::count() const noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i <= layout_->bounds.size(); ++i) {
        n += bucket(i);
    }
    return n;
}

inline void histogram::write_samples(std::string& out, std::string_view name,
                                     std::string_view labels) const {
    // _count is the +Inf bucket by construction, so the two always agree even while observations
    // land during the scrape (_sum may then lead or lag by the in-flight observation).
    std::string with_le(labels);
    if (!with_le.empty()) with_le += ',';
    with_le += "le=\"";
    const std::size_t prefix = with_le.size();
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= layout_->bounds.size(); ++i) {
        cumulative += bucket(i);
        with_le.resize(prefix);
        with_le += i < layout_->bounds.size() ? std::string_view(layout_->bound_texts[i])
                                              : std::string_view("+Inf");
        with_le += '"';
        detail::append_sample_head(out, name, "_bucket", with_le);
        detail::append_int(out, cumulative);
        out += '\n';
    }
    detail::append_sample_head(out, name, "_sum", labels);
    detail::append_scaled(out, sum_raw(), layout_->scale);
    out += '\n';
    detail::append_sample_head(out, name, "_count", labels);
    detail::append_int(out, cumulative);
    out += '\n';
}

// ------------------------------------------------------------------------------- families

template <class Child>
metric_family<Child>::metric_family(std::string_view name, std::string_view help, metric_type type,
                                    std::initializer_list<std::string_view> label_names,
                                    typename Child::config child_config)
    : detail::family_base(name, help, type, label_names), config_(child_config) {
    // A family without labels has exactly one child; create it now so it is exported as 0.
    if (label_names.size() == 0) {
        (void)with({});
    }
}

template <class Child>
Child& metric_family<Child>::with(std::initializer_list<std::string_view> label_values) {
    std::vector<std::string> key(label_values.begin(), label_values.end());
    const std::lock_guard<std::mutex> lock(mutex_);
    auto it = children_.find(key);
    if (it == children_.end()) {
        entry e{render_labels(label_values), std::make_unique<Child>(config_)};
        it = children_.emplace(std::move(key), std::move(e)).first;
    }
    return *it->second.child;
}

template <class Child>
std::size_t metric_family<Child>::size() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return children_.size();
}

template <class Child>
void metric_family<Child>::write_samples(std::string& out) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [values, e] : children_) {
        e.child->write_samples(out, name(), e.labels);
    }
}

// ------------------------------------------------------------------------------- registry

template <class Family, class... Args>
Family& registry::add(std::string_view name, Args&&... args) {
    auto family = std::make_unique<Family>(name, std::forward<Args>(args)...);
    Family& ref = *family;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!families_.emplace(std::string(name), std::move(family)).second) {
        throw std::invalid_argument("metric \"" + std::string(name) + "\" registered twice");
    }
    return ref;
}

inline counter_family& registry::add_counter(std::string_view name, std::string_view help,
                                             std::initializer_list<std::string_view> label_names) {
    return add<counter_family>(name, help, metric_type::counter, label_names);
}

inline gauge_family& registry::add_gauge(std::string_view name, std::string_view help,
                                         std::initializer_list<std::string_view> label_names) {
    return add<gauge_family>(name, help, metric_type::gauge, label_names);
}

template <core::decimal_unit Unit>
decimal_gauge_family<Unit>& registry::add_decimal_gauge(
    std::string_view name, std::string_view help,
    std::initializer_list<std::string_view> label_names) {
    return add<decimal_gauge_family<Unit>>(name, help, metric_type::gauge, label_names);
}

inline histogram_family& registry::add_histogram(std::string_view name, std::string_view help,
                                                 std::initializer_list<std::string_view> label_names,
                                                 std::span<const std::string_view> bounds,
                                                 int scale) {
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument("histogram " + std::string(name) + ": " + why);
    };
    if (scale < 0 || scale > 18) {
        throw bad("scale must be 0..18, got " + std::to_string(scale));
    }
    auto layout = std::make_unique<detail::histogram_layout>();
    layout->scale = scale;
    if (scale >= 9) {
        layout->ns_mul = detail::pow10_i64(scale - 9);
    } else {
        layout->ns_div = detail::pow10_i64(9 - scale);
    }
    for (const std::string_view text : bounds) {
        const auto raw = detail::parse_scaled(text, scale);
        if (!raw) {
            throw bad("bucket bound \"" + std::string(text) + "\" is not a decimal with at most " +
                      std::to_string(scale) + " fraction digits");
        }
        if (!layout->bounds.empty() && *raw <= layout->bounds.back()) {
            throw bad("bucket bound \"" + std::string(text) + "\" is not above the previous one");
        }
        layout->bounds.push_back(*raw);
        std::string printed;
        detail::append_scaled(printed, *raw, scale);
        layout->bound_texts.push_back(std::move(printed));
    }
    const detail::histogram_layout* raw_layout = layout.get();
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        layouts_.push_back(std::move(layout));
    }
    return add<histogram_family>(name, help, metric_type::histogram, label_names, raw_layout);
}

inline void registry::write(std::string& out) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, family] : families_) {
        family->write(out);
    }
}

inline std::string registry::expose() const {
    std::string out;
    write(out);
    return out;
}

}  // namespace mmbot::obs

#endif  // MMBOT_OBS_IMPL_METRICS_HPP
