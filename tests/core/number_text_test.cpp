#define BOOST_TEST_MODULE number_text
#include <boost/test/unit_test.hpp>

#include "mmbot/core/escape.hpp"
#include "mmbot/core/number_text.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/core/text_formatter.hpp"
#include "mmbot/core/units.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

using mmbot::core::plain_number_text;

// What a JSON parser makes of a number, printed back: never in exponent form.
BOOST_AUTO_TEST_CASE(json_numbers_print_as_plain_decimals) {
    const auto text_of = [](const char* json) {
        return plain_number_text(boost::json::parse(json).as_double());
    };
    BOOST_TEST(text_of("1.5") == "1.5");
    BOOST_TEST(text_of("2.5E-1") == "0.25");
    BOOST_TEST(text_of("1e-7") == "0.0000001");
    BOOST_TEST(text_of("-3.25") == "-3.25");
    BOOST_TEST(text_of("0.1") == "0.1");
    BOOST_TEST(text_of("5.0") == "5");
    BOOST_TEST(text_of("1e21") == "1000000000000000000000");
}

// The printed example is one the exact decimal parser accepts (the point of printing it).
BOOST_AUTO_TEST_CASE(printed_examples_parse_as_decimals) {
    for (double v : {1.5, 0.25, 1e-7, 65114.2, -0.5}) {
        BOOST_TEST_INFO(v);
        BOOST_TEST(mmbot::core::price::parse(plain_number_text(v)).has_value());
    }
}

BOOST_AUTO_TEST_CASE(extremes_do_not_overflow_the_buffer) {
    BOOST_TEST(plain_number_text(std::numeric_limits<double>::max()).size() == 309U);
    BOOST_TEST(plain_number_text(std::numeric_limits<double>::denorm_min()).substr(0, 6) == "0.0000");
    BOOST_TEST(plain_number_text(std::numeric_limits<double>::infinity()) == "inf");
    BOOST_TEST(plain_number_text(std::numeric_limits<double>::quiet_NaN()) == "nan");
}

// core/escape.hpp: each format escapes the backslash and only its own framing characters.
BOOST_AUTO_TEST_CASE(escapes_are_per_format) {
    using mmbot::core::escapes;
    const std::string_view text = "a\\b\"c\td\ne\rf";
    std::string journal;
    mmbot::core::append_escaped(journal, text, {.quote = false, .tab = true, .line_feed = true, .carriage_return = true});
    BOOST_TEST(journal == "a\\\\b\"c\\td\\ne\\rf");
    std::string label;
    mmbot::core::append_escaped(label, text, {.quote = true, .tab = false, .line_feed = true, .carriage_return = false});
    BOOST_TEST(label == "a\\\\b\\\"c\td\\ne\rf");
    std::string help;
    mmbot::core::append_escaped(help, text, escapes{});
    BOOST_TEST(help == "a\\\\b\"c\td\\ne\rf");
}

namespace {
struct named {
    std::string text;
    [[nodiscard]] std::string str() const { return "<" + text + ">"; }
};
}  // namespace

template <>
struct fmt::formatter<named> : mmbot::core::text_formatter<named, &named::str> {};

// core/text_formatter.hpp: the function's text, with the format spec applied to it.
BOOST_AUTO_TEST_CASE(text_formatter_prints_the_function_text_with_specs) {
    BOOST_TEST(fmt::format("{}", named{"x"}) == "<x>");
    BOOST_TEST(fmt::format("[{:>5}]", named{"x"}) == "[  <x>]");
}

// core/pinned.hpp: a pinned type is neither copied nor moved.
namespace {
class session : mmbot::core::pinned {};
}  // namespace
static_assert(!std::is_copy_constructible_v<session> && !std::is_move_constructible_v<session>);
static_assert(!std::is_copy_assignable_v<session> && !std::is_move_assignable_v<session>);
static_assert(std::is_default_constructible_v<session>);
