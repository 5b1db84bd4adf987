// The shard's Redis side against a real redis-server (started on a free port by the test):
// the lease (a duplicate refused naming the holder, compare-and-renew never extends another
// process's lease, release), the state codec (exact decimals round-trip; a malformed field is
// named), and the coordinator (two shards see each other's states, kill --all, Redis killed and
// restarted: the view ages, then the lease is confirmed and the state republished).
#define BOOST_TEST_MODULE shard_redis
#include "mmbot/shard/coordinator.hpp"
#include "mmbot/shard/lease.hpp"
#include "mmbot/shard/shard_codec.hpp"
#include "tests/shard/redis_server.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace shard = mmbot::shard;
namespace risk = mmbot::risk;
namespace core = mmbot::core;
using namespace std::chrono_literals;

namespace {

shard::redis_link connect(const test::redis_server& r) {
    return shard::redis_link::open(r.endpoint(), 500ms).value();
}

std::chrono::nanoseconds wall() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
}

/// Polls `done` for up to `limit`; the time it took, or nullopt.
std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds limit, const std::function<bool()>& done) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
        if (done()) return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
}

risk::shard_state btc_state(const char* open_buy) {
    risk::shard_symbol_state s{"BTCUSDT",
                               core::quantity::parse("-0.00000001").value(),
                               core::price::parse("65000.12345678").value(),
                               core::notional::parse(open_buy).value(),
                               core::notional::parse("0.0000000000000001").value(),
                               core::notional::parse("-12.3456789012345678").value(),
                               core::notional::parse("0.5").value()};
    return risk::shard_state{"", "", 0, {s}};
}

shard::coordinator_options options(const test::redis_server& r, const std::string& name) {
    shard::coordinator_options o;
    o.shard = name;
    o.venue = "local";
    o.redis = r.endpoint();
    o.name_space = "t";
    o.lease_ttl = 3000ms;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_second_holder_is_refused_naming_the_first) {
    const test::redis_server redis;
    auto link = connect(redis);
    const shard::key_space keys("t");
    const shard::shard_lease first(keys, "alpha", "host:1:aaaa", 10s);
    const shard::shard_lease second(keys, "alpha", "host:2:bbbb", 10s);
    BOOST_TEST(first.acquire(link).has_value());
    const auto refused = second.acquire(link);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().code == shard::errc::shard_taken);
    BOOST_TEST(refused.error().message.find("held by host:1:aaaa") != std::string::npos, refused.error().message);
    BOOST_TEST(refused.error().message.find("shard \"alpha\"") != std::string::npos);
    // Another shard name is another lease.
    BOOST_TEST(shard::shard_lease(keys, "beta", "host:2:bbbb", 10s).acquire(link).has_value());
}

BOOST_AUTO_TEST_CASE(renewal_is_compare_and_renew) {
    const test::redis_server redis;
    auto link = connect(redis);
    const shard::key_space keys("t");
    const shard::shard_lease mine(keys, "alpha", "host:1:aaaa", 300ms);
    const shard::shard_lease stale(keys, "alpha", "host:2:bbbb", 10s);
    BOOST_TEST(mine.acquire(link).has_value());
    BOOST_TEST(mine.renew(link).value());
    BOOST_TEST(!stale.renew(link).value());  // never extends another's lease
    BOOST_TEST(link.command({"PTTL", mine.key()}).value().integer <= 300);
    std::this_thread::sleep_for(400ms);  // expired: nobody holds it
    BOOST_TEST(!mine.renew(link).value());
    BOOST_TEST(stale.confirm(link).value());  // the key was gone: taken again
    BOOST_TEST(!mine.confirm(link).value());  // now the other holds it
    BOOST_TEST(link.command({"GET", mine.key()}).value().text == "host:2:bbbb");
    BOOST_TEST(mine.release(link).has_value());  // not its lease: left alone
    BOOST_TEST(link.command({"GET", mine.key()}).value().text == "host:2:bbbb");
    BOOST_TEST(stale.release(link).has_value());
    BOOST_TEST(link.command({"GET", mine.key()}).value().is_nil());
}

BOOST_AUTO_TEST_CASE(state_round_trips_exactly_and_bad_fields_are_named) {
    const test::redis_server redis;
    auto link = connect(redis);
    const shard::key_space keys("t");
    auto s = btc_state("130.0000000000000001");
    s.shard = "alpha";
    s.venue = "bybit-testnet";
    s.updated_ms = 1765081234567;
    BOOST_TEST(link.command(shard::encode_state(keys, s)).has_value());
    const auto back = shard::decode_state("alpha", keys.state("alpha"), link.command({"HGETALL", keys.state("alpha")}).value());
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->venue == "bybit-testnet");
    BOOST_TEST(back->updated_ms == 1765081234567);
    BOOST_TEST_REQUIRE(back->symbols.size() == 1U);
    const auto& b = back->symbols[0];
    BOOST_TEST(b.position == s.symbols[0].position);
    BOOST_TEST(b.mid == s.symbols[0].mid);
    BOOST_TEST(b.open_buy_notional.to_string() == "130.0000000000000001");
    BOOST_TEST(b.open_sell_notional == s.symbols[0].open_sell_notional);
    BOOST_TEST(b.realized_pnl.to_string() == "-12.3456789012345678");
    BOOST_TEST(b.unrealized_pnl == s.symbols[0].unrealized_pnl);

    BOOST_TEST(link.command({"HSET", keys.state("alpha"), "BTCUSDT.mid", "6.5e4"}).has_value());
    const auto bad = shard::decode_state("alpha", keys.state("alpha"), link.command({"HGETALL", keys.state("alpha")}).value());
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().code == shard::errc::shard_state);
    BOOST_TEST(bad.error().message == "t:shard:alpha field BTCUSDT.mid: expected a decimal, got \"6.5e4\"");
    BOOST_TEST(link.command({"HDEL", keys.state("alpha"), "BTCUSDT.mid"}).has_value());
    const auto missing = shard::decode_state("alpha", keys.state("alpha"), link.command({"HGETALL", keys.state("alpha")}).value());
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().message == "t:shard:alpha: symbol BTCUSDT has 5 of its 6 fields");
    BOOST_TEST(link.command({"HSET", keys.state("alpha"), "colour", "blue"}).has_value());
    const auto unknown = shard::decode_state("alpha", keys.state("alpha"), link.command({"HGETALL", keys.state("alpha")}).value());
    BOOST_TEST_REQUIRE(!unknown.has_value());
    BOOST_TEST(unknown.error().message == "t:shard:alpha field colour: unknown field");
}

BOOST_AUTO_TEST_CASE(an_unreachable_redis_is_named_at_start) {
    const int port = test::free_port();
    auto o = shard::coordinator_options{};
    o.shard = "alpha";
    o.redis = {"127.0.0.1", port};
    const auto c = shard::coordinator::start(o, wall);
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == shard::errc::redis_unreachable);
    BOOST_TEST(c.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos, c.error().message);
}

BOOST_AUTO_TEST_CASE(coordinators_see_each_others_states_within_milliseconds) {
    const test::redis_server redis;
    auto a = shard::coordinator::start(options(redis, "a"), wall).value();
    auto b = shard::coordinator::start(options(redis, "b"), wall).value();
    const auto dup = shard::coordinator::start(options(redis, "a"), wall);
    BOOST_TEST_REQUIRE(!dup.has_value());
    BOOST_TEST(dup.error().code == shard::errc::shard_taken);
    BOOST_TEST(dup.error().message.find(a->holder()) != std::string::npos, dup.error().message);

    a->post(btc_state("100"));
    b->post(btc_state("200.5"));
    const auto gross = [&](const shard::coordinator& c) {
        const auto v = c.view();
        const auto it = v->exposure.find("BTC");
        return it == v->exposure.end() ? std::string() : it->second.gross.to_string();
    };
    // Each holds -0.00000001 BTC at 65000.12345678 (0.0006500012345678) plus its resting notional
    // and a 1e-16 sell: the sum is exact.
    const std::string want = "300.5013000024691358";
    const auto seen = within(2000ms, [&] { return gross(*a) == want && gross(*b) == want; });
    BOOST_TEST(seen.has_value(), "a sees " << gross(*a) << ", b sees " << gross(*b));
    BOOST_TEST(a->view()->shards == 2);
    BOOST_TEST(a->view()->lease_held);
    // Each: realized -12.3456789012345678 + unrealized 0.5.
    BOOST_TEST(a->view()->total_loss.to_string() == "23.6913578024691356");

    // kill --all: the key plus the event; both views carry it.
    auto link = connect(redis);
    BOOST_TEST(link.pipeline({{"SET", "t:kill", "drill"}, {"PUBLISH", "t:events", "kill"}}).has_value());
    BOOST_TEST(within(500ms, [&] { return a->view()->kill_reason == "drill" && b->view()->kill_reason == "drill"; })
                   .has_value());
}

BOOST_AUTO_TEST_CASE(redis_lost_the_view_ages_and_comes_back_with_the_lease_and_the_state) {
    test::redis_server redis;
    auto a = shard::coordinator::start(options(redis, "a"), wall).value();
    a->post(btc_state("100"));
    BOOST_TEST(within(1000ms, [&] { return a->view()->exposure.contains("BTC"); }).has_value());
    redis.stop();
    BOOST_TEST(within(1000ms, [&] { return !a->redis_up(); }).has_value());
    const auto frozen_view = a->view()->as_of;
    std::this_thread::sleep_for(300ms);
    BOOST_TEST(a->view()->as_of.count() == frozen_view.count());  // no new view without Redis
    BOOST_TEST(!a->last_error().first.empty());
    redis.start();  // empty: the lease and every state are gone
    BOOST_TEST(within(3000ms, [&] { return a->redis_up() && a->view()->as_of > frozen_view; }).has_value());
    BOOST_TEST(a->lease_held());
    auto link = connect(redis);
    BOOST_TEST(link.command({"GET", "t:lease:a"}).value().text == a->holder());
    // The state is republished from the last one posted (the trading thread posts every 100 ms).
    a->post(btc_state("100"));
    BOOST_TEST(within(1000ms, [&] { return a->view()->exposure.contains("BTC"); }).has_value());
}

BOOST_AUTO_TEST_CASE(a_process_whose_lease_was_taken_stops_holding_and_publishing) {
    const test::redis_server redis;
    auto o = options(redis, "a");
    o.lease_ttl = 300ms;
    auto a = shard::coordinator::start(o, wall).value();
    auto link = connect(redis);
    // Another process takes the key (as if a's lease had run out while it was paused).
    BOOST_TEST(link.command({"SET", "t:lease:a", "other:9:ffff"}).has_value());
    BOOST_TEST(within(1000ms, [&] { return !a->lease_held() && !a->view()->lease_held; }).has_value());
    BOOST_TEST(link.command({"DEL", "t:shard:a"}).has_value());
    a->post(btc_state("100"));
    std::this_thread::sleep_for(300ms);
    BOOST_TEST(link.command({"EXISTS", "t:shard:a"}).value().integer == 0);  // the stale copy publishes nothing
    BOOST_TEST(link.command({"GET", "t:lease:a"}).value().text == "other:9:ffff");
}
