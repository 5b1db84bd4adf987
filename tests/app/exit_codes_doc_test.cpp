// docs/exit-codes.md against the one exit-code table (app/exit_codes.hpp), both ways: every table
// row is in the doc under its binaries' heading with the same number and name, the doc has no row
// the table lacks, and each doc row lists exactly the error codes the table maps to its number.
// Edit a number, a name or a code on either side alone and this fails.
#define BOOST_TEST_MODULE exit_codes_doc
#include <boost/test/unit_test.hpp>

#include "mmbot/app/exit_codes.hpp"

#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace app = mmbot::app;

namespace {

struct doc_row {
    int number = -1;
    std::string name;
    std::set<std::string> codes;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(in.good(), path << ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
}

/// The `backticked` words of a cell.
std::set<std::string> ticked(std::string_view cell) {
    std::set<std::string> out;
    for (auto open = cell.find('`'); open != std::string_view::npos; open = cell.find('`', open)) {
        const auto close = cell.find('`', open + 1);
        if (close == std::string_view::npos) break;
        out.emplace(cell.substr(open + 1, close - open - 1));
        open = close + 1;
    }
    return out;
}

/// `| N | `name` | meaning | `code`, `code` |` -> a row; anything else (header, ---) -> none.
std::optional<doc_row> parse_row(std::string_view line) {
    std::vector<std::string> cells;
    std::size_t start = 1;
    for (auto bar = line.find('|', start); bar != std::string_view::npos; bar = line.find('|', start)) {
        cells.push_back(trim(line.substr(start, bar - start)));
        start = bar + 1;
    }
    if (cells.size() != 4 || cells[0].empty()) return std::nullopt;
    for (const char c : cells[0]) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    }
    const auto names = ticked(cells[1]);
    return doc_row{std::stoi(cells[0]), names.size() == 1 ? *names.begin() : cells[1], ticked(cells[3])};
}

/// Rows by `## heading`.
std::map<std::string, std::vector<doc_row>> parse_doc(const std::string& text) {
    std::map<std::string, std::vector<doc_row>> out;
    std::istringstream in(text);
    std::string section;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("## ")) section = line.substr(3);
        if (line.starts_with("| ") && !section.empty()) {
            if (auto r = parse_row(line)) out[section].push_back(*r);
        }
    }
    return out;
}

std::set<std::string> mapped_codes(const app::exit_code_table& t, int number) {
    std::set<std::string> out;
    for (const auto& e : t.errors) {
        if (e.exit == number) out.emplace(e.code.name());
    }
    return out;
}

const std::map<std::string, std::vector<doc_row>>& doc() {
    static const auto parsed = parse_doc(read_file("docs/exit-codes.md"));
    return parsed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_table_row_is_in_the_doc_with_its_number_name_and_error_codes) {
    for (const auto& table : app::exit_code_tables) {
        BOOST_TEST_CONTEXT("## " << table.binaries) {
            const auto section = doc().find(std::string(table.binaries));
            BOOST_TEST_REQUIRE((section != doc().end()), "no section `## " << table.binaries << "`");
            for (const auto& row : table.rows) {
                bool found = false;
                for (const auto& d : section->second) {
                    if (d.number != row.number) continue;
                    found = true;
                    BOOST_TEST(d.name == row.name, "exit " << row.number << ": doc says `" << d.name
                                                           << "`, the table `" << row.name << "`");
                    BOOST_TEST(d.codes == mapped_codes(table, row.number),
                               "exit " << row.number << ": the error codes differ");
                }
                BOOST_TEST(found, "exit " << row.number << " (" << row.name << ") is not in the doc");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_doc_has_no_row_the_table_lacks) {
    for (const auto& [heading, rows] : doc()) {
        const app::exit_code_table* table = nullptr;
        for (const auto& t : app::exit_code_tables) {
            if (t.binaries == heading) table = &t;
        }
        BOOST_TEST_REQUIRE(table != nullptr, "doc section `## " << heading << "` has no table");
        std::set<int> seen;
        for (const auto& d : rows) {
            BOOST_TEST(seen.insert(d.number).second, heading << ": exit " << d.number << " listed twice");
            bool known = false;
            for (const auto& r : table->rows) known = known || (r.number == d.number && r.name == d.name);
            BOOST_TEST(known, heading << ": doc row " << d.number << " `" << d.name << "` is not in the table");
        }
    }
}

// Every mapped error code lands on a row its table documents.
BOOST_AUTO_TEST_CASE(every_mapping_targets_a_documented_row) {
    for (const auto& t : app::exit_code_tables) {
        for (const auto& e : t.errors) {
            bool row = false;
            for (const auto& r : t.rows) row = row || r.number == e.exit;
            BOOST_TEST(row, t.binaries << ": " << e.code.name() << " -> " << e.exit << " has no row");
        }
    }
}

// The other docs point here instead of repeating the table.
BOOST_AUTO_TEST_CASE(readme_cli_secrets_and_local_venue_docs_link_the_exit_code_page) {
    for (const char* path : {"README.md", "docs/cli.md", "docs/secrets.md", "docs/local-venue.md"}) {
        BOOST_TEST(read_file(path).find("exit-codes.md") != std::string::npos, path);
    }
}

BOOST_AUTO_TEST_CASE(trading_lookups_follow_the_table) {
    BOOST_TEST((app::exit_code_for(mmbot::app::errc::usage, app::exit_code::feed) == app::exit_code::usage));
    BOOST_TEST((app::exit_code_for(mmbot::feed::errc::bad_url, app::exit_code::usage) == app::exit_code::feed));
    BOOST_TEST((app::exit_code_for(mmbot::secrets::errc::usage, app::exit_code::usage) ==
                app::exit_code::environment));  // another area's "usage": not a flag error
    BOOST_TEST((app::exit_code_for(mmbot::core::errc::decimal_syntax, app::exit_code::config) ==
                app::exit_code::config));  // unmapped: the caller's stage
    BOOST_TEST((app::secrets_exit_for(mmbot::secrets::errc::insecure_permissions) ==
                app::secrets_exit::insecure_permissions));
}
