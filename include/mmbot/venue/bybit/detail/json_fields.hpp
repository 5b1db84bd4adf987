// mmbot/venue/bybit/detail/json_fields.hpp
//
// Reading Bybit JSON: core::json::reader (core/json_fields.hpp) under the adapter's codes
// (bybit_missing_field, bybit_wrong_type, bybit_bad_value), and the document parse that gives
// bybit_json_syntax. Errors name the full field path ("result.list[3].price: missing field").
// Numbers arrive as strings in Bybit v5 ("1688639403423"): `integer_at` accepts both forms,
// decimals are parsed straight from the string.
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"
#include "mmbot/venue/bybit/errors.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace mmbot::venue::bybit::detail {

using core::json::cut;
using core::json::field;
using core::json::max_timestamp_ms;
using core::json::under;
using json_path = core::json::path;

/// Every field read of the adapter reports under its codes.
inline constexpr core::json::reader fields{json_errors};

/// Parses one complete JSON document. Error bybit_json_syntax with Boost.JSON's reason.
[[nodiscard]] inline core::result<boost::json::value> parse_document(std::string_view text) {
    return core::json::parse_document(text, errc::json_syntax);
}

}  // namespace mmbot::venue::bybit::detail
