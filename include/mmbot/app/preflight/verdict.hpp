// mmbot/app/preflight/verdict.hpp
//
// The preflight verdict (--preflight, every binary): the checks in the order they ran, each pass,
// fail or skip with one sentence, printed as deterministic JSON (app/detail/stable_json.hpp). A
// skipped check fails the verdict. The checks themselves are the environment's: shadow's need no
// venue (app/run_shadow.hpp), testnet's and live's ask the venue (app/preflight.hpp).
//
//   {"checks": [{"detail": "...", "name": "config", "status": "pass"}, ...],
//    "environment": "testnet", "passed": true}
#pragma once

#include "mmbot/core/enum_label.hpp"
#include "mmbot/app/detail/stable_json.hpp"
#include "mmbot/core/error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::app::preflight {

enum class status { pass, fail, skip };

[[nodiscard]] constexpr std::string_view to_string(status s) noexcept {
    return core::enum_label(s);
}

struct check_result {
    std::string name;
    status outcome = status::fail;
    std::string detail;
};

/// The checks in the order they ran.
class report {
public:
    explicit report(std::string environment) : environment_(std::move(environment)) {}

    /// Records a check: pass with the detail, or fail with the error's message.
    void record(std::string_view name, const core::result<std::string>& r) {
        checks_.push_back(r ? check_result{std::string(name), status::pass, *r}
                            : check_result{std::string(name), status::fail, r.error().message});
    }
    void skip(std::string_view name, std::string why) {
        checks_.push_back({std::string(name), status::skip, std::move(why)});
    }

    /// True when every check passed (a skipped check is not a pass).
    [[nodiscard]] bool passed() const {
        return !checks_.empty() && std::all_of(checks_.begin(), checks_.end(), [](const check_result& c) {
                   return c.outcome == status::pass;
               });
    }
    [[nodiscard]] const std::vector<check_result>& checks() const noexcept { return checks_; }

    [[nodiscard]] std::string to_json() const {
        boost::json::array list;
        for (const auto& c : checks_) {
            list.push_back(boost::json::object{
                {"name", c.name}, {"status", to_string(c.outcome)}, {"detail", c.detail}});
        }
        return detail::stable_json(boost::json::object{
            {"environment", environment_}, {"passed", passed()}, {"checks", std::move(list)}});
    }

private:
    std::string environment_;
    std::vector<check_result> checks_;
};

}  // namespace mmbot::app::preflight
