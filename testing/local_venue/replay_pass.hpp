// testing/local_venue/replay_pass.hpp
//
// How a capture's numbers read in one pass of a --loop replay: update ids (`u`) and sequences
// (`seq`) shifted past every earlier pass's, trade ids given a "-<pass>" suffix, so a client sees
// them keep increasing (or stay unique) while the same capture plays again. Pass 0 leaves every
// number as recorded. The public WebSocket messages (capture_feed.hpp) and the market REST answers
// (market_state.hpp) number through the same pass, so a book fetched over REST lines up with the
// stream's deltas.
//
//   replay_pass p{.pass = 2, .max_u = 9000, .max_seq = 70};
//   p.u(5);              // 5 + 2 * 9001
//   p.trade_id("abc");   // "abc-2"
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue::local {

struct replay_pass {
    std::uint32_t pass = 0;
    /// The capture's largest update id and sequence: one pass spans max + 1 numbers.
    std::uint64_t max_u = 0;
    std::uint64_t max_seq = 0;

    [[nodiscard]] std::uint64_t u(std::uint64_t recorded) const noexcept {
        return recorded + (max_u + 1) * pass;
    }
    [[nodiscard]] std::uint64_t seq(std::uint64_t recorded) const noexcept {
        return recorded + (max_seq + 1) * pass;
    }
    [[nodiscard]] std::string trade_id(std::string_view recorded) const {
        return pass == 0 ? std::string(recorded) : fmt::format("{}-{}", recorded, pass);
    }
};

}  // namespace mmbot::venue::local
