// mmbot/net/tls.hpp
//
// TLS client plumbing shared by everything that talks to Bybit over TLS: a client context with
// TLS 1.2 or newer and peer verification against the system trust store, a way to trust one more
// CA (tests, a local venue), and the per-connection setup that makes a stream check the host name
// and send SNI. Nothing here turns verification off: a test trusts its own CA instead.
//
//   boost::asio::ssl::context ctx = mmbot::net::tls_client_context();
//   if (auto ok = mmbot::net::trust_pem_file(ctx, "test-ca.pem"); !ok) ...;
//   boost::beast::ssl_stream<boost::beast::tcp_stream> s{io, ctx};
//   if (auto ok = mmbot::net::prepare_client_stream(s, "stream.bybit.com"); !ok) ...;
//   ... async_handshake(client) ...; on failure: mmbot::net::describe_handshake_failure(s, host, ec)
//
// Users: net::ws_session (the WebSocket streams) and venue/bybit/rest_transport.hpp (REST).
//
// Errors (result error codes):
//   net_tls   the CA file cannot be read or parsed, SNI cannot be set, or (from
//             describe_handshake_failure) the peer certificate or host name did not verify
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/net/errors.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/system/error_code.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace mmbot::net {

/// A client TLS context: TLS 1.2+, peer verification on, the system trust store.
[[nodiscard]] inline boost::asio::ssl::context tls_client_context() {
    boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
    ctx.set_options(boost::asio::ssl::context::default_workarounds |
                    boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                    boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(boost::asio::ssl::verify_peer);
    ctx.set_default_verify_paths();
    return ctx;
}

/// Trusts one more CA certificate (PEM text).
[[nodiscard]] inline core::result<void> trust_pem(boost::asio::ssl::context& ctx,
                                                  std::string_view pem) {
    boost::system::error_code ec;
    ctx.add_certificate_authority(boost::asio::buffer(pem.data(), pem.size()), ec);
    if (ec) return core::make_error(errc::tls, fmt::format("trust_pem: {}", ec.message()));
    return {};
}

/// Trusts the CA certificate in a PEM file (--ca-file).
[[nodiscard]] inline core::result<void> trust_pem_file(boost::asio::ssl::context& ctx,
                                                       const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::make_error(errc::tls, fmt::format("--ca-file: cannot open \"{}\"", path));
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    boost::system::error_code ec;
    ctx.add_certificate_authority(boost::asio::buffer(pem), ec);
    if (ec) {
        return core::make_error(errc::tls, fmt::format("--ca-file: \"{}\" is not a PEM certificate: {}",
                                                       path, ec.message()));
    }
    return {};
}

/// Per-connection setup before the handshake: SNI, verify_peer, and the certificate must name
/// `host` (asio's RFC 2818 host-name verification).
template <class SslStream>
[[nodiscard]] core::result<void> prepare_client_stream(SslStream& s, const std::string& host) {
    if (SSL_set_tlsext_host_name(s.native_handle(), host.c_str()) != 1) {
        return core::make_error(errc::tls, fmt::format("{}: cannot set SNI", host));
    }
    s.set_verify_mode(boost::asio::ssl::verify_peer);
    s.set_verify_callback(boost::asio::ssl::host_name_verification(host));
    return {};
}

/// True when a failed handshake failed because the peer's certificate did not verify.
template <class SslStream>
[[nodiscard]] bool verification_failed(SslStream& s) {
    return SSL_get_verify_result(s.native_handle()) != X509_V_OK;
}

/// The error for a failed client handshake: names the verification failure when there was one.
template <class SslStream>
[[nodiscard]] core::error describe_handshake_failure(SslStream& s, std::string_view where,
                                                     const boost::system::error_code& ec) {
    const long verify = SSL_get_verify_result(s.native_handle());
    if (verify != X509_V_OK) {
        return core::make_error(errc::tls, fmt::format("{}: certificate verification failed: {}",
                                                       where, X509_verify_cert_error_string(verify)));
    }
    return core::make_error(errc::tls, fmt::format("{}: TLS handshake failed: {}", where, ec.message()));
}

}  // namespace mmbot::net
