// mmbot/shard/errors.hpp
//
// The error codes of the shard area: Redis, the shard's lease and the states shards publish.
// Their exit codes are in app/exit_codes.hpp (docs/exit-codes.md).
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::shard {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    /// Redis cannot be reached: connect refused or timed out, the connection dropped.
    redis_unreachable,
    /// Redis answered with an error or with a reply of the wrong shape.
    redis_reply,
    /// Another live process holds the shard's lease (the message names the holder).
    shard_taken,
    /// A shard's published state in Redis is malformed (the message names the key and field).
    shard_state,
};

}  // namespace mmbot::shard
