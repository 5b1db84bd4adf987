// mmbot/app/detail/json_reader.hpp
//
// Typed reads from a config JSON object with the field's full path in every error
// ("symbols.BTCUSDT.risk.max_loss: ..."). Money fields must be JSON *strings* ("1.5"): a JSON
// number would pass through a double inside the parser, which is exactly what exact decimals
// exist to avoid, so a number there is an error that says how to write it. Unknown keys are errors
// too: a typo in a limit must not silently leave the default in force.
#pragma once

#include "mmbot/core/error.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace mmbot::app::detail {

inline constexpr std::string_view code_invalid_config = "invalid_config";

class json_reader {
public:
    json_reader(const boost::json::object& obj, std::string path)
        : obj_(&obj), path_(std::move(path)) {}

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::string field_path(std::string_view key) const {
        return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
    }
    [[nodiscard]] bool has(std::string_view key) const { return obj_->contains(key); }

    [[nodiscard]] core::error fail(std::string_view key, std::string_view why) const {
        return core::make_error(code_invalid_config, fmt::format("{}: {}", field_path(key), why));
    }

    /// Fails on any key outside `allowed`, naming it.
    [[nodiscard]] std::optional<core::error> only_keys(
        std::initializer_list<std::string_view> allowed) const {
        for (const auto& kv : *obj_) {
            bool known = false;
            for (auto a : allowed) known = known || kv.key() == a;
            if (!known) {
                return fail(kv.key(), "unknown key (check the spelling; see docs/config.md)");
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] core::result<json_reader> object(std::string_view key) const {
        const auto* v = obj_->if_contains(key);
        if (v == nullptr) return fail(key, "missing (an object is required)");
        if (!v->is_object()) return fail(key, fmt::format("must be an object, got {}", kind(*v)));
        return json_reader(v->get_object(), field_path(key));
    }

    [[nodiscard]] core::result<std::string> string(std::string_view key) const {
        const auto* v = obj_->if_contains(key);
        if (v == nullptr) return fail(key, "missing (a string is required)");
        if (!v->is_string()) return fail(key, fmt::format("must be a string, got {}", kind(*v)));
        return std::string(v->get_string());
    }

    /// A decimal written as a JSON string, parsed exactly into Decimal.
    template <class Decimal>
    [[nodiscard]] core::result<Decimal> decimal(std::string_view key) const {
        const auto* v = obj_->if_contains(key);
        if (v == nullptr) return fail(key, "missing (a decimal string like \"1.5\" is required)");
        if (v->is_number()) {
            return fail(key, fmt::format("write decimals as strings, e.g. \"{}\" (JSON numbers go "
                                         "through floating point)",
                                         boost::json::serialize(*v)));
        }
        if (!v->is_string()) return fail(key, fmt::format("must be a decimal string, got {}", kind(*v)));
        auto d = Decimal::parse(std::string_view(v->get_string()));
        if (!d) return fail(key, d.error().message);
        return *d;
    }

    [[nodiscard]] core::result<std::int64_t> integer(std::string_view key, std::int64_t lo,
                                                     std::int64_t hi) const {
        const auto* v = obj_->if_contains(key);
        if (v == nullptr) return fail(key, "missing (an integer is required)");
        if (!v->is_int64() && !v->is_uint64()) {
            return fail(key, fmt::format("must be an integer, got {}", boost::json::serialize(*v)));
        }
        if (v->is_uint64() && v->get_uint64() > static_cast<std::uint64_t>(hi)) {
            return fail(key, fmt::format("must be in [{}, {}], got {}", lo, hi, v->get_uint64()));
        }
        const std::int64_t n = v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(v->get_uint64());
        if (n < lo || n > hi) return fail(key, fmt::format("must be in [{}, {}], got {}", lo, hi, n));
        return n;
    }

    [[nodiscard]] core::result<std::chrono::milliseconds> millis(std::string_view key,
                                                                 std::int64_t lo,
                                                                 std::int64_t hi) const {
        auto n = integer(key, lo, hi);
        if (!n) return n.error();
        return std::chrono::milliseconds(*n);
    }

    [[nodiscard]] core::result<bool> boolean(std::string_view key) const {
        const auto* v = obj_->if_contains(key);
        if (v == nullptr) return fail(key, "missing (true or false is required)");
        if (!v->is_bool()) return fail(key, fmt::format("must be true or false, got {}", kind(*v)));
        return v->get_bool();
    }

    /// One of the listed words.
    [[nodiscard]] core::result<std::string> choice(std::string_view key,
                                                   std::initializer_list<std::string_view> words) const {
        auto s = string(key);
        if (!s) return s;
        for (auto w : words) {
            if (*s == w) return s;
        }
        std::string list;
        for (auto w : words) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", w);
        return fail(key, fmt::format("must be one of {}, got \"{}\"", list, *s));
    }

    [[nodiscard]] const boost::json::object& raw() const noexcept { return *obj_; }

private:
    static std::string_view kind(const boost::json::value& v) {
        switch (v.kind()) {
            case boost::json::kind::null: return "null";
            case boost::json::kind::bool_: return "a boolean";
            case boost::json::kind::int64:
            case boost::json::kind::uint64:
            case boost::json::kind::double_: return "a number";
            case boost::json::kind::string: return "a string";
            case boost::json::kind::array: return "an array";
            case boost::json::kind::object: return "an object";
        }
        return "a value";
    }

    const boost::json::object* obj_;
    std::string path_;
};

}  // namespace mmbot::app::detail
