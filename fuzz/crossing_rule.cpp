// fuzz/crossing_rule.cpp
//
// The crossing rule against its definition in exact rationals: a BUY crosses when its price is at
// or above the best ask, a SELL when at or below the best bid; and the full policy never lets a
// crossing order through, on crossed, locked or normal books alike.
#include "fuzz_input.hpp"
#include "mmbot/policy/maker_policy.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using boost::multiprecision::cpp_rational;
    using namespace mmbot;
    fuzz::input in(data, size);
    const auto s = in.flag() ? core::side::buy : core::side::sell;
    constexpr std::int64_t hi = 10'000'000'000'000'000LL;
    const auto price = core::price::from_raw(in.in_range(-hi, hi));
    const auto bid = core::price::from_raw(in.in_range(-hi, hi));
    const auto ask = core::price::from_raw(in.in_range(-hi, hi));
    const bool crosses = policy::check_price_crosses_market(s, price, bid, ask);
    const cpp_rational p(price.raw());
    const bool expected = s == core::side::buy ? p >= cpp_rational(ask.raw())
                                               : p <= cpp_rational(bid.raw());
    if (crosses != expected) __builtin_trap();

    const auto filters = core::make_filters({.symbol = "FUZZ", .tick_size = "0.01",
                                              .qty_step = "0.001", .min_qty = "0.001",
                                              .max_qty = "1000", .min_notional = "0",
                                              .min_price = "0", .max_price = "90000000000"})
                             .value();
    policy::maker_params params;
    params.maker_only = in.flag();
    params.post_only_offset_bps = core::bps::from_raw(in.in_range(0, 1'000'000));
    const auto d = policy::decide(params, filters, s, core::quantity::parse("0.5").value(), price,
                                  policy::top_of_book{bid, ask});
    if (d.allowed() && policy::check_price_crosses_market(s, d.price, bid, ask)) __builtin_trap();
    if (d.allowed() && !d.price.is_multiple_of(filters.tick_size)) __builtin_trap();
    return 0;
}
