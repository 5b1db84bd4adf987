// mmbot/engine/detail/journal_codec.hpp
//
// The journal's record format: a header line "mmbot-journal 2 env=<environment>", then one text
// line per record,
//
//   <seq> TAB <type> TAB <time ns> TAB <fields...> TAB <crc32c as 8 lower-case hex> LF
//
// The CRC covers every byte before the last TAB. String fields escape '\\', TAB, LF and CR as
// "\\\\", "\\t", "\\n", "\\r", so a record never contains a raw LF: a line is always exactly one
// record, which is what lets recovery find the records after a damaged one. Decimals are the
// exact canonical text of mmbot::core decimals. Field lists per type:
//
//   new     client_order_id symbol side price qty
//   ack     client_order_id venue_order_id
//   fill    client_order_id exec_id symbol side price qty fee
//   cancel  client_order_id reason
//   reject  client_order_id reason
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/escape.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/detail/crc32c.hpp"
#include "mmbot/engine/order.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <iterator>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace mmbot::engine::detail {

// The first line of a journal. Version 2 names the environment that wrote it (shadow's fills are
// simulated, testnet's and live's are real, so no environment may read another's); version 1
// journals, written before that, carry no environment (docs/journal.md, "Environment").
inline constexpr std::string_view journal_magic_v1 = "mmbot-journal 1\n";
inline constexpr std::string_view journal_header_prefix = "mmbot-journal 2 env=";

/// An environment name as a header holds it: 1 to 32 of [a-z0-9_-].
[[nodiscard]] constexpr bool valid_environment_name(std::string_view env) noexcept {
    if (env.empty() || env.size() > 32) return false;
    for (const char c : env) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

/// The header line of a new journal written by `environment`, LF included.
[[nodiscard]] inline std::string journal_header(std::string_view environment) {
    return fmt::format("{}{}\n", journal_header_prefix, environment);
}

// ---------------------------------------------------------------------------------------- encode

/// Fields are tab-separated and records end at a line feed: those, CR and the backslash escaped.
inline void append_escaped(std::string& out, std::string_view s) {
    core::append_escaped(out, s, {.quote = false, .tab = true, .line_feed = true, .carriage_return = true});
}

/// Appends TAB and the field (escaped when it is free text).
inline void put(std::string& out, std::string_view s) {
    out.push_back('\t');
    append_escaped(out, s);
}
template <class Unit>
void put(std::string& out, const core::decimal<Unit>& d) {
    std::array<char, core::max_decimal_chars> buf{};
    out.push_back('\t');
    out.append(buf.data(), d.to_chars(buf.data()));
}
inline void put(std::string& out, side s) { put(out, to_string(s)); }

template <class... Field>
void put_all(std::string& out, const Field&... fields) {
    (put(out, fields), ...);
}

// The field lists, in the order the file banner documents (read_event mirrors them).
inline void put_fields(std::string& out, const new_order& e) {
    put_all(out, e.client_order_id, e.symbol, e.side, e.price, e.qty);
}
inline void put_fields(std::string& out, const order_ack& e) {
    put_all(out, e.client_order_id, e.venue_order_id);
}
inline void put_fields(std::string& out, const order_fill& e) {
    put_all(out, e.client_order_id, e.exec_id, e.symbol, e.side, e.price, e.qty, e.fee);
}
inline void put_fields(std::string& out, const order_cancel& e) {
    put_all(out, e.client_order_id, e.reason);
}
inline void put_fields(std::string& out, const order_reject& e) {
    put_all(out, e.client_order_id, e.reason);
}
inline void put_fields(std::string& out, const operator_action& e) {
    put_all(out, e.action, e.operator_uid, e.outcome);
}

template <class Event>
[[nodiscard]] constexpr std::string_view type_name() noexcept {
    if constexpr (std::is_same_v<Event, new_order>) return "new";
    if constexpr (std::is_same_v<Event, order_ack>) return "ack";
    if constexpr (std::is_same_v<Event, order_fill>) return "fill";
    if constexpr (std::is_same_v<Event, order_cancel>) return "cancel";
    if constexpr (std::is_same_v<Event, order_reject>) return "reject";
    if constexpr (std::is_same_v<Event, operator_action>) return "operator";
    return "";
}

/// The complete line for record `seq`, LF included, written over `line`: the journal keeps one
/// buffer, so appending a record does not allocate once it has held the longest line.
template <class Event>
void encode_record(std::string& line, std::uint64_t seq, const Event& e) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{}\t{}\t{}", seq, type_name<Event>(), e.at.count());
    put_fields(line, e);
    const std::uint32_t crc = crc32c(line);
    fmt::format_to(std::back_inserter(line), "\t{:08x}\n", crc);
}
template <class Event>
[[nodiscard]] std::string encode_record(std::uint64_t seq, const Event& e) {
    std::string line;
    encode_record(line, seq, e);
    return line;
}

// ---------------------------------------------------------------------------------------- decode

/// What is wrong with a line, from recovery's point of view.
enum class line_status : std::uint8_t {
    ok,
    bad_crc,    ///< checksum missing or wrong: damaged or torn, the bytes cannot be trusted
    malformed,  ///< checksum right but content unreadable: a writer bug or a newer format
};

struct decoded_line {
    line_status status = line_status::ok;
    std::uint64_t sequence = 0;
    std::optional<order_event> event;
    std::optional<operator_action> note;  ///< an operator record (then `event` is empty)
    std::string problem;  ///< for malformed: which field and value
};

[[nodiscard]] inline std::optional<std::string> unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(s[i]);
            continue;
        }
        if (++i == s.size()) return std::nullopt;
        switch (s[i]) {
            case '\\': out.push_back('\\'); break;
            case 't': out.push_back('\t'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            default: return std::nullopt;
        }
    }
    return out;
}

template <class Int>
[[nodiscard]] std::optional<Int> parse_int(std::string_view s) noexcept {
    Int v{};
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

/// Reads the fields of one record in order; the first failure is remembered with its field name.
class field_reader {
public:
    explicit field_reader(std::vector<std::string_view> fields) : fields_(std::move(fields)) {}

    [[nodiscard]] std::string text(std::string_view name) {
        const auto raw = next(name);
        if (!raw) return {};
        auto s = unescape(*raw);
        if (!s) fail(name, *raw, "bad escape");
        return s ? std::move(*s) : std::string{};
    }
    [[nodiscard]] std::string client_id() {
        std::string id = text("client_order_id");
        if (ok() && !validate_order_link_id(id)) fail("client_order_id", id, "not a valid orderLinkId");
        return id;
    }
    template <class Decimal>
    [[nodiscard]] Decimal number(std::string_view name) {
        const auto raw = next(name);
        if (!raw) return {};
        auto d = Decimal::parse(*raw);
        if (!d) fail(name, *raw, d.error().message);
        return d ? *d : Decimal{};
    }
    [[nodiscard]] engine::side side_field() {
        const auto raw = next("side");
        if (!raw) return side::buy;
        auto s = parse_side(*raw);
        if (!s) fail("side", *raw, "expected Buy or Sell");
        return s ? *s : side::buy;
    }
    /// True when every field was read and parsed and none is left over.
    [[nodiscard]] bool finish() {
        if (ok() && index_ != fields_.size()) {
            problem_ = fmt::format("{} fields left over", fields_.size() - index_);
        }
        return ok();
    }
    [[nodiscard]] bool ok() const noexcept { return problem_.empty(); }
    [[nodiscard]] std::string& problem() noexcept { return problem_; }

private:
    std::optional<std::string_view> next(std::string_view name) {
        if (!ok()) return std::nullopt;
        if (index_ == fields_.size()) {
            problem_ = fmt::format("field {} missing", name);
            return std::nullopt;
        }
        return fields_[index_++];
    }
    void fail(std::string_view name, std::string_view value, std::string_view why) {
        if (ok()) problem_ = fmt::format("field {} = \"{}\": {}", name, value, why);
    }

    std::vector<std::string_view> fields_;
    std::size_t index_ = 0;
    std::string problem_;
};

[[nodiscard]] inline order_event read_event(std::string_view type, timestamp at, field_reader& f) {
    if (type == "new") {
        new_order e{f.client_id(), f.text("symbol"), f.side_field(),
                    f.number<core::price>("price"), f.number<core::quantity>("qty"), at};
        return e;
    }
    if (type == "ack") {
        order_ack e{f.client_id(), f.text("venue_order_id"), at};
        return e;
    }
    if (type == "fill") {
        order_fill e{f.client_id(),
                     f.text("exec_id"),
                     f.text("symbol"),
                     f.side_field(),
                     f.number<core::price>("price"),
                     f.number<core::quantity>("qty"),
                     f.number<core::notional>("fee"),
                     at};
        return e;
    }
    if (type == "cancel") {
        order_cancel e{f.client_id(), f.text("reason"), at};
        return e;
    }
    order_reject e{f.client_id(), f.text("reason"), at};
    return e;
}

/// Decodes one line (without its LF).
[[nodiscard]] inline decoded_line decode_record(std::string_view line) {
    decoded_line out;
    const auto last_tab = line.rfind('\t');
    if (last_tab == std::string_view::npos || line.size() - last_tab - 1 != 8) {
        out.status = line_status::bad_crc;
        return out;
    }
    const std::string_view body = line.substr(0, last_tab);
    const std::string_view crc_text = line.substr(last_tab + 1);
    std::uint32_t stored = 0;
    const auto [ptr, ec] =
        std::from_chars(crc_text.data(), crc_text.data() + crc_text.size(), stored, 16);
    if (ec != std::errc{} || ptr != crc_text.data() + crc_text.size() || stored != crc32c(body)) {
        out.status = line_status::bad_crc;
        return out;
    }
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const auto tab = body.find('\t', start);
        fields.push_back(body.substr(start, tab == std::string_view::npos ? tab : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    out.status = line_status::malformed;
    if (fields.size() < 3) {
        out.problem = "fewer than 3 fields";
        return out;
    }
    const auto seq = parse_int<std::uint64_t>(fields[0]);
    const auto ns = parse_int<std::int64_t>(fields[2]);
    const std::string_view type = fields[1];
    if (!seq) {
        out.problem = fmt::format("sequence \"{}\" is not a number", fields[0]);
        return out;
    }
    if (!ns) {
        out.problem = fmt::format("time \"{}\" is not a number", fields[2]);
        return out;
    }
    if (type != "new" && type != "ack" && type != "fill" && type != "cancel" &&
        type != "reject" && type != "operator") {
        out.problem = fmt::format("unknown record type \"{}\"", type);
        return out;
    }
    field_reader reader(std::vector<std::string_view>(fields.begin() + 3, fields.end()));
    if (type == "operator") {
        operator_action note{reader.text("action"), reader.text("operator_uid"), reader.text("outcome"),
                             timestamp{*ns}};
        if (!reader.finish()) {
            out.problem = fmt::format("operator record: {}", reader.problem());
            return out;
        }
        out.status = line_status::ok;
        out.sequence = *seq;
        out.note = std::move(note);
        return out;
    }
    order_event ev = read_event(type, timestamp{*ns}, reader);
    if (!reader.finish()) {
        out.problem = fmt::format("{} record: {}", type, reader.problem());
        return out;
    }
    out.status = line_status::ok;
    out.sequence = *seq;
    out.event = std::move(ev);
    return out;
}

}  // namespace mmbot::engine::detail
