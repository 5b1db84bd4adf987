// bench/book_vs_ccxt_bench.cpp
//
// Book maintenance side by side with ccxt.pro, in one run: the orderbook lines of a capture go
//   mmbot: bybit_public_codec::decode (text -> exact decimals) -> book_set -> l2_book::apply
//   ccxt:  JSON.parse -> ccxt.pro bybit.handleOrderBook (bench/ccxt_book_bench.js, Node, the
//          pinned npm ccxt in tools/ccxt)
// and the runner prints both rates (messages/s and bytes/s), their ratio (target >= 20x), and two
// floors for the same bytes: Boost.JSON's syntax + UTF-8 validation alone (a parser with a handler
// that keeps nothing) and Boost.JSON's DOM parse. mmbot's passes run before and after the Node
// process, each side keeps its fastest pass, and both books' final top of book and depth are
// compared, so a ratio is never printed for books that disagree.
//
//   bazel run -c opt //bench:book_vs_ccxt_bench                       # the bundled sample
//   bazel run -c opt //bench:book_vs_ccxt_bench -- ../shared/data/bybit/*.jsonl [--passes N]
//
// A directory argument means every file in it. Relative paths are taken from the directory
// `bazel run` was started in. Needs `node` on PATH and tools/ccxt/node_modules (`./mmw setup`);
// MMBOT_CCXT_DIR overrides the tools/ccxt location. Exit 0 when every capture ran (whatever the
// ratio), 1 when a side failed or the books disagree, 2 on bad usage.
#include "mmbot/feed/book_set.hpp"
#include "mmbot/feed/bybit_public.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace mmbot;
using steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct capture {
    std::string path;
    std::vector<std::string> lines;  // the orderbook lines, in order
    std::size_t bytes = 0;
};

capture load(const std::string& path) {
    capture c{path, {}, 0};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(R"("topic":"orderbook.)") == std::string::npos) continue;
        c.bytes += line.size();
        c.lines.push_back(std::move(line));
    }
    return c;
}

/// Best time of a pass over every line, in ns.
template <class Pass>
std::int64_t best_of(int passes, Pass&& pass) {
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (int i = 0; i < passes; ++i) {
        const auto t0 = steady::now();
        pass();
        best = std::min<std::int64_t>(best, (steady::now() - t0).count());
    }
    return best;
}

struct top {
    std::string sym;
    double bid = 0;  // display and cross-check only: the books themselves are exact decimals
    double ask = 0;
    std::size_t bids = 0;
    std::size_t asks = 0;
};

/// mmbot: decode + apply, a fresh book set per pass (as ccxt's side starts with no books).
struct mmbot_side {
    feed::bybit_public_codec codec;
    feed::decoded_message msg;
    std::vector<top> tops;
    std::uint64_t errors = 0;

    void pass(const capture& c, bool keep_tops) {
        feed::book_set books;
        for (const auto& l : c.lines) {
            auto kind = codec.decode(l, msg);
            if (!kind || *kind != feed::message_kind::book) {
                ++errors;
                continue;
            }
            (void)books.book_for(msg.book).apply(msg.book);
        }
        if (!keep_tops) return;
        tops.clear();
        for (const auto& e : books.entries()) {
            const auto& b = e->book;
            top t{std::string(e->sym.view()), 0, 0, b.levels(feed::book_side::bid),
                  b.levels(feed::book_side::ask)};
            if (auto bb = b.best_bid()) t.bid = std::stod(bb->px.to_string());
            if (auto ba = b.best_ask()) t.ask = std::stod(ba->px.to_string());
            tops.push_back(t);
        }
    }
};

/// A handler for boost::json::basic_parser that keeps nothing: the syntax + UTF-8 floor.
struct null_handler {
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);
    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&) { return true; }
    bool on_object_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_array_begin(boost::system::error_code&) { return true; }
    bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_key_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_key(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_number_part(std::string_view, boost::system::error_code&) { return true; }
    bool on_int64(std::int64_t, std::string_view, boost::system::error_code&) { return true; }
    bool on_uint64(std::uint64_t, std::string_view, boost::system::error_code&) { return true; }
    bool on_double(double, std::string_view, boost::system::error_code&) { return true; }
    bool on_bool(bool, boost::system::error_code&) { return true; }
    bool on_null(boost::system::error_code&) { return true; }
    bool on_comment_part(std::string_view, boost::system::error_code&) { return true; }
    bool on_comment(std::string_view, boost::system::error_code&) { return true; }
};

struct ccxt_result {
    std::int64_t parse_ns = 0;
    std::int64_t handle_ns = 0;
    std::string version;
    std::vector<top> tops;
};

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string(R"('\'')") : std::string(1, ch);
    return out + "'";
}

ccxt_result run_ccxt(const std::string& script, const std::string& ccxt_dir, const capture& c,
                     int passes) {
    const std::string cmd = fmt::format("node {} {} {} {}", shell_quote(script), shell_quote(ccxt_dir),
                                        shell_quote(c.path), passes);
    FILE* p = ::popen(cmd.c_str(), "r");  // NOLINT(cert-env33-c): the bench's own reference script
    if (p == nullptr) throw std::runtime_error("cannot start: " + cmd);
    std::string out;
    std::array<char, 4096> buf{};
    for (std::size_t n = 0; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) out.append(buf.data(), n);
    if (::pclose(p) != 0) throw std::runtime_error("ccxt side failed: " + cmd);
    const auto v = boost::json::parse(out).as_object();
    ccxt_result r;
    r.parse_ns = v.at("parse_ns").to_number<std::int64_t>();
    r.handle_ns = v.at("handle_ns").to_number<std::int64_t>();
    r.version = std::string(v.at("ccxt").as_string());
    if (static_cast<std::size_t>(v.at("messages").to_number<std::int64_t>()) != c.lines.size()) {
        throw std::runtime_error("ccxt side read a different number of orderbook lines");
    }
    for (const auto& [sym, t] : v.at("tops").as_object()) {
        const auto& o = t.as_object();
        // ccxt.pro keys its books by unified symbol ("BTC/USDT:USDT" once markets are loaded; the
        // exchange id when they are not, as here).
        r.tops.push_back(top{std::string(sym), o.at("bid").is_null() ? 0 : o.at("bid").to_number<double>(),
                             o.at("ask").is_null() ? 0 : o.at("ask").to_number<double>(),
                             static_cast<std::size_t>(o.at("bids").to_number<std::int64_t>()),
                             static_cast<std::size_t>(o.at("asks").to_number<std::int64_t>())});
    }
    return r;
}

/// Both sides end with the same best bid/ask per symbol, and ccxt (which keeps every level it is
/// sent) holds at least as many levels as mmbot (which keeps the stream's depth).
bool books_agree(const std::vector<top>& ours, const std::vector<top>& theirs) {
    if (ours.size() != theirs.size()) return false;
    for (const auto& o : ours) {
        const auto it = std::find_if(theirs.begin(), theirs.end(), [&](const top& t) { return t.sym == o.sym; });
        if (it == theirs.end() || it->bid != o.bid || it->ask != o.ask) return false;
        if (it->bids < o.bids || it->asks < o.asks) return false;
    }
    return true;
}

double rate(double n, std::int64_t ns) { return ns > 0 ? n * 1e9 / static_cast<double>(ns) : 0; }

std::string si(double v) {
    if (v >= 1e9) return fmt::format("{:.2f} G", v / 1e9);
    if (v >= 1e6) return fmt::format("{:.2f} M", v / 1e6);
    if (v >= 1e3) return fmt::format("{:.1f} k", v / 1e3);
    return fmt::format("{:.0f} ", v);
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

bool report(const capture& c, const std::string& script, const std::string& ccxt_dir, int passes) {
    const double n = static_cast<double>(c.lines.size());
    const double bytes = static_cast<double>(c.bytes);
    fmt::print("{}\n  {} orderbook messages, {} bytes; load average {}\n", c.path, c.lines.size(),
               c.bytes, load_average());
    if (c.lines.empty()) return true;

    mmbot_side ours;
    for (int i = 0; i < passes; ++i) ours.pass(c, false);  // warm the codec's buffers and the cache
    std::int64_t mm_ns = best_of(passes, [&] { ours.pass(c, false); });
    const ccxt_result theirs = run_ccxt(script, ccxt_dir, c, passes);
    mm_ns = std::min(mm_ns, best_of(passes, [&] { ours.pass(c, false); }));
    ours.pass(c, true);

    boost::json::basic_parser<null_handler> sax(boost::json::parse_options{});
    const std::int64_t sax_ns = best_of(passes, [&] {
        for (const auto& l : c.lines) {
            sax.reset();
            boost::system::error_code ec;
            (void)sax.write_some(false, l.data(), l.size(), ec);
        }
    });
    std::array<unsigned char, 1 << 16> first_block{};
    const std::int64_t dom_ns = best_of(passes, [&] {
        for (const auto& l : c.lines) {
            boost::json::monotonic_resource mr(first_block.data(), first_block.size());
            auto v = boost::json::parse(l, &mr);
            if (v.is_null()) std::abort();
        }
    });

    const auto line = [&](std::string_view what, std::int64_t ns, bool with_msgs) {
        fmt::print("  {:<44} {:>10}msg/s {:>10}B/s  {:>8.0f} ns/msg\n", what,
                   with_msgs ? si(rate(n, ns)) : std::string("-- "), si(rate(bytes, ns)),
                   static_cast<double>(ns) / n);
    };
    line("mmbot decode + book apply", mm_ns, true);
    line(fmt::format("ccxt.pro {} JSON.parse + handleOrderBook", theirs.version), theirs.handle_ns, true);
    line("  floor: Node JSON.parse alone", theirs.parse_ns, false);
    line("  floor: Boost.JSON syntax + UTF-8 (no output)", sax_ns, false);
    line("  floor: Boost.JSON DOM parse", dom_ns, false);
    const double ratio = static_cast<double>(theirs.handle_ns) / static_cast<double>(mm_ns);
    const bool agree = books_agree(ours.tops, theirs.tops) && ours.errors == 0;
    fmt::print("  ratio mmbot / ccxt.pro: {:.1f}x (target >= 20x: {}); books agree: {}\n", ratio,
               ratio >= 20 ? "met" : "NOT met", agree ? "yes" : "NO");
    for (const auto& t : ours.tops) {
        fmt::print("    {} bid {} ask {} ({} / {} levels kept)\n", t.sym, t.bid, t.ask, t.bids, t.asks);
    }
    return agree;
}

int bench_main(int argc, char** argv) {
    const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");      // NOLINT(concurrency-mt-unsafe)
    const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");       // NOLINT(concurrency-mt-unsafe)
    const char* ccxt_env = std::getenv("MMBOT_CCXT_DIR");           // NOLINT(concurrency-mt-unsafe)
    const fs::path root = ws != nullptr ? fs::path(ws) : fs::current_path();
    const fs::path here = cwd != nullptr ? fs::path(cwd) : fs::current_path();
    const std::string ccxt_dir = ccxt_env != nullptr ? std::string(ccxt_env) : (root / "tools/ccxt").string();
    const std::string script = (root / "bench/ccxt_book_bench.js").string();
    int passes = 10;
    std::vector<std::string> paths;
    const std::vector<std::string> args(argv + 1, argv + argc);  // NOLINT(*-pointer-arithmetic)
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--passes") {
            const std::string_view v = i + 1 < args.size() ? std::string_view(args[++i]) : "";
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), passes);
            if (ec != std::errc{} || end != v.data() + v.size() || passes < 1) {
                fmt::print(stderr, "--passes: expected a positive integer, got \"{}\"\n", v);
                return 2;
            }
            continue;
        }
        const fs::path p = fs::path(args[i]).is_absolute() ? fs::path(args[i]) : here / args[i];
        if (fs::is_directory(p)) {
            std::vector<std::string> files;
            for (const auto& e : fs::directory_iterator(p)) {
                if (e.is_regular_file()) files.push_back(e.path().string());
            }
            std::sort(files.begin(), files.end());
            paths.insert(paths.end(), files.begin(), files.end());
        } else {
            paths.push_back(p.string());
        }
    }
    if (paths.empty()) paths.push_back((root / "data/sample/bybit_btcusdt_sample.jsonl").string());
    if (!fs::exists(fs::path(ccxt_dir) / "node_modules/ccxt")) {
        fmt::print(stderr, "{}/node_modules/ccxt not found: run ./mmw setup (or set MMBOT_CCXT_DIR)\n",
                   ccxt_dir);
        return 2;
    }
    bool ok = true;
    for (const auto& p : paths) ok = report(load(p), script, ccxt_dir, passes) && ok;
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return bench_main(argc, argv);
    } catch (const std::exception& e) {
        fmt::print(stderr, "book_vs_ccxt_bench: {}\n", e.what());
        return 1;
    }
}
