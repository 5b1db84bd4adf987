#define BOOST_TEST_MODULE engine_order_store
#include <boost/test/unit_test.hpp>

#include "mmbot/engine/order_store.hpp"
#include "test_support.hpp"

using namespace mmbot::engine;
using namespace mmbot::engine::test;

namespace {
std::string code_of(const mmbot::core::result<apply_outcome>& r) {
    return r ? (*r == apply_outcome::applied ? "applied" : "duplicate") : std::string(r.error().code.name());
}
}  // namespace

BOOST_AUTO_TEST_CASE(lifecycle_new_partial_filled) {
    order_store store;
    BOOST_TEST(code_of(store.apply(place("mm-a-1", side::buy, "100", "2"))) == "applied");
    BOOST_TEST(code_of(store.apply(order_ack{"mm-a-1", "v-1", at_ms(2)})) == "applied");
    BOOST_TEST(store.find_by_venue_id("v-1") == store.find("mm-a-1"));
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e1", side::buy, "100", "0.5"))) == "applied");
    BOOST_TEST(store.find("mm-a-1")->status == order_status::partially_filled);
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e2", side::buy, "99.5", "0.5"))) == "applied");
    BOOST_TEST(store.find("mm-a-1")->status == order_status::partially_filled);
    BOOST_TEST(store.open_orders("BTCUSDT").size() == 1U);
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e3", side::buy, "100", "1"))) == "applied");
    const order* o = store.find("mm-a-1");
    BOOST_TEST(o->status == order_status::filled);
    BOOST_TEST(o->filled_qty.to_string() == "2");
    BOOST_TEST(o->filled_notional.to_string() == "199.75");
    BOOST_TEST(o->avg_fill_price(mmbot::core::rounding::down).to_string() == "99.875");
    BOOST_TEST(store.open_orders("BTCUSDT").empty());
    BOOST_TEST(store.stats().placed == 1U);
    BOOST_TEST(store.stats().fills == 3U);
    BOOST_TEST(store.stats().filled == 1U);
}

BOOST_AUTO_TEST_CASE(cancel_reject_and_illegal_transitions) {
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    (void)store.apply(place("mm-a-2", side::sell, "101", "1"));
    (void)store.apply(place("mm-a-3", side::sell, "102", "1", "ETHUSDT"));
    BOOST_TEST(store.open_orders().size() == 3U);
    BOOST_TEST(store.open_count() == 3U);
    BOOST_TEST(code_of(store.apply(order_cancel{"mm-a-1", "user", at_ms(3)})) == "applied");
    BOOST_TEST(code_of(store.apply(order_reject{"mm-a-2", "EC_PostOnlyWillTakeLiquidity",
                                                at_ms(3)})) == "applied");
    BOOST_TEST(store.find("mm-a-2")->reason == "EC_PostOnlyWillTakeLiquidity");
    // Idempotent cancel / reject.
    BOOST_TEST(code_of(store.apply(order_cancel{"mm-a-1", "user", at_ms(4)})) == "duplicate");
    BOOST_TEST(code_of(store.apply(order_reject{"mm-a-2", "x", at_ms(4)})) == "duplicate");
    // Fill of a rejected order, cancel after reject: refused and named.
    auto bad = store.apply(fill("mm-a-2", "e8", side::sell, "101", "1"));
    BOOST_REQUIRE(!bad);
    BOOST_TEST(bad.error().code == mmbot::engine::errc::illegal_transition);
    BOOST_TEST(bad.error().message ==
               "client_order_id \"mm-a-2\": order lifecycle: illegal transition REJECTED -> "
               "FILLED");
    BOOST_TEST(code_of(store.apply(order_cancel{"mm-a-2", "", at_ms(5)})) == "illegal_transition");
    BOOST_TEST(code_of(store.apply(order_cancel{"mm-zz-1", "", at_ms(5)})) == "unknown_order");
    BOOST_TEST(store.open_orders("BTCUSDT").empty());
    BOOST_TEST(store.open_orders("ETHUSDT").size() == 1U);
    const auto counts = store.counts_by_status();
    BOOST_TEST(counts[static_cast<std::size_t>(order_status::new_)] == 1U);
    BOOST_TEST(store.count(order_status::cancelled) == 1U);
    BOOST_TEST(store.count(order_status::rejected) == 1U);
    BOOST_TEST(store.stats().cancelled == 1U);
    BOOST_TEST(store.stats().rejected == 1U);
    BOOST_TEST(store.stats().duplicate_operations == 2U);
    BOOST_TEST(store.stats().invalid_events == 3U);
}

BOOST_AUTO_TEST_CASE(a_late_fill_after_a_cancel_is_applied_and_the_order_stays_closed) {
    // The venue matched the order between accepting our cancel and carrying it out.
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    BOOST_TEST(code_of(store.apply(order_cancel{"mm-a-1", "CancelByUser", at_ms(3)})) == "applied");
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e9", side::buy, "100", "0.4"))) == "applied");
    const order* o = store.find("mm-a-1");
    BOOST_TEST(o->status == order_status::cancelled);
    BOOST_TEST(o->filled_qty.to_string() == "0.4");
    BOOST_TEST(store.open_count() == 0U);
    BOOST_TEST(store.stats().late_fills == 1U);
    // The same execution again is a duplicate; more than the order's quantity is an overfill.
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e9", side::buy, "100", "0.4"))) == "duplicate");
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e10", side::buy, "100", "0.7"))) == "overfill");
}

BOOST_AUTO_TEST_CASE(duplicates_counted_not_applied) {
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "2"));
    BOOST_TEST(code_of(store.apply(place("mm-a-1", side::buy, "100", "5"))) == "duplicate");
    BOOST_TEST(store.find("mm-a-1")->qty.to_string() == "2");
    BOOST_TEST(store.size() == 1U);
    (void)store.apply(order_ack{"mm-a-1", "v-1", at_ms(2)});
    BOOST_TEST(code_of(store.apply(order_ack{"mm-a-1", "v-1", at_ms(2)})) == "duplicate");
    BOOST_TEST(code_of(store.apply(order_ack{"mm-a-1", "v-2", at_ms(2)})) == "ack_mismatch");
    (void)store.apply(fill("mm-a-1", "e1", side::buy, "100", "1"));
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e1", side::buy, "100", "1"))) == "duplicate");
    BOOST_TEST(store.find("mm-a-1")->filled_qty.to_string() == "1");
    BOOST_TEST(store.stats().duplicate_operations == 3U);
    BOOST_TEST(store.stats().duplicate_fills == 1U);
    BOOST_TEST(store.stats().placed == 1U);
    BOOST_TEST(store.stats().fills == 1U);
}

BOOST_AUTO_TEST_CASE(invalid_events_name_the_problem) {
    order_store store;
    BOOST_TEST(code_of(store.apply(place("bad id", side::buy, "100", "1"))) == "invalid_order");
    BOOST_TEST(code_of(store.apply(place("mm-a-1", side::buy, "0", "1"))) == "invalid_order");
    BOOST_TEST(code_of(store.apply(place("mm-a-1", side::buy, "1", "-1"))) == "invalid_order");
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    auto over = store.apply(fill("mm-a-1", "e1", side::buy, "100", "1.5"));
    BOOST_REQUIRE(!over);
    BOOST_TEST(over.error().code == mmbot::engine::errc::overfill);
    BOOST_TEST(over.error().message.find("1.5") != std::string::npos);
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e2", side::sell, "100", "1"))) ==
               "fill_mismatch");
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e3", side::buy, "100", "1", "ETHUSDT"))) ==
               "fill_mismatch");
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "", side::buy, "100", "1"))) == "invalid_fill");
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e4", side::buy, "100", "0"))) == "invalid_fill");
    // None of the refused fills changed anything, nor used up their exec ids.
    BOOST_TEST(store.find("mm-a-1")->filled_qty.is_zero());
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e1", side::buy, "100", "1"))) == "applied");
}

BOOST_AUTO_TEST_CASE(check_predicts_apply_without_changing_anything) {
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    const order_store before = store;
    BOOST_TEST(code_of(store.check(place("mm-a-1", side::buy, "100", "1"))) == "duplicate");
    BOOST_TEST(code_of(store.check(fill("mm-a-1", "e1", side::buy, "100", "1"))) == "applied");
    BOOST_TEST(code_of(store.check(order_cancel{"mm-x-1", "", at_ms(1)})) == "unknown_order");
    BOOST_TEST((store == before));
}

BOOST_AUTO_TEST_CASE(max_id_counter_tracks_generated_ids) {
    order_store store;
    (void)store.apply(place("mm-run-z", side::buy, "1", "1"));     // 35
    (void)store.apply(place("mm-run-10", side::buy, "1", "1"));    // 36
    (void)store.apply(place("manual_order", side::buy, "1", "1"));  // not ours: ignored
    BOOST_TEST(store.max_id_counter() == 36U);
}

BOOST_AUTO_TEST_CASE(prune_closed_forgets_only_orders_closed_before_the_cut) {
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    (void)store.apply(order_ack{"mm-a-1", "v-1", at_ms(1)});
    (void)store.apply(place("mm-a-2", side::sell, "101", "1"));
    (void)store.apply(place("mm-a-3", side::sell, "102", "1"));
    (void)store.apply(order_cancel{"mm-a-1", "user", at_ms(10)});
    (void)store.apply(order_reject{"mm-a-3", "EC_PostOnlyWillTakeLiquidity", at_ms(20)});
    // mm-a-2 stays open (placed before both): it never blocks pruning what closed after it.
    BOOST_TEST(store.prune_closed(at_ms(10)) == 0U);  // strictly before the cut
    BOOST_TEST(store.prune_closed(at_ms(11)) == 1U);
    BOOST_TEST(store.find("mm-a-1") == nullptr);
    BOOST_TEST(store.find_by_venue_id("v-1") == nullptr);
    BOOST_TEST(store.find("mm-a-3") != nullptr);
    BOOST_TEST(store.size() == 2U);
    BOOST_TEST(store.pruned() == 1U);
    // Counts and statistics still describe the whole run.
    BOOST_TEST(store.count(order_status::cancelled) == 1U);
    BOOST_TEST(store.count(order_status::rejected) == 1U);
    BOOST_TEST(store.stats().cancelled == 1U);
    // A late event about a forgotten order is refused, never applied to something else.
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e9", side::buy, "100", "1"))) == "unknown_order");
    // A late fill of a retained cancelled order still applies.
    (void)store.apply(order_cancel{"mm-a-2", "user", at_ms(30)});
    BOOST_TEST(code_of(store.apply(fill("mm-a-2", "e10", side::sell, "101", "1"))) == "applied");
    BOOST_TEST(store.stats().late_fills == 1U);
    BOOST_TEST(store.prune_closed(at_ms(1000)) == 2U);
    BOOST_TEST(store.size() == 0U);
    BOOST_TEST(store.open_count() == 0U);
    BOOST_TEST(store.count(order_status::cancelled) == 2U);
    // New orders after pruning are held as before.
    BOOST_TEST(code_of(store.apply(place("mm-a-4", side::buy, "100", "1"))) == "applied");
    BOOST_TEST(store.open_orders("BTCUSDT").size() == 1U);
}

BOOST_AUTO_TEST_CASE(pruned_records_are_reused_without_their_past_and_their_fills_forgotten) {
    order_store store;
    (void)store.apply(place("mm-a-1", side::buy, "100", "1"));
    (void)store.apply(order_ack{"mm-a-1", "v-1", at_ms(1)});
    (void)store.apply(fill("mm-a-1", "e1", side::buy, "100", "0.4"));
    (void)store.apply(order_cancel{"mm-a-1", "user", at_ms(10)});
    (void)store.apply(place("mm-a-2", side::buy, "100", "1"));
    (void)store.apply(fill("mm-a-2", "e2", side::buy, "100", "0.5"));
    std::vector<std::string> forgotten;
    BOOST_TEST(store.prune_closed(at_ms(11), [&](const std::string& e) { forgotten.push_back(e); }) == 1U);
    BOOST_TEST(forgotten == std::vector<std::string>{"e1"});  // e2's order is still open
    // A repeated fill of the pruned order is refused as unknown, never applied.
    BOOST_TEST(code_of(store.apply(fill("mm-a-1", "e1", side::buy, "100", "0.4"))) == "unknown_order");
    BOOST_TEST(code_of(store.apply(fill("mm-a-2", "e2", side::buy, "100", "0.5"))) == "duplicate");
    // The next order takes the pruned record: nothing of the old one shows.
    const new_order third = place("mm-a-3", side::sell, "101", "2");
    BOOST_TEST(code_of(store.apply(third)) == "applied");
    BOOST_TEST((*store.find("mm-a-3") == make_order(third)));
    BOOST_TEST(store.find_by_venue_id("v-1") == nullptr);
    BOOST_TEST(store.find("mm-a-1") == nullptr);
    BOOST_TEST(store.open_orders("BTCUSDT").size() == 2U);
    BOOST_TEST(code_of(store.apply(order_ack{"mm-a-3", "v-1", at_ms(12)})) == "applied");  // v-1 is free again
    BOOST_TEST(store.find_by_venue_id("v-1") == store.find("mm-a-3"));
}
