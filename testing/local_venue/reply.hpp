// testing/local_venue/reply.hpp
//
// What an API handler of the local venue answers: Bybit's retCode and retMsg, the `result` object
// and `retExtInfo`, plus the HTTP-level facts the server needs (status, rate-limit headers). The
// envelope's JSON text is written here, so every endpoint answers in exactly the v5 shape
//   {"retCode":0,"retMsg":"OK","result":{...},"retExtInfo":{},"time":1700000000123}
// that bybit::parse_envelope reads.
//
//   auto r = params_error("qty: must be > 0, got \"0\"");      // retCode 10001
//   std::string body = envelope_text(r, now_ms);
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace mmbot::venue::local {

/// Bybit retCodes the venue answers with.
namespace ret {
inline constexpr std::int64_t ok = 0;
inline constexpr std::int64_t params = 10001;
inline constexpr std::int64_t timestamp = 10002;
inline constexpr std::int64_t invalid_key = 10003;
inline constexpr std::int64_t signature = 10004;
inline constexpr std::int64_t rate_limit = 10006;
inline constexpr std::int64_t path_not_found = 10017;
inline constexpr std::int64_t order_not_found = 110001;
inline constexpr std::int64_t duplicate_link_id = 110072;
}  // namespace ret

struct api_reply {
    std::int64_t ret_code = ret::ok;
    std::string ret_msg = "OK";
    boost::json::object result;
    boost::json::object ext;
    unsigned http_status = 200;  ///< 200 for every retCode, as Bybit answers
};

[[nodiscard]] inline api_reply ok_reply(boost::json::object result) {
    api_reply r;
    r.result = std::move(result);
    return r;
}

[[nodiscard]] inline api_reply error_reply(std::int64_t code, std::string msg) {
    api_reply r;
    r.ret_code = code;
    r.ret_msg = std::move(msg);
    return r;
}

/// retCode 10001 with Bybit's "params error: " prefix and our own naming of field and value.
[[nodiscard]] inline api_reply params_error(const std::string& what) {
    return error_reply(ret::params, "params error: " + what);
}

[[nodiscard]] inline std::string envelope_text(const api_reply& r, std::int64_t now_ms) {
    boost::json::object o;
    o["retCode"] = r.ret_code;
    o["retMsg"] = r.ret_msg;
    o["result"] = r.result;
    o["retExtInfo"] = r.ext;
    o["time"] = now_ms;
    return boost::json::serialize(o);
}

}  // namespace mmbot::venue::local
