// fuzz/round_qty.cpp
//
// Quantity rounding and the min-qty pad against arbitrary-precision references:
//   - round_qty(q, step) is a multiple of step, not above q (toward zero), less than a step away;
//   - check_min_qty(q, min, pad) == (q >= min x pad) computed in cpp_rational.
#include "fuzz_input.hpp"
#include "mmbot/policy/maker_policy.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using boost::multiprecision::cpp_int;
    using boost::multiprecision::cpp_rational;
    using namespace mmbot;
    fuzz::input in(data, size);
    const auto qty = core::quantity::from_raw(in.in_range(0, INT64_MAX));
    const auto step = core::quantity::from_raw(in.in_range(1, 1'000'000'000'000LL));
    const auto r = policy::round_qty(qty, step);
    const cpp_int q(qty.raw());
    const cpp_int st(step.raw());
    const cpp_int expected = (q / st) * st;  // non-negative: truncation is the floor
    if (cpp_int(r.raw()) != expected) __builtin_trap();
    if (r > qty || !r.is_multiple_of(step) || (qty - r) >= step) __builtin_trap();

    const auto min_qty = core::quantity::from_raw(in.in_range(1, 1'000'000'000'000'000LL));
    const auto pad = core::ratio::from_raw(in.in_range(0, 1'000'000'000LL));  // 0..10
    const bool ok = policy::check_min_qty(qty, min_qty, pad);
    const bool expected_ok = cpp_rational(qty.raw()) >=
                             cpp_rational(min_qty.raw()) * cpp_rational(pad.raw(), 100'000'000);
    if (ok != expected_ok) __builtin_trap();
    return 0;
}
