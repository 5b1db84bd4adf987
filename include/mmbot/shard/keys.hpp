// mmbot/shard/keys.hpp
//
// The Redis keys and channel of one deployment, all under one namespace (portfolio.redis.namespace,
// default "mmbot"), so several deployments can share a Redis:
//
//   <ns>:lease:<shard>     string, the lease holder (shard/lease.hpp), with a TTL
//   <ns>:shard:<shard>     hash, the shard's published state (shard/shard_codec.hpp)
//   <ns>:shards            set, every shard that ever published (its state counts until deleted)
//   <ns>:kill              string, the reason of `mmbot-ctl kill --all` while it is in force
//   <ns>:events            pub/sub channel: "update <shard>" after each publish, "kill" after kill --all
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace mmbot::shard {

class key_space {
public:
    explicit key_space(std::string ns = "mmbot") : ns_(std::move(ns)) {}

    [[nodiscard]] std::string lease(std::string_view shard) const { return ns_ + ":lease:" + std::string(shard); }
    [[nodiscard]] std::string state(std::string_view shard) const { return ns_ + ":shard:" + std::string(shard); }
    [[nodiscard]] std::string shards() const { return ns_ + ":shards"; }
    [[nodiscard]] std::string kill() const { return ns_ + ":kill"; }
    [[nodiscard]] std::string events() const { return ns_ + ":events"; }
    [[nodiscard]] const std::string& name() const noexcept { return ns_; }

private:
    std::string ns_;
};

}  // namespace mmbot::shard
