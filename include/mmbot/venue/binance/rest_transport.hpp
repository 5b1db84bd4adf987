// mmbot/venue/binance/rest_transport.hpp
//
// HTTPS for the Binance USD-M REST API: signs a request (signer.hpp: "&signature=<hex>" appended
// to the parameter text, X-MBX-APIKEY), sends it over one keep-alive TLS connection
// (net/https_client.hpp) and hands back the status, the body and the headers the gateway's budget
// reads (X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-1M, Retry-After; request_weight.hpp).
//
// A GET or DELETE carries its parameters in the query string, a POST or PUT in an
// application/x-www-form-urlencoded body (requests.hpp); the listenKey endpoints carry the key
// header only. Order entry (the /fapi/v1/order paths and allOpenOrders) gets the endpoint's
// `order_timeout`, everything else `read_timeout` (venue/rest_endpoint.hpp says why).
//
// Failures (the HTTPS client's, under this adapter's labels; what the gateway may assume):
//   binance_not_sent          nothing was written (resolve, connect, deadline passed, no signer)
//   binance_tls               certificate or host name did not verify (not sent)
//   binance_stale_connection  the kept-alive connection was gone, twice (not sent)
//   binance_timeout           written, no complete answer in time: the outcome is unknown
// A refusal is an answer, not a failure: check_answer (responses.hpp) classifies it.
//
//   rest_transport t{io, default_endpoint<env::testnet>(), tls};
//   rest_request req; write_create(order, now_ms, 5000ms, req);
//   auto a = t.send(req, &signer);        // result<http_response>
//   if (auto ok = check_answer(a->status, a->body); !ok) ...
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/net/errors.hpp"
#include "mmbot/net/https_client.hpp"
#include "mmbot/venue/binance/errors.hpp"
#include "mmbot/venue/binance/request_weight.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/signer.hpp"
#include "mmbot/venue/rest_endpoint.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmbot::venue::binance {

inline constexpr std::string_view header_order_count_1m = "X-MBX-ORDER-COUNT-1M";

struct http_response {
    unsigned status = 0;
    std::string body;
    /// Header texts as received; empty when absent (request_weight::on_response takes them so).
    std::string used_weight_1m;
    std::string order_count_1m;
    std::string retry_after;
};

/// Whether `path` is order entry (the short reply deadline).
[[nodiscard]] constexpr bool is_order_entry(std::string_view path) noexcept {
    return path == path_order || path == path_all_open_orders;
}

class rest_transport {
public:
    rest_transport(boost::asio::io_context& io, const rest_endpoint& ep, boost::asio::ssl::context& tls)
        : ep_(ep), client_(io, net::https_host{ep.host, ep.port, ep.connect_timeout}, tls) {}

    /// Bounds every later send() by `d`; after it nothing is sent (binance_not_sent). Any thread.
    void set_deadline(std::chrono::steady_clock::time_point d) noexcept { client_.set_deadline(d); }
    /// Ends the send() in flight on another thread (binance_timeout). Any thread.
    void cancel_in_flight() { client_.cancel_in_flight(); }

    /// Sends `req`, signed with `s` when it is a SIGNED request (and with its key header for the
    /// listenKey ones). `s` may be null only for public requests.
    [[nodiscard]] core::result<http_response> send(const rest_request& req, signer* s) {
        const bool keyed = req.signed_request || req.path == path_listen_key;
        if (keyed && s == nullptr) {
            return core::make_error(errc::not_sent, fmt::format("{}: needs a signer", req.path));
        }
        std::string params = req.params;
        if (req.signed_request) {
            if (auto ok = s->append_signature(params); !ok) return ok.error();
        }
        std::string target{req.path};
        const bool in_query = req.params_in_query();
        if (in_query && !params.empty()) {
            target += '?';
            target += params;
        }
        net::https_request msg{verb_of(req.method), target,
                               in_query ? std::string_view{} : std::string_view{"application/x-www-form-urlencoded"},
                               in_query ? std::string_view{} : std::string_view{params},
                               {}};
        if (keyed) {
            s->write_headers([&](std::string_view name, std::string_view value) { msg.headers.emplace_back(name, value); });
        }
        auto a = client_.exchange(msg, is_order_entry(req.path) ? ep_.order_timeout : ep_.read_timeout);
        if (!a) return core::make_error(code_of(a.error().code), std::move(a.error().message));
        http_response out;
        out.status = a->status;
        out.body = std::move(a->body);
        out.used_weight_1m = a->header(header_used_weight_1m).value_or("");
        out.order_count_1m = a->header(header_order_count_1m).value_or("");
        out.retry_after = a->header(header_retry_after).value_or("");
        return out;
    }

    [[nodiscard]] bool connected() const noexcept { return client_.connected(); }
    [[nodiscard]] std::int64_t connects() const noexcept { return client_.connects(); }
    void close() { client_.close(); }

private:
    [[nodiscard]] static net::http_verb verb_of(http_method m) noexcept {
        switch (m) {
            case http_method::get: return net::http_verb::get;
            case http_method::post: return net::http_verb::post;
            case http_method::put: return net::http_verb::put;
            case http_method::del: return net::http_verb::del;
        }
        return net::http_verb::get;
    }
    [[nodiscard]] static core::error_code code_of(core::error_code c) noexcept {
        if (c == net::errc::timeout) return errc::timeout;
        if (c == net::errc::tls) return errc::tls;
        if (c == net::errc::stale_connection) return errc::stale_connection;
        return errc::not_sent;
    }

    rest_endpoint ep_;
    net::https_client client_;
};

}  // namespace mmbot::venue::binance
