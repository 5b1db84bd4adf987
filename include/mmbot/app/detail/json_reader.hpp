// mmbot/app/detail/json_reader.hpp
//
// Typed reads from a config JSON object with the field's full path in every error
// ("symbols.BTCUSDT.risk.max_loss: ..."), on core::json::reader (core/json_fields.hpp) under
// app_errors' one code, invalid_config. What config files add on top: money fields must be JSON
// *strings* ("1.5"): a JSON number would pass through a double inside the parser, which is exactly
// what exact decimals exist to avoid, so a number there is an error that says how to write it.
// Unknown keys are errors too: a typo in a limit must not silently leave the default in force.
// Integers carry their allowed range, words their allowed list.
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/core/json_fields.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mmbot::app::detail {

/// Every config field failure is invalid_config (one exit code); the message says which.
inline constexpr core::json::reader config_fields{
    core::field_errors{errc::invalid_config, errc::invalid_config, errc::invalid_config}};

class json_reader {
public:
    json_reader(const boost::json::object& obj, std::string path)
        : obj_(&obj), path_(std::move(path)) {}

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::string field_path(std::string_view key) const { return at(key).str(); }
    [[nodiscard]] bool has(std::string_view key) const { return obj_->contains(key); }

    [[nodiscard]] core::error fail(std::string_view key, std::string_view why) const {
        return config_fields.bad_value(at(key), why);
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
        auto o = config_fields.object_at(*obj_, at(key));
        if (!o) return o.error();
        return json_reader(**o, field_path(key));
    }

    [[nodiscard]] core::result<std::string> string(std::string_view key) const {
        auto s = config_fields.string_at(*obj_, at(key));
        if (!s) return s.error();
        return std::string(*s);
    }

    /// A decimal written as a JSON string, parsed exactly into Decimal.
    template <class Decimal>
    [[nodiscard]] core::result<Decimal> decimal(std::string_view key) const {
        auto v = config_fields.require(*obj_, at(key));
        if (!v) return v.error();
        if ((*v)->is_number()) {
            return fail(key, fmt::format("write decimals as strings, e.g. \"{}\" (JSON numbers go "
                                         "through floating point)",
                                         core::json::quote(**v)));
        }
        if (!(*v)->is_string()) return config_fields.wrong_type(at(key), "a decimal string", **v);
        auto d = Decimal::parse(std::string_view((*v)->get_string()));
        if (!d) return fail(key, d.error().message);
        return *d;
    }

    [[nodiscard]] core::result<std::int64_t> integer(std::string_view key, std::int64_t lo,
                                                     std::int64_t hi) const {
        auto v = config_fields.require(*obj_, at(key));
        if (!v) return v.error();
        if ((*v)->is_uint64() && (*v)->get_uint64() > static_cast<std::uint64_t>(hi)) {
            return fail(key,
                        fmt::format("must be in [{}, {}], got {}", lo, hi, (*v)->get_uint64()));
        }
        auto n = config_fields.as_int64(**v, at(key));
        if (!n) return n;
        if (*n < lo || *n > hi) {
            return fail(key, fmt::format("must be in [{}, {}], got {}", lo, hi, *n));
        }
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
        auto v = config_fields.require(*obj_, at(key));
        if (!v) return v.error();
        return config_fields.as_bool(**v, at(key));
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
    /// The path of `key` in this object; formatted only when an error needs it.
    [[nodiscard]] core::json::path at(std::string_view key) const {
        return core::json::under(path_).at(key);
    }

    const boost::json::object* obj_;
    std::string path_;
};

/// A basic_parser handler that only looks for a key repeated in one object. boost::json::parse
/// keeps one of the two values without a word, so a config with `"max_total_loss"` twice would
/// run on whichever the parser kept: refused instead (parse_config).
class duplicate_key_finder : public core::json::unbounded_handler {
public:

    /// The first repeated key, with its path ("symbols.BTCUSDT.risk.max_loss").
    [[nodiscard]] const std::optional<std::string>& duplicate() const noexcept { return duplicate_; }

    bool on_document_begin(boost::system::error_code& /*ec*/) { return true; }
    bool on_document_end(boost::system::error_code& /*ec*/) { return true; }
    bool on_object_begin(boost::system::error_code& /*ec*/) { return open(); }
    bool on_object_end(std::size_t /*n*/, boost::system::error_code& /*ec*/) { return close(); }
    bool on_array_begin(boost::system::error_code& /*ec*/) { return open(); }
    bool on_array_end(std::size_t /*n*/, boost::system::error_code& /*ec*/) { return close(); }
    bool on_key_part(boost::json::string_view s, std::size_t /*n*/, boost::system::error_code& /*ec*/) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t /*n*/, boost::system::error_code& /*ec*/) {
        key_.append(s.data(), s.size());
        if (!keys_.empty() && !keys_.back().insert(key_).second && !duplicate_) {
            std::string path;
            for (const auto& p : path_) path += p.empty() ? std::string() : p + ".";
            duplicate_ = path + key_;
        }
        last_key_ = std::move(key_);
        key_.clear();
        return true;
    }
    bool on_string_part(boost::json::string_view /*s*/, std::size_t /*n*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_string(boost::json::string_view /*s*/, std::size_t /*n*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_number_part(boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_int64(std::int64_t /*v*/, boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_uint64(std::uint64_t /*v*/, boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_double(double /*v*/, boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_bool(bool /*v*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_null(boost::system::error_code& /*ec*/) { return true; }
    bool on_comment_part(boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }
    bool on_comment(boost::json::string_view /*s*/, boost::system::error_code& /*ec*/) { return true; }

private:
    bool open() {
        path_.push_back(std::move(last_key_));
        last_key_.clear();
        keys_.emplace_back();
        return true;
    }
    bool close() {
        if (!keys_.empty()) keys_.pop_back();
        if (!path_.empty()) path_.pop_back();
        return true;
    }

    std::vector<std::set<std::string, std::less<>>> keys_;  // per open container (arrays: none)
    std::vector<std::string> path_;                       // the key each open container sits under
    std::string key_;
    std::string last_key_;
    std::optional<std::string> duplicate_;
};

/// The first key repeated inside one object of `text` (a document that boost::json::parse
/// accepted), with its dotted path; nullopt when every key is unique.
[[nodiscard]] inline std::optional<std::string> find_duplicate_key(std::string_view text) {
    boost::json::basic_parser<duplicate_key_finder> p(boost::json::parse_options{});
    boost::system::error_code ec;
    (void)p.write_some(false, text.data(), text.size(), ec);
    return p.handler().duplicate();
}

}  // namespace mmbot::app::detail
