// mmbot/core/compiled.hpp
//
// The library is header-only for its users; our own build compiles its heaviest parts (the
// Beast/Asio sessions) once, in their own translation units, instead of in every test and binary
// that includes them. A header with such a part declares its class here and keeps the definitions
// in impl/<name>.hpp, marked MMBOT_DECL:
//
//   without MMBOT_SEPARATE_COMPILATION (a user's build): the header includes its impl, and
//     MMBOT_DECL is `inline`, as for any header-only library;
//   with it (our Bazel targets, which set it through `defines`): the header only declares, and
//     the target's impl/<name>.cpp includes the impl once, so MMBOT_DECL is empty.
//
// Boost.Asio does the same with BOOST_ASIO_SEPARATE_COMPILATION.
#pragma once

#if defined(MMBOT_SEPARATE_COMPILATION)
#define MMBOT_DECL
#else
#define MMBOT_DECL inline
#endif
