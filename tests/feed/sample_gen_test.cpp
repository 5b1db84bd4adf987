// The checked-in samples are exactly what the generator writes with its default options, so the
// samples and the model cannot drift apart. After changing the model, regenerate both:
//   bazel run //tools/sample_gen -- --out "$PWD/data/sample/bybit_btcusdt_sample.jsonl"
//   bazel run //tools/sample_gen -- --venue binance --out "$PWD/data/sample/binance_btcusdt_sample.txt"
#define BOOST_TEST_MODULE feed_sample_gen
#include <boost/test/unit_test.hpp>

#include "tools/sample_gen/sample_model.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace {
void check_matches_generator(const char* path, const mmbot::tools::sample_gen::options& opt) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), path);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string on_disk = buf.str();
    const std::string generated = mmbot::tools::sample_gen::generate(opt);
    BOOST_TEST(on_disk.size() == generated.size());
    if (on_disk != generated) {
        const auto [a, b] = std::mismatch(on_disk.begin(), on_disk.end(), generated.begin(), generated.end());
        const auto offset = std::distance(on_disk.begin(), a);
        BOOST_FAIL(path << " differs from the generator at byte " << offset << "; regenerate it");
    }
    BOOST_TEST(on_disk.size() < std::size_t{2} << 20U);
}
}  // namespace

BOOST_AUTO_TEST_CASE(checked_in_sample_matches_the_generator) {
    check_matches_generator("data/sample/bybit_btcusdt_sample.jsonl", {});
}

BOOST_AUTO_TEST_CASE(checked_in_binance_sample_matches_the_generator) {
    check_matches_generator("data/sample/binance_btcusdt_sample.txt",
                            {.venue = mmbot::tools::sample_gen::protocol::binance_usdm});
}

BOOST_AUTO_TEST_CASE(same_seed_same_bytes_other_seed_other_bytes) {
    const auto a = mmbot::tools::sample_gen::generate({.seed = 7, .duration_ms = 30'000});
    const auto b = mmbot::tools::sample_gen::generate({.seed = 7, .duration_ms = 30'000});
    const auto c = mmbot::tools::sample_gen::generate({.seed = 8, .duration_ms = 30'000});
    BOOST_TEST((a == b));
    BOOST_TEST((a != c));
    const mmbot::tools::sample_gen::options bn{.seed = 7, .duration_ms = 30'000,
                                               .venue = mmbot::tools::sample_gen::protocol::binance_usdm};
    BOOST_TEST((mmbot::tools::sample_gen::generate(bn) == mmbot::tools::sample_gen::generate(bn)));
    BOOST_TEST((mmbot::tools::sample_gen::generate(bn) != a));
}
