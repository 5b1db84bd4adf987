// fuzz/decimal_roundtrip.cpp
//
// Decimal parse -> print round trip, checked against an independent reference: the accepted
// grammar and the value are recomputed with Boost.Multiprecision's arbitrary-precision integers
// from the raw digits, without using any of mmbot's parsing code.
//   - parse accepts exactly `-?[0-9]+(\.[0-9]+)?` whose value fits and whose dropped fraction
//     digits are zeros; the raw value equals the reference;
//   - printing with the fraction digits the text had gives back the text (modulo leading zeros
//     and "-0"), and the canonical print parses back to the same value.
// Both an int64 unit (price, scale 8) and the 128-bit unit (notional, scale 16) are exercised.
#include "mmbot/core/units.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using boost::multiprecision::cpp_int;

struct reference {
    bool valid = false;
    cpp_int raw;  // value x 10^scale when valid
    std::size_t fraction_digits = 0;
};

reference reference_parse(std::string_view s, int scale) {
    reference r;
    std::size_t i = 0;
    const bool neg = !s.empty() && s[0] == '-';
    if (neg) ++i;
    std::string digits;
    std::size_t int_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') digits += s[i++], ++int_digits;
    if (int_digits == 0) return r;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') digits += s[i++], ++r.fraction_digits;
        if (r.fraction_digits == 0) return r;
    }
    if (i != s.size()) return r;
    // Dropped fraction digits must all be zero.
    for (std::size_t k = static_cast<std::size_t>(scale); k < r.fraction_digits; ++k) {
        if (digits[int_digits + k] != '0') return r;
    }
    // cpp_int reads a leading 0 as octal: strip leading zeros before converting.
    const auto nonzero = digits.find_first_not_of('0');
    cpp_int v(nonzero == std::string::npos ? std::string("0") : digits.substr(nonzero));
    if (r.fraction_digits > static_cast<std::size_t>(scale)) {
        for (std::size_t k = static_cast<std::size_t>(scale); k < r.fraction_digits; ++k) v /= 10;
    } else {
        for (std::size_t k = r.fraction_digits; k < static_cast<std::size_t>(scale); ++k) v *= 10;
    }
    r.raw = neg ? cpp_int(-v) : v;
    r.valid = true;
    return r;
}

template <class Decimal>
void check(std::string_view text) {
    const auto parsed = Decimal::parse(text);
    const reference ref = reference_parse(text, Decimal::scale);
    const cpp_int lo(std::numeric_limits<typename Decimal::rep>::min());
    const cpp_int hi(std::numeric_limits<typename Decimal::rep>::max());
    const bool fits = ref.valid && ref.raw >= lo && ref.raw <= hi;
    if (!fits) {
        // Values at the very edge may be rejected (the negative minimum is not reachable by
        // accumulating a positive magnitude); everything else out of the grammar or range must be.
        if (parsed && !(ref.valid && ref.raw == lo)) __builtin_trap();
        return;
    }
    if (!parsed) {
        if (ref.raw != lo) __builtin_trap();
        return;
    }
    if (cpp_int(parsed->raw()) != ref.raw) __builtin_trap();
    // Canonical print parses back to the same value and never has an exponent.
    const std::string canonical = parsed->to_string();
    if (canonical.find_first_of("eE") != std::string::npos) __builtin_trap();
    const auto again = Decimal::parse(canonical);
    if (!again || *again != *parsed) __builtin_trap();
    // Printing with the text's own fraction digits reproduces the text when it is canonical.
    const auto digits = static_cast<int>(std::min<std::size_t>(ref.fraction_digits, Decimal::scale));
    const std::string same = parsed->to_string(digits);
    const std::size_t first = text[0] == '-' ? 1 : 0;
    const bool leading_zero = text.size() > first + 1 && text[first] == '0' &&
                              text[first + 1] >= '0' && text[first + 1] <= '9';
    const bool negative_zero = text[0] == '-' && parsed->is_zero();
    if (!leading_zero && !negative_zero && ref.fraction_digits <= Decimal::scale && same != text) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check<mmbot::core::price>(text);
    check<mmbot::core::notional>(text);
    return 0;
}
