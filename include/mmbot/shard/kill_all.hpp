// mmbot/shard/kill_all.hpp
//
// `mmbot-ctl kill --all`: every shard of a deployment freezes and cancels, the same way a
// portfolio breach reaches them. The kill key holds the reason (it stays until cleared, so a shard
// that was cut off from Redis sees it when it comes back, and an unfreeze is refused while it
// holds); the event on the channel makes every coordinator read it at once.
//
//   auto n = kill_all(link, keys, "incident");   // shards listening now (PUBLISH's count)
//   auto m = clear_kill(link, keys);             // the key deleted; shards may be unfrozen again
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/shard/keys.hpp"
#include "mmbot/shard/redis_link.hpp"

#include <cstdint>
#include <string>

namespace mmbot::shard {

/// Sets the kill key to `reason` and announces it; the number of coordinators subscribed now.
[[nodiscard]] inline core::result<std::int64_t> kill_all(redis_link& link, const key_space& keys,
                                                         const std::string& reason) {
    auto r = link.pipeline({{"SET", keys.kill(), reason}, {"PUBLISH", keys.events(), "kill"}});
    if (!r) return r.error();
    return (*r)[1].integer;
}

/// Deletes the kill key and announces it: shards stay frozen until each is unfrozen.
[[nodiscard]] inline core::result<std::int64_t> clear_kill(redis_link& link, const key_space& keys) {
    auto r = link.pipeline({{"DEL", keys.kill()}, {"PUBLISH", keys.events(), "clear"}});
    if (!r) return r.error();
    return (*r)[1].integer;
}

}  // namespace mmbot::shard
