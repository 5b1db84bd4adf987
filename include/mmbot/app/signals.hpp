// mmbot/app/signals.hpp
//
// Process signals as flags the main loop polls once per turn: SIGINT/SIGTERM ask for a graceful
// shutdown (cancel all, flush the journal, write the report), SIGHUP for a config reload, SIGUSR1
// pulls the kill switch (freeze + cancel all, app/kill_switch.hpp). The handlers only store to
// lock-free atomics, the one thing a signal handler may safely do.
#pragma once

#include <atomic>
#include <csignal>

namespace mmbot::app {

namespace detail {
inline std::atomic<int> shutdown_signal{0};
inline std::atomic<bool> reload_requested{false};
inline std::atomic<bool> kill_requested{false};

extern "C" inline void on_shutdown_signal(int sig) { shutdown_signal.store(sig); }
extern "C" inline void on_reload_signal(int /*sig*/) { reload_requested.store(true); }
extern "C" inline void on_kill_signal(int /*sig*/) { kill_requested.store(true); }
}  // namespace detail

/// Installs the handlers (start-up, once).
inline void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = detail::on_shutdown_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction hup {};
    hup.sa_handler = detail::on_reload_signal;
    sigemptyset(&hup.sa_mask);
    sigaction(SIGHUP, &hup, nullptr);
    struct sigaction usr1 {};
    usr1.sa_handler = detail::on_kill_signal;
    sigemptyset(&usr1.sa_mask);
    sigaction(SIGUSR1, &usr1, nullptr);
}

/// The signal that asked for shutdown, or 0.
[[nodiscard]] inline int shutdown_requested() noexcept { return detail::shutdown_signal.load(); }

/// True once per SIGHUP.
[[nodiscard]] inline bool take_reload_request() noexcept {
    return detail::reload_requested.exchange(false);
}

/// True once per SIGUSR1 (the kill switch's signal).
[[nodiscard]] inline bool take_kill_request() noexcept { return detail::kill_requested.exchange(false); }

}  // namespace mmbot::app
