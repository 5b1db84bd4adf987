// tests/app/kill_switch_test.cpp: the kill switch's two triggers, as the main loop polls them.
#define BOOST_TEST_MODULE kill_switch
#include "mmbot/app/kill_switch.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace app = mmbot::app;
using namespace std::chrono_literals;

namespace {
std::filesystem::path temp_file(const std::string& name) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    return std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / name;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sigusr1_pulls_it_once_per_signal) {
    app::install_signal_handlers();
    app::kill_switch ks{""};
    BOOST_TEST(!ks.poll().has_value());
    BOOST_REQUIRE(std::raise(SIGUSR1) == 0);
    const auto why = ks.poll();
    BOOST_REQUIRE(why.has_value());
    BOOST_TEST(*why == app::kill_switch_signal_reason);
    BOOST_TEST(!ks.poll().has_value());  // consumed
    BOOST_REQUIRE(std::raise(SIGUSR1) == 0);
    BOOST_TEST(ks.poll().has_value());
}

BOOST_AUTO_TEST_CASE(a_file_pulls_it_when_it_appears) {
    const auto path = temp_file("KILL");
    std::filesystem::remove(path);
    app::kill_switch ks{path.string(), 0ns};  // stat on every poll
    BOOST_TEST(!ks.poll().has_value());
    std::ofstream(path).put('\n');
    const auto why = ks.poll();
    BOOST_REQUIRE(why.has_value());
    BOOST_TEST(*why == app::kill_switch_file_reason);
    BOOST_TEST(ks.file_present());
    BOOST_TEST(!ks.poll().has_value());  // still there: not a second pull
    std::filesystem::remove(path);
    BOOST_TEST(!ks.poll().has_value());
    BOOST_TEST(!ks.file_present());
    std::ofstream(path).put('\n');  // touched again: pulled again
    BOOST_TEST(ks.poll().has_value());
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(the_file_is_looked_at_no_more_than_once_per_poll_interval) {
    const auto path = temp_file("KILL2");
    std::filesystem::remove(path);
    app::kill_switch ks{path.string(), 50ms};
    BOOST_TEST(!ks.poll().has_value());  // first poll stats
    std::ofstream(path).put('\n');
    BOOST_TEST(!ks.poll().has_value());  // within 50 ms of the last stat: not looked at yet
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(ks.poll().has_value());
    std::filesystem::remove(path);
}
