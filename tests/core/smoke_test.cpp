#define BOOST_TEST_MODULE smoke
#include <boost/test/unit_test.hpp>
#include "mmbot/core/version.hpp"
BOOST_AUTO_TEST_CASE(v) { BOOST_TEST(mmbot::version[0] == '0'); }
