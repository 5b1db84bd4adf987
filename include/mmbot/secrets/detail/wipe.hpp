// mmbot/secrets/detail/wipe.hpp
//
// Scrubbing memory that held clear-text secrets.
//
// A freed buffer keeps its bytes until something else reuses it, so a core dump or a heap read
// after `free` can still show an API secret. Everything in this area that ever holds clear text
// (secret_string, the file being parsed, a command's stdout, the JSON written back) wipes it with
// OPENSSL_cleanse, which the optimiser may not remove the way it removes a plain memset of memory
// that is about to die.
//
//   detail::wiped_string buf = detail::make_wiped_string();   // heap from the start, wiped on free
//   buf.append(chunk);
#pragma once

#include <openssl/crypto.h>

#include <cstddef>
#include <new>
#include <string>

namespace mmbot::secrets::detail {

/// Overwrites `size` bytes at `data` with zeros in a way the compiler keeps.
inline void wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

/// Wipes a std::string's whole buffer (its capacity, not just its size) and empties it.
inline void wipe(std::string& s) noexcept {
    wipe(s.data(), s.capacity());
    s.clear();
}

/// An allocator that wipes every block before giving it back, so a growing buffer leaves no
/// clear-text copy behind when it reallocates.
template <class T>
struct wiping_allocator {
    using value_type = T;

    wiping_allocator() noexcept = default;
    template <class U>
    // Implicit on purpose: the allocator requirements convert between rebound allocators.
    wiping_allocator(const wiping_allocator<U>& /*other*/) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        wipe(p, n * sizeof(T));
        ::operator delete(p);
    }

    friend bool operator==(const wiping_allocator& /*a*/, const wiping_allocator& /*b*/) noexcept {
        return true;
    }
};

using wiped_string = std::basic_string<char, std::char_traits<char>, wiping_allocator<char>>;

/// A wiped_string that already lives on the heap: the short-string buffer inside the object is
/// never used, so no clear text stays behind in it when the string grows.
[[nodiscard]] inline wiped_string make_wiped_string(std::size_t reserve = 256) {
    wiped_string s;
    s.reserve(reserve < 64 ? 64 : reserve);
    return s;
}

}  // namespace mmbot::secrets::detail
