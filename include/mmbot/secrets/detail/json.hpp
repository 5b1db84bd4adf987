// mmbot/secrets/detail/json.hpp
//
// Boost.JSON for documents that contain secrets: parsing into memory that is wiped when freed, and
// writing string values into a wiped buffer.
//
// Boost.JSON allocates every string of a parsed document from the value's memory resource, so
// giving it a resource that wipes on deallocation is enough to leave no clear text behind once the
// parsed value is gone. Error messages report the byte offset and Boost's description ("syntax
// error"), never the surrounding text, because the surrounding text may be a secret.
//
//   auto doc = detail::parse_json(text);   // result<boost::json::value>, error says "at byte 17"
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/detail/wipe.hpp"
#include "mmbot/secrets/errors.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <new>
#include <string_view>

namespace mmbot::secrets::detail {

/// A memory resource that wipes each block before returning it to the global heap.
/// Over-aligned requests use the aligned operator new/delete pair, the others the plain pair, so
/// each block is freed the way it was allocated.
class wiping_resource final : public boost::json::memory_resource {
    static constexpr std::size_t default_align = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

    void* do_allocate(std::size_t n, std::size_t align) override {
        if (align > default_align) return ::operator new(n, std::align_val_t{align});
        return ::operator new(n);
    }
    void do_deallocate(void* p, std::size_t n, std::size_t align) override {
        wipe(p, n);
        if (align > default_align) {
            ::operator delete(p, std::align_val_t{align});
        } else {
            ::operator delete(p);
        }
    }
    [[nodiscard]] bool do_is_equal(const boost::json::memory_resource& other) const noexcept override {
        return this == &other;
    }
};

/// Parses `text` into a value whose memory (and the parser's scratch memory) is wiped when freed.
/// The error names `origin` (a file path, "stdin", "output of command ...") and the byte offset.
[[nodiscard]] inline core::result<boost::json::value> parse_json(std::string_view text,
                                                                 std::string_view origin) {
    const boost::json::storage_ptr sp = boost::json::make_shared_resource<wiping_resource>();
    boost::json::stream_parser parser(sp);
    parser.reset(sp);
    boost::system::error_code ec;
    const std::size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        return core::make_error(errc::secret_format,
                                fmt::format("{}: invalid JSON at byte {}: {}", origin, used,
                                            ec.message()));
    }
    return parser.release();
}

/// Appends `s` as a quoted JSON string. `out` is a wiped_string because `s` may be a secret.
inline void append_json_string(wiped_string& out, std::string_view s) {
    constexpr std::string_view hex = "0123456789abcdef";
    out.push_back('"');
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20U) {
            out.append("\\u00");
            out.push_back(hex[u >> 4U]);
            out.push_back(hex[u & 0x0fU]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

}  // namespace mmbot::secrets::detail
