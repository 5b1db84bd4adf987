// fuzz/control_request.cpp
//
// Any bytes as a control-socket request line (app/control/request.hpp): parse_request either
// refuses with control_request or returns a request whose wire line parses back to the same
// request. Anything else traps.
#include "mmbot/app/control/request.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    namespace control = mmbot::app::control;
    const auto r = control::parse_request(line);
    if (!r) {
        if (r.error().code != mmbot::app::errc::control_request || r.error().message.empty()) __builtin_trap();
        return 0;
    }
    const auto again = control::parse_request(r->to_line());
    if (!again || again->act != r->act || again->force != r->force || again->reason != r->reason) __builtin_trap();
    return 0;
}
