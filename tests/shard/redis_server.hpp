// tests/shard/redis_server.hpp: a real redis-server for a test, on a free loopback port, in its
// own scratch directory, no persistence. It fails the test (never skips) when redis-server is not
// installed: `./mmw setup` installs it.
//
//   test::redis_server redis;             // started, answering PING
//   redis.endpoint();                     // {"127.0.0.1", port}
//   redis.stop(); redis.start();          // the same port again (a Redis restart, empty)
#pragma once

#include "mmbot/shard/redis_link.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace test {

/// A port nobody listens on now (bound to 0, read back, closed).
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||  // NOLINT
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {         // NOLINT
        throw std::runtime_error("free_port: cannot bind a loopback socket");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

inline std::string redis_server_path() {
    for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
        if (::access(p, X_OK) == 0) return p;
    }
    throw std::runtime_error("redis-server not found: run ./mmw setup (it installs Debian's redis-server)");
}

class redis_server {
public:
    redis_server() : port_(free_port()) { start(); }
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;
    ~redis_server() { stop(); }

    void start() {
        const std::string exe = redis_server_path();
        const char* tmp = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe)
        dir_ = std::string(tmp != nullptr ? tmp : "/tmp") + "/redis-" + std::to_string(port_);
        std::filesystem::create_directories(dir_);
        pid_ = ::fork();
        if (pid_ == 0) {
            const std::string port = std::to_string(port_);
            const std::string log = dir_ + "/redis.log";
            std::vector<const char*> argv = {exe.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1",
                                             "--save", "", "--appendonly", "no", "--dir", dir_.c_str(),
                                             "--loglevel", "warning", "--logfile", log.c_str(), nullptr};
            ::execv(exe.c_str(), const_cast<char* const*>(argv.data()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
            ::_exit(127);
        }
        for (int i = 0; i < 200; ++i) {
            auto link = mmbot::shard::redis_link::open(endpoint(), std::chrono::milliseconds(100));
            if (link && link->command({"PING"})) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("redis-server did not answer PING on port " + std::to_string(port_));
    }

    /// SIGKILL: no goodbye to the clients, as a crash.
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    [[nodiscard]] mmbot::shard::redis_endpoint endpoint() const { return {"127.0.0.1", port_}; }

private:
    int port_;
    pid_t pid_ = -1;
    std::string dir_;
};

}  // namespace test
