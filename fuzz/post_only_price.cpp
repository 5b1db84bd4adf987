// fuzz/post_only_price.cpp
//
// The post-only price against an exact rational reference (Boost.Multiprecision cpp_rational):
//   - the result is on the tick grid and positive;
//   - BUY is at or below the exact unrounded value ref*(1 - bps/10^4) and less than one tick
//     below it; SELL is at or above ref*(1 + bps/10^4) and less than one tick above it;
//   - quoting off the same-side best of a non-crossed book never crosses it, and decide() never
//     allows a crossing order whatever reference it is given.
#include "fuzz_input.hpp"
#include "mmbot/policy/maker_policy.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <cstdint>

namespace {

using boost::multiprecision::cpp_rational;
using namespace mmbot;

cpp_rational exact(const core::price& p) {
    return cpp_rational(p.raw(), core::price::one());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    const auto s = in.flag() ? core::side::buy : core::side::sell;
    const auto tick = core::price::from_raw(in.in_range(1, 100'000'000'000LL));       // 1e-8..1000
    const auto ref = core::price::from_raw(in.in_range(1, 10'000'000'000'000'000LL));  // ..1e11
    const auto offset = core::bps::from_raw(in.in_range(0, 200'000'000LL));          // 0..20000 bps

    const auto price = policy::calc_post_only_price(s, ref, offset, tick);
    const cpp_rational factor = cpp_rational(1) + (s == core::side::buy ? -1 : 1) *
                                                      cpp_rational(offset.raw(), 100'000'000);
    const cpp_rational unrounded = exact(ref) * factor;
    const cpp_rational t = exact(tick);
    if (!price) {
        // Only legitimate when no positive grid price at or below the BUY value exists, or the
        // SELL value is beyond the representable range.
        const bool buy_impossible = s == core::side::buy && unrounded < t;
        const bool too_large = unrounded > exact(core::price::max());
        if (!buy_impossible && !too_large) __builtin_trap();
        return 0;
    }
    const cpp_rational p = exact(*price);
    if (!price->is_positive() || !price->is_multiple_of(tick)) __builtin_trap();
    if (s == core::side::buy && !(p <= unrounded && unrounded - p < t)) __builtin_trap();
    if (s == core::side::sell && !(p >= unrounded && p - unrounded < t)) __builtin_trap();

    // Never crossing a non-crossed book when quoting off the same-side best.
    const auto spread = core::price::from_raw(in.in_range(1, 1'000'000'000'000LL));
    const policy::top_of_book top = s == core::side::buy
                                        ? policy::top_of_book{ref, ref + spread}
                                        : policy::top_of_book{ref - spread, ref};
    if (top.best_bid.is_positive() &&
        policy::check_price_crosses_market(s, *price, top.best_bid, top.best_ask)) {
        __builtin_trap();
    }
    // decide() with an arbitrary reference never allows a crossing order.
    const auto filters = core::make_filters({.symbol = "FUZZ", .tick_size = "0.00000001",
                                              .qty_step = "0.00000001", .min_qty = "0.00000001",
                                              .max_qty = "1000000000", .min_notional = "0",
                                              .min_price = "0", .max_price = "90000000000"})
                             .value();
    const auto any_ref = core::price::from_raw(in.in_range(1, 10'000'000'000'000'000LL));
    const auto d = policy::decide(policy::maker_params{}, filters, s, core::quantity::parse("1").value(),
                                  any_ref, top);
    if (d.allowed() && policy::check_price_crosses_market(s, d.price, top.best_bid, top.best_ask)) {
        __builtin_trap();
    }
    return 0;
}
