// The JSON file backend: permissions, CRUD, atomic write-back, format errors without values.
#include "mmbot/app/exit_codes.hpp"
#include "mmbot/secrets/file_provider.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>

namespace sec = mmbot::secrets;
namespace fs = std::filesystem;

namespace {

sec::secret_name name_of(std::string_view text) { return sec::secret_name::parse(text).value(); }

sec::credentials creds(std::string_view key, std::string_view secret) {
    return {sec::secret_string{key}, sec::secret_string{secret}};
}

std::string one_entry() {
    return std::string{R"({"mm-bot/dev/bybit": {"api_key": "1234567890abcdef", "api_secret": ")"} +
           std::string{sec::test::canary} + "\"}}\n";
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777U;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

namespace {

/// Runs file_provider{path}.get in a forked child and returns "code|message", or nullopt when it
/// did not answer within `limit_ms` (the child is then killed, so a hang fails the test instead
/// of stalling it).
std::optional<std::string> get_in_child(const fs::path& path, int limit_ms) {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    const ::pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
        ::alarm(30);  // a backstop should the parent die before killing us
        const auto c = sec::file_provider{path.string()}.get(name_of("mm-bot/dev/bybit"));
        const std::string out =
            c ? std::string("ok|") : std::string(c.error().code.name()) + "|" + c.error().message;
        const bool written =
            ::write(fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
        ::_exit(written ? 0 : 1);
    }
    ::close(fds[1]);
    ::pollfd ready{fds[0], POLLIN, 0};
    std::optional<std::string> answer;
    if (::poll(&ready, 1, limit_ms) > 0) {
        answer.emplace();
        char buf[512];
        for (ssize_t n = 0; (n = ::read(fds[0], buf, sizeof buf)) > 0;) {
            answer->append(buf, static_cast<std::size_t>(n));
        }
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(fds[0]);
    return answer;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fifo_is_refused_promptly_naming_path_and_type) {
    const fs::path fifo = sec::test::scratch_dir() / "secrets.fifo";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto answer = get_in_child(fifo, 5000);
    BOOST_TEST_REQUIRE(answer.has_value(), "file_provider::get on a FIFO did not return in 5 s");
    BOOST_TEST(answer->starts_with(std::string(mmbot::core::code_label(sec::errc::backend_error)) + "|"), *answer);
    BOOST_TEST(contains(*answer, fifo.string()), *answer);
    BOOST_TEST(contains(*answer, "is a FIFO (named pipe), not a regular file"), *answer);
    // A directory is named as one too.
    const auto dir = get_in_child(sec::test::scratch_dir(), 5000);
    BOOST_TEST_REQUIRE(dir.has_value());
    BOOST_TEST(contains(*dir, "is a directory, not a regular file"), *dir);
}

BOOST_AUTO_TEST_CASE(writes_through_a_symlink_are_refused_reads_follow_it) {
    const fs::path dir = sec::test::scratch_dir();
    const fs::path target = dir / "secrets.json";
    const fs::path link = dir / "link.json";
    sec::test::write_file(target, one_entry(), 0600);
    fs::create_symlink(target, link);
    sec::file_provider p{link.string()};
    BOOST_TEST(p.get(name_of("mm-bot/dev/bybit")).has_value());
    const auto set = p.set(name_of("mm-bot/dev/okx"), creds("1234567890abcdef", "x1y2z3w4v5u6"));
    BOOST_TEST_REQUIRE(!set.has_value());
    BOOST_TEST(set.error().code == sec::errc::backend_error);
    BOOST_TEST(contains(set.error().message, link.string() + " is a symbolic link"),
               set.error().message);
    BOOST_TEST((mmbot::app::secrets_exit_for(set.error().code) == mmbot::app::secrets_exit::backend_error));
    const auto removed = p.remove(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!removed.has_value());
    BOOST_TEST(contains(removed.error().message, "is a symbolic link"));
    BOOST_TEST(fs::is_symlink(link));
    BOOST_TEST(sec::test::read_file(target) == one_entry());
}

BOOST_AUTO_TEST_CASE(mode_0644_is_refused_naming_file_and_mode) {
    const fs::path file = sec::test::scratch_dir() / "secrets.json";
    sec::test::write_file(file, one_entry(), 0644);
    const sec::file_provider p{file.string()};
    const auto c = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::insecure_permissions);
    BOOST_TEST(contains(c.error().message, file.string()));
    BOOST_TEST(contains(c.error().message, "mode 0644"));
    BOOST_TEST(contains(c.error().message, "0600 or stricter"));
    BOOST_TEST(!contains(c.error().message, sec::test::canary));
    BOOST_TEST((mmbot::app::secrets_exit_for(c.error().code) == mmbot::app::secrets_exit::insecure_permissions));
    // Writes are refused too, and leave the file as it was.
    BOOST_TEST(!p.list().has_value());
}

BOOST_AUTO_TEST_CASE(group_or_other_bits_are_refused) {
    const fs::path dir = sec::test::scratch_dir();
    for (const mode_t mode : {0640U, 0604U, 0700U, 0660U, 0610U}) {
        const fs::path file = dir / ("s" + std::to_string(mode) + ".json");
        sec::test::write_file(file, one_entry(), mode);
        const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
        BOOST_TEST_REQUIRE(!c.has_value());
        BOOST_TEST(c.error().code == sec::errc::insecure_permissions);
        BOOST_TEST(contains(c.error().message, sec::file_provider::mode_text(mode)));
    }
}

BOOST_AUTO_TEST_CASE(mode_0600_is_accepted) {
    const fs::path file = sec::test::scratch_dir() / "secrets.json";
    sec::test::write_file(file, one_entry(), 0600);
    const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_key.matches("1234567890abcdef"));
    BOOST_TEST(c->api_secret.matches(sec::test::canary));
}

BOOST_AUTO_TEST_CASE(mode_0400_is_accepted) {
    const fs::path file = sec::test::scratch_dir() / "secrets.json";
    sec::test::write_file(file, one_entry(), 0400);
    const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->api_secret.matches(sec::test::canary));
}

BOOST_AUTO_TEST_CASE(crud_round_trip_creates_0600_file) {
    const fs::path dir = sec::test::scratch_dir();
    const fs::path file = dir / "new.json";
    sec::file_provider p{file.string()};
    BOOST_TEST(p.set(name_of("mm-bot/testnet/bybit"), creds("1234567890abcdef", "tab\"quote\\x")).has_value());
    BOOST_TEST(p.set(name_of("mm-bot/dev/bybit"), creds("abcdefghijklmnop", std::string{sec::test::canary})).has_value());
    BOOST_TEST(mode_of(file) == 0600U);

    const auto got = p.get(name_of("mm-bot/testnet/bybit"));
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(got->api_secret.matches("tab\"quote\\x"));
    BOOST_TEST(p.list()->size() == 2U);

    BOOST_TEST(p.remove(name_of("mm-bot/dev/bybit")).has_value());
    BOOST_TEST(p.list()->size() == 1U);
    const auto gone = p.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!gone.has_value());
    BOOST_TEST(gone.error().code == sec::errc::secret_not_found);
    BOOST_TEST(contains(gone.error().message, file.string()));
    BOOST_TEST(!p.remove(name_of("mm-bot/dev/bybit")).has_value());
    BOOST_TEST(!contains(sec::test::read_file(file), sec::test::canary));

    // Only the target is left behind: the temporary file was renamed over it.
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++entries;
    }
    BOOST_TEST(entries == 1U);
}

BOOST_AUTO_TEST_CASE(missing_file_is_a_backend_error_naming_it) {
    const fs::path file = sec::test::scratch_dir() / "absent.json";
    const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(c.error().code == sec::errc::backend_error);
    BOOST_TEST(contains(c.error().message, file.string()));
    BOOST_TEST(contains(c.error().message, "No such file"));
}

BOOST_AUTO_TEST_CASE(bad_json_names_file_and_problem_not_values) {
    const fs::path dir = sec::test::scratch_dir();
    const std::string canary{sec::test::canary};
    const std::string cases[] = {
        R"({"mm-bot/dev/bybit": {"api_key": ")" + canary + R"(", "api_secret": )",
        R"({"mm-bot/dev/bybit": {"api_key": ")" + canary + R"("}})",
        R"({")" + canary + R"(": {"api_key": "a", "api_secret": "b"}})",
        R"([")" + canary + R"("])",
        R"({"mm-bot/dev/bybit": {"api_key": ")" + canary + R"(", "api_secret": "x", "note": 1}})",
    };
    int i = 0;
    for (const auto& text : cases) {
        const fs::path file = dir / ("bad" + std::to_string(i++) + ".json");
        sec::test::write_file(file, text, 0600);
        const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
        BOOST_TEST_REQUIRE(!c.has_value());
        BOOST_TEST(c.error().code == sec::errc::secret_format);
        BOOST_TEST(contains(c.error().message, file.string()), c.error().message);
        BOOST_TEST(!contains(c.error().message, canary), c.error().message);
        BOOST_TEST(!contains(c.error().message, "CANARY"), c.error().message);
    }
}

BOOST_AUTO_TEST_CASE(syntax_error_reports_byte_offset) {
    const fs::path file = sec::test::scratch_dir() / "s.json";
    sec::test::write_file(file, "{\"mm-bot/dev/bybit\" 1}", 0600);
    const auto c = sec::file_provider{file.string()}.list();
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(contains(c.error().message, "invalid JSON at byte"), c.error().message);
}

BOOST_AUTO_TEST_CASE(missing_field_names_entry_and_field) {
    const fs::path file = sec::test::scratch_dir() / "s.json";
    sec::test::write_file(file, R"({"mm-bot/dev/bybit": {"api_key": "1234567890abcdef"}})", 0600);
    const auto c = sec::file_provider{file.string()}.get(name_of("mm-bot/dev/bybit"));
    BOOST_TEST_REQUIRE(!c.has_value());
    BOOST_TEST(contains(c.error().message, "entry mm-bot/dev/bybit: missing api_secret"),
               c.error().message);
}

BOOST_AUTO_TEST_CASE(empty_file_is_an_empty_store) {
    const fs::path file = sec::test::scratch_dir() / "s.json";
    sec::test::write_file(file, "", 0600);
    const auto names = sec::file_provider{file.string()}.list();
    BOOST_TEST_REQUIRE(names.has_value());
    BOOST_TEST(names->empty());
}

