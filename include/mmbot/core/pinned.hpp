// mmbot/core/pinned.hpp
//
// A base for objects whose address is part of what they are: sessions whose timers, threads and
// callbacks hold `this`, and sockets or files owned for the object's whole life. Deriving from it
// says so once; the derived type is neither copied nor moved, with no four deleted members of its
// own.
//
//   class ws_feed : core::pinned { ... };   // ws_feed f2 = std::move(f1);  -> does not compile
#pragma once

namespace mmbot::core {

class pinned {
public:
    pinned(const pinned&) = delete;
    pinned& operator=(const pinned&) = delete;
    pinned(pinned&&) = delete;
    pinned& operator=(pinned&&) = delete;

protected:
    pinned() = default;
    ~pinned() = default;
};

}  // namespace mmbot::core
