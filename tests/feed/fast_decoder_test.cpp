// The codec's fast path (SAX decoder, detail/event_decoder.hpp) against its checked path (DOM parse
// + decode(object)): whenever the fast path accepts a text, the checked path must decode it to the
// same values; decode(text) must give exactly the checked path's result (value or error message)
// for any text; and well-formed messages, including the bundled sample's, must take the fast path.
// Thousands of deterministic mutations of real-shaped messages probe the edges.
#define BOOST_TEST_MODULE feed_fast_decoder
#include <boost/test/unit_test.hpp>

#include "mmbot/feed/bybit_public.hpp"

#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace mmbot::feed;

namespace {

bool same_trade(const trade& a, const trade& b) {
    return a.ts_ms == b.ts_ms && a.sym == b.sym && a.side == b.side && a.px == b.px &&
           a.qty == b.qty && a.id == b.id && a.block_trade == b.block_trade && a.seq == b.seq;
}

/// The member `kind` names, and the common fields, are equal.
bool same(const decoded_message& a, const decoded_message& b) {
    if (a.kind != b.kind || a.ignored_what != b.ignored_what || a.ts_ms != b.ts_ms) return false;
    switch (a.kind) {
        case message_kind::book: {
            const book_update& x = a.book;
            const book_update& y = b.book;
            return x.sym == y.sym && x.depth == y.depth && x.action == y.action &&
                   x.ts_ms == y.ts_ms && x.cts_ms == y.cts_ms && x.u == y.u && x.seq == y.seq &&
                   x.bids == y.bids && x.asks == y.asks;
        }
        case message_kind::trades: {
            if (a.trades.ts_ms != b.trades.ts_ms) return false;
            if (a.trades.prints.size() != b.trades.prints.size()) return false;
            for (std::size_t i = 0; i < a.trades.prints.size(); ++i) {
                if (!same_trade(a.trades.prints[i], b.trades.prints[i])) return false;
            }
            return true;
        }
        case message_kind::ticker: {
            const ticker& x = a.tick;
            const ticker& y = b.tick;
            return x.sym == y.sym && x.action == y.action && x.ts_ms == y.ts_ms &&
                   x.last_price == y.last_price && x.mark_price == y.mark_price &&
                   x.index_price == y.index_price && x.bid1_price == y.bid1_price &&
                   x.bid1_size == y.bid1_size && x.ask1_price == y.ask1_price &&
                   x.ask1_size == y.ask1_size && x.funding_rate == y.funding_rate;
        }
        case message_kind::ignored: return true;
    }
    return false;
}

/// The checked path alone: what decode(text) gave before the fast path existed.
struct checked {
    bybit_public_codec codec;
    decoded_message msg;

    mmbot::core::result<message_kind> decode(std::string_view text) {
        auto doc = codec.parse(text);
        if (!doc) return doc.error();
        const auto* obj = (*doc)->if_object();
        if (obj == nullptr) {
            // Route through decode(text) for the exact "expected a JSON object" wording: the fast
            // path never accepts a non-object, so this is the checked path too.
            bybit_public_codec other;
            return other.decode(text, msg);
        }
        return codec.decode(*obj, msg);
    }
};

struct counts {
    std::uint64_t texts = 0;
    std::uint64_t fast_accepted = 0;
};

/// Checks one text both ways; returns whether the fast path took it.
bool check_text(std::string_view text, bybit_public_codec& fast, decoded_message& fast_msg,
                checked& slow) {
    const auto reference = slow.decode(text);
    const std::optional<message_kind> k = fast.try_decode(text, fast_msg);
    if (k) {
        BOOST_TEST_REQUIRE(reference.has_value(), "fast path accepted what the checked path refuses: "
                                                      << text << " -> " << reference.error().message);
        BOOST_TEST_REQUIRE(same(fast_msg, slow.msg), "fast and checked paths differ on: " << text);
    }
    const auto full = fast.decode(text, fast_msg);
    BOOST_TEST_REQUIRE(full.has_value() == reference.has_value(), "decode(text) differs on: " << text);
    if (full) {
        BOOST_TEST_REQUIRE(same(fast_msg, slow.msg), "decode(text) values differ on: " << text);
    } else {
        BOOST_TEST_REQUIRE(full.error().code == reference.error().code);
        BOOST_TEST_REQUIRE(full.error().message == reference.error().message,
                           "error differs on: " << text);
    }
    return k.has_value();
}

const std::vector<std::string>& seeds() {
    static const std::vector<std::string> s{
        R"({"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1672304484978,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"],["16493.00","0.100"]],"a":[["16611.00","0.029"],["16612.00","0.213"]],"u":18521288,"seq":7961638724},"cts":1672304484976})",
        R"({"topic":"orderbook.50.BTCUSDT","ts":1672304484978,"type":"delta","cts":1672304484976,"data":{"u":18521289,"a":[["16611.00","0"]],"seq":7961638725,"b":[],"s":"BTCUSDT"}})",
        R"({"topic":"orderbook.500.XRPUSDT","type":"snapshot","ts":1733011200691,"data":{"s":"XRPUSDT","b":[["1.9531","6203"]],"a":[["1.9532","10"]],"u":1}})",
        R"({"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"seq":1}]})",
        R"({"topic":"publicTrade.ETHUSDT","ts":1786310821917,"type":"snapshot","data":[{"i":"2280000001739247417","T":1786310821917,"p":"1923.28","v":"0.04537","S":"Sell","seq":178477362706,"s":"ETHUSDT","BT":true,"RPI":false},{"i":"x","T":1,"p":"1","v":"2","S":"Buy","s":"ETHUSDT"}]})",
        R"({"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","lastPrice":"65114.30","markPrice":"65117.44","indexPrice":"65137.76","bid1Price":"65114.20","bid1Size":"5.954","ask1Price":"65114.30","ask1Size":"10.470","fundingRate":"0.0001","preOpenPrice":""},"cs":753843900397,"ts":1786310817583})",
        R"({"topic":"tickers.ETHUSDT","ts":1786310819415,"type":"delta","cs":1,"data":{"symbol":"ETHUSDT","lastPrice":"","bid1Price":"1923.27"}})",
        R"({"success":true,"ret_msg":"subscribe","conn_id":"d9avt8shteepr00gfc1g-4zd1x","op":"subscribe"})",
        R"({"topic":"kline.1.BTCUSDT","type":"snapshot","ts":1,"data":[{"start":1,"close":"2"}]})",
        R"({"recv_ts_ns":1786310818130123456,"msg":{"topic":"orderbook.1.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":5}}})",
    };
    return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(well_formed_messages_take_the_fast_path) {
    bybit_public_codec fast;
    decoded_message msg;
    checked slow;
    // All but the wrapper (a raw decode refuses it: no topic) take the fast path.
    for (std::size_t i = 0; i + 1 < seeds().size(); ++i) {
        BOOST_TEST(check_text(seeds()[i], fast, msg, slow), seeds()[i]);
    }
    BOOST_TEST(!check_text(seeds().back(), fast, msg, slow));
}

BOOST_AUTO_TEST_CASE(bundled_sample_takes_the_fast_path_with_identical_values) {
    std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl");
    BOOST_TEST_REQUIRE(in.good());
    bybit_public_codec fast;
    decoded_message msg;
    checked slow;
    std::string line;
    counts n;
    while (std::getline(in, line)) {
        ++n.texts;
        if (check_text(line, fast, msg, slow)) ++n.fast_accepted;
    }
    BOOST_TEST(n.texts > 5000U);
    BOOST_TEST(n.fast_accepted == n.texts);
}

BOOST_AUTO_TEST_CASE(wrapper_is_decoded_only_when_asked) {
    bybit_public_codec codec;
    decoded_message msg;
    std::optional<std::int64_t> recv;
    const auto k = codec.try_decode(seeds().back(), msg, &recv);
    BOOST_TEST_REQUIRE(k.has_value());
    BOOST_TEST((*k == message_kind::book));
    BOOST_TEST_REQUIRE(recv.has_value());
    BOOST_TEST(*recv == 1786310818130123456);
    BOOST_TEST(msg.book.bids.size() == 1U);
    // A raw message resets the time; without the out-parameter a wrapper is not taken.
    BOOST_TEST(codec.try_decode(seeds()[0], msg, &recv).has_value());
    BOOST_TEST(!recv.has_value());
    BOOST_TEST(!codec.try_decode(seeds().back(), msg).has_value());
    // Mixed forms and a wrapper without its time are left to the checked path.
    BOOST_TEST(!codec.try_decode(R"({"msg":{"op":"pong"}})", msg, &recv).has_value());
    BOOST_TEST(!codec.try_decode(R"({"recv_ts_ns":1,"topic":"x.y","msg":{"op":"pong"}})", msg, &recv)
                    .has_value());
    BOOST_TEST(codec.try_decode(R"({"recv_ts_ns":7,"msg":{"op":"pong"}})", msg, &recv).has_value());
    BOOST_TEST(*recv == 7);
}

BOOST_AUTO_TEST_CASE(unusual_but_valid_messages_still_decode_through_the_checked_path) {
    bybit_public_codec fast;
    decoded_message msg;
    checked slow;
    const std::vector<std::string> odd{
        // data before topic; a duplicate key (the checked path keeps the last)
        R"({"data":{"s":"BTCUSDT","b":[],"a":[],"u":2},"topic":"orderbook.1.BTCUSDT","type":"delta","ts":1})",
        R"({"topic":"orderbook.1.BTCUSDT","type":"delta","ts":1,"ts":2,"data":{"s":"BTCUSDT","b":[],"a":[],"u":2}})",
        // escapes in keys and values, and an over-long string where nothing is read
        R"({"topic":"orderbook.1.BTCUSDT","ty\u0070e":"delta","ts":1,"data":{"s":"BTC\u0055SDT","b":[["1\u002e5","2"]],"a":[],"u":2}})",
        R"({"topic":"publicTrade.BTCUSDT","ts":1,"note":")" + std::string(500, 'x') +
            R"(","data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"1","p":"2","i":"a"}]})",
    };
    for (const auto& text : odd) {
        (void)check_text(text, fast, msg, slow);
        BOOST_TEST(fast.decode(text, msg).has_value(), text);
    }
}

BOOST_AUTO_TEST_CASE(mutations_never_make_the_paths_disagree) {
    // Deterministic: the same mutations every run. Each seed gets single-character edits, deletions
    // and insertions drawn from JSON's own alphabet, so many results are still valid JSON.
    std::mt19937 rng(20261126);
    const std::string alphabet = R"({}[]",:0123456789.-eE tfnrulasSbpvTi\)";
    bybit_public_codec fast;
    decoded_message msg;
    checked slow;
    counts n;
    for (const auto& seed : seeds()) {
        for (int round = 0; round < 1500; ++round) {
            std::string t = seed;
            const auto edits = 1 + rng() % 3;
            for (std::uint32_t e = 0; e < edits; ++e) {
                const std::size_t pos = rng() % (t.size() + 1);
                const char c = alphabet[rng() % alphabet.size()];
                switch (rng() % 3) {
                    case 0:
                        if (pos < t.size()) t.erase(pos, 1 + rng() % 4);
                        break;
                    case 1: t.insert(pos, 1, c); break;
                    default:
                        if (pos < t.size()) t[pos] = c;
                        break;
                }
            }
            ++n.texts;
            if (check_text(t, fast, msg, slow)) ++n.fast_accepted;
        }
    }
    BOOST_TEST_MESSAGE("mutations " << n.texts << ", fast path took " << n.fast_accepted);
    BOOST_TEST(n.fast_accepted > n.texts / 20);  // the comparison was not vacuous
}

// ------------------------------------------------------------ the orderbook scanner (first tier)

BOOST_AUTO_TEST_CASE(compact_orderbook_messages_take_the_scanner) {
    // Positive control: the scanner itself (not the SAX tier behind it) takes real-shaped books,
    // linear and spot key orders alike, and every orderbook line of the bundled sample.
    decoded_message msg;
    checked slow;
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST_REQUIRE(mmbot::feed::detail::scan_book_message(seeds()[i], msg), seeds()[i]);
        BOOST_TEST_REQUIRE(slow.decode(seeds()[i]).has_value());
        BOOST_TEST(same(msg, slow.msg), seeds()[i]);
    }
    std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl");
    BOOST_TEST_REQUIRE(static_cast<bool>(in));
    std::string line;
    std::uint64_t books = 0;
    while (std::getline(in, line)) {
        if (line.find(R"("topic":"orderbook.)") == std::string::npos) continue;
        ++books;
        BOOST_TEST_REQUIRE(mmbot::feed::detail::scan_book_message(line, msg), line);
        BOOST_TEST_REQUIRE(slow.decode(line).has_value());
        BOOST_TEST_REQUIRE(same(msg, slow.msg), line);
    }
    BOOST_TEST(books > 4000U);
}

BOOST_AUTO_TEST_CASE(the_scanner_leaves_anything_unusual_to_the_other_tiers) {
    // Each of these is outside the scanner's grammar (valid or not); the result must still be the
    // checked path's, value or error.
    const std::string head = R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,)";
    const std::vector<std::string> texts{
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2}} x)",        // trailing text
        head + R"( "data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2}})",         // space
        head + R"("data":{"s":"BTCUSDT","b":[["1.5" ,"2"]],"a":[],"u":2}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1\u002e5","2"]],"a":[],"u":2}})",    // escape
        head + R"("data":{"s":"BTCUSDé","b":[["1.5","2"]],"a":[],"u":2}})",  // UTF-8
        head + "\"data\":{\"s\":\"BTCUSDT\xff\",\"b\":[[\"1.5\",\"2\"]],\"a\":[],\"u\":2}}",  // invalid UTF-8
        head + "\"data\":{\"\xc3\":1,\"s\":\"BTCUSDT\",\"b\":[[\"1.5\",\"2\"]],\"a\":[],\"u\":2}}",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":1234567890123456789}})",  // 19 digits
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":18446744073709551616}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2.0}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2e3}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":02}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":-2}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2","3"]],"a":[],"u":2}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5"]],"a":[],"u":2}})",
        head + R"("data":{"s":"BTCUSDT","b":[[1.5,"2"]],"a":[],"u":2}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"],],"a":[],"u":2}})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2,"u":3}})",    // duplicate
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"b":[],"a":[],"u":2}})",
        head + R"("data":{"s":"ETHUSDT","b":[["1.5","2"]],"a":[],"u":2}})",          // wrong symbol
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"u":2}})",                 // no a
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2},"op":"x"})", // extra key
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2}}{})",
        head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2})",           // unclosed
        R"({"topic":"orderbook.50.BTCUSDT","type":"Delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":2}})",
        R"({"topic":"orderbook.50.BTCUSDT","type":"delta","data":{"s":"BTCUSDT","b":[],"a":[],"u":2}})",
        R"({"topic":"orderbook.5000.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":2}})",
        R"({"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"ts":2,"data":{"s":"BTCUSDT","b":[],"a":[],"u":2}})",
    };
    bybit_public_codec fast;
    decoded_message msg;
    checked slow;
    // Trailing whitespace (a CRLF capture) is still the scanner's, with the same values.
    const std::string crlf = head + R"("data":{"s":"BTCUSDT","b":[["1.5","2"]],"a":[],"u":2}})" + " \t\r\n";
    BOOST_TEST(mmbot::feed::detail::scan_book_message(crlf, msg));
    BOOST_TEST_REQUIRE(slow.decode(crlf).has_value());
    BOOST_TEST(same(msg, slow.msg));
    for (const auto& text : texts) {
        BOOST_TEST(!mmbot::feed::detail::scan_book_message(text, msg), text);
        (void)check_text(text, fast, msg, slow);
    }
    // Prices and sizes outside the digits loop's reach go through Decimal::parse: taken when it
    // accepts them, with its value, refused when it refuses them.
    const std::vector<std::pair<std::string, bool>> decimals{
        {R"(["1.","2"])", false},          {R"([".5","2"])", false},
        {R"(["1e5","2"])", false},         {R"(["-1.5","2"])", false},
        {R"(["0","2"])", false},           {R"(["1.5","-2"])", false},
        {R"(["1.5","0.000000001"])", false}, {R"(["1.5","2.000000000"])", true},
        {R"(["12345678901","2"])", true},  {R"(["99999999999999999999","2"])", false},
        {R"(["0001.5","2"])", true},       {R"(["1.5","0"])", true},
        {R"(["1.5",""])", false},          {R"(["+1.5","2"])", false},
    };
    for (const auto& [pair, taken] : decimals) {
        const std::string text = head + R"("data":{"s":"BTCUSDT","b":[)" + pair + R"(],"a":[],"u":2}})";
        BOOST_TEST(mmbot::feed::detail::scan_book_message(text, msg) == taken, text);
        if (taken) {
            BOOST_TEST_REQUIRE(slow.decode(text).has_value());
            BOOST_TEST(same(msg, slow.msg), text);
        }
        (void)check_text(text, fast, msg, slow);
    }
}

BOOST_AUTO_TEST_CASE(level_mutations_never_make_the_tiers_disagree) {
    // Edits inside the level arrays, where the scanner's own number reading is: digits, points,
    // signs, quotes and brackets. The scanner must take a fair share (the comparison is real).
    std::mt19937 rng(20261207);
    const std::string alphabet = R"(0123456789..-"[],e)";
    const std::string seed =
        R"({"topic":"orderbook.200.BTCUSDT","type":"delta","ts":1786310818129,"data":{"s":"BTCUSDT","b":[["65114.20","6.054"],["65114.1","0.002"],["65113","0"]],"a":[["65114.30","10.470"],["65115.00","0.001"]],"u":18521289,"seq":7961638725},"cts":1786310818127})";
    const auto b = seed.find(R"("b":)");
    const auto u = seed.find(R"("u":)");
    bybit_public_codec fast;
    decoded_message msg;
    decoded_message scanned;
    checked slow;
    counts n;
    for (int round = 0; round < 6000; ++round) {
        std::string t = seed;
        const auto edits = 1 + rng() % 2;
        for (std::uint32_t e = 0; e < edits; ++e) {
            const std::size_t pos = b + rng() % (u - b);
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
                case 0: t.erase(pos, 1); break;
                case 1: t.insert(pos, 1, c); break;
                default: t[pos] = c; break;
            }
        }
        ++n.texts;
        if (mmbot::feed::detail::scan_book_message(t, scanned)) {
            ++n.fast_accepted;
            BOOST_TEST_REQUIRE(slow.decode(t).has_value(), "scanner accepted what the checked path refuses: " << t);
            BOOST_TEST_REQUIRE(same(scanned, slow.msg), "scanner and checked path differ on: " << t);
        }
        (void)check_text(t, fast, msg, slow);
    }
    BOOST_TEST_MESSAGE("level mutations " << n.texts << ", scanner took " << n.fast_accepted);
    BOOST_TEST(n.fast_accepted > n.texts / 10);
}
