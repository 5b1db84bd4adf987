// mmbot/app/detail/stable_json.hpp
//
// Deterministic JSON text: object keys sorted, two-space indentation, one trailing newline, no
// floating point (money is written as decimal strings before it gets here). Same value -> same
// bytes, which is what lets a test compare two reports byte for byte.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace mmbot::app::detail {

inline void write_stable_json(const boost::json::value& v, std::string& out, int indent) {
    const auto newline = [&](int level) {
        out += '\n';
        out.append(static_cast<std::size_t>(level) * 2U, ' ');
    };
    switch (v.kind()) {
        case boost::json::kind::object: {
            const auto& obj = v.get_object();
            if (obj.empty()) {
                out += "{}";
                return;
            }
            std::vector<const boost::json::key_value_pair*> items;
            items.reserve(obj.size());
            for (const auto& kv : obj) items.push_back(&kv);
            std::sort(items.begin(), items.end(),
                      [](const auto* a, const auto* b) { return a->key() < b->key(); });
            out += '{';
            bool first = true;
            for (const auto* kv : items) {
                if (!first) out += ',';
                first = false;
                newline(indent + 1);
                out += boost::json::serialize(boost::json::value(kv->key()));
                out += ": ";
                write_stable_json(kv->value(), out, indent + 1);
            }
            newline(indent);
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            const auto& arr = v.get_array();
            if (arr.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            bool first = true;
            for (const auto& e : arr) {
                if (!first) out += ',';
                first = false;
                newline(indent + 1);
                write_stable_json(e, out, indent + 1);
            }
            newline(indent);
            out += ']';
            return;
        }
        default:
            out += boost::json::serialize(v);
            return;
    }
}

[[nodiscard]] inline std::string stable_json(const boost::json::value& v) {
    std::string out;
    write_stable_json(v, out, 0);
    out += '\n';
    return out;
}

}  // namespace mmbot::app::detail
