// tools/sample_gen/sample_gen.cpp
//
// Writes the synthetic captures shipped as data/sample/bybit_btcusdt_sample.jsonl (Bybit v5) and
// data/sample/binance_btcusdt_sample.txt (`--venue binance`: the same market model in Binance
// USD-M's `<recv_ns> <json>` lines, BTCUSDT only). The model is in sample_model.hpp;
// tests/feed/sample_gen_test checks that the checked-in files are exactly what this program writes
// with the default options.
//
//   bazel run //tools/sample_gen -- --out "$PWD/data/sample/bybit_btcusdt_sample.jsonl"
//   bazel run //tools/sample_gen -- --venue binance --out "$PWD/data/sample/binance_btcusdt_sample.txt"
//   bazel run //tools/sample_gen -- --seed 7 --minutes 60 > /tmp/other.jsonl
//   bazel run //tools/sample_gen -- --scenario flash_crash --event-after-s 120 > /tmp/crash.jsonl
#include "sample_model.hpp"

#include <charconv>
#include <exception>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <system_error>

namespace {

constexpr std::string_view usage_text =
    "usage: sample_gen [--seed N] [--minutes M] [--scenario NAME] [--event-after-s S] [--venue bybit|binance]\n"
    "                  [--out PATH]\n"
    "  --scenario: none, flash_crash, feed_stall, one_sided_flow, spread_collapse (docs/scenarios.md)\n"
    "  output goes to stdout without --out\n";

int usage(std::string_view why) {
    std::cerr << "sample_gen: " << why << "\n" << usage_text;
    return 2;
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

int run(int argc, char** argv) {
    mmbot::tools::sample_gen::options opt;
    std::string_view out_path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--help" || arg == "-h") {
            std::cout << "sample_gen: writes a synthetic Bybit v5 or Binance USD-M capture (docs/market-data.md)\n"
                      << usage_text;
            return 0;
        }
        if (i + 1 >= argc) return usage(std::string(arg) + " needs a value");
        const std::string_view val(argv[++i]);
        std::int64_t minutes = 0;
        if (arg == "--seed") {
            if (!parse_int(val, opt.seed)) return usage("--seed: not an unsigned integer");
        } else if (arg == "--minutes") {
            constexpr std::int64_t week = std::int64_t{7} * 24 * 60;
            if (!parse_int(val, minutes) || minutes <= 0 || minutes > week) {
                return usage("--minutes: expected 1..10080");
            }
            opt.duration_ms = minutes * 60'000;
        } else if (arg == "--scenario") {
            const auto event = mmbot::tools::sample_gen::parse_scenario(val);
            if (!event) return usage("--scenario: unknown scenario \"" + std::string(val) + "\"");
            opt.event = *event;
        } else if (arg == "--event-after-s") {
            std::int64_t seconds = 0;
            if (!parse_int(val, seconds) || seconds < 0 || seconds > std::int64_t{7} * 24 * 3600) {
                return usage("--event-after-s: expected 0..604800, got \"" + std::string(val) + "\"");
            }
            opt.event_after_ms = seconds * 1000;
        } else if (arg == "--venue") {
            if (val == "bybit") {
                opt.venue = mmbot::tools::sample_gen::protocol::bybit_v5;
            } else if (val == "binance") {
                opt.venue = mmbot::tools::sample_gen::protocol::binance_usdm;
            } else {
                return usage("--venue: expected bybit or binance, got \"" + std::string(val) + "\"");
            }
        } else if (arg == "--out") {
            out_path = val;
        } else {
            return usage(std::string("unknown flag ") + std::string(arg));
        }
    }
    const std::string text = mmbot::tools::sample_gen::generate(opt);
    if (out_path.empty()) {
        std::cout << text;
        return std::cout ? 0 : 1;
    }
    std::ofstream f{std::string(out_path), std::ios::binary};
    f << text;
    if (!f) {
        std::cerr << "sample_gen: cannot write " << out_path << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "sample_gen: " << e.what() << "\n";
        return 1;
    }
}
