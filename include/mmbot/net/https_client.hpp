// mmbot/net/https_client.hpp
//
// One keep-alive HTTPS connection to one host, a synchronous exchange per request with connect and
// reply deadlines: the transport under every venue's REST adapter (venue/bybit/rest_transport.hpp,
// venue/binance/rest_transport.hpp). The adapters build the request (path, parameters, signature
// headers) and read the answer; this knows only HTTP/1.1 over TLS.
//
// TLS: 1.2 or newer only, the peer certificate verified (verify_peer), the host name checked
// against it, SNI set (net/tls.hpp). Nothing here turns verification off.
//
// A failure's code tells the caller what it may assume about the request:
//   net_not_sent          nothing was written (resolve, connect, the deadline already passed)
//   net_tls               certificate or host-name verification, or the handshake, failed (not sent)
//   net_stale_connection  the kept-alive connection was closed before the write (not sent); the
//                         exchange has already retried once on a fresh connection
//   net_timeout           written, no complete answer in time: the outcome is unknown
// A connection that failed or timed out is dropped; the next exchange opens a new one.
// set_deadline(t) bounds every later exchange by t (the orderly stop's deadline); after t nothing
// is sent. cancel_in_flight() ends an exchange already waiting (from another thread).
//
// The declaration is light; the Beast definitions are in impl/https_client.hpp, compiled once in
// our build (core/compiled.hpp) and included here in a header-only one.
//
//   net::https_client c{io, {"api.bybit.com"}, tls};
//   net::https_request r{http_verb::post, "/v5/order/create", "application/json", body, headers};
//   auto a = c.exchange(r, std::chrono::seconds{1});   // result<https_answer>
#pragma once
#ifndef MMBOT_NET_HTTPS_CLIENT_HPP
#define MMBOT_NET_HTTPS_CLIENT_HPP

#include "mmbot/core/compiled.hpp"
#include "mmbot/core/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::net {

enum class http_verb : std::uint8_t { get, post, put, del };

struct https_host {
    std::string host;
    std::string port = "443";
    std::chrono::milliseconds connect_timeout{3000};
};

/// One request as it goes on the wire. `target` is the path with its query string.
struct https_request {
    http_verb verb = http_verb::get;
    std::string_view target;
    /// Content-Type; not sent when empty.
    std::string_view content_type;
    std::string_view body;
    /// Extra header fields (signatures, api keys), in order.
    std::vector<std::pair<std::string, std::string>> headers;
};

struct https_answer {
    unsigned status = 0;
    std::string body;
    /// Every header field of the answer, names as the server wrote them.
    std::vector<std::pair<std::string, std::string>> headers;

    /// The first field named `name` (case-insensitive, as HTTP field names are).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

class https_client {
public:
    /// Largest answer body accepted (a full instruments or exchangeInfo page is well under).
    static constexpr std::uint64_t max_body_bytes = std::uint64_t{8} * 1024 * 1024;

    https_client(boost::asio::io_context& io, https_host host, boost::asio::ssl::context& tls);
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;
    https_client(https_client&&) = delete;
    https_client& operator=(https_client&&) = delete;
    ~https_client();

    /// Bounds every later exchange by `d` (steady clock); after `d` nothing is sent. Any thread.
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept;
    /// Ends the exchange in flight on another thread now (net_timeout). Any thread.
    void cancel_in_flight();

    /// Writes `r` and reads its answer within `reply_timeout` (or the deadline, if sooner),
    /// connecting first when no kept-alive connection is open.
    [[nodiscard]] core::result<https_answer> exchange(const https_request& r,
                                                      std::chrono::milliseconds reply_timeout);

    [[nodiscard]] const https_host& host() const noexcept;
    [[nodiscard]] bool connected() const noexcept;
    [[nodiscard]] std::int64_t connects() const noexcept;
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace mmbot::net

#if !defined(MMBOT_SEPARATE_COMPILATION)
#include "mmbot/net/impl/https_client.hpp"
#endif

#endif  // MMBOT_NET_HTTPS_CLIENT_HPP
