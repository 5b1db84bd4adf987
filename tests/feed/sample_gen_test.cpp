// The checked-in sample is exactly what the generator writes with its default options, so the
// sample and the model cannot drift apart. After changing the model, regenerate:
//   bazel run //tools/sample_gen -- --out "$PWD/data/sample/bybit_btcusdt_sample.jsonl"
#define BOOST_TEST_MODULE feed_sample_gen
#include <boost/test/unit_test.hpp>

#include "tools/sample_gen/sample_model.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

BOOST_AUTO_TEST_CASE(checked_in_sample_matches_the_generator) {
    std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl", std::ios::binary);
    BOOST_TEST_REQUIRE(in.good());
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string on_disk = buf.str();
    const std::string generated = mmbot::tools::sample_gen::generate({});
    BOOST_TEST(on_disk.size() == generated.size());
    if (on_disk != generated) {
        const auto [a, b] = std::mismatch(on_disk.begin(), on_disk.end(), generated.begin(), generated.end());
        const auto offset = std::distance(on_disk.begin(), a);
        BOOST_FAIL("sample differs from the generator at byte " << offset << "; regenerate it");
    }
    BOOST_TEST(on_disk.size() < std::size_t{2} << 20U);
}

BOOST_AUTO_TEST_CASE(same_seed_same_bytes_other_seed_other_bytes) {
    const auto a = mmbot::tools::sample_gen::generate({.seed = 7, .duration_ms = 30'000});
    const auto b = mmbot::tools::sample_gen::generate({.seed = 7, .duration_ms = 30'000});
    const auto c = mmbot::tools::sample_gen::generate({.seed = 8, .duration_ms = 30'000});
    BOOST_TEST((a == b));
    BOOST_TEST((a != c));
}
