// mmbot/app/runtime/tls_context.hpp
//
// The TLS client context of a run's connections (live feed, REST, private stream): certificate
// and host-name verification always on; --ca-file adds one trusted CA (a local venue's or a test
// server's). An unreadable or invalid CA file stops the run with exit 6 (feed).
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/net/tls.hpp"

#include <boost/asio/ssl/context.hpp>

namespace mmbot::app {

[[nodiscard]] inline outcome<boost::asio::ssl::context> client_tls(const cli_options& opts) {
    boost::asio::ssl::context tls = net::tls_client_context();
    if (!opts.ca_file.empty()) {
        if (auto ok = net::trust_pem_file(tls, opts.ca_file); !ok) return fail_with(exit_code::feed, ok.error());
    }
    return tls;
}

}  // namespace mmbot::app
