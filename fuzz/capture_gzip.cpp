// fuzz/capture_gzip.cpp
//
// Any bytes as a capture file (feed::capture_file, the gzip reader of --record's files): reading
// never crashes, and ends either cleanly or with a named read error. And the gzip path itself,
// on the same bytes X: gzip(X) reads back as exactly X, and gzip(X) cut anywhere (a recorder that
// died) reads back as a prefix of X, never as an error or as other bytes.
//
//   bazel test //fuzz:capture_gzip_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:capture_gzip     # libFuzzer binary
#include "mmbot/feed/capture_file.hpp"

#include <zlib.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace {

/// The bytes as a file (memfd: no directory), read whole through capture_file.
struct read_back {
    std::string text;
    std::string error;
    bool truncated = false;
};

read_back read_file(std::string_view bytes) {
    const int fd = ::memfd_create("capture", 0);
    if (fd < 0) __builtin_trap();
    if (!bytes.empty() && ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) __builtin_trap();
    mmbot::feed::capture_file f;
    if (!f.open("/proc/self/fd/" + std::to_string(fd))) __builtin_trap();
    ::close(fd);  // capture_file holds its own descriptor
    read_back out;
    out.text.assign(std::istreambuf_iterator<char>(f.stream()), {});
    out.error = f.read_error();
    out.truncated = f.truncated();
    return out;
}

std::string gzip(std::string_view in) {
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) __builtin_trap();
    std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));  // NOLINT(*-reinterpret-cast,*-const-cast)
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT(*-reinterpret-cast)
    z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) __builtin_trap();
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);  // NOLINT(*-reinterpret-cast)
    // Any bytes: read to the end or to a named fault.
    const read_back any = read_file(bytes);
    if (!any.error.empty() && any.error.rfind("gzip: ", 0) != 0) __builtin_trap();

    // Compressed, they come back exactly; cut short, a prefix comes back and no error.
    const std::string gz = gzip(bytes);
    const read_back whole = read_file(gz);
    if (whole.text != bytes || !whole.error.empty() || whole.truncated) __builtin_trap();
    // At least the two magic bytes: one byte alone cannot be told from a plain capture.
    const std::size_t cut = 2 + (size == 0 ? 0 : data[0] % (gz.size() - 2));
    const read_back part = read_file(std::string_view(gz).substr(0, cut));
    if (!part.error.empty() || part.text.size() > bytes.size() || bytes.substr(0, part.text.size()) != part.text) {
        __builtin_trap();
    }
    return 0;
}
