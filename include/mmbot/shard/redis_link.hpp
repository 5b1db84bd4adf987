// mmbot/shard/redis_link.hpp
//
// One connection to Redis through hiredis (Debian's libhiredis-dev), blocking with timeouts, for
// the shard coordinator's own thread (never the trading thread). Replies are copied out of
// hiredis' objects into `reply`, so nothing of hiredis leaks past this header.
//
//   auto link = redis_link::open({"127.0.0.1", 6379}, std::chrono::milliseconds(200));
//   if (!link) ...;                                        // redis_unreachable, naming host:port
//   auto r = link->command({"SET", key, value, "NX", "PX", "10000"});
//   auto all = link->pipeline({{"HGETALL", a}, {"HGETALL", b}});   // one round trip
//
// Errors: redis_unreachable (connect, timeout, the connection dropped: the link is then closed
// and every later call fails the same way until it is opened again), redis_reply (Redis answered
// with an error).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/shard/errors.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::shard {

struct redis_endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
};

/// A Redis reply, copied out of hiredis.
struct reply {
    enum class kind : std::uint8_t { nil, string, status, integer, array, error };
    kind type = kind::nil;
    std::string text;  ///< string, status or error
    std::int64_t integer = 0;
    std::vector<reply> elements;

    [[nodiscard]] bool is_nil() const noexcept { return type == kind::nil; }
};

using command_args = std::vector<std::string>;

namespace detail {

[[nodiscard]] inline reply copy_reply(const redisReply& r) {
    reply out;
    switch (r.type) {
        case REDIS_REPLY_STRING: out.type = reply::kind::string; break;
        case REDIS_REPLY_STATUS: out.type = reply::kind::status; break;
        case REDIS_REPLY_ERROR: out.type = reply::kind::error; break;
        case REDIS_REPLY_INTEGER: out.type = reply::kind::integer; break;
        case REDIS_REPLY_ARRAY: out.type = reply::kind::array; break;
        default: out.type = reply::kind::nil; break;
    }
    if (r.str != nullptr) out.text.assign(r.str, r.len);
    out.integer = r.integer;
    for (std::size_t i = 0; i < r.elements; ++i) {
        out.elements.push_back(copy_reply(*r.element[i]));  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
    }
    return out;
}

/// Takes ownership of a reply hiredis allocated.
struct reply_free {
    void operator()(void* r) const noexcept { freeReplyObject(r); }
};
using owned_reply = std::unique_ptr<void, reply_free>;

[[nodiscard]] inline timeval to_timeval(std::chrono::milliseconds t) {
    return timeval{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
}

}  // namespace detail

class redis_link {
public:
    /// Connects within `timeout`; every later call times out after `timeout` too.
    [[nodiscard]] static core::result<redis_link> open(const redis_endpoint& at, std::chrono::milliseconds timeout) {
        const auto tv = detail::to_timeval(timeout);
        std::unique_ptr<redisContext, closer> ctx(redisConnectWithTimeout(at.host.c_str(), at.port, tv));
        if (!ctx) return core::make_error(errc::redis_unreachable, fmt::format("redis {}:{}: out of memory", at.host, at.port));
        if (ctx->err != 0) {
            return core::make_error(errc::redis_unreachable,
                                    fmt::format("redis {}:{}: {}", at.host, at.port, static_cast<const char*>(ctx->errstr)));
        }
        if (redisSetTimeout(ctx.get(), tv) != REDIS_OK) {
            return core::make_error(errc::redis_unreachable, fmt::format("redis {}:{}: cannot set the timeout", at.host, at.port));
        }
        return redis_link(std::move(ctx), at);
    }

    redis_link(redis_link&&) noexcept = default;
    redis_link& operator=(redis_link&&) noexcept = default;
    redis_link(const redis_link&) = delete;
    redis_link& operator=(const redis_link&) = delete;
    ~redis_link() = default;

    /// One command, one reply. An error reply is redis_reply naming the command.
    [[nodiscard]] core::result<reply> command(const command_args& args) {
        auto r = pipeline({args});
        if (!r) return r.error();
        reply one = std::move(r->front());
        if (one.type == reply::kind::error) {
            return core::make_error(errc::redis_reply, fmt::format("redis {}:{}: {}: {}", at_.host, at_.port,
                                                                   args.empty() ? "" : args.front(), one.text));
        }
        return one;
    }
    /// Several commands sent at once, their replies in order (an error reply stays a reply).
    [[nodiscard]] core::result<std::vector<reply>> pipeline(const std::vector<command_args>& commands) {
        if (!ctx_) return lost("send");
        for (const auto& args : commands) {
            std::vector<const char*> argv;
            std::vector<std::size_t> lens;
            for (const auto& a : args) {
                argv.push_back(a.data());
                lens.push_back(a.size());
            }
            if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
                return lost("send");
            }
        }
        std::vector<reply> out;
        out.reserve(commands.size());
        for (std::size_t i = 0; i < commands.size(); ++i) {
            void* raw = nullptr;
            if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr) return lost("read");
            const detail::owned_reply held(raw);
            out.push_back(detail::copy_reply(*static_cast<const redisReply*>(raw)));
        }
        return out;
    }

    /// For a subscribed link: the socket to poll, and the replies already received without
    /// blocking (call when the socket is readable; a closed socket is redis_unreachable).
    [[nodiscard]] int fd() const noexcept { return ctx_ ? ctx_->fd : -1; }
    [[nodiscard]] core::result<std::vector<reply>> read_pending() {
        if (!ctx_) return lost("read");
        if (redisBufferRead(ctx_.get()) != REDIS_OK) return lost("read");
        std::vector<reply> out;
        for (;;) {
            void* raw = nullptr;
            if (redisGetReplyFromReader(ctx_.get(), &raw) != REDIS_OK) return lost("read");
            if (raw == nullptr) break;
            const detail::owned_reply held(raw);
            out.push_back(detail::copy_reply(*static_cast<const redisReply*>(raw)));
        }
        return out;
    }

    [[nodiscard]] bool open() const noexcept { return ctx_ != nullptr; }
    [[nodiscard]] const redis_endpoint& endpoint() const noexcept { return at_; }

private:
    struct closer {
        void operator()(redisContext* c) const noexcept { redisFree(c); }
    };
    redis_link(std::unique_ptr<redisContext, closer> ctx, redis_endpoint at) : ctx_(std::move(ctx)), at_(std::move(at)) {}
    /// The connection is gone (or was never there): closed, so every later call fails fast.
    [[nodiscard]] core::error lost(std::string_view doing) {
        std::string why = ctx_ && ctx_->err != 0 ? std::string(static_cast<const char*>(ctx_->errstr)) : "connection closed";
        ctx_.reset();
        return core::make_error(errc::redis_unreachable, fmt::format("redis {}:{}: {}: {}", at_.host, at_.port, doing, why));
    }

    std::unique_ptr<redisContext, closer> ctx_;
    redis_endpoint at_;
};

}  // namespace mmbot::shard

