// The control socket and its protocol (app/control/): request parsing on both ends, mmbot-ctl's
// command line, the Unix socket (0600, long paths, stale and live sockets), a request and reply
// over a real socket, and the operator desk's actions, refusals, metric, log and journal records
// against a loop stand-in holding a real risk::monitor and order store.
#define BOOST_TEST_MODULE control
#include "mmbot/app/control/client.hpp"
#include "mmbot/app/control/ctl_cli.hpp"
#include "mmbot/app/control/operator_desk.hpp"
#include "mmbot/app/control/status_text.hpp"
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/obs/clock.hpp"
#include "mmbot/obs/json_log.hpp"
#include "mmbot/obs/metrics.hpp"
#include "mmbot/risk/gate.hpp"
#include "mmbot/risk/monitor.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace ctl = mmbot::app::control;
namespace core = mmbot::core;
namespace engine = mmbot::engine;
namespace risk = mmbot::risk;
using namespace std::chrono_literals;

namespace {

std::string scratch(std::string_view name) {
    const char* t = std::getenv("TEST_TMPDIR");
    std::string p = std::string(t != nullptr ? t : "/tmp") + "/" + std::string(name);
    ::unlink(p.c_str());
    return p;
}

core::result<ctl::ctl_options> ctl_args(std::vector<std::string_view> a, const char* env = nullptr) {
    return ctl::parse_ctl_args(a, env);
}

/// A breaking condition the stand-in's state check reports while `breaking` is set.
struct drill_check : risk::state_only_check<drill_check> {
    static constexpr std::string_view name = "drill_limit";
    bool* breaking = nullptr;
    [[nodiscard]] risk::verdict check_state(const risk::symbol_view& /*s*/, const risk::bot_view& /*b*/) const {
        if (breaking != nullptr && *breaking) return risk::verdict::make(risk::action::freeze, name, 7, 5);
        return risk::verdict::ok();
    }
};

/// What the desk reads and calls on an engine::execution_loop, over a real monitor and store.
struct loop_stand_in {
    bool breaking = false;
    risk::monitor<risk::gate<drill_check>> mon{risk::gate<drill_check>(drill_check{{}, &breaking})};
    engine::order_store orders;
    risk::symbol_limits limits;
    risk::global_limits global;
    std::vector<std::string> cancels;

    loop_stand_in() {
        limits.max_position_qty = core::quantity::parse("0.01").value();
        (void)orders.apply(engine::new_order{"mm-test-1", "BTCUSDT", core::side::buy,
                                             core::price::parse("65000.1").value(),
                                             core::quantity::parse("0.001").value(), 1ns});
    }
    [[nodiscard]] engine::bot_state state() const { return mon.frozen() ? engine::bot_state::freeze : engine::bot_state::running; }
    [[nodiscard]] const auto& monitor() const { return mon; }
    [[nodiscard]] const engine::order_store& store() const { return orders; }
    [[nodiscard]] std::vector<risk::symbol_view> risk_views() const {
        risk::symbol_view v;
        v.symbol = "BTCUSDT";
        v.position = core::quantity::parse("0.002").value();
        v.mid = core::price::parse("65000").value();
        v.last_book_update = 1s;
        v.limits = &limits;
        return {v};
    }
    [[nodiscard]] risk::bot_view risk_bot_view(std::chrono::nanoseconds now) const {
        risk::bot_view b;
        b.now = now;
        b.limits = &global;
        return b;
    }
    [[nodiscard]] std::optional<risk::verdict> breaking_condition(std::chrono::nanoseconds now) const {
        const auto views = risk_views();
        const auto v = mon.gate().check_state(views.front(), risk_bot_view(now));
        if (v.act == risk::action::freeze) return v;
        return std::nullopt;
    }
    void freeze(const risk::freeze_reason& r, std::chrono::nanoseconds now) { mon.freeze_manually(r, now); }
    bool unfreeze(std::chrono::nanoseconds /*now*/) { return mon.unfreeze(); }
    std::int64_t cancel_all(std::string_view reason, std::chrono::nanoseconds /*now*/) {
        cancels.emplace_back(reason);
        return 1;
    }
};

/// A desk on a real socket, a real journal and a real metrics registry; ask() from this thread
/// while a second thread polls the desk (the bot's loop).
struct desk_fixture {
    std::string socket = scratch("desk.ctl");
    std::string journal_path = scratch("desk.journal");
    mmbot::obs::string_sink sink;
    mmbot::obs::fake_clock clock;
    mmbot::obs::json_logger<mmbot::obs::fake_clock> log{sink, clock, mmbot::obs::log_level::debug};
    mmbot::obs::registry reg;
    mmbot::obs::mm_metrics metrics{reg};
    engine::journal journal = engine::journal::open(journal_path, "testnet", {}).value().log;
    loop_stand_in loop;
    bool kill_file = false;
    ctl::session_controls controls{[this] { return kill_file; },
                                   [] { return core::result<std::string>(std::string("config reloaded")); }};
    ctl::operator_desk<mmbot::obs::json_logger<mmbot::obs::fake_clock>> desk{
        ctl::control_server::open(socket).value(), "testnet", log, metrics, journal};

    /// One request, answered by the desk polled on another thread.
    ctl::answer ask(ctl::request r) {
        std::atomic<bool> done{false};
        std::thread bot([&] {
            while (!done.load()) {
                desk.poll(loop, 5s, controls);
                std::this_thread::sleep_for(1ms);
            }
        });
        auto a = ctl::ask(socket, r, 2000ms);
        done.store(true);
        bot.join();
        BOOST_TEST_REQUIRE(a.has_value(), (a ? "" : a.error().message));
        return std::move(*a);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(requests_parse_and_bad_ones_name_the_word) {
    auto r = ctl::parse_request("unfreeze --force");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST((r->act == ctl::action::unfreeze && r->force));
    r = ctl::parse_request("freeze --reason maintenance:window-2");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->reason == "maintenance:window-2");
    BOOST_TEST(ctl::parse_request(r->to_line())->reason == r->reason);  // round trip
    BOOST_TEST((ctl::parse_request("cancel-all")->act == ctl::action::cancel_all));

    const auto error_of = [](std::string_view line) { return ctl::parse_request(line).error(); };
    BOOST_TEST(error_of("flatten").message.find("unknown action \"flatten\"") != std::string::npos);
    BOOST_TEST(error_of("freeze --force").message == "freeze: unexpected \"--force\"");
    BOOST_TEST(error_of("kill --reason").message == "--reason: missing value");
    BOOST_TEST(error_of("kill --reason a/b").message.find("got \"a/b\"") != std::string::npos);
    BOOST_TEST(error_of("").message == "empty request");
    BOOST_TEST(error_of("status\x01").message.find("0x01") != std::string::npos);
    BOOST_TEST(error_of(std::string(2000, 'a')).message.find("longer than 1024") != std::string::npos);
    BOOST_TEST(error_of("status x").code == mmbot::app::errc::control_request);
}

BOOST_AUTO_TEST_CASE(ctl_command_line) {
    auto o = ctl_args({"--socket", "/run/x.ctl", "status", "--watch", "--interval-ms", "500"});
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST((o->watch && o->interval == 500ms && o->socket == "/run/x.ctl"));
    o = ctl_args({"unfreeze", "--force"}, "/env.ctl");
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST((o->socket == "/env.ctl" && o->req.force));

    const auto error_of = [](std::vector<std::string_view> a) { return ctl_args(std::move(a), "/s").error().message; };
    BOOST_TEST(error_of({"freeze", "--force"}) == "--force: not an option of freeze");
    BOOST_TEST(error_of({"status", "--interval-ms", "500"}) == "--interval-ms: not an option of status without --watch");
    BOOST_TEST(error_of({"status", "kill"}) == "\"kill\": one command only");
    BOOST_TEST(error_of({"flatten"}).find("unknown command \"flatten\"") != std::string::npos);
    BOOST_TEST(error_of({"status", "--timeout-ms", "0"}).find("--timeout-ms: expected") != std::string::npos);
    BOOST_TEST(error_of({"kill", "--reason", "two words"}).find("got \"two words\"") != std::string::npos);
    BOOST_TEST(error_of({}) .find("missing command") != std::string::npos);
    BOOST_TEST(ctl_args({"status"}).error().message == "--socket: required (or set MMBOT_CONTROL_SOCKET)");
    BOOST_TEST(ctl_args({"--help"})->help);
}

// kill --all goes through Redis: no socket; its options only with it.
BOOST_AUTO_TEST_CASE(ctl_kill_all_command_line) {
    auto o = ctl_args({"kill", "--all", "--redis", "10.0.0.5:6380", "--namespace", "prod", "--reason", "incident"});
    BOOST_TEST_REQUIRE(o.has_value(), (o ? "" : o.error().message));
    BOOST_TEST((o->all && !o->clear && o->redis_host == "10.0.0.5" && o->redis_port == 6380));
    BOOST_TEST((o->name_space == "prod" && o->req.reason == "incident" && o->socket.empty()));
    o = ctl_args({"kill", "--all", "--clear"});
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST((o->clear && o->redis_host == "127.0.0.1" && o->redis_port == 6379 && o->name_space == "mmbot"));
    const auto error_of = [](std::vector<std::string_view> a) { return ctl_args(std::move(a), "/s").error().message; };
    BOOST_TEST(error_of({"kill", "--clear"}) == "--clear: not an option of kill without --all");
    BOOST_TEST(error_of({"freeze", "--all"}) == "--all: not an option of freeze");
    BOOST_TEST(error_of({"kill", "--all", "--socket", "/x.ctl"}) == "--socket: not an option of kill --all");
    BOOST_TEST(error_of({"kill", "--all", "--redis", "nohost"}) == "--redis: expected HOST:PORT, got \"nohost\"");
    BOOST_TEST(error_of({"kill", "--all", "--redis", "h:0"}) == "--redis: expected HOST:PORT, got \"h:0\"");
}

BOOST_AUTO_TEST_CASE(socket_is_0600_and_long_paths_work) {
    // Deeper than sun_path's 107 bytes: reached through /proc/self/fd/<dir>/<name>.
    std::string dir = scratch("") + std::string(120, 'd');
    ::mkdir(dir.c_str(), 0700);
    const std::string path = dir + "/bot.ctl";
    BOOST_TEST_REQUIRE(path.size() > 108);
    {
        auto server = ctl::control_server::open(path);
        BOOST_TEST_REQUIRE(server.has_value(), (server ? "" : server.error().message));
        struct stat st {};
        BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 0777) == 0600u);
        // A second bot on the same path is refused while the first answers.
        auto second = ctl::control_server::open(path);
        BOOST_TEST_REQUIRE(!second.has_value());
        BOOST_TEST(second.error().message.find("another process answers on it") != std::string::npos);
        BOOST_TEST(second.error().code == mmbot::app::errc::control_socket);
        BOOST_TEST((mmbot::app::exit_code_for(second.error().code, mmbot::app::exit_code::runtime) ==
                    mmbot::app::exit_code::usage));
    }
    struct stat st {};
    BOOST_TEST(::stat(path.c_str(), &st) != 0);  // removed with its server
}

BOOST_AUTO_TEST_CASE(stale_socket_is_replaced_and_a_file_is_not) {
    const std::string path = scratch("stale.ctl");
    {
        auto fd = ctl::listen_unix(path);  // a bot that died without cleaning up: file, no listener
        BOOST_TEST_REQUIRE(fd.has_value());
    }
    BOOST_TEST(ctl::control_server::open(path).has_value());
    const std::string file = scratch("plain.ctl");
    { std::ofstream(file) << "not a socket"; }
    auto refused = ctl::control_server::open(file);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().message.find("exists and is not a socket") != std::string::npos);
    const auto nobody = ctl::ask(scratch("nobody.ctl"), {}, 200ms);
    BOOST_TEST_REQUIRE(!nobody.has_value());
    BOOST_TEST(nobody.error().code == mmbot::app::errc::control_unreachable);
    BOOST_TEST((mmbot::app::ctl_exit_for(nobody.error().code) == mmbot::app::ctl_exit::unreachable));
}

BOOST_AUTO_TEST_CASE(status_shows_position_orders_and_headroom) {
    desk_fixture f;
    const auto a = f.ask({ctl::action::status, false, {}});
    BOOST_TEST(!a.refusal.has_value());
    BOOST_TEST(ctl::detail::text_of(a.reply, "state") == "RUNNING");
    const auto& sym = a.reply.at("symbols").as_array().at(0).as_object();
    BOOST_TEST(ctl::detail::text_of(sym, "position") == "0.002");
    BOOST_TEST(sym.at("open_orders").as_array().size() == 1u);
    const auto& first = sym.at("limits").as_array().at(0).as_object();
    BOOST_TEST(ctl::detail::text_of(first, "limit") == "max_position_qty");
    BOOST_TEST(ctl::detail::text_of(first, "headroom") == "0.008");
    const std::string text = ctl::render_status(a.reply);
    BOOST_TEST(text.find("mmbot-testnet  state RUNNING") != std::string::npos, text);
    BOOST_TEST(text.find("max_position_qty") != std::string::npos);
    BOOST_TEST(f.metrics.operator_actions.with({"status"}).value() == 1u);
}

BOOST_AUTO_TEST_CASE(freeze_unfreeze_and_refusals) {
    desk_fixture f;
    auto a = f.ask({ctl::action::freeze, false, "drill"});
    BOOST_TEST(!a.refusal.has_value());
    BOOST_TEST(f.loop.mon.frozen());
    BOOST_TEST(f.loop.mon.last_freeze()->reason == "operator_freeze");
    BOOST_TEST(!f.loop.mon.cool_down(std::chrono::hours(1000)));  // operator_only: no cool-down

    f.loop.breaking = true;  // the condition holds: refused, naming it
    a = f.ask({ctl::action::unfreeze, false, {}});
    BOOST_TEST_REQUIRE(a.refusal.has_value());
    BOOST_TEST(a.refusal->message.find("drill_limit still holds (observed 7, limit 5)") != std::string::npos,
               a.refusal->message);
    BOOST_TEST((mmbot::app::ctl_exit_for(a.refusal->code) == mmbot::app::ctl_exit::refused));
    BOOST_TEST(f.loop.mon.frozen());

    f.kill_file = true;  // the kill-switch file: refused even with --force
    a = f.ask({ctl::action::unfreeze, true, {}});
    BOOST_TEST_REQUIRE(a.refusal.has_value());
    BOOST_TEST(a.refusal->message.find("kill-switch file") != std::string::npos);
    f.kill_file = false;

    a = f.ask({ctl::action::unfreeze, true, {}});  // forced: unfrozen, the reply says what it risks
    BOOST_TEST(!a.refusal.has_value());
    BOOST_TEST(ctl::detail::text_of(a.reply, "result").find("forced while drill_limit") != std::string::npos);
    BOOST_TEST(!f.loop.mon.frozen());

    a = f.ask({ctl::action::unfreeze, false, {}});  // not frozen
    BOOST_TEST_REQUIRE(a.refusal.has_value());
    BOOST_TEST(a.refusal->label == "control_refused");

    a = f.ask({ctl::action::kill, false, {}});
    BOOST_TEST(f.loop.mon.last_freeze()->reason == "kill_switch_operator");
    a = f.ask({ctl::action::cancel_all, false, {}});
    BOOST_TEST(f.loop.cancels == std::vector<std::string>{"operator_cancel_all"});
    a = f.ask({ctl::action::reload, false, {}});
    BOOST_TEST(ctl::detail::text_of(a.reply, "result") == "config reloaded");

    BOOST_TEST(f.metrics.operator_actions.with({"unfreeze"}).value() == 4u);
    BOOST_TEST(f.sink.str().find("\"msg\":\"operator_action\"") != std::string::npos);
    BOOST_TEST(f.sink.str().find("\"uid\":\"" + std::to_string(::getuid()) + "\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(actions_are_journaled_and_recovery_skips_them) {
    std::string journal_path;
    {
        desk_fixture f;
        journal_path = f.journal_path;
        (void)f.ask({ctl::action::freeze, false, "drill"});
        (void)f.ask({ctl::action::unfreeze, false, {}});
        (void)f.ask({ctl::action::status, false, {}});  // read only: not journaled
    }
    auto reopened = engine::journal::open(journal_path, "testnet", {});
    BOOST_TEST_REQUIRE(reopened.has_value(), (reopened ? "" : reopened.error().message));
    BOOST_TEST(reopened->entries.empty());  // operator records are not order events
    BOOST_TEST(reopened->report.operator_records == 2u);
    BOOST_TEST(reopened->report.last_sequence == 2u);  // the next append continues the sequence
    BOOST_TEST(reopened->report.describe().find("+2 operator actions") != std::string::npos);
    std::ifstream in(journal_path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("\toperator\t") != std::string::npos);
    BOOST_TEST(text.find("frozen, cancelling all (reason: drill)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadable_request_is_answered_and_counted) {
    desk_fixture f;
    std::atomic<bool> done{false};
    std::thread bot([&] {
        while (!done.load()) {
            f.desk.poll(f.loop, 5s, f.controls);
            std::this_thread::sleep_for(1ms);
        }
    });
    auto fd = ctl::connect_unix(f.socket, 2000ms);
    BOOST_TEST_REQUIRE(fd.has_value());
    const std::string bad = "flatten --now\n";
    BOOST_TEST(::write(fd->get(), bad.data(), bad.size()) == static_cast<::ssize_t>(bad.size()));
    auto reply = ctl::detail::read_reply(fd->get(), f.socket);
    done.store(true);
    bot.join();
    BOOST_TEST_REQUIRE(reply.has_value());
    BOOST_TEST(reply->find("\"error\":\"control_request\"") != std::string::npos, *reply);
    BOOST_TEST(f.metrics.operator_actions.with({"invalid"}).value() == 1u);
}

// A later automatic freeze (journal failure, clock) keeps an operator's freeze sticky: no
// cool-down undoes a kill.
BOOST_AUTO_TEST_CASE(an_operator_freeze_stays_sticky_under_a_later_automatic_one) {
    risk::monitor<risk::gate<drill_check>> mon{risk::gate<drill_check>(drill_check{}), std::chrono::seconds(1)};
    mon.freeze_manually(ctl::operator_kill_reason, 1s);
    mon.freeze_manually("journal_failure", 2s);  // cool_down on its own
    BOOST_TEST(mon.last_freeze()->reason == "journal_failure");
    BOOST_TEST(!mon.cool_down(std::chrono::hours(1)));
    BOOST_TEST(mon.frozen());
    risk::monitor<risk::gate<drill_check>> plain{risk::gate<drill_check>(drill_check{}), std::chrono::seconds(1)};
    plain.freeze_manually("journal_failure", 2s);
    BOOST_TEST(plain.cool_down(std::chrono::hours(1)));  // the control: a cool-down freeze ends
}
