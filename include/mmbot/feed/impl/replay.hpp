// mmbot/feed/impl/replay.hpp: bodies of replay_reader.
// Included at the bottom of mmbot/feed/replay.hpp; not for direct inclusion.
#pragma once
#ifndef MMBOT_FEED_IMPL_REPLAY_HPP
#define MMBOT_FEED_IMPL_REPLAY_HPP

#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/replay.hpp"

#include "mmbot/feed/detail/json_fields.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <string>
#include <system_error>

namespace mmbot::feed {
namespace detail {

inline constexpr std::int64_t ns_per_ms = 1'000'000;

/// Splits `<recv_ns> <json>`; nullopt when the digits are not a valid int64 or no JSON follows.
[[nodiscard]] inline std::optional<std::int64_t> split_prefix(std::string_view& text) {
    std::int64_t ns = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
    const auto used = static_cast<std::size_t>(end - text.data());
    if (ec != std::errc{} || used == text.size() || (text[used] != ' ' && text[used] != '\t')) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(used);
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    if (rest.empty()) return std::nullopt;
    text = rest;
    return ns;
}

}  // namespace detail

inline core::result<message_kind> replay_reader::decode_line(
    std::string_view text, std::optional<std::int64_t>& recv_ts_ns) {
    using detail::field;
    recv_ts_ns.reset();
    if (text.front() >= '0' && text.front() <= '9') {
        recv_ts_ns = detail::split_prefix(text);
        if (!recv_ts_ns) {
            return detail::fields.bad_value(field("line"),
                                            "expected `<recv_ns> <json>` (an int64 then a space)");
        }
    }
    // Fast path: raw and wrapped messages decode straight from the text. Anything it does not take
    // (errors above all) goes through the checked path below, which words the error.
    std::optional<std::int64_t> wrapped;
    if (const auto kind = codec_.try_decode(text, msg_, &wrapped)) {
        if (!wrapped) return *kind;
        if (!recv_ts_ns) {
            recv_ts_ns = wrapped;
            return *kind;
        }
    }
    auto doc = codec_.parse(text);
    if (!doc) return doc.error();
    const auto* obj = (*doc)->if_object();
    if (obj == nullptr) {
        return detail::fields.wrong_type(detail::json_path{}, "a JSON object", **doc);
    }
    const boost::json::value* inner = obj->if_contains("msg");
    if (inner == nullptr) return codec_.decode(*obj, msg_);

    // Wrapper form: {"recv_ts_ns": <int>, "msg": {...}}.
    if (recv_ts_ns) {
        return detail::fields.bad_value(field("msg"),
                                        "a wrapped message must not also have a prefix");
    }
    auto ts = detail::fields.require(*obj, field("recv_ts_ns"));
    if (!ts) return ts.error();
    auto ns = detail::fields.as_int64(**ts, field("recv_ts_ns"));
    if (!ns) return ns.error();
    auto m = detail::fields.as_object(*inner, field("msg"));
    if (!m) return m.error();
    recv_ts_ns = *ns;
    return codec_.decode(**m, msg_);
}

inline void replay_reader::warn(std::string_view reason, std::string_view text) {
    state_.on_malformed();
    if (!opts_.on_warning) return;
    const replay_warning w{state_.lines(), reason,
                           text.substr(0, std::min(text.size(), replay_warning::excerpt_chars))};
    opts_.on_warning(w);
}

inline bool replay_reader::next(replay_event& ev) {
    while (lines_.next()) {
        state_.on_line();
        const std::string_view text = detail::trim_line(lines_.line());
        if (text.empty()) continue;

        std::optional<std::int64_t> recv;
        auto kind = decode_line(text, recv);
        std::int64_t event_ns = last_event_ns_;
        if (kind && recv) {
            event_ns = *recv;
        } else if (kind && msg_.ts_ms &&
                   !mmbot::core::detail::checked_mul(*msg_.ts_ms, detail::ns_per_ms, event_ns)) {
            kind = detail::fields.bad_value(
                detail::field("ts"),
                fmt::format("{} ms is out of range for a time in ns", *msg_.ts_ms));
        }
        if (!kind) {
            warn(kind.error().message, text);
            continue;
        }
        last_event_ns_ = event_ns;
        ev.line = state_.lines();
        ev.event_time_ns = last_event_ns_;
        ev.recv_ts_ns = recv;
        state_.on_decoded(*kind, msg_, ev);
        return true;
    }
    return false;
}

}  // namespace mmbot::feed

#endif  // MMBOT_FEED_IMPL_REPLAY_HPP
