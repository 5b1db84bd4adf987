// mmbot/core/escape.hpp
//
// Backslash escaping for the line-based text formats we write: the journal (a record per line,
// fields split by tabs) and the Prometheus text format (label values and HELP text). Each format
// escapes the backslash itself plus the characters that would break its own framing, and nothing
// else, so what a reader unescapes is exactly what was written.
//
//   core::append_escaped(out, value, {.quote = true, .tab = false, .line_feed = true, .carriage_return = false});
#pragma once

#include <string>
#include <string_view>

namespace mmbot::core {

/// Which characters, besides the backslash, a format escapes (as \" \t \n \r).
struct escapes {
    bool quote = false;
    bool tab = false;
    bool line_feed = true;
    bool carriage_return = false;
};

/// Appends `s` to `out` with the backslash and the characters of `e` escaped. Inline, so a
/// caller's constant `e` folds its tests away.
inline void append_escaped(std::string& out, std::string_view s, escapes e) {
    for (const char c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (e.quote && c == '"') {
            out += "\\\"";
        } else if (e.tab && c == '\t') {
            out += "\\t";
        } else if (e.line_feed && c == '\n') {
            out += "\\n";
        } else if (e.carriage_return && c == '\r') {
            out += "\\r";
        } else {
            out.push_back(c);
        }
    }
}

}  // namespace mmbot::core
