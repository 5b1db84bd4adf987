// mmbot/engine/errors.hpp
//
// The error codes of the engine area (orders, order store, positions, state machine,
// journal). Journal codes appear in the exit-code table (app/exit_codes.hpp): they exit 5.
#pragma once

#include "mmbot/core/error.hpp"

#include <cstdint>

namespace mmbot::engine {

/// Test frameworks print a code by its label (core/error.hpp).
using core::operator<<;  // NOLINT(misc-unused-using-decls): found by argument-dependent lookup

/// Error codes (core::error::code) of this area; each one's label is its name (core::code_label).
enum class errc : std::uint8_t {
    /// An orderLinkId that is empty, too long or has characters Bybit refuses.
    invalid_client_order_id,
    invalid_side,
    /// An order status change the lifecycle does not allow.
    illegal_transition,
    /// A bot state change the state machine does not allow.
    illegal_state_transition,
    /// An event for a client_order_id the store does not know.
    unknown_order,
    invalid_order,
    invalid_ack,
    ack_mismatch,
    invalid_fill,
    fill_mismatch,
    /// Fills adding up to more than the order's quantity.
    overfill,
    /// An open position without a mark price.
    missing_mark,
    /// A journal system call failed (the message has the call, the path and the errno text).
    journal_io,
    /// ENOSPC or EDQUOT: the disk (or quota) is full.
    journal_no_space,
    /// A record with a valid checksum that cannot be read.
    journal_malformed,
    /// A damaged record followed by a valid one: not a torn tail.
    journal_corrupted,
    /// Another running process holds the journal.
    journal_locked,
    journal_not_a_journal,
    /// A journal written by another environment's binary.
    journal_wrong_environment,
    journal_unknown_environment,
    journal_bad_environment,
    /// A write after an earlier failure: the journal refuses further records.
    journal_failed,
};

}  // namespace mmbot::engine
