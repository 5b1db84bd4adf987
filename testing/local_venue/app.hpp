// testing/local_venue/app.hpp
//
// The mmbot-local-venue program (targets/local_venue/main.cpp calls run_main): flags, credentials,
// the TLS identity, the capture, then the server until SIGINT or SIGTERM (exit 0). Exit 2 on a
// usage or start-up error, printed as one line "mmbot-local-venue: <code>: <message>" on stderr.
//
// Stdout gets one line once listening:
//   mmbot-local-venue listening on 127.0.0.1:<port> (REST https://, WebSocket wss:// /v5/private,
//   /v5/public/linear)
// or, with --protocol binance:
//   mmbot-local-venue listening on 127.0.0.1:<port> (Binance USD-M: REST https:// /fapi, WebSocket
//   wss:// /ws/<listenKey>, /ws/<stream>, /stream?streams=)
// With --state, stderr says what was restored at start and saved at the stop; a state file that
// cannot be read at start or written at the stop is an error (exit 2, naming the file and field).
// The API key and secret are never printed; --cert-out gets only the certificate, never the key.
#pragma once

#include "mmbot/app/exit_codes.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/detail/wipe.hpp"
#include "mmbot/secrets/secret_string.hpp"
#include "mmbot/venue/binance/signer.hpp"
#include "mmbot/venue/bybit/signer.hpp"
#include "testing/local_venue/capture_feed.hpp"
#include "testing/local_venue/cert.hpp"
#include "testing/local_venue/errors.hpp"
#include "testing/local_venue/instruments.hpp"
#include "testing/local_venue/options.hpp"
#include "testing/local_venue/server.hpp"
#include "testing/local_venue/state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::venue::local {

/// --credentials-file, or --api-key with the first line of --api-secret-file.
[[nodiscard]] inline core::result<secrets::credentials> load_credentials(const venue_options& o) {
    const std::string& path = o.credentials_file.empty() ? o.api_secret_file : o.credentials_file;
    auto text = read_text_file(path);
    if (!text) return text.error();
    if (!o.credentials_file.empty()) {
        auto c = secrets::parse_credentials_text(*text, fmt::format("--credentials-file {}", path));
        secrets::detail::wipe(*text);
        return c;
    }
    std::string_view secret = *text;
    secret = secret.substr(0, secret.find_first_of("\r\n"));
    if (secret.empty()) {
        secrets::detail::wipe(*text);
        return core::make_error(errc::usage,
                                fmt::format("--api-secret-file {}: the first line is empty", path));
    }
    secrets::credentials c{secrets::secret_string{std::string_view{o.api_key}},
                           secrets::secret_string{secret}};
    secrets::detail::wipe(*text);
    return c;
}

/// The exchange the flags describe: instruments (--config), latencies, fees, starting coins.
/// `started_ms` leads its ids (the venue's own clock).
[[nodiscard]] inline core::result<exchange_options> exchange_options_of(const venue_options& o,
                                                                        std::int64_t started_ms) {
    exchange_options ex;
    if (!o.config.empty()) {
        auto text = read_text_file(o.config);
        if (!text) return text.error();
        auto list = load_instruments(*text, o.config);
        if (!list) return list.error();
        ex.instruments = std::move(*list);
    }
    ex.sim.place_latency = std::chrono::milliseconds{o.latency_ms};
    ex.sim.cancel_latency = std::chrono::milliseconds{o.latency_ms};
    ex.sim.maker_fee_rate = o.maker_fee;
    ex.sim.taker_fee_rate = o.taker_fee;
    ex.id_epoch = static_cast<std::uint64_t>(started_ms);
    if (!o.balances.empty()) ex.start_balances = o.balances;
    ex.link_ids_unique_among_open = o.protocol == wire_protocol::binance;
    return ex;
}

/// --state at the start: the saved exchange, when the file exists.
[[nodiscard]] inline core::result<void> restore_at_start(const venue_options& o, venue_core& core) {
    if (o.state.empty()) return {};
    auto restored = restore_state(o.state, core.ex, wall_now());
    if (!restored) return restored.error();
    if (restored->orders > 0) {
        fmt::print(stderr, "mmbot-local-venue: restored {} orders ({} open) from {}\n", restored->orders,
                   restored->open, o.state);
    }
    return {};
}

/// --state at the stop.
[[nodiscard]] inline core::result<void> save_at_stop(const venue_options& o, const venue_core& core) {
    if (o.state.empty()) return {};
    if (auto saved = save_state(o.state, core.ex.state()); !saved) return saved.error();
    fmt::print(stderr, "mmbot-local-venue: saved {} orders to {}\n", core.ex.orders().size(), o.state);
    return {};
}

/// Sets everything up and serves until SIGINT / SIGTERM.
[[nodiscard]] inline core::result<void> run(const venue_options& o) {
    auto creds = load_credentials(o);
    if (!creds) return creds.error();
    auto signer = bybit::signer::make(std::move(*creds));
    if (!signer) return signer.error();
    const std::int64_t started_ms = detail::to_ms(wall_now());
    auto ex = exchange_options_of(o, started_ms);
    if (!ex) return ex.error();

    auto id = o.cert.empty() ? make_self_signed() : load_identity(o.cert, o.key);
    if (!id) return id.error();
    if (!o.cert_out.empty()) {
        if (auto ok = write_text_file(o.cert_out, id->cert_pem); !ok) return ok.error();
    }
    auto tls = tls_server_context(*id);
    if (!tls) return tls.error();

    const bool binance_protocol = o.protocol == wire_protocol::binance;
    std::unique_ptr<capture_feed> capture;
    std::unique_ptr<binance_capture> bn_capture;
    std::unique_ptr<binance_front> bn_front;
    if (binance_protocol) {
        auto again = load_credentials(o);
        if (!again) return again.error();
        auto bn_signer = binance::signer::make(std::move(*again));
        if (!bn_signer) return bn_signer.error();
        bn_front = std::make_unique<binance_front>(
            binance_access{std::move(*bn_signer), o.rate_limits, std::chrono::seconds{o.listen_key_ttl_s}});
        if (!o.capture.empty()) {
            auto c = binance_capture::open(o.capture, o.speed, o.loop);
            if (!c) return c.error();
            bn_capture = std::move(*c);
        }
    } else if (!o.capture.empty()) {
        auto c = capture_feed::open(o.capture, o.speed, o.loop);
        if (!c) return c.error();
        capture = std::move(*c);
    }

    venue_core core{std::move(*ex), std::move(*signer), o.rate_limits, o.seed};
    core.started_ms = started_ms;
    core.state_path = o.state;
    for (const auto& f : o.faults) core.faults.add(f);
    if (auto ok = restore_at_start(o, core); !ok) return ok.error();

    boost::asio::io_context io;
    std::unique_ptr<server> srv;
    try {
        srv = binance_protocol
                  ? std::make_unique<server>(io, core, **tls, binance_side{bn_front.get(), bn_capture.get()}, o.port)
                  : std::make_unique<server>(io, core, **tls, capture.get(), o.port);
    } catch (const boost::system::system_error& e) {
        return core::make_error(errc::listen,
                                fmt::format("127.0.0.1:{}: {}", o.port, e.code().message()));
    }
    srv->start();
    if (!o.port_file.empty()) {
        if (auto ok = write_text_file(o.port_file, fmt::format("{}\n", srv->port())); !ok) {
            return ok.error();
        }
    }
    fmt::print("mmbot-local-venue listening on 127.0.0.1:{} ({})\n", srv->port(),
               binance_protocol ? "Binance USD-M: REST https:// /fapi, WebSocket wss:// /ws/<listenKey>, /ws/<stream>, "
                                  "/stream?streams="
                                : "REST https://, WebSocket wss:// /v5/private, /v5/public/linear");
    std::fflush(stdout);

    boost::asio::signal_set signals{io};
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int /*signo*/) {
        if (ec) return;
        srv->stop();
        io.stop();
    });
    io.run();
    return save_at_stop(o, core);
}

/// main() of mmbot-local-venue: 0 after a signal, 2 on a usage or start-up error.
[[nodiscard]] inline int run_main(int argc, char** argv) noexcept {
    try {
        std::vector<std::string_view> args;
        for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
        auto o = parse_options(args);
        if (!o) {
            fmt::print(stderr, "mmbot-local-venue: {}: {}\n{}", o.error().code, o.error().message,
                       usage_text);
            return app::exit_status(app::local_venue_exit::start_failed);
        }
        if (o->help) {
            fmt::print("{}", usage_text);
            return app::exit_status(app::local_venue_exit::ok);
        }
        if (auto ok = run(*o); !ok) {
            fmt::print(stderr, "mmbot-local-venue: {}: {}\n", ok.error().code, ok.error().message);
            return app::exit_status(app::local_venue_exit::start_failed);
        }
        return app::exit_status(app::local_venue_exit::ok);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mmbot-local-venue: internal error: %s\n", e.what());
        return app::exit_status(app::local_venue_exit::internal);
    } catch (...) {
        std::fprintf(stderr, "mmbot-local-venue: internal error\n");
        return app::exit_status(app::local_venue_exit::internal);
    }
}

}  // namespace mmbot::venue::local
