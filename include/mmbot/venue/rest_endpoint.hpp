// mmbot/venue/rest_endpoint.hpp
//
// Where a venue's REST API is and how long to wait for it: one shape for every venue's transport
// (venue/bybit/rest_transport.hpp, venue/binance/rest_transport.hpp). Each venue says its hosts
// per environment; the reply deadlines are the same rule everywhere: order entry is answered in
// milliseconds, so a silent connection may hold the (one-at-a-time) sender only `order_timeout`,
// and a cancel never waits seconds behind a create the venue swallowed.
#pragma once

#include <chrono>
#include <string>

namespace mmbot::venue {

struct rest_endpoint {
    std::string host;
    std::string port = "443";
    std::chrono::milliseconds connect_timeout{3000};
    /// Reply deadline of everything but order entry (instruments, executions, time).
    std::chrono::milliseconds read_timeout{5000};
    /// Reply deadline of order entry (create, cancel, cancel-all, the order query).
    std::chrono::milliseconds order_timeout{1000};
};

}  // namespace mmbot::venue
