// core::error_code: built only from a registered errc enum, compared only against one, printed as
// its stable label. The static_asserts are the compile-fail proof: were any of them false, a
// string comparison or a misspelt code would compile again.
#define BOOST_TEST_MODULE error_code
#include <boost/test/unit_test.hpp>

#include "mmbot/core/enum_label.hpp"
#include "mmbot/core/enum_parse.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/feed/errors.hpp"

#include <fmt/format.h>

#include <concepts>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace core = mmbot::core;
namespace feed = mmbot::feed;

namespace {
enum class unregistered : std::uint8_t { a };  // not named errc, no error_label: no error enum
namespace area {
enum class errc : std::uint8_t { first, second };  // an area's errc: registered by its name
}  // namespace area
namespace unscoped {
enum errc : std::uint8_t { first };  // a plain enum converts to int: never an error enum
}  // namespace unscoped

template <class E>
concept has_decimal_exponnent = requires { E::decimal_exponnent; };  // the misspelling
}  // namespace

// A string, a number or an unregistered enum never becomes a code, and never compares with one.
static_assert(!std::equality_comparable_with<core::error_code, const char*>);
static_assert(!std::equality_comparable_with<core::error_code, std::string_view>);
static_assert(!std::equality_comparable_with<core::error_code, std::string>);
static_assert(!std::equality_comparable_with<core::error_code, int>);
static_assert(!std::is_constructible_v<core::error_code, const char*>);
static_assert(!std::is_constructible_v<core::error_code, std::string_view>);
static_assert(!std::is_constructible_v<core::error_code, int>);
static_assert(!std::is_constructible_v<core::error_code, unregistered>);
static_assert(!std::is_constructible_v<core::error_code, unscoped::errc>);
static_assert(core::error_enum<area::errc> && !core::labelled_by_hook<area::errc>);
static_assert(core::code_label(area::errc::second) == "second");
static_assert(!std::is_constructible_v<core::error, std::string_view, std::string>);
// A misspelt enumerator is not a member, so `code == core::errc::decimal_exponnent` cannot build.
static_assert(!has_decimal_exponnent<core::errc>);
static_assert(core::error_enum<core::errc> && core::error_enum<feed::errc>);

// Same number, different area: different codes. Checked at run time: a code compares its area by
// address, which AddressSanitizer builds do not accept in a constant expression.
static_assert(static_cast<int>(core::errc::decimal_empty) == static_cast<int>(feed::errc::bad_url));

BOOST_AUTO_TEST_CASE(codes_of_different_areas_differ_even_with_the_same_number) {
    BOOST_TEST((core::error_code(core::errc::decimal_empty) != core::error_code(feed::errc::bad_url)));
    BOOST_TEST((core::error_code(core::errc::decimal_exponent) == core::errc::decimal_exponent));
    BOOST_TEST(core::error_code(feed::errc::connect).name() == "feed_connect");
    BOOST_TEST((core::error_code{}.empty() && core::error_code{}.name().empty()));
}

BOOST_AUTO_TEST_CASE(an_error_carries_its_typed_code_and_prints_its_label) {
    const core::error e = core::make_error(feed::errc::line_too_long, "line 3: too long");
    BOOST_TEST(e.code == feed::errc::line_too_long);
    BOOST_TEST(e.code != feed::errc::read_error);
    BOOST_TEST(e.code.name() == "feed_line_too_long");
    BOOST_TEST(fmt::format("{}: {}", e.code, e.message) == "feed_line_too_long: line 3: too long");
    std::ostringstream os;
    os << e.code;
    BOOST_TEST(os.str() == "feed_line_too_long");
}

BOOST_AUTO_TEST_CASE(the_exception_form_keeps_the_code) {
    core::result<int> r = core::make_error(core::errc::decimal_syntax, "price \"x\": bad");
    try {
        (void)r.value();
        BOOST_FAIL("value() on an error must throw");
    } catch (const core::error_exception& ex) {
        BOOST_TEST(ex.code() == core::errc::decimal_syntax);
        BOOST_TEST(std::string_view(ex.what()) == "price \"x\": bad");
    }
}

// Labels are the enumerators' own names (core/enum_label.hpp): every value, an area's prefix, the
// upper-case form, a keyword's trailing underscore dropped, and "unknown" for a value no
// enumerator names.
namespace {
enum class order_state : std::uint8_t { new_, partially_filled, filled };
}  // namespace

BOOST_AUTO_TEST_CASE(labels_are_the_enumerators_names) {
    BOOST_TEST(core::enumerator_count<order_state> == 3U);
    BOOST_TEST(core::enum_label(order_state::partially_filled) == "partially_filled");
    BOOST_TEST(core::enum_label(order_state::new_) == "new");
    BOOST_TEST((core::enum_label<"", core::letter_case::upper>(order_state::partially_filled) ==
                "PARTIALLY_FILLED"));
    BOOST_TEST(core::enum_label<"x_">(order_state::filled) == "x_filled");
    BOOST_TEST(core::enum_label(static_cast<order_state>(3)) == "unknown");
    BOOST_TEST(core::enum_label(static_cast<order_state>(255)) == "unknown");
    // An area's prefix: every feed code is feed_<enumerator>.
    BOOST_TEST(core::code_label(core::errc::decimal_too_precise) == "decimal_too_precise");
    BOOST_TEST(error_label(feed::errc::bad_url) == "feed_bad_url");
    BOOST_TEST(core::enumerator_count<feed::errc> > 5U);
}

// core/enum_parse.hpp: a word read back by its label; the error names the field and the choices.
namespace {
enum class mode : std::uint8_t { mid, microprice, touch_ };
}  // namespace

BOOST_AUTO_TEST_CASE(labels_parse_back_and_name_the_choices) {
    BOOST_TEST((core::enum_from_label<mode>("microprice") == mode::microprice));
    BOOST_TEST((core::enum_from_label<mode>("touch") == mode::touch_));
    BOOST_TEST(!core::enum_from_label<mode>("Mid").has_value());
    const auto bad = core::parse_label<mode>("vwap", "fair_price_mode", area::errc::second);
    BOOST_REQUIRE(!bad);
    BOOST_TEST((bad.error().code == area::errc::second));
    BOOST_TEST(bad.error().message ==
               R"(fair_price_mode: expected "mid", "microprice" or "touch", got "vwap")");
    BOOST_TEST((core::parse_label<mode>("mid", "f", area::errc::first).value() == mode::mid));
}

// env::visit: the per-environment fact from the type; a value that names none gets `otherwise`.
BOOST_AUTO_TEST_CASE(env_visit_reads_the_type_of_a_kind) {
    namespace env = mmbot::env;
    const auto ns = [](env::kind k) {
        return env::visit(k, [](auto e) { return decltype(e)::secret_namespace; }, std::string_view("?"));
    };
    BOOST_TEST(ns(env::kind::shadow) == "dev");
    BOOST_TEST(ns(env::kind::live) == "prod");
    BOOST_TEST(ns(static_cast<env::kind>(7)) == "?");
}
