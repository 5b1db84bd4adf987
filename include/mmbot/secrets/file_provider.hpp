// mmbot/secrets/file_provider.hpp
//
// A writable secret backend over one JSON file that only its owner can read:
//
//   {
//     "mm-bot/testnet/bybit": {"api_key": "...", "api_secret": "..."},
//     "mm-bot/prod/bybit": {"api_key": "...", "api_secret": "..."}
//   }
//
// Every operation opens the file afresh (so a rotated key is picked up without a restart) and
// refuses it unless its mode grants nothing beyond 0600 (0600, 0400 pass; 0640, 0644, 0700 fail):
// a secrets file readable by group or others has already leaked, and using it quietly would hide
// that. The mode is checked on the open descriptor (fstat), so a swap between check and read is
// not possible; anything but a regular file (a FIFO, a directory, a device) is refused, and the
// open does not block on a FIFO. Reads follow a symbolic link; writes refuse one. Writes go to a
// temporary file created 0600 in the same directory, fsync'ed, then renamed over the original, so
// a crash leaves the old file or the new one, never half of one.
// Errors name the file, the entry and what is wrong, never a value. Concurrent writers are not
// coordinated: the last rename wins (mmbot-secrets set is an operator action, not a hot path).
//
//   secrets::file_provider p{"/etc/mmbot/secrets.json"};
//   auto c = p.get(*secret_name::parse("mm-bot/testnet/bybit"));
//   // file mode 0644 → errc::insecure_permissions:
//   // "secrets file /etc/mmbot/secrets.json has mode 0644; it must be 0600 or stricter ..."
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/secrets/credentials.hpp"
#include "mmbot/secrets/detail/json.hpp"
#include "mmbot/secrets/detail/posix.hpp"
#include "mmbot/secrets/detail/wipe.hpp"
#include "mmbot/secrets/errors.hpp"
#include "mmbot/secrets/provider.hpp"
#include "mmbot/secrets/secret_name.hpp"

#include <boost/json/object.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::secrets {

/// Permission bits a secrets file may have: read and write for its owner, nothing else.
inline constexpr mode_t secrets_file_max_mode = S_IRUSR | S_IWUSR;
/// Larger than any plausible secrets file; a bound keeps a wrong path (a log) from being slurped.
inline constexpr std::size_t secrets_file_max_bytes = 1U << 20U;

class file_provider {
public:
    explicit file_provider(std::string path) : path_(std::move(path)) {}

    [[nodiscard]] std::string_view backend_name() const noexcept { return "file"; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

    [[nodiscard]] core::result<credentials> get(const secret_name& name) const {
        auto doc = load(false);
        if (!doc) return doc.error();
        const auto it = doc->find(name);
        if (it == doc->end()) return not_found(name);
        return std::move(it->second);
    }

    [[nodiscard]] core::result<std::vector<secret_name>> list() const {
        auto doc = load(false);
        if (!doc) return doc.error();
        std::vector<secret_name> names;
        names.reserve(doc->size());
        for (const auto& entry : *doc) names.push_back(entry.first);
        return names;
    }

    /// Adds or replaces `name`; creates the file (mode 0600) when it does not exist.
    [[nodiscard]] core::result<void> set(const secret_name& name, const credentials& value) {
        if (auto ok = refuse_symlink(); !ok) return ok.error();
        auto doc = load(true);
        if (!doc) return doc.error();
        doc->insert_or_assign(name, value);
        return store(*doc);
    }

    [[nodiscard]] core::result<void> remove(const secret_name& name) {
        if (auto ok = refuse_symlink(); !ok) return ok.error();
        auto doc = load(false);
        if (!doc) return doc.error();
        if (doc->erase(name) == 0) return not_found(name);
        return store(*doc);
    }

    /// "a FIFO (named pipe)", "a directory", ... for the type bits of a mode; used in errors.
    [[nodiscard]] static std::string_view file_type_text(mode_t mode) noexcept {
        if (S_ISREG(mode)) return "a regular file";
        if (S_ISDIR(mode)) return "a directory";
        if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
        if (S_ISSOCK(mode)) return "a socket";
        if (S_ISCHR(mode)) return "a character device";
        if (S_ISBLK(mode)) return "a block device";
        if (S_ISLNK(mode)) return "a symbolic link";
        return "of an unknown file type";
    }

    /// "0644" for a mode; used in the permission error and by tests.
    [[nodiscard]] static std::string mode_text(mode_t mode) {
        return fmt::format("{:04o}", static_cast<unsigned>(mode & 07777U));
    }

private:
    using document = std::map<secret_name, credentials>;

    [[nodiscard]] core::error not_found(const secret_name& name) const {
        return core::make_error(errc::secret_not_found,
                                fmt::format("secret {} not found in secrets file {}", name, path_));
    }
    [[nodiscard]] core::error io_error(std::string_view what, int err) const {
        return core::make_error(errc::backend_error, fmt::format("secrets file {}: {}: {}", path_, what,
                                                           detail::errno_text(err)));
    }

    /// Writes replace the file by rename, which would replace a symbolic link at `path_` with a
    /// regular file (and leave the target stale), so they are refused; reads follow links.
    [[nodiscard]] core::result<void> refuse_symlink() const {
        struct stat st {};
        if (::lstat(path_.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return {};
        return core::make_error(
            errc::backend_error,
            fmt::format("secrets file {} is a symbolic link; set and delete do not write through "
                        "links (the rename would replace the link): pass the target's path to "
                        "--file",
                        path_));
    }

    /// Reads and validates the whole file. `missing_ok`: a file that does not exist is empty.
    [[nodiscard]] core::result<document> load(bool missing_ok) const {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever,
        // before the type check below could refuse it. It changes nothing for a regular file.
        const detail::unique_fd fd{::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
        if (!fd) {
            const int err = errno;
            if (missing_ok && err == ENOENT) return document{};
            return io_error("cannot open", err);
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return io_error("cannot stat", errno);
        if (!S_ISREG(st.st_mode)) {
            return core::make_error(
                errc::backend_error, fmt::format("secrets file {} is {}, not a regular file; refusing "
                                           "to read it",
                                           path_, file_type_text(st.st_mode)));
        }
        if ((st.st_mode & 07777U & ~secrets_file_max_mode) != 0) {
            return core::make_error(
                errc::insecure_permissions,
                fmt::format("secrets file {} has mode {}; it must be 0600 or stricter (no access "
                            "for group or others); refusing to use it. Fix: chmod 600 {}",
                            path_, mode_text(st.st_mode), path_));
        }
        if (static_cast<std::size_t>(st.st_size) > secrets_file_max_bytes) {
            return core::make_error(errc::backend_error,
                                    fmt::format("secrets file {} is {} bytes; the limit is {}",
                                                path_, st.st_size, secrets_file_max_bytes));
        }
        detail::wiped_string text = detail::make_wiped_string(static_cast<std::size_t>(st.st_size));
        switch (detail::read_all(fd.get(), text, secrets_file_max_bytes)) {
            case detail::read_status::ok: break;
            case detail::read_status::too_large:
                return core::make_error(errc::backend_error,
                                        fmt::format("secrets file {} grew past {} bytes while "
                                                    "being read", path_, secrets_file_max_bytes));
            case detail::read_status::failed: return io_error("cannot read", errno);
        }
        return parse(text);
    }

    [[nodiscard]] core::result<document> parse(std::string_view text) const {
        const std::string origin = fmt::format("secrets file {}", path_);
        if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return document{};
        auto json = detail::parse_json(text, origin);
        if (!json) return json.error();
        const boost::json::object* obj = json->if_object();
        if (obj == nullptr) {
            return core::make_error(errc::secret_format,
                                    fmt::format("{}: top level must be a JSON object of "
                                                "\"mm-bot/<namespace>/<venue>\": {{\"api_key\", "
                                                "\"api_secret\"}}", origin));
        }
        document doc;
        std::size_t index = 0;
        for (const auto& entry : *obj) {
            ++index;
            auto name = secret_name::parse(entry.key());
            if (!name) {
                // The key is not shown: a value pasted in the wrong place would land in the log.
                return core::make_error(errc::secret_format,
                                        fmt::format("{}: entry #{}: {}", origin, index,
                                                    name.error().message));
            }
            auto creds = detail::credentials_from_json(
                entry.value(), fmt::format("{} entry {}", origin, *name));
            if (!creds) return creds.error();
            doc.insert_or_assign(std::move(*name), std::move(*creds));
        }
        return doc;
    }

    /// Serialises `doc` into wiped memory; a member because only file_provider holds signer_access.
    [[nodiscard]] static detail::wiped_string serialise(const document& doc) {
        detail::wiped_string out = detail::make_wiped_string(4096);
        out.append("{");
        bool first = true;
        for (const auto& [name, creds] : doc) {
            out.append(first ? "\n  " : ",\n  ");
            first = false;
            detail::append_json_string(out, name.str());
            out.append(": {\"api_key\": ");
            detail::append_json_string(out, creds.api_key.reveal(signer_access{}));
            out.append(", \"api_secret\": ");
            detail::append_json_string(out, creds.api_secret.reveal(signer_access{}));
            out.append("}");
        }
        out.append(first ? "}\n" : "\n}\n");
        return out;
    }

    /// Temp file (0600) in the same directory, fsync, rename over the target, fsync the directory.
    [[nodiscard]] core::result<void> store(const document& doc) const {
        const detail::wiped_string text = serialise(doc);
        std::string tmp = path_ + ".tmp.XXXXXX";
        const detail::unique_fd fd{::mkstemp(tmp.data())};
        if (!fd) return io_error("cannot create a temporary file beside it", errno);
        const auto fail = [&](std::string_view what, int err) {
            ::unlink(tmp.c_str());
            return io_error(what, err);
        };
        // mkstemp already uses 0600; fchmod makes that independent of the libc and the umask.
        if (::fchmod(fd.get(), secrets_file_max_mode) != 0) return fail("cannot chmod 0600", errno);
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail("cannot write", errno);
            }
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(fd.get()) != 0) return fail("cannot fsync", errno);
        if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail("cannot rename into place", errno);
        sync_directory();
        return {};
    }

    /// Makes the rename durable. Best effort: the data itself is already on disk.
    void sync_directory() const {
        const std::size_t slash = path_.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
        const detail::unique_fd dfd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (dfd) (void)::fsync(dfd.get());
    }

    std::string path_;
};

static_assert(assert_writable_secret_provider<file_provider>());

}  // namespace mmbot::secrets
