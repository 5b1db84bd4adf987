// latency_histogram: bucket edges, and percentiles against the exact order statistic of the same
// samples (never below it, at most 1/16 above it).
#define BOOST_TEST_MODULE obs_latency_histogram
#include <boost/test/unit_test.hpp>

#include "mmbot/obs/latency_histogram.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using mmbot::obs::latency_histogram;
using std::chrono::nanoseconds;

BOOST_AUTO_TEST_CASE(small_samples_are_exact_and_buckets_tile_the_range) {
    for (std::uint64_t n = 0; n < 16; ++n) {
        BOOST_TEST(latency_histogram::index_of(n) == n);
        BOOST_TEST(latency_histogram::upper_bound_of(n) == n);
    }
    // Every bucket's upper bound is followed by the next bucket's first sample.
    for (std::size_t i = 0; i + 1 < latency_histogram::bucket_count; ++i) {
        const std::uint64_t upper = latency_histogram::upper_bound_of(i);
        BOOST_TEST_REQUIRE(latency_histogram::index_of(upper) == i);
        BOOST_TEST_REQUIRE(latency_histogram::index_of(upper + 1) == i + 1);
    }
    BOOST_TEST(latency_histogram::index_of(UINT64_MAX) == latency_histogram::bucket_count - 1);
    BOOST_TEST(latency_histogram::upper_bound_of(latency_histogram::bucket_count - 1) == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(empty_negative_and_single) {
    latency_histogram h;
    BOOST_TEST(h.count() == 0U);
    BOOST_TEST(h.percentile(0.99) == 0U);
    h.record(nanoseconds(-5));  // a clock that went back counts as 0
    BOOST_TEST(h.count() == 1U);
    BOOST_TEST(h.percentile(0.5) == 0U);
    h.record(nanoseconds(1'000'000));
    BOOST_TEST(h.max() == 1'000'000U);
    // The top bucket's upper bound is capped at the exact max.
    BOOST_TEST(h.percentile(1.0) == 1'000'000U);
    BOOST_TEST(h.percentile(0.5) == 0U);
}

BOOST_AUTO_TEST_CASE(percentiles_bound_the_exact_order_statistic) {
    std::mt19937_64 rng(42);
    // Log-uniform over 10 ns .. 10 ms, the span of a decision's latency.
    std::uniform_real_distribution<double> exponent(1.0, 7.0);
    latency_histogram h;
    std::vector<std::uint64_t> samples;
    for (int i = 0; i < 20'000; ++i) {
        const auto n = static_cast<std::uint64_t>(std::pow(10.0, exponent(rng)));
        samples.push_back(n);
        h.record(nanoseconds(static_cast<std::int64_t>(n)));
    }
    std::sort(samples.begin(), samples.end());
    for (const double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
        rank = std::max<std::size_t>(rank, 1);
        const std::uint64_t exact = samples[rank - 1];
        const std::uint64_t got = h.percentile(q);
        BOOST_TEST_CONTEXT("q " << q << " exact " << exact << " got " << got) {
            BOOST_TEST(got >= exact);
            BOOST_TEST(got - exact <= exact / 16);
        }
    }
    BOOST_TEST(h.max() == samples.back());
    BOOST_TEST(h.count() == samples.size());
}
