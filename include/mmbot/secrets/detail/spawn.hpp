// mmbot/secrets/detail/spawn.hpp
//
// Runs a program without a shell and captures its stdout, with a deadline and a size bound.
//
// The command backend hands secrets over a pipe from a program the operator configures (aws, vault,
// pass). posix_spawnp (not fork: safe in a threaded process) runs argv directly, so no argument is
// ever interpreted by a shell. stdin and stderr are /dev/null: the program cannot block on a prompt
// and cannot put a secret on our stderr by mistake. The child gets its own process group so a
// timeout kills wrappers and what they started (`sh -c 'vault ...'`), not just the first process.
// Output goes into wiped memory; it is the secret.
//
//   auto r = detail::run_capture({"pass", "show", "mm-bot/dev/bybit"}, 5000ms, 65536);
//   if (r.outcome == detail::run_outcome::exited && r.status == 0) parse(r.output);
#pragma once

#include "mmbot/secrets/detail/posix.hpp"
#include "mmbot/secrets/detail/wipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

namespace mmbot::secrets::detail {

enum class run_outcome {
    exited,        ///< ran to completion; `status` is its exit status
    signalled,     ///< killed by a signal it did not get from us; `status` is the signal
    timed_out,     ///< still running at the deadline; killed
    too_large,     ///< printed more than the limit; killed
    spawn_failed,  ///< could not start; `error` is the errno
    io_failed,     ///< pipe/poll/read failed; `error` is the errno
};

struct run_result {
    run_outcome outcome = run_outcome::spawn_failed;
    int status = 0;
    int error = 0;
    wiped_string output = make_wiped_string();
};

namespace spawn_impl {

/// RAII for the posix_spawn attribute and file-action objects.
struct spawn_setup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    int error = 0;

    explicit spawn_setup(int stdout_fd) {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
        sigset_t none;
        sigemptyset(&none);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        const auto flags = static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                              POSIX_SPAWN_SETSIGDEF);
        const int steps[] = {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0),
            posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO),
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0),
            posix_spawnattr_setpgroup(&attr, 0),
            posix_spawnattr_setsigmask(&attr, &none),
            posix_spawnattr_setsigdefault(&attr, &defaults),
            posix_spawnattr_setflags(&attr, flags),
        };
        for (const int rc : steps) {
            if (rc != 0 && error == 0) error = rc;
        }
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
    spawn_setup(spawn_setup&&) = delete;
    spawn_setup& operator=(spawn_setup&&) = delete;
    ~spawn_setup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
};

/// Kills the child's process group and reaps the child.
inline void kill_and_reap(pid_t pid) noexcept {
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

using clock = std::chrono::steady_clock;

/// Milliseconds left until `deadline`, 0 once it has passed (a poll timeout).
[[nodiscard]] inline int ms_until(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

/// Starts `argv` with its stdout on `stdout_fd`: the child's pid, or -1 with `result.error` set.
[[nodiscard]] inline pid_t start(const std::vector<std::string>& argv, int stdout_fd,
                                 run_result& result) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    // posix_spawn takes char* const[] for historical reasons; it does not modify the strings.
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT
    args.push_back(nullptr);

    spawn_setup setup{stdout_fd};
    if (setup.error != 0) {
        result.error = setup.error;
        return -1;
    }
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
    if (rc != 0) {
        result.error = rc;
        return -1;
    }
    return pid;
}

/// Reads the child's stdout into `result.output` until EOF: true. False when it had to stop
/// (`result` says why: timed_out, too_large, io_failed); the child is then killed and reaped.
[[nodiscard]] inline bool read_all(int fd, pid_t pid, clock::time_point deadline,
                                   std::size_t max_output, run_result& result) {
    const auto stop = [&](run_outcome outcome, int error) {
        result.outcome = outcome;
        result.error = error;
        kill_and_reap(pid);
        return false;
    };
    read_chunk chunk;
    for (;;) {
        pollfd pfd{fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, ms_until(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return stop(run_outcome::io_failed, errno);
        if (ready == 0) return stop(run_outcome::timed_out, 0);
        const ssize_t n = ::read(fd, chunk.data, sizeof chunk.data);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return stop(run_outcome::io_failed, errno);
        if (n == 0) return true;
        if (result.output.size() + static_cast<std::size_t>(n) > max_output) {
            return stop(run_outcome::too_large, 0);
        }
        result.output.append(chunk.data, static_cast<std::size_t>(n));
    }
}

/// Waits, within the same deadline, for a child whose stdout is closed (it may still be exiting)
/// and records how it ended.
inline void wait_exit(pid_t pid, clock::time_point deadline, run_result& result) {
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status)) {
                result.outcome = run_outcome::exited;
                result.status = WEXITSTATUS(status);
            } else {
                result.outcome = run_outcome::signalled;
                result.status = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            }
            return;
        }
        if (done < 0 && errno != EINTR) {
            result.outcome = run_outcome::io_failed;
            result.error = errno;
            return;
        }
        if (ms_until(deadline) == 0) {
            result.outcome = run_outcome::timed_out;
            kill_and_reap(pid);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace spawn_impl

/// Runs `argv` (argv[0] looked up in PATH) and collects its stdout, as described above.
[[nodiscard]] inline run_result run_capture(const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout,
                                            std::size_t max_output) {
    run_result result;
    if (argv.empty()) {
        result.error = EINVAL;
        return result;
    }
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        result.error = errno;
        return result;
    }
    unique_fd read_end{fds[0]};
    unique_fd write_end{fds[1]};
    const pid_t pid = spawn_impl::start(argv, write_end.get(), result);
    if (pid < 0) return result;
    write_end.reset();  // our copy; EOF arrives when the child (and its children) close theirs

    const auto deadline = spawn_impl::clock::now() + timeout;
    if (spawn_impl::read_all(read_end.get(), pid, deadline, max_output, result)) {
        spawn_impl::wait_exit(pid, deadline, result);
    }
    return result;
}

}  // namespace mmbot::secrets::detail
