#define BOOST_TEST_MODULE engine_order
#include <boost/test/unit_test.hpp>

#include "mmbot/engine/client_order_id.hpp"
#include "mmbot/engine/order.hpp"
#include "test_support.hpp"

#include <set>
#include <string>

using namespace mmbot::engine;

namespace {
constexpr order_status all_states[] = {order_status::new_, order_status::partially_filled,
                                       order_status::filled, order_status::cancelled,
                                       order_status::rejected};
}

BOOST_AUTO_TEST_CASE(side_prints_and_parses_as_bybit) {
    BOOST_TEST(to_string(side::buy) == "Buy");
    BOOST_TEST(to_string(side::sell) == "Sell");
    BOOST_TEST(parse_side("Buy").value() == side::buy);
    BOOST_TEST(parse_side("Sell").value() == side::sell);
    auto bad = parse_side("BUY");
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().code == mmbot::engine::errc::invalid_side);
    BOOST_TEST(bad.error().message.find("\"BUY\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(legal_transitions_are_exactly_the_lifecycle) {
    const std::set<std::pair<order_status, order_status>> legal = {
        {order_status::new_, order_status::partially_filled},
        {order_status::new_, order_status::filled},
        {order_status::new_, order_status::cancelled},
        {order_status::new_, order_status::rejected},
        {order_status::partially_filled, order_status::partially_filled},
        {order_status::partially_filled, order_status::filled},
        {order_status::partially_filled, order_status::cancelled},
    };
    for (const auto from : all_states) {
        for (const auto to : all_states) {
            const bool expected = legal.contains({from, to});
            auto r = check_transition(from, to);
            BOOST_TEST(static_cast<bool>(r) == expected,
                       to_string(from) << " -> " << to_string(to));
            if (!r) {
                BOOST_TEST(r.error().code == mmbot::engine::errc::illegal_transition);
                BOOST_TEST(r.error().message ==
                           "order lifecycle: illegal transition " + std::string(to_string(from)) +
                               " -> " + std::string(to_string(to)));
            }
        }
    }
    BOOST_TEST(check_transition(order_status::filled, order_status::cancelled).error().message ==
               "order lifecycle: illegal transition FILLED -> CANCELLED");
}

BOOST_AUTO_TEST_CASE(terminal_states) {
    BOOST_TEST(!is_terminal(order_status::new_));
    BOOST_TEST(!is_terminal(order_status::partially_filled));
    BOOST_TEST(is_terminal(order_status::filled));
    BOOST_TEST(is_terminal(order_status::cancelled));
    BOOST_TEST(is_terminal(order_status::rejected));
}

BOOST_AUTO_TEST_CASE(order_link_id_validation) {
    BOOST_TEST(static_cast<bool>(validate_order_link_id("mm-abc_DEF-123")));
    BOOST_TEST(static_cast<bool>(validate_order_link_id(std::string(36, 'a'))));
    auto too_long = validate_order_link_id(std::string(37, 'a'));
    BOOST_REQUIRE(!too_long);
    BOOST_TEST(too_long.error().code == mmbot::engine::errc::invalid_client_order_id);
    BOOST_TEST(too_long.error().message.find("37 characters") != std::string::npos);
    BOOST_TEST(!validate_order_link_id(""));
    auto bad_char = validate_order_link_id("mm-a.b");
    BOOST_REQUIRE(!bad_char);
    BOOST_TEST(bad_char.error().message.find("offset 4") != std::string::npos);
    BOOST_TEST(!validate_order_link_id("mm a"));
    BOOST_TEST(!validate_order_link_id("mm/a"));
}

BOOST_AUTO_TEST_CASE(generated_ids_are_valid_and_parse_back) {
    auto ids = client_order_id_generator::for_run(std::chrono::milliseconds(1'764'150'000'000),
                                                  12345);
    BOOST_TEST(ids.run_id().size() == 12U);
    for (int i = 1; i <= 1000; ++i) {
        const std::string id = ids.next();
        BOOST_TEST(static_cast<bool>(validate_order_link_id(id)), id);
        const auto parsed = parse_client_order_id(id);
        BOOST_REQUIRE(parsed.has_value());
        BOOST_TEST(parsed->counter == static_cast<std::uint64_t>(i));
        BOOST_TEST(parsed->run_id == ids.run_id());
    }
    // The longest possible id still fits orderLinkId.
    client_order_id_generator longest(make_run_id(std::chrono::hours(24 * 365 * 200), 0xFFFFFFFFU),
                                      std::numeric_limits<std::uint64_t>::max() - 1);
    const std::string id = longest.next();
    BOOST_TEST(id.size() <= max_order_link_id_chars, id);
    BOOST_TEST(static_cast<bool>(validate_order_link_id(id)));
    BOOST_TEST(!parse_client_order_id("o_1698451200000_123").has_value());
    BOOST_TEST(!parse_client_order_id("mm--1").has_value());
    BOOST_TEST(!parse_client_order_id("mm-abc-").has_value());
    BOOST_TEST(!parse_client_order_id("mm-abc-X").has_value());
}

BOOST_AUTO_TEST_CASE(shard_ids_carry_the_shard_and_never_collide_across_shards) {
    // Same start, same entropy, two shards: the ids differ by the shard alone.
    auto a = client_order_id_generator::for_run(std::chrono::milliseconds(1'000), 7, "alpha");
    auto b = client_order_id_generator::for_run(std::chrono::milliseconds(1'000), 7, "b2");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        BOOST_TEST(seen.insert(a.next()).second);
        BOOST_TEST(seen.insert(b.next()).second);
    }
    const std::string id = a.next();
    BOOST_TEST(id.starts_with("mm-alpha_"), id);
    const auto parsed = parse_client_order_id(id);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->shard == "alpha");
    BOOST_TEST(parsed->run_id == a.run_id());
    BOOST_TEST(parsed->counter == 101U);
    BOOST_TEST(parse_client_order_id("mm-" + std::string(a.run_id().substr(6)) + "-1")->shard.empty());
    // The longest shard id still fits orderLinkId until 2059 (8 base-36 digits of ms), as the
    // header says: 3 + 6 + 1 + 12 + 1 + 13 = 36.
    client_order_id_generator longest("zzzzzz_" + make_run_id(std::chrono::hours(24 * 365 * 88), 0xFFFFFFFFU),
                                      std::numeric_limits<std::uint64_t>::max() - 1);
    const std::string big = longest.next();
    BOOST_TEST(big.size() <= max_order_link_id_chars, big);
    BOOST_TEST(parse_client_order_id(big).has_value());
    // A bad shard part does not parse; a bad shard name is refused when making the generator.
    BOOST_TEST(!parse_client_order_id("mm-Alpha_abc-1").has_value());
    BOOST_TEST(!parse_client_order_id("mm-toolong7_abc-1").has_value());
    BOOST_TEST(!parse_client_order_id("mm-_abc-1").has_value());
    BOOST_CHECK_THROW((void)client_order_id_generator::for_run(std::chrono::milliseconds(1), 1, "UPPER"),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(ids_unique_across_two_restarts) {
    // Run 1 hands out ids; its largest counter is what recovery finds in the journal.
    std::set<std::string> seen;
    auto run1 = client_order_id_generator::for_run(std::chrono::milliseconds(1'000), 7);
    std::uint64_t max_counter = 0;
    for (int i = 0; i < 500; ++i) {
        const std::string id = run1.next();
        BOOST_TEST(seen.insert(id).second);
        max_counter = std::max(max_counter, parse_client_order_id(id)->counter);
    }
    // Restart in the same millisecond with the same entropy (worst case): resuming the counter
    // alone keeps the ids unique.
    auto run2 = client_order_id_generator::for_run(std::chrono::milliseconds(1'000), 7);
    run2.resume_after(max_counter);
    BOOST_TEST(run2.next_counter() == max_counter + 1);
    for (int i = 0; i < 500; ++i) BOOST_TEST(seen.insert(run2.next()).second);
    // A second restart from the system clock and entropy: new run id, still unique.
    auto run3 = client_order_id_generator::from_system();
    auto run4 = client_order_id_generator::from_system();
    BOOST_TEST(run3.run_id() != run1.run_id());
    BOOST_TEST(run3.run_id() != run4.run_id());
    for (int i = 0; i < 500; ++i) {
        BOOST_TEST(seen.insert(run3.next()).second);
        BOOST_TEST(seen.insert(run4.next()).second);
    }
    // resume_after never moves the counter backwards.
    run2.resume_after(3);
    BOOST_TEST(run2.next_counter() == max_counter + 501);
}

BOOST_AUTO_TEST_CASE(order_record_average_fill_price_is_exact_until_asked) {
    order o;
    o.qty = mmbot::core::quantity::parse("3").value();
    o.filled_qty = mmbot::core::quantity::parse("3").value();
    o.filled_notional = mmbot::core::notional::parse("300.01").value();
    BOOST_TEST(o.avg_fill_price(mmbot::core::rounding::down).to_string() == "100.00333333");
    BOOST_TEST(o.avg_fill_price(mmbot::core::rounding::up).to_string() == "100.00333334");
    o.status = order_status::filled;
    BOOST_TEST(o.remaining_qty().is_zero());
    BOOST_TEST(!o.is_open());
}
