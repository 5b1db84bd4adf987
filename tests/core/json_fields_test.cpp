// core::json::reader: every failure names the field path and the value, under the caller's own
// codes; paths format only on failure; Bybit's digit-string integers and millisecond timestamps.
#define BOOST_TEST_MODULE json_fields
#include <boost/test/unit_test.hpp>

#include "mmbot/core/json_fields.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/errors.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace core = mmbot::core;
namespace json = mmbot::core::json;

namespace {
// Any area's three codes will do; the feed's are the ones a market-data failure carries.
using errc = mmbot::feed::errc;
constexpr json::reader fields{mmbot::feed::json_errors};

boost::json::object object_of(std::string_view text) {
    return boost::json::parse(text).as_object();
}
}  // namespace

BOOST_AUTO_TEST_CASE(paths_format_every_shape) {
    BOOST_TEST(json::path{}.str() == "message");
    BOOST_TEST(json::field("ts").str() == "ts");
    BOOST_TEST(json::under("data").at("u").str() == "data.u");
    BOOST_TEST(json::under("data", 2).at("p").str() == "data[2].p");
    BOOST_TEST(json::under("data").at("b").index(3, 0).str() == "data.b[3][0]");
    BOOST_TEST(json::under("result.list", 1).str() == "result.list[1]");
}

BOOST_AUTO_TEST_CASE(failures_name_path_value_and_area_code) {
    const auto o = object_of(R"({"s":1.5,"n":-3,"big":18446744073709551615,"l":[1,2],"t":"x"})");
    auto missing = fields.string_at(o, json::under("data").at("absent"));
    BOOST_TEST(missing.error().code == errc::missing_field);
    BOOST_TEST(missing.error().message == "data.absent: missing field");

    auto wrong = fields.string_at(o, json::field("s"));
    BOOST_TEST(wrong.error().code == errc::wrong_type);
    BOOST_TEST(wrong.error().message == "s: expected a string, got number 1.5");
    BOOST_TEST(fields.object_at(o, json::field("l")).error().message ==
               "l: expected an object, got array [1,2]");

    auto negative = fields.as_uint64(o.at("n"), json::field("n"));
    BOOST_TEST(negative.error().code == errc::bad_value);
    BOOST_TEST(negative.error().message == "n: -3 is negative");
    BOOST_TEST(fields.as_int64(o.at("big"), json::field("big")).error().message ==
               "big: 18446744073709551615 is out of range");
    BOOST_TEST(fields.as_bool(o.at("t"), json::field("t")).error().message ==
               R"(t: expected a boolean, got string "x")");
}

BOOST_AUTO_TEST_CASE(quotes_are_cut_short) {
    const std::string long_text(200, 'a');
    const boost::json::value v(long_text);
    const std::string q = json::quote(v);
    BOOST_TEST(q.size() == json::max_quote + 3);
    BOOST_TEST(q.ends_with("..."));
    BOOST_TEST(json::cut(long_text).size() == json::max_quote);
}

BOOST_AUTO_TEST_CASE(integers_from_numbers_or_digit_strings) {
    const auto o = object_of(R"({"a":"1688639403423","b":42,"c":"12x","d":"","e":true})");
    BOOST_TEST(*fields.integer_at(o, json::field("a")) == 1688639403423);
    BOOST_TEST(*fields.integer_at(o, json::field("b")) == 42);
    auto bad = fields.integer_at(o, json::under("result").at("c"));
    BOOST_TEST(bad.error().code == errc::bad_value);
    BOOST_TEST(bad.error().message == R"(result.c: expected an integer, got "12x")");
    BOOST_TEST(fields.integer_at(o, json::field("d")).error().code == errc::bad_value);
    BOOST_TEST(fields.integer_at(o, json::field("e")).error().message ==
               "e: expected an integer, got bool true");
}

BOOST_AUTO_TEST_CASE(timestamps_in_ms_become_ns_within_range) {
    const auto o = object_of(R"({"t":"1746270400353","far":"16723642624557","neg":-1})");
    BOOST_TEST(fields.timestamp_ms_at(o, json::field("t"))->count() == 1746270400353000000);
    BOOST_TEST(fields.timestamp_ms_at(o, json::under("data", 0).at("far")).error().message ==
               "data[0].far: timestamp out of range, got 16723642624557");
    BOOST_TEST(fields.timestamp_ms_at(o, json::field("neg")).error().code == errc::bad_value);
}

BOOST_AUTO_TEST_CASE(decimals_parse_exactly_and_keep_the_parser_code) {
    const auto o = object_of(R"({"p":"65114.20","q":"1e5","n":65114.2})");
    BOOST_TEST(fields.decimal_at<core::price>(o, json::field("p"))->to_string() == "65114.2");
    auto exp = fields.decimal_at<core::price>(o, json::under("data").at("q"));
    BOOST_TEST(exp.error().code == core::errc::decimal_exponent);
    BOOST_TEST(exp.error().message.starts_with("data.q: "));
    BOOST_TEST(fields.decimal_at<core::price>(o, json::field("n")).error().code == errc::wrong_type);
}

BOOST_AUTO_TEST_CASE(for_each_object_passes_each_element_path) {
    const auto arr = boost::json::parse(R"([{"k":"a"},{"k":"b"},3])").as_array();
    std::vector<std::string> seen;
    auto r = fields.for_each_object(arr, "result.list",
                                    [&](const boost::json::object& o, const json::path& p)
                                        -> core::result<void> {
                                        auto k = fields.string_at(o, p.at("k"));
                                        if (!k) return k.error();
                                        seen.emplace_back(p.at("k").str() + "=" + std::string(*k));
                                        return {};
                                    });
    BOOST_TEST(seen == (std::vector<std::string>{"result.list[0].k=a", "result.list[1].k=b"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.error().code == errc::wrong_type);
    BOOST_TEST(r.error().message == "result.list[2]: expected an object, got number 3");
}
