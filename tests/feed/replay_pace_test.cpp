// tests/feed/replay_pace_test.cpp: when a replayed message is due (feed/replay_pace.hpp), exactly.
#define BOOST_TEST_MODULE replay_pace
#include "mmbot/feed/replay_pace.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace std::chrono_literals;
using mmbot::core::ratio;
using mmbot::feed::replay_pace;

BOOST_AUTO_TEST_CASE(real_time_follows_the_capture_stamps) {
    replay_pace pace(ratio::parse("1").value());
    BOOST_TEST((pace.due(0) == 0ns));                      // a subscribe ack: at once
    BOOST_TEST((pace.due(1'000'000'000'000) == 0ns));      // the first stamp starts the clock
    BOOST_TEST((pace.due(1'000'250'000'000) == 250ms));
    BOOST_TEST((pace.due(999'000'000'000) == 0ns));        // stamped before the first: at once
}

BOOST_AUTO_TEST_CASE(speed_divides_exactly) {
    replay_pace ten(ratio::parse("10").value());
    (void)ten.due(5'000'000'000);
    BOOST_TEST((ten.due(5'000'000'000 + 600'000'000'000) == 60s));   // the sample's 600 s in 60 s
    replay_pace half(ratio::parse("0.5").value());
    (void)half.due(1);
    BOOST_TEST((half.due(1 + 3'000'000'000) == 6s));
    replay_pace odd(ratio::parse("3").value());
    (void)odd.due(1);
    BOOST_TEST((odd.due(1 + 1'000'000'000) == 333'333'333ns));  // rounds toward zero: under 1 ns
}
