// mmbot/feed/detail/json_fields.hpp
//
// The market-data codec's reads of JSON fields: core::json::reader (core/json_fields.hpp) under
// the feed's codes (feed_missing_field, feed_wrong_type, feed_bad_value), plus the one read only
// this area has, bounded text (symbols, trade ids) that must fit its fixed buffer.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/feed/errors.hpp"
#include "mmbot/feed/types.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <string_view>

namespace mmbot::feed::detail {

using core::json::field;
using core::json::under;
using json_path = core::json::path;

/// Every field read of the codec and the replay reports under the feed's codes.
inline constexpr core::json::reader fields{json_errors};

/// Fills bounded text; over-long text is an error naming the field, never truncated.
template <std::size_t N>
[[nodiscard]] core::result<void> assign_text(bounded_string<N>& out, std::string_view text,
                                             const json_path& p) {
    if (out.assign(text)) return {};
    return fields.bad_value(p, fmt::format("\"{}\" is longer than {} characters",
                                           core::json::cut(text), N));
}

}  // namespace mmbot::feed::detail
