// binance_replay: replays a Binance capture through mmbot's codec and diff-depth sync and checks
// the book against every bookTicker at the same update id (replay_check.hpp).
//
//   zcat ../shared/data/binance/usdm_btcusdt_20240808.gz |
//       bazel-bin/tools/binance_replay/binance_replay --symbol BTCUSDT --market usdm -
//
// Exit codes: 0 every line decoded, the book never lost sync and matched every comparable ticker;
// 1 a line failed to decode, the chain broke, or a ticker disagreed with the book; 2 bad usage or
// an unreadable file.
#include "tools/binance_replay/replay_check.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <istream>
#include <span>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view usage =
    "usage: binance_replay --symbol SYMBOL --market usdm|spot PATH|-\n"
    "  Replays a `<recv_ns> <json>` Binance capture (PATH, or - for standard input: pipe a .gz\n"
    "  through zcat) and checks the synced book against each bookTicker of the same update id.\n";

struct options {
    std::string symbol;
    mmbot::feed::binance::sync_rule rule{mmbot::feed::binance::sync_rule::usdm_futures};
    std::string path;
};

[[nodiscard]] bool parse_args(std::span<char*> args, options& out) {
    bool have_market = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--symbol" && has_value) {
            out.symbol = args[++i];
        } else if (a == "--market" && has_value) {
            const std::string_view m = args[++i];
            if (m == "usdm") {
                out.rule = mmbot::feed::binance::sync_rule::usdm_futures;
            } else if (m == "spot") {
                out.rule = mmbot::feed::binance::sync_rule::spot;
            } else {
                std::cerr << "binance_replay: --market: expected usdm or spot, got \"" << m << "\"\n";
                return false;
            }
            have_market = true;
        } else if (!a.starts_with("--") || a == "-") {
            if (!out.path.empty()) {
                std::cerr << "binance_replay: one capture path only, got a second: " << a << "\n";
                return false;
            }
            out.path = a;
        } else {
            std::cerr << "binance_replay: unknown or incomplete option " << a << "\n";
            return false;
        }
    }
    if (out.symbol.empty() || !have_market || out.path.empty()) {
        std::cerr << "binance_replay: --symbol, --market and a path are required\n";
        return false;
    }
    return true;
}

int run(const options& opt, std::istream& in) {
    mmbot::tools::binance_replay::replay_checker check(opt.symbol, opt.rule);
    std::string line;
    std::uint64_t n = 0;
    int rc = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        if (auto r = check.feed_line(line); !r) {
            std::cerr << fmt::format("line {}: {}\n", n, r.error().message);
            rc = 1;
        }
    }
    check.finish();
    const auto& t = check.totals();
    const auto& s = check.sync().counters();
    const auto& top = check.top();
    fmt::print("lines {}  diffs {}  snapshots {}  bookTicker {}  trades {}  ignored {}\n", t.lines,
               t.diffs, t.snapshots, t.tickers, t.trades, t.ignored);
    fmt::print("sync: applied {}  stale {}  gaps {}  buffer drops {}  synced at end {}\n", s.applied,
               s.stale, s.gaps, s.buffer_drops, check.sync().synced() ? "yes" : "no");
    fmt::print("top of book vs bookTicker: compared {}  mismatched {}  not comparable {}\n",
               top.compared, top.mismatched, top.unmatched);
    if (!top.first_mismatch.empty()) fmt::print("first mismatch: {}\n", top.first_mismatch);
    const auto& book = check.sync().book();
    if (const auto bid = book.best_bid(), ask = book.best_ask(); bid && ask) {
        fmt::print("final book: {} x {} / {} x {} ({} bid levels, {} ask levels)\n", bid->px,
                   bid->qty, ask->px, ask->qty, book.levels(mmbot::feed::book_side::bid),
                   book.levels(mmbot::feed::book_side::ask));
    }
    if (s.gaps != 0 || top.mismatched != 0 || !check.sync().synced()) rc = 1;
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    if (!parse_args(std::span<char*>(argv, static_cast<std::size_t>(argc)), opt)) {
        std::cerr << usage;
        return 2;
    }
    if (opt.path == "-") return run(opt, std::cin);
    std::ifstream file(opt.path);
    if (!file) {
        std::cerr << "binance_replay: cannot open " << opt.path << "\n";
        return 2;
    }
    return run(opt, file);
}
