// mmbot-ctl: talk to a running mmbot-shadow, mmbot-testnet or mmbot-live over its control socket.
// The command line (app/control/ctl_cli.hpp), one request and its reply (app/control/client.hpp),
// the status as text (app/control/status_text.hpp); exit codes in app/exit_codes.hpp (ctl_exit).
#include "mmbot/app/control/client.hpp"
#include "mmbot/app/control/ctl_cli.hpp"
#include "mmbot/app/control/status_text.hpp"
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/shard/kill_all.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace mmbot;
using app::ctl_exit;

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int /*sig*/) { interrupted = 1; }

int fail(const core::error& e) {
    fmt::print(stderr, "mmbot-ctl: error: {}: {}\n", e.code.name(), e.message);
    return app::exit_status(app::ctl_exit_for(e.code));
}

/// One request; prints the outcome. Returns the exit code.
int once(const app::control::ctl_options& o, bool clear_screen) {
    auto got = app::control::ask(o.socket, o.req, o.timeout);
    if (!got) return fail(got.error());
    if (got->refusal) {
        fmt::print(stderr, "mmbot-ctl: {} refused: {}: {}\n", app::control::command_word(o.req.act),
                   got->refusal->label, got->refusal->message);
        return app::exit_status(app::ctl_exit_for(got->refusal->code));
    }
    if (o.req.act != app::control::action::status) {
        fmt::print("{}: {} (state {})\n", app::control::command_word(o.req.act),
                   app::control::detail::text_of(got->reply, "result"), app::control::detail::text_of(got->reply, "state"));
        return 0;
    }
    if (o.json) {
        fmt::print("{}\n", boost::json::serialize(got->reply));
    } else {
        std::string text;
        try {
            text = app::control::render_status(got->reply);
        } catch (const std::exception&) {  // a field missing or of another type: not our protocol
            return fail(core::make_error(app::errc::control_unreachable,
                                         fmt::format("control socket \"{}\": the status reply has an unexpected shape",
                                                     o.socket)));
        }
        fmt::print("{}{}", clear_screen ? "\x1b[H\x1b[2J" : "", text);
    }
    std::fflush(stdout);
    return 0;
}

/// kill --all (or --clear) through the deployment's Redis: every shard, not one socket.
int kill_all(const app::control::ctl_options& o) {
    auto link = shard::redis_link::open({o.redis_host, o.redis_port}, o.timeout);
    if (!link) return fail(link.error());
    const shard::key_space keys(o.name_space);
    const std::string reason = o.req.reason.empty() ? std::string("operator") : o.req.reason;
    auto sent = o.clear ? shard::clear_kill(*link, keys) : shard::kill_all(*link, keys, reason);
    if (!sent) return fail(sent.error());
    if (o.clear) {
        fmt::print("kill --all --clear: {} cleared, {} shard(s) told; each stays frozen until unfrozen\n", keys.kill(),
                   *sent);
    } else {
        fmt::print("kill --all: {} = \"{}\", {} shard(s) listening now; it stays in force until kill --all --clear\n",
                   keys.kill(), reason, *sent);
    }
    return 0;
}

int run_main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    // Read before any thread exists (mmbot-ctl has none), so getenv's lack of locking is harmless.
    auto opts = app::control::parse_ctl_args(args, std::getenv("MMBOT_CONTROL_SOCKET"));  // NOLINT(concurrency-mt-unsafe)
    if (!opts) {
        fmt::print(stderr, "mmbot-ctl: error: {}\n{}", opts.error().message, app::control::ctl_usage);
        return app::exit_status(ctl_exit::usage);
    }
    if (opts->help) {
        fmt::print("{}", app::control::ctl_usage);
        return 0;
    }
    if (opts->all) return kill_all(*opts);
    if (!opts->watch) return once(*opts, false);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    while (interrupted == 0) {
        if (const int rc = once(*opts, !opts->json); rc != 0) return rc;
        for (auto left = opts->interval; left.count() > 0 && interrupted == 0; left -= std::chrono::milliseconds(50)) {
            std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run_main(argc, argv);
    } catch (const std::exception& e) {
        std::fputs("mmbot-ctl: internal error: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("mmbot-ctl: internal error\n", stderr);
    }
    return app::exit_status(ctl_exit::internal);
}
