// mmbot/core/enum_label.hpp
//
// The label of an enumerator is its own name, read from the compiler, so an enum and its labels
// cannot drift apart and no area writes a switch of `case x: return "x";` again.
//
//   enum class errc : std::uint8_t { usage, json_syntax, new_ };
//   core::enum_label(errc::usage);                              // "usage"
//   core::enum_label<"bybit_">(errc::json_syntax);              // "bybit_json_syntax"
//   core::enum_label<"", core::letter_case::upper>(errc::new_); // "NEW"
//
// Rules, checked at compile time where they can be:
// - The enum's enumerators are 0, 1, 2, ... with no gaps (no `= N`): the names are read for the
//   values from 0 up to the first value that names no enumerator. A value outside them (only a
//   cast can make one) is labelled "unknown".
// - A trailing underscore, there only because the name is a keyword (`new_`), is not part of the
//   label.
// - The labels are stable text (journals, reports, metrics, logs read them): renaming an
//   enumerator renames its label, which the tests of those outputs catch.
//
// How the name is read: `__PRETTY_FUNCTION__` of a function templated on the value spells the
// value as `ns::enum_name::enumerator` when it names one and `(ns::enum_name)7` when it does not,
// in GCC and Clang alike (the two compilers this project builds with); the static_asserts at the
// end of this header prove the parse on whichever compiler reads it.
#pragma once

#include "mmbot/core/fixed_string.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mmbot::core {

enum class letter_case : std::uint8_t {
    as_written,  ///< "partially_filled"
    upper,       ///< "PARTIALLY_FILLED"
};

namespace detail {

template <auto V>
constexpr const char* spelled() noexcept {
    return __PRETTY_FUNCTION__;
}

[[nodiscard]] constexpr bool identifier_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// "usage" from "... [with auto V = ns::errc::usage]" (GCC) or "... [V = ns::errc::usage]"
/// (Clang); empty when the value names no enumerator ("(ns::errc)7").
[[nodiscard]] constexpr std::string_view enumerator_name(std::string_view pretty) noexcept {
    const auto from = pretty.find("V = ");
    if (from == std::string_view::npos) return {};
    std::string_view value = pretty.substr(from + 4);
    value = value.substr(0, value.find_first_of(";]"));
    const auto colons = value.rfind("::");
    const std::string_view name = colons == std::string_view::npos ? value : value.substr(colons + 2);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return {};
    for (const char c : name) {
        if (!identifier_char(c)) return {};
    }
    return name;
}

template <class E, std::size_t I>
constexpr std::string_view name_of_value() noexcept {
    return enumerator_name(spelled<static_cast<E>(I)>());
}

/// How many enumerators E has: the values 0, 1, ... up to the first that names none.
template <class E, std::size_t I = 0>
constexpr std::size_t count_enumerators() noexcept {
    // Stops at the first value that names no enumerator, or after 256 (more than any table here
    // needs, and a bound on the recursion).
    if constexpr (I > 255 || name_of_value<E, I>().empty()) {
        return I;
    } else {
        return count_enumerators<E, I + 1>();
    }
}

template <class E>
inline constexpr std::size_t count_of = count_enumerators<E>();

template <class E>
inline constexpr auto names_of = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, sizeof...(I)>{name_of_value<E, I>()...};
}(std::make_index_sequence<count_of<E>>{});

[[nodiscard]] constexpr std::string_view without_keyword_underscore(std::string_view name) noexcept {
    return name.ends_with('_') ? name.substr(0, name.size() - 1) : name;
}

template <class E>
constexpr std::size_t label_chars(std::size_t prefix_size) noexcept {
    std::size_t n = 0;
    for (const auto name : names_of<E>) n += prefix_size + without_keyword_underscore(name).size();
    return n;
}

/// Every label of E, back to back in one static array, and where each starts.
template <class E, fixed_string Prefix, letter_case Case>
struct label_table {
    static constexpr std::string_view prefix = Prefix.view();
    static constexpr std::size_t count = count_of<E>;

    struct built {
        std::array<char, label_chars<E>(prefix.size())> chars{};
        std::array<std::size_t, count + 1> starts{};
    };

    static constexpr built table = [] {
        built b;
        std::size_t at = 0;
        for (std::size_t i = 0; i < count; ++i) {
            b.starts[i] = at;
            for (const char c : prefix) b.chars[at++] = c;
            for (const char c : without_keyword_underscore(names_of<E>[i])) {
                const bool lower = c >= 'a' && c <= 'z';
                b.chars[at++] = Case == letter_case::upper && lower ? static_cast<char>(c - 'a' + 'A') : c;
            }
        }
        b.starts[count] = at;
        return b;
    }();

    [[nodiscard]] static constexpr std::string_view label(std::size_t i) noexcept {
        return {table.chars.data() + table.starts[i], table.starts[i + 1] - table.starts[i]};
    }
};

}  // namespace detail

/// The label of `e`: Prefix, then the enumerator's name (in Case), without a keyword's trailing
/// underscore; "unknown" for a value that names no enumerator.
template <fixed_string Prefix = "", letter_case Case = letter_case::as_written, class E>
    requires std::is_enum_v<E>
[[nodiscard]] constexpr std::string_view enum_label(E e) noexcept {
    using table = detail::label_table<E, Prefix, Case>;
    const auto i = static_cast<std::size_t>(static_cast<std::underlying_type_t<E>>(e));
    return i < table::count ? table::label(i) : std::string_view("unknown");
}

/// How many enumerators E has (the size of a table indexed by it).
template <class E>
    requires std::is_enum_v<E>
inline constexpr std::size_t enumerator_count = detail::count_of<E>;

namespace detail::self_check {
enum class probe : std::uint8_t { first, second_one, new_ };
static_assert(enumerator_count<probe> == 3, "enum_label cannot read this compiler's names");
static_assert(enum_label(probe::second_one) == "second_one");
static_assert(enum_label<"p_">(probe::first) == "p_first");
static_assert(enum_label<"", letter_case::upper>(probe::new_) == "NEW");
static_assert(enum_label(static_cast<probe>(3)) == "unknown");
}  // namespace detail::self_check

}  // namespace mmbot::core
