// mmbot/obs/json_log.hpp
//
// Structured logging: one JSON object per line, keys sorted, formatting fixed to the byte, so the
// same run under a fake clock writes the same file (replay and tests diff logs exactly).
//
// Every line has `level` ("DEBUG", "INFO", "WARN", "ERROR"), `msg` (a stable snake_case event
// name) and `ts` (RFC 3339 UTC with nanoseconds, from the injected clock), plus the caller's
// fields: strings, integers, booleans and exact decimals (written as JSON strings, "65114.2", so
// no JSON reader turns money into a double). A field whose key repeats an earlier one or a
// reserved key is dropped and counted in `fields_dropped`; the output is always valid JSON with
// unique keys. Secrets must never be passed as fields: mask them first (mmbot/secrets).
//
// Formatting reuses one buffer under the logger's mutex: no allocation per line once warm.
//
//   mmbot::obs::file_sink sink(stderr);
//   mmbot::obs::system_clock_source clock;
//   mmbot::obs::json_logger log(sink, clock, mmbot::obs::log_level::info);
//   log.warn("order_blocked", {{"symbol", "BTCUSDT"}, {"reason", "cross_price"}, {"price", px}});
//   // {"level":"WARN","msg":"order_blocked","price":"65114.2","reason":"cross_price",...}
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/decimal.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/detail/json_text.hpp"
#include "mmbot/obs/detail/text.hpp"
#include "mmbot/obs/errors.hpp"

#include <array>
#include <atomic>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

namespace mmbot::obs {

enum class log_level : std::uint8_t { debug = 0, info = 1, warn = 2, error = 3 };

[[nodiscard]] constexpr std::string_view to_string(log_level l) noexcept {
    return core::enum_label<"", core::letter_case::upper>(l);
}

/// Parses a level name (case-sensitive, as printed, or lower case: "warn"). Error: log_level.
[[nodiscard]] inline core::result<log_level> parse_log_level(std::string_view s) {
    for (const auto l : {log_level::debug, log_level::info, log_level::warn, log_level::error}) {
        const std::string_view up = to_string(l);
        bool lower_match = up.size() == s.size();
        for (std::size_t i = 0; lower_match && i < s.size(); ++i) {
            lower_match = s[i] == static_cast<char>(up[i] - 'A' + 'a');
        }
        if (s == up || lower_match) return l;
    }
    return core::make_error(errc::log_level, "log level: expected DEBUG, INFO, WARN or ERROR, got \"" +
                                             std::string(s.substr(0, 32)) + "\"");
}

/// Where lines go. `write_line` receives one complete line including its '\n'; the logger
/// serializes calls, so a sink needs no locking of its own.
class log_sink {
public:
    log_sink() = default;
    log_sink(const log_sink&) = delete;
    log_sink& operator=(const log_sink&) = delete;
    virtual ~log_sink() = default;
    virtual void write_line(std::string_view line) = 0;
};

/// A C stream (stderr, a file). Flushes each line by default so a crash loses nothing logged.
class file_sink final : public log_sink {
public:
    explicit file_sink(std::FILE* f, bool flush_each_line = true) noexcept
        : file_(f), flush_(flush_each_line) {}
    void write_line(std::string_view line) override {
        (void)std::fwrite(line.data(), 1, line.size(), file_);
        if (flush_) (void)std::fflush(file_);
    }

private:
    std::FILE* file_;
    bool flush_;
};

/// Appends to a string (tests, golden files).
class string_sink final : public log_sink {
public:
    void write_line(std::string_view line) override { buffer_.append(line); }
    [[nodiscard]] const std::string& str() const noexcept { return buffer_; }
    void clear() noexcept { buffer_.clear(); }

private:
    std::string buffer_;
};

/// One key and its value. Built in the call's braces; holds views (and a decimal's text), so it
/// must not outlive the call.
class log_field {
public:
    log_field(std::string_view key, std::string_view v) noexcept : key_(key), kind_(kind::string), str_(v) {}
    log_field(std::string_view key, const char* v) noexcept : log_field(key, std::string_view(v)) {}
    log_field(std::string_view key, const std::string& v) noexcept : log_field(key, std::string_view(v)) {}
    /// An error code logs as its stable label.
    log_field(std::string_view key, core::error_code v) noexcept : log_field(key, v.name()) {}
    log_field(std::string_view key, bool v) noexcept : key_(key), kind_(kind::boolean), bool_(v) {}
    template <std::integral I>
        requires(!std::same_as<I, bool> && !std::same_as<I, char>)
    log_field(std::string_view key, I v) noexcept : key_(key) {
        if constexpr (std::is_signed_v<I>) {
            kind_ = kind::signed_int;
            int_ = static_cast<std::int64_t>(v);
        } else {
            kind_ = kind::unsigned_int;
            uint_ = static_cast<std::uint64_t>(v);
        }
    }
    /// Exact decimals print as JSON strings in canonical form.
    template <class Unit>
    log_field(std::string_view key, const core::decimal<Unit>& v) : key_(key), kind_(kind::decimal) {
        text_len_ = v.to_chars(text_.data());
    }

    [[nodiscard]] std::string_view key() const noexcept { return key_; }
    void append_value(std::string& out) const;

private:
    enum class kind : std::uint8_t { string, signed_int, unsigned_int, boolean, decimal };
    std::string_view key_;
    kind kind_{kind::string};
    std::string_view str_{};
    std::int64_t int_{0};
    std::uint64_t uint_{0};
    bool bool_{false};
    std::array<char, core::max_decimal_chars> text_{};
    std::size_t text_len_{0};
};

inline void log_field::append_value(std::string& out) const {
    switch (kind_) {
        case kind::string: detail::append_json_string(out, str_); break;
        case kind::signed_int: detail::append_int(out, int_); break;
        case kind::unsigned_int: detail::append_int(out, uint_); break;
        case kind::boolean: out += bool_ ? "true" : "false"; break;
        case kind::decimal:
            out += '"';
            out.append(text_.data(), text_len_);
            out += '"';
            break;
    }
}

/// The logger. `Clock` is any clock_source (mmbot/obs/clock.hpp); the logger keeps references to
/// the sink and the clock, which must outlive it. Safe to call from any thread.
template <class Clock>
class json_logger {
    static_assert(clock_source<Clock>,
                  "json_logger<Clock>: Clock needs `now()` returning a std::chrono::duration since "
                  "the Unix epoch or a time_point (see mmbot/obs/clock.hpp)");

public:
    /// More fields than this in one call are dropped (and counted in `fields_dropped`).
    static constexpr std::size_t max_fields = 48;

    json_logger(log_sink& sink, Clock& clock, log_level min_level = log_level::info) noexcept
        : sink_(sink), clock_(clock), min_(min_level) {}

    [[nodiscard]] bool enabled(log_level l) const noexcept {
        return l >= min_.load(std::memory_order_relaxed);
    }
    void set_min_level(log_level l) noexcept { min_.store(l, std::memory_order_relaxed); }

    void log(log_level l, std::string_view msg, std::initializer_list<log_field> fields = {});
    void debug(std::string_view msg, std::initializer_list<log_field> f = {}) { log(log_level::debug, msg, f); }
    void info(std::string_view msg, std::initializer_list<log_field> f = {}) { log(log_level::info, msg, f); }
    void warn(std::string_view msg, std::initializer_list<log_field> f = {}) { log(log_level::warn, msg, f); }
    void error(std::string_view msg, std::initializer_list<log_field> f = {}) { log(log_level::error, msg, f); }

private:
    log_sink& sink_;
    Clock& clock_;
    std::atomic<log_level> min_;
    std::mutex mutex_;
    std::string buffer_;
};

template <class Clock>
json_logger(log_sink&, Clock&, log_level) -> json_logger<Clock>;
template <class Clock>
json_logger(log_sink&, Clock&) -> json_logger<Clock>;

template <class Clock>
void json_logger<Clock>::log(log_level l, std::string_view msg, std::initializer_list<log_field> fields) {
    if (!enabled(l)) return;
    const std::chrono::nanoseconds now = unix_nanos(clock_);

    // Sort views of the fields by key (insertion sort: stable, no allocation, n is small), keeping
    // the first of equal keys and dropping keys the logger writes itself.
    std::array<const log_field*, max_fields> sorted{};
    std::size_t n = 0;
    std::uint64_t dropped = 0;
    for (const log_field& f : fields) {
        const std::string_view k = f.key();
        if (k == "level" || k == "msg" || k == "ts" || k == "fields_dropped" || n == max_fields) {
            ++dropped;
            continue;
        }
        std::size_t pos = n;
        while (pos > 0 && sorted[pos - 1]->key() > k) --pos;
        if (pos > 0 && sorted[pos - 1]->key() == k) {
            ++dropped;
            continue;
        }
        for (std::size_t j = n; j > pos; --j) sorted[j] = sorted[j - 1];
        sorted[pos] = &f;
        ++n;
    }

    const std::lock_guard<std::mutex> lock(mutex_);
    std::string& out = buffer_;
    out.clear();
    out += '{';
    std::size_t next = 0;
    bool first = true;
    // Emits caller fields whose key sorts before `upto` (all of them when upto is empty).
    const auto flush_fields_before = [&](std::string_view upto) {
        while (next < n && (upto.empty() || sorted[next]->key() < upto)) {
            if (!first) out += ',';
            first = false;
            detail::append_json_string(out, sorted[next]->key());
            out += ':';
            sorted[next]->append_value(out);
            ++next;
        }
    };
    const auto fixed_key = [&](std::string_view key) {
        flush_fields_before(key);
        if (!first) out += ',';
        first = false;
        detail::append_json_string(out, key);
        out += ':';
    };
    if (dropped != 0) {
        fixed_key("fields_dropped");
        detail::append_int(out, dropped);
    }
    fixed_key("level");
    detail::append_json_string(out, to_string(l));
    fixed_key("msg");
    detail::append_json_string(out, msg);
    fixed_key("ts");
    out += '"';
    detail::append_rfc3339(out, now);
    out += '"';
    flush_fields_before({});
    out += "}\n";
    sink_.write_line(out);
}

}  // namespace mmbot::obs
