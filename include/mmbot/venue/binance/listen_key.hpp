// mmbot/venue/binance/listen_key.hpp
//
// The user data stream's key over its life: created (POST /fapi/v1/listenKey), kept alive (PUT)
// every `keep_alive_every` (Binance expires a key 60 minutes after its last keep-alive; 30 minutes
// leaves one missed keep-alive of margin), and made anew when it is gone (the stream pushed
// listenKeyExpired, or a keep-alive was answered -1125 "This listenKey does not exist."). A pure
// schedule: `due(now)` says which request to send, `on_answer` reads its answer, and
// `keep_listen_key` runs one due step over a transport, from whatever thread owns REST off the
// trading path. A new key is reported once, for the stream client (private_ws::use_key).
//
// The key grants reading the account's stream: it is never logged (messages say "listenKey"),
// and private_ws shows the stream's path without it.
//
//   listen_key_keeper keeper;
//   auto fresh = keep_listen_key(keeper, transport, &signer, now);   // result<optional<string>>
//   if (fresh && *fresh) ws.use_key(**fresh);
//   ...  on stream_event::key_expired: keeper.expired();
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/signer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::venue::binance {

class listen_key_keeper {
public:
    using clock_ns = std::chrono::nanoseconds;

    explicit listen_key_keeper(clock_ns keep_alive_every = std::chrono::minutes{30},
                               clock_ns retry_after_failure = std::chrono::seconds{5})
        : every_(keep_alive_every), retry_(retry_after_failure) {}

    /// The request to send now: POST (no key, or the key is gone), PUT (a keep-alive is due), or
    /// nothing.
    [[nodiscard]] std::optional<http_method> due(clock_ns now) const noexcept {
        if (now < not_before_) return std::nullopt;
        if (key_.empty()) return http_method::post;
        if (now - kept_at_ >= every_) return http_method::put;
        return std::nullopt;
    }

    /// The answer to the request `due` named, sent at `now`. A new key when a POST made one (or
    /// a PUT answered with a different one); nothing for a keep-alive. Errors: the refusal
    /// (check_answer's label) or the answer's parse error; a -1125 keep-alive forgets the key, so
    /// the next due() is a POST. After any error the next attempt waits `retry_after_failure`.
    [[nodiscard]] core::result<std::optional<std::string>> on_answer(http_method sent, unsigned status,
                                                                     std::string_view body, clock_ns now) {
        if (auto ok = check_answer(status, body); !ok) {
            not_before_ = now + retry_;
            if (sent == http_method::put && ok.error().message.find("code -1125:") != std::string::npos) key_.clear();
            return ok.error();
        }
        auto key = parse_listen_key(body);
        if (!key) {
            not_before_ = now + retry_;
            return key.error();
        }
        kept_at_ = now;
        if (*key == key_) return std::optional<std::string>{};
        key_ = std::move(*key);
        ++keys_made_;
        return std::optional<std::string>{key_};
    }

    /// The stream said listenKeyExpired: the next due() is a POST.
    void expired() noexcept { key_.clear(); }

    [[nodiscard]] bool has_key() const noexcept { return !key_.empty(); }
    [[nodiscard]] std::uint64_t keys_made() const noexcept { return keys_made_; }

private:
    clock_ns every_;
    clock_ns retry_;
    std::string key_;
    clock_ns kept_at_{0};
    clock_ns not_before_{0};
    std::uint64_t keys_made_{0};
};

/// Sends the keeper's due request over `t` (anything with send(rest_request, signer*) -> result
/// of an answer with status and body) and reads it. A new key, nothing, or the error.
template <class Transport>
[[nodiscard]] core::result<std::optional<std::string>> keep_listen_key(listen_key_keeper& keeper, Transport& t, signer* s,
                                                                       std::chrono::nanoseconds now) {
    const auto what = keeper.due(now);
    if (!what) return std::optional<std::string>{};
    rest_request req;
    write_listen_key(*what, req);
    auto answer = t.send(req, s);
    if (!answer) return answer.error();
    return keeper.on_answer(*what, answer->status, answer->body, now);
}

}  // namespace mmbot::venue::binance
