// core::read_flags: the grammar every binary and tool shares (core/flags.hpp).
#define BOOST_TEST_MODULE core_flags
#include "mmbot/core/flags.hpp"

#include "mmbot/feed/errors.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace core = mmbot::core;

namespace {

/// A table of one value flag (--port), one switch with an alias (--verbose, -v) and one that stops
/// the reading (--help); every problem is returned as "<kind> <name> <value> #<position>".
struct fixture {
    std::vector<std::string> log;
    std::string port;
    bool verbose = false;
    bool help = false;
    std::vector<std::string> positionals;
    bool take_positionals = false;

    core::result<void> read(std::vector<std::string_view> args) {
        const core::flag_spec flags[] = {
            core::value_flag("--port", [this](std::string_view n, std::string_view v) -> core::result<void> {
                if (v == "bad") return core::make_error(mmbot::feed::errc::bad_value, std::string(n) + " refused");
                port = std::string(v);
                return {};
            }),
            core::switch_flag("--verbose", "-v", [this](std::string_view, std::string_view) -> core::result<void> {
                verbose = true;
                return {};
            }),
            core::flag_spec{.name = "--help", .arity = core::flag_arity::none,
                            .apply = [this](std::string_view, std::string_view) -> core::result<void> {
                                help = true;
                                return {};
                            },
                            .stops = true},
        };
        core::flag_reader r{.flags = flags,
                            .problem = [](const core::flag_problem& p) {
                                return core::make_error(mmbot::feed::errc::bad_value,
                                                        std::to_string(static_cast<int>(p.kind)) + " " +
                                                            std::string(p.name) + " " + std::string(p.value) +
                                                            " #" + std::to_string(p.position));
                            },
                            .seen = [this](std::string_view n) { log.emplace_back(n); }};
        if (take_positionals) {
            r.positional = [this](std::string_view a) -> core::result<void> {
                positionals.emplace_back(a);
                return {};
            };
        }
        return core::read_flags(args, r);
    }
};

std::string message(const core::result<void>& r) { return r ? std::string("ok") : r.error().message; }

}  // namespace

BOOST_AUTO_TEST_CASE(values_come_after_a_space_or_an_equals_sign) {
    fixture f;
    BOOST_TEST(message(f.read({"--port", "80"})) == "ok");
    BOOST_TEST(f.port == "80");
    BOOST_TEST(message(f.read({"--port=-1"})) == "ok");
    BOOST_TEST(f.port == "-1");
    // The next argument is the value whatever it looks like.
    BOOST_TEST(message(f.read({"--port", "--verbose"})) == "ok");
    BOOST_TEST(f.port == "--verbose");
    BOOST_TEST(!f.verbose);
    BOOST_TEST(message(f.read({"--port="})) == "ok");
    BOOST_TEST(f.port.empty());
}

BOOST_AUTO_TEST_CASE(switches_aliases_and_the_seen_list) {
    fixture f;
    BOOST_TEST(message(f.read({"-v", "--port", "1"})) == "ok");
    BOOST_TEST(f.verbose);
    // The alias is reported by the flag's canonical name.
    BOOST_TEST((f.log == std::vector<std::string>{"--verbose", "--port"}));
}

BOOST_AUTO_TEST_CASE(each_problem_names_its_kind_flag_and_position) {
    fixture f;
    BOOST_TEST(message(f.read({"--verbose", "--port"})) == "1 --port  #2");       // missing_value
    BOOST_TEST(message(f.read({"--verbose=yes"})) == "2 --verbose yes #1");       // unexpected_value
    BOOST_TEST(message(f.read({"--port", "1", "--nope=3"})) == "0 --nope  #3");  // unknown_flag
    BOOST_TEST(message(f.read({"-x"})) == "0 -x  #1");
    BOOST_TEST(message(f.read({"stray"})) == "3 stray  #1");                      // positional
    BOOST_TEST(message(f.read({"-"})) == "3 -  #1");
    // `=` splits only long flags: "-v=1" is no flag of the table.
    BOOST_TEST(message(f.read({"-v=1"})) == "0 -v=1  #1");
}

BOOST_AUTO_TEST_CASE(an_apply_error_is_returned_as_is_and_stops_the_reading) {
    fixture f;
    BOOST_TEST(message(f.read({"--port", "bad", "--verbose"})) == "--port refused");
    BOOST_TEST(!f.verbose);
}

BOOST_AUTO_TEST_CASE(a_stopping_flag_ends_the_reading) {
    fixture f;
    BOOST_TEST(message(f.read({"--help", "--nope", "stray"})) == "ok");
    BOOST_TEST(f.help);
}

BOOST_AUTO_TEST_CASE(positionals_go_to_their_reader_in_order) {
    fixture f;
    f.take_positionals = true;
    BOOST_TEST(message(f.read({"set", "-v", "-", "name"})) == "ok");
    BOOST_TEST((f.positionals == std::vector<std::string>{"set", "-", "name"}));
    BOOST_TEST(f.verbose);
}
