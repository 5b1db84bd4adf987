// tests/venue/bybit/vectors.hpp
//
// Loads tests/venue/bybit/ccxt_vectors.json (made by tools/ccxt_vectors/make_vectors.js with ccxt)
// for the signer and request-builder tests. Runs from the Bazel runfiles root.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mmbot::venue::bybit::test {

inline constexpr const char* vectors_path = "tests/venue/bybit/ccxt_vectors.json";

[[nodiscard]] inline boost::json::value load_vectors() {
    std::ifstream in(vectors_path);
    if (!in) throw std::runtime_error(std::string("cannot open ") + vectors_path);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return boost::json::parse(text);
}

[[nodiscard]] inline std::string str(const boost::json::value& v, std::string_view key) {
    const auto* p = v.as_object().if_contains(key);
    if (p == nullptr || !p->is_string()) return {};
    return std::string(p->as_string());
}

}  // namespace mmbot::venue::bybit::test
