// docs/metrics.md against what a bot's /metrics exposes (the registry every binary builds,
// obs::mm_metrics): every family is documented with its type and label names, and every
// documented mm_* metric exists. A metric renamed, added or given another label fails here until
// the doc says the same.
#define BOOST_TEST_MODULE metrics_doc
#include "mmbot/app/gates.hpp"
#include "mmbot/core/enum_label.hpp"
#include "mmbot/obs/metrics.hpp"
#include "mmbot/obs/mm_metrics.hpp"
#include "mmbot/policy/block_reason.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

struct documented {
    std::string type;
    std::vector<std::string> labels;
};

/// Rows `| `mm_x` | type | `a`, `b` | meaning |` of docs/metrics.md, by name.
std::map<std::string, documented> doc_rows() {
    std::ifstream in("docs/metrics.md");
    BOOST_TEST_REQUIRE(in.good(), "docs/metrics.md not found");
    std::map<std::string, documented> rows;
    const std::regex row(R"(^\| `(mm_[a-z0-9_]+)` \| ([a-z]+) \|([^|]*)\|)");
    const std::regex label("`([a-z_]+)`");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        documented d{m[2].str(), {}};
        const std::string labels = m[3].str();
        for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label); it != std::sregex_iterator(); ++it) {
            d.labels.push_back((*it)[1].str());
        }
        BOOST_TEST(rows.emplace(m[1].str(), d).second, "documented twice: " << m[1].str());
    }
    return rows;
}

std::string type_of(mmbot::obs::metric_type t) { return std::string(mmbot::obs::detail::type_name(t)); }

}  // namespace

BOOST_AUTO_TEST_CASE(every_exposed_metric_is_documented_and_every_documented_one_exposed) {
    mmbot::obs::registry reg;
    const mmbot::obs::mm_metrics metrics(reg);
    const auto doc = doc_rows();
    BOOST_TEST(doc.size() >= 20u);
    std::size_t exposed = 0;
    for (const auto& f : reg.families()) {
        ++exposed;
        BOOST_TEST_CONTEXT("/metrics family " << f.name) {
            const auto it = doc.find(f.name);
            BOOST_TEST_REQUIRE((it != doc.end()), "not in docs/metrics.md");
            BOOST_TEST(it->second.type == type_of(f.type));
            BOOST_TEST(it->second.labels == f.label_names, "labels documented differ");
        }
    }
    for (const auto& [name, d] : doc) {
        bool found = false;
        for (const auto& f : reg.families()) found = found || f.name == name;
        BOOST_TEST(found, "docs/metrics.md documents " << name << ", which /metrics does not expose");
    }
    BOOST_TEST(exposed == doc.size());
}

// The block reasons the doc lists are exactly the labels a blocked order can carry: the maker
// policy's (every block_reason but none) and the names of the risk checks (live's gate holds them
// all). A label that does not exist, or one missing, fails here.
BOOST_AUTO_TEST_CASE(documented_block_reasons_are_the_real_ones) {
    std::ifstream in("docs/metrics.md");
    std::string row;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("| `mm_orders_blocked_total`")) row = line;
    }
    BOOST_TEST_REQUIRE(!row.empty());
    const std::string reasons = row.substr(row.find("`reason` is"));
    std::set<std::string> documented;
    const std::regex label("`([a-z_]+)`");
    for (auto it = std::sregex_iterator(reasons.begin(), reasons.end(), label); it != std::sregex_iterator(); ++it) {
        documented.insert((*it)[1].str());
    }
    documented.erase("reason");
    std::set<std::string> real;
    using mmbot::policy::block_reason;
    for (std::size_t i = 1; i < mmbot::core::enumerator_count<block_reason>; ++i) {
        real.emplace(mmbot::policy::label(static_cast<block_reason>(i)));
    }
    for (const auto name : mmbot::app::live_gate::names) real.emplace(name);
    // The portfolio check names what broke (a lost lease, a stale view, loss, exposure, kill --all).
    for (const auto r : mmbot::risk::portfolio_limit::reasons) real.emplace(r);
    real.emplace("frozen");  // risk::monitor's block while frozen
    BOOST_TEST(documented == real, "docs/metrics.md's block reasons differ from the code's");
    for (const auto& d : documented) BOOST_TEST(real.contains(d), "documented, does not exist: " << d);
    for (const auto& r : real) BOOST_TEST(documented.contains(r), "exists, not documented: " << r);
}
