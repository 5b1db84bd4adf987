// bench/bybit_bench.cpp
//
// Bybit v5 order path, in process (no network):
//   BM_sign_rest        HMAC-SHA256 of one order/create body (the signer alone)
//   BM_create_signed    order/create body + signature + the four X-BAPI-* headers
//   BM_tick_to_wire     a public orderbook delta in (decode + apply to the L2 book) -> an order
//                       at the touch -> a signed order/create request out (start line, headers,
//                       body in one reused buffer). Reports p50_ns / p99_ns per tick, measured
//                       per iteration with steady_clock, plus the mean from Google Benchmark.
//
//   bazel run -c opt //bench:bybit_bench
#include "mmbot/feed/bybit_public.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/venue/bybit/requests.hpp"
#include "mmbot/venue/bybit/signer.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace bybit = mmbot::venue::bybit;

bybit::signer make_signer() {
    return bybit::signer::make(mmbot::secrets::credentials{
                                   mmbot::secrets::secret_string{std::string_view{"XXXXXXXXXXXXXXXXXX"}},
                                   mmbot::secrets::secret_string{
                                       std::string_view{"YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY"}}})
        .value();
}

mmbot::venue::order_request order_at(mmbot::core::price px) {
    mmbot::venue::order_request r;
    r.symbol = "BTCUSDT";
    r.client_order_id = "mm-BTCUSDT-000000001";
    r.side = mmbot::core::side::buy;
    r.price = px;
    r.qty = mmbot::core::quantity::parse("0.001").value();
    r.price_digits = 2;
    r.qty_digits = 3;
    return r;
}

/// The HTTP/1.1 request as it goes to the socket, written into a reused buffer.
void write_wire(const bybit::signer& s, const bybit::rest_signature& sig,
                const bybit::rest_request& req, std::string& wire) {
    wire.clear();
    wire += "POST ";
    wire += req.path();
    wire += " HTTP/1.1\r\nHost: api.bybit.com\r\nContent-Type: application/json\r\n";
    s.write_headers(sig, [&](std::string_view name, std::string_view value) {
        wire += name;
        wire += ": ";
        wire += value;
        wire += "\r\n";
    });
    wire += "Content-Length: ";
    wire += std::to_string(req.body.size());
    wire += "\r\n\r\n";
    wire += req.body;
}

void BM_sign_rest(benchmark::State& state) {
    auto s = make_signer();
    bybit::rest_request req;
    (void)bybit::write_create(bybit::category::linear,
                              order_at(mmbot::core::price::parse("65000.1").value()), req);
    std::int64_t ts = 1700000000123;
    while (state.KeepRunning()) {
        auto sig = s.sign_rest(++ts, req.body);
        benchmark::DoNotOptimize(sig);
    }
}
BENCHMARK(BM_sign_rest);

void BM_create_signed(benchmark::State& state) {
    auto s = make_signer();
    bybit::rest_request req;
    std::string wire;
    const auto px = mmbot::core::price::parse("65000.1").value();
    std::int64_t ts = 1700000000123;
    while (state.KeepRunning()) {
        (void)bybit::write_create(bybit::category::linear, order_at(px), req);
        auto sig = s.sign_rest(++ts, req.body);
        write_wire(s, *sig, req, wire);
        benchmark::DoNotOptimize(wire.data());
    }
}
BENCHMARK(BM_create_signed);

std::vector<std::string> book_lines() {
    std::vector<std::string> out;
    std::ifstream in("data/sample/bybit_btcusdt_sample.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(R"("topic":"orderbook.50.BTCUSDT")") != std::string::npos) out.push_back(line);
    }
    return out;
}

void BM_tick_to_wire(benchmark::State& state) {
    const auto lines = book_lines();
    if (lines.empty()) {
        state.SkipWithError("data/sample not found: run with `bazel run -c opt //bench:bybit_bench`");
        return;
    }
    mmbot::feed::bybit_public_codec codec;
    mmbot::feed::decoded_message msg;
    mmbot::feed::l2_book book(50);
    auto s = make_signer();
    bybit::rest_request req;
    std::string wire;
    for (const auto& l : lines) {  // warm the buffers
        if (codec.decode(l, msg)) (void)book.apply(msg.book);
    }
    std::vector<std::int64_t> samples;
    samples.reserve(1U << 20U);
    std::size_t i = 0;
    std::int64_t ts = 1700000000123;
    while (state.KeepRunning()) {
        const auto t0 = std::chrono::steady_clock::now();
        if (codec.decode(lines[i], msg)) (void)book.apply(msg.book);
        if (const auto bid = book.best_bid()) {
            if (bybit::write_create(bybit::category::linear, order_at(bid->px), req)) {
                if (auto sig = s.sign_rest(++ts, req.body)) write_wire(s, *sig, req, wire);
            }
        }
        const auto t1 = std::chrono::steady_clock::now();
        if (samples.size() < samples.capacity()) samples.push_back((t1 - t0).count());
        benchmark::DoNotOptimize(wire.data());
        if (++i == lines.size()) i = 0;
    }
    std::sort(samples.begin(), samples.end());
    if (!samples.empty()) {
        state.counters["p50_ns"] = static_cast<double>(samples[samples.size() / 2]);
        state.counters["p99_ns"] = static_cast<double>(samples[samples.size() * 99 / 100]);
    }
}
BENCHMARK(BM_tick_to_wire);

}  // namespace
BENCHMARK_MAIN();
