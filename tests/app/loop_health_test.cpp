// tests/app/loop_health_test.cpp: the loop_health window (turn count, longest gap).
#define BOOST_TEST_MODULE loop_health
#include "mmbot/app/loop_health.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using mmbot::app::loop_health;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_CASE(a_window_reports_turns_and_the_longest_gap) {
    loop_health h{milliseconds(0), milliseconds(1000)};
    BOOST_TEST(!h.turn(milliseconds(10)).has_value());
    BOOST_TEST(!h.turn(milliseconds(20)).has_value());
    BOOST_TEST(!h.turn(milliseconds(370)).has_value());  // a 350 ms stall
    const auto w = h.turn(milliseconds(1000));
    BOOST_TEST_REQUIRE(w.has_value());
    BOOST_TEST(w->turns == 4);
    BOOST_TEST(w->max_turn_ms == 630);
}

BOOST_AUTO_TEST_CASE(the_next_window_starts_clean) {
    loop_health h{milliseconds(0), milliseconds(100)};
    BOOST_TEST(h.turn(milliseconds(100)).has_value());
    BOOST_TEST(!h.turn(milliseconds(105)).has_value());
    const auto w = h.turn(milliseconds(200));
    BOOST_TEST_REQUIRE(w.has_value());
    BOOST_TEST(w->turns == 2);
    BOOST_TEST(w->max_turn_ms == 95);
}

BOOST_AUTO_TEST_CASE(a_clock_that_steps_back_is_not_a_negative_gap) {
    loop_health h{milliseconds(500), milliseconds(1000)};
    BOOST_TEST(!h.turn(milliseconds(400)).has_value());
    const auto w = h.turn(milliseconds(1600));
    BOOST_TEST_REQUIRE(w.has_value());
    BOOST_TEST(w->max_turn_ms == 1100);
}
