// fuzz/venue_responses.cpp
//
// Any bytes as a venue's answer or push. Bybit v5: every REST response parser, the three
// rate-limit header values (the text split at its first newlines) and the private stream.
// Binance USD-M: the refusal check under each HTTP status class, the order answers and the user
// data stream. Every parser must return a value or an error, never crash, and an error always
// carries a non-empty code and message. Parsed instruments must satisfy what
// make_filters promises (positive tick and step, ordered bounds); parsed orders keep leaves <= qty
// only when the venue said so, so nothing is asserted about them beyond not crashing. Binance
// orders keep 0 <= executedQty <= origQty (the parser refuses others) and a parsed fill has a
// positive price and quantity.
//
//   bazel test //fuzz:venue_responses_replay                      # seeds, default compiler
//   CC=clang bazel build --config=fuzz //fuzz:venue_responses     # libFuzzer binary
#include "mmbot/venue/binance/private_stream.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/user_stream.hpp"
#include "mmbot/venue/bybit/private_stream.hpp"
#include "mmbot/venue/bybit/responses.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

namespace {

template <class R>
void check(const R& r) {
    if (!r && (r.error().code.empty() || r.error().message.empty())) __builtin_trap();
}

struct null_sink {
    void on_ack(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_reject(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_cancel(std::string_view, std::string_view, std::chrono::nanoseconds) {}
    void on_fill(const mmbot::venue::execution&) {}
};

void binance_answers(std::string_view text) {
    namespace binance = mmbot::venue::binance;
    for (const unsigned status : {200U, 400U, 418U, 429U, 503U}) check(binance::check_answer(status, text));
    const auto sane = [](const binance::order_state& o) {
        if (o.executed_qty.is_negative() || o.executed_qty > o.orig_qty) __builtin_trap();
    };
    auto order = binance::parse_order(text);
    check(order);
    if (order) sane(*order);
    auto open = binance::parse_open_orders(text);
    check(open);
    if (open) {
        for (const auto& o : *open) {
            sane(o);
            if (!binance::is_open(o.status)) __builtin_trap();
        }
    }
    check(binance::parse_cancel_all(text));
    check(binance::parse_server_time(text));
    check(binance::parse_listen_key(text));
    auto ev = binance::parse_user_event(text);
    check(ev);
    if (const auto* u = ev ? std::get_if<binance::order_trade_update>(&*ev) : nullptr; u != nullptr) {
        sane(u->order);
        if (u->fill.has_value() != (u->what == binance::exec_type::trade)) __builtin_trap();
        if (u->fill && (!u->fill->price.is_positive() || !u->fill->qty.is_positive())) __builtin_trap();
    }
    binance::private_stream stream;
    null_sink sink;
    check(stream.handle(text, sink));
}

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

    binance_answers(text);
    return 0;
}
