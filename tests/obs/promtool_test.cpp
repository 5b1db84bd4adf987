// The exposition, the alert rules and the dashboard checked by real tools and against each other:
// `promtool check metrics` on the full mm_* exposition, `promtool check rules` and `promtool test
// rules` on docs/, every exported metric documented in docs/metrics.md, every metric the rules and
// the dashboard query actually exported. promtool missing is a FAILURE (CI installs Debian's
// `prometheus` package), never a skip.
#define BOOST_TEST_MODULE obs_promtool
#include <boost/test/unit_test.hpp>

#include "mmbot/obs/mm_metrics.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/src.hpp>  // header-only Boost.JSON, in this one translation unit

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace mmbot;
namespace fs = std::filesystem;

namespace {

std::string promtool_path() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread exists; the test is single-threaded
    if (const char* p = std::getenv("PROMTOOL"); p != nullptr && *p != '\0') {
        return fs::exists(p) ? std::string(p) : std::string();
    }
    std::string dirs = "/usr/bin:/usr/local/bin:/bin";
    // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
    if (const char* path = std::getenv("PATH")) dirs = std::string(path) + ":" + dirs;
    std::istringstream in(dirs);
    for (std::string d; std::getline(in, d, ':');) {
        const fs::path candidate = fs::path(d) / "promtool";
        if (!d.empty() && fs::exists(candidate)) return candidate.string();
    }
    return {};
}

fs::path tmp_dir() {
    const char* t = std::getenv("TEST_TMPDIR");  // NOLINT(concurrency-mt-unsafe): single-threaded test
    return t != nullptr ? fs::path(t) : fs::temp_directory_path();
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct run_result {
    int status;
    std::string output;
};

/// Runs a shell command with stdout+stderr captured to a file.
run_result run(const std::string& command) {
    const fs::path out = tmp_dir() / "promtool_output.txt";
    // NOLINTNEXTLINE(concurrency-mt-unsafe,cert-env33-c): running promtool is the point of the test
    const int rc = std::system((command + " > '" + out.string() + "' 2>&1").c_str());
    return {rc, read_file(out)};
}

/// A registry with every mm_* metric and at least one sample of each label set kind.
std::string full_exposition() {
    static obs::registry reg;
    static obs::mm_metrics m(reg);
    static const bool filled = [] {
        auto btc = m.for_symbol("BTCUSDT");
        btc.placed_buy.inc(10);
        btc.filled_buy.inc(4);
        btc.cancelled.inc(3);
        btc.post_only_adjustments_sell.inc();
        btc.fill_rate.set(core::ratio::parse("0.4").value());
        btc.pnl_realized.set(core::notional::parse("-1.2345678901234567").value());
        btc.pnl_unrealized.set(core::notional::parse("3.5").value());
        btc.inventory.set(core::quantity::parse("0.015").value());
        btc.quoted_edge.set(core::bps::parse("3.25").value());
        btc.market_data_age.set(std::chrono::milliseconds(120));
        m.orders_blocked.with({"BTCUSDT", "cross_price"}).inc();
        m.freeze_events.with({"edge_below_threshold"}).inc();
        m.execution_latency.with({"place"}).observe(std::chrono::microseconds(750));
        m.venue_errors.with({"10006"}).inc();
        m.ws_reconnects.with({"public"}).inc();
        m.rate_limit_headroom.with({"/v5/order/create"}).set(std::int64_t{9});
        m.maker_only_enabled.set(true);
        m.execution_healthy.set(true);
        m.ready.set(true);
        m.journal_writes.inc(10);
        m.md_messages.inc(1000);
        (void)m.set_state("running");
        return true;
    }();
    (void)filled;
    return reg.expose();
}

std::set<std::string> exported_names() {
    std::set<std::string> names;
    const std::regex type_line("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ");
    std::istringstream in(full_exposition());
    for (std::string line; std::getline(in, line);) {
        std::smatch mt;
        if (std::regex_search(line, mt, type_line)) names.insert(mt[1]);
    }
    return names;
}

/// Every mm_* name in `text` (only `backticked` ones when asked: prose may name files), with
/// histogram suffixes folded onto the family name.
std::set<std::string> referenced_names(const std::string& text, bool backticked_only = false) {
    std::set<std::string> names;
    const std::regex metric(backticked_only ? "`(mm_[a-z_]+)" : "(mm_[a-z_]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), metric); it != std::sregex_iterator(); ++it) {
        std::string n = (*it)[1].str();
        for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
            if (n.size() > suffix.size() && n.ends_with(suffix) && n.find("_seconds") != std::string::npos) {
                n.resize(n.size() - suffix.size());
            }
        }
        names.insert(n);
    }
    return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(promtool_is_installed) {
    BOOST_REQUIRE_MESSAGE(!promtool_path().empty(),
                          "promtool not found (set PROMTOOL or install Debian package `prometheus`)");
}

BOOST_AUTO_TEST_CASE(exposition_passes_promtool_check_metrics) {
    const std::string tool = promtool_path();
    BOOST_REQUIRE(!tool.empty());
    const fs::path file = tmp_dir() / "mm_metrics.prom";
    {
        std::ofstream out(file, std::ios::binary);
        out << full_exposition();
    }
    const auto r = run("'" + tool + "' check metrics < '" + file.string() + "'");
    BOOST_TEST_MESSAGE(r.output);
    BOOST_TEST(r.status == 0, "promtool check metrics failed:\n" << r.output);
    BOOST_TEST(r.output.empty(), "promtool reported lint problems:\n" << r.output);
}

BOOST_AUTO_TEST_CASE(alert_rules_pass_promtool) {
    const std::string tool = promtool_path();
    BOOST_REQUIRE(!tool.empty());
    const auto check = run("'" + tool + "' check rules docs/alerts.yml");
    BOOST_TEST(check.status == 0, "promtool check rules:\n" << check.output);
    const auto test = run("'" + tool + "' test rules docs/alerts_test.yml");
    BOOST_TEST(test.status == 0, "promtool test rules:\n" << test.output);
    BOOST_TEST(test.output.find("SUCCESS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_exported_metric_is_documented) {
    const std::string doc = read_file("docs/metrics.md");
    BOOST_REQUIRE(!doc.empty());
    for (const auto& name : exported_names()) {
        BOOST_TEST(doc.find("`" + name + "`") != std::string::npos, name << " missing from docs/metrics.md");
    }
    // And the document lists nothing that does not exist.
    const auto exported = exported_names();
    for (const auto& name : referenced_names(doc, true)) {
        BOOST_TEST(exported.count(name) == 1U, "docs/metrics.md names unknown metric " << name);
    }
}

BOOST_AUTO_TEST_CASE(rules_and_dashboard_query_exported_metrics) {
    const auto exported = exported_names();
    for (const char* file : {"docs/alerts.yml", "docs/alerts_test.yml"}) {
        // Only queries and input series name metrics (the group name "mm_bot_alerts" does not).
        std::string queries;
        std::istringstream in(read_file(file));
        for (std::string line; std::getline(in, line);) {
            if (line.find("expr:") != std::string::npos || line.find("series:") != std::string::npos) {
                queries += line + "\n";
            }
        }
        BOOST_TEST(!queries.empty());
        for (const auto& name : referenced_names(queries)) {
            BOOST_TEST(exported.count(name) == 1U, file << " uses unknown metric " << name);
        }
    }
    const std::string dash = read_file("docs/grafana-dashboard.json");
    boost::system::error_code ec;
    const auto json = boost::json::parse(dash, ec);
    BOOST_REQUIRE_MESSAGE(!ec, "dashboard is not valid JSON: " << ec.message());
    const auto& panels = json.at("panels").as_array();
    std::set<std::string> titles;
    for (const auto& p : panels) titles.insert(std::string(p.at("title").as_string()));
    for (const char* t : {"Bot Status", "Order Flow", "Blocking Reasons", "Latency Distribution", "PnL",
                          "Inventory", "Edge"}) {
        BOOST_TEST(titles.count(t) == 1U, "dashboard lacks panel " << t);
    }
    const auto used = referenced_names(dash);
    BOOST_TEST(!used.empty());
    for (const auto& name : used) {
        BOOST_TEST(exported.count(name) == 1U, "dashboard uses unknown metric " << name);
    }
}
