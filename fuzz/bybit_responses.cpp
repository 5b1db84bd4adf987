// fuzz/bybit_responses.cpp
//
// Any bytes as a Bybit v5 REST response (and, split at the first newlines, as the three
// rate-limit header values): every parser must return a value or an error, never crash, and an
// error always carries a non-empty code and message. Parsed instruments must satisfy what
// make_filters promises (positive tick and step, ordered bounds); parsed orders keep leaves <= qty
// only when the venue said so, so nothing is asserted about them beyond not crashing.
//
//   bazel test //fuzz:bybit_responses_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:bybit_responses     # libFuzzer binary
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/responses.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

template <class R>
void check(const R& r) {
    if (!r && (r.error().code.empty() || r.error().message.empty())) __builtin_trap();
}

struct null_sink {
    void on_ack(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_reject(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_cancel(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_fill(const mmbot::venue::bybit::execution&) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bybit = mmbot::venue::bybit;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    check(bybit::parse_server_time(text));
    check(bybit::parse_order_ids(text));
    check(bybit::parse_batch(text));
    check(bybit::parse_cancel_all(text));
    check(bybit::parse_open_orders(text));
    check(bybit::parse_executions(text));
    check(bybit::parse_ticker(text, "BTCUSDT"));
    for (const auto cat : {bybit::category::linear, bybit::category::spot}) {
        auto page = bybit::parse_instruments(text, cat);
        check(page);
        if (page) {
            for (const auto& i : page->instruments) {
                const auto& f = i.filters;
                if (!f.tick_size.is_positive() || !f.qty_step.is_positive() ||
                    f.max_qty < f.min_qty || f.max_price < f.min_price) {
                    __builtin_trap();
                }
            }
        }
    }

    const auto first = text.find('\n');
    const auto second = first == std::string_view::npos ? first : text.find('\n', first + 1);
    if (second != std::string_view::npos) {
        check(bybit::parse_rate_limit_headers(text.substr(0, first),
                                              text.substr(first + 1, second - first - 1),
                                              text.substr(second + 1)));
    }

    bybit::private_stream stream;
    null_sink sink;
    check(stream.handle(text, sink));
    return 0;
}
