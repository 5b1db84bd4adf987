// mmbot/app/control/operator_desk.hpp
//
// The operator's desk: the control socket (server.hpp) wired to the running loop. Once per turn
// the session calls poll(); each complete request is carried out on the loop's thread:
//
//   status      status.hpp's JSON (read only)
//   freeze      freeze + cancel-all, reason operator_freeze; only an operator's unfreeze ends it
//   unfreeze    refused when the bot is not frozen, while the kill-switch file exists (even with
//               --force), or while a state check would freeze the bot again now (its reason,
//               observed value and limit in the refusal) unless --force
//   cancel-all  cancel every open order (the quoter places new ones unless frozen)
//   reload      the session's reload (SIGHUP's path): the new limits, or the refusal naming the
//               field while the running config stays
//   kill        the kill switch (freeze + cancel-all, reason kill_switch_operator)
//
// Every request is counted in mm_operator_actions_total{action} ("invalid" for one that cannot be
// read); every action but status is logged (operator_action, with the caller's uid from
// SO_PEERCRED) and journaled as an `operator` record (engine/journal.hpp), refused ones included.
#pragma once

#include "mmbot/app/control/request.hpp"
#include "mmbot/app/control/server.hpp"
#include "mmbot/app/control/status.hpp"
#include "mmbot/engine/journal.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/risk/freeze_reason.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mmbot::app::control {

/// The freezes an operator's commands cause: operator_only, so no cool-down ends them.
inline constexpr risk::freeze_reason operator_freeze_reason{"operator_freeze", risk::release::operator_only};
inline constexpr risk::freeze_reason operator_kill_reason{"kill_switch_operator", risk::release::operator_only};

/// What the desk asks of its session beyond the loop.
struct session_controls {
    /// True while the kill-switch file exists (an unfreeze waits for it to go).
    std::function<bool()> kill_file_present = [] { return false; };
    /// Reads and applies the config file again; the outcome sentence, or the refusal.
    std::function<core::result<std::string>()> reload;
};

template <class Logger>
class operator_desk {
public:
    operator_desk(control_server server, std::string environment, Logger& log, obs::mm_metrics& metrics,
                  engine::journal& journal)
        : server_(std::move(server)), environment_(std::move(environment)), log_(log), metrics_(metrics),
          journal_(journal) {}

    /// Answers whatever requests have arrived, acting on `loop` at `now`.
    template <class Loop>
    void poll(Loop& loop, std::chrono::nanoseconds now, const session_controls& controls) {
        server_.poll([&](std::string_view line, std::optional<::uid_t> uid) {
            return answer(line, uid, loop, now, controls);
        });
    }

    [[nodiscard]] const std::string& socket_path() const noexcept { return server_.path(); }

private:
    template <class Loop>
    std::string answer(std::string_view line, std::optional<::uid_t> uid, Loop& loop, std::chrono::nanoseconds now,
                       const session_controls& controls) {
        const std::string who = uid ? std::to_string(*uid) : std::string("unknown");
        auto req = parse_request(line);
        if (!req) {
            metrics_.operator_actions.with({"invalid"}).inc();
            log_.warn("operator_request_invalid", {{"uid", who}, {"error", req.error().message}});
            return refusal(std::nullopt, req.error());
        }
        metrics_.operator_actions.with({to_string(req->act)}).inc();
        if (req->act == action::status) {
            boost::json::object st = status_of(loop, environment_, now);
            st["ok"] = true;
            st["action"] = "status";
            return boost::json::serialize(st);
        }
        auto done = perform(*req, loop, now, controls);
        const std::string outcome = done ? *done : fmt::format("refused: {}", done.error().message);
        record(*req, who, outcome, now);
        if (!done) return refusal(req->act, done.error());
        return boost::json::serialize(boost::json::object{
            {"ok", true}, {"action", to_string(req->act)}, {"result", *done}, {"state", engine::to_string(loop.state())}});
    }

    template <class Loop>
    core::result<std::string> perform(const request& req, Loop& loop, std::chrono::nanoseconds now,
                                      const session_controls& controls) {
        switch (req.act) {
            case action::freeze: loop.freeze(operator_freeze_reason, now); return std::string("frozen, cancelling all");
            case action::kill: loop.freeze(operator_kill_reason, now); return std::string("kill switch: frozen, cancelling all");
            case action::cancel_all:
                return fmt::format("cancel sent for {} order(s)", loop.cancel_all("operator_cancel_all", now));
            case action::unfreeze: return unfreeze(req, loop, now, controls);
            case action::reload:
                if (!controls.reload) return refused("this binary cannot reload");
                return controls.reload();
            case action::status: break;
        }
        return std::string("nothing to do");
    }

    template <class Loop>
    core::result<std::string> unfreeze(const request& req, Loop& loop, std::chrono::nanoseconds now,
                                       const session_controls& controls) {
        if (!loop.monitor().frozen()) return refused("the bot is not frozen");
        if (controls.kill_file_present()) {
            return refused("the kill-switch file still exists: remove it first (--force does not override it)");
        }
        std::string forced;
        if (const auto v = loop.breaking_condition(now)) {
            const std::string why = fmt::format("{} still holds (observed {}, limit {})", v->reason,
                                                v->observed.view(), v->limit.view());
            if (!req.force) return refused(why + "; fix it (reload new limits) or unfreeze --force");
            forced = fmt::format(" (forced while {}: the check freezes the bot again on its next tick)", why);
        }
        if (!loop.unfreeze(now)) return refused("the bot is not frozen");
        return "running" + forced;
    }

    static core::error refused(std::string why) { return core::make_error(errc::control_refused, std::move(why)); }

    static std::string refusal(std::optional<action> act, const core::error& e) {
        boost::json::object r{{"ok", false}, {"error", e.code.name()}, {"message", e.message}};
        if (act) r["action"] = to_string(*act);
        return boost::json::serialize(r);
    }

    /// The log line and the journal record of an action (refused ones too).
    void record(const request& req, const std::string& who, const std::string& outcome, std::chrono::nanoseconds now) {
        log_.warn("operator_action",
                  {{"action", to_string(req.act)}, {"uid", who}, {"reason", req.reason}, {"outcome", outcome}});
        const std::string noted = req.reason.empty() ? outcome : fmt::format("{} (reason: {})", outcome, req.reason);
        if (auto r = journal_.append(engine::operator_action{std::string(to_string(req.act)), who, noted, now}); !r) {
            log_.error("operator_action_not_journaled", {{"action", to_string(req.act)}, {"error", r.error().message}});
        }
    }

    control_server server_;
    std::string environment_;
    Logger& log_;
    obs::mm_metrics& metrics_;
    engine::journal& journal_;
};

}  // namespace mmbot::app::control
