// mmbot/app/trading/binance_preflight.hpp
//
// The preflight's venue checks (app/preflight.hpp) and the filters a trading run starts from,
// asked of Binance USD-M. Each check is Bybit's question in Binance's requests, judged by the same
// verdict (preflight::detail), so both venues pass or fail for the same reasons:
//
//   venue_clock   GET /fapi/v1/time: the offset below half the recvWindow (5000 ms)
//   instruments   GET /fapi/v1/exchangeInfo (one request, every symbol): listed, status TRADING,
//                 PRICE_FILTER / LOT_SIZE / MIN_NOTIONAL into core::instrument_filters, against the
//                 config's
//   open_orders   GET /fapi/v1/openOrders (signed) of each symbol, against the journal
//   order_fits    GET /fapi/v1/ticker/bookTicker of each symbol: one order fits at bid and ask
//
// Any `rest_sender` transport (venue/binance/gateway_protocol.hpp: binance::rest_transport, or a
// scripted fake in tests).
#pragma once

#include "mmbot/app/errors.hpp"
#include "mmbot/app/preflight.hpp"
#include "mmbot/app/venue_filters.hpp"
#include "mmbot/core/error.hpp"
#include "mmbot/venue/binance/exchange_info.hpp"
#include "mmbot/venue/binance/gateway_protocol.hpp"
#include "mmbot/venue/binance/requests.hpp"
#include "mmbot/venue/binance/responses.hpp"
#include "mmbot/venue/binance/signer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace mmbot::app::binance_checks {

namespace bn = venue::binance;

/// A public GET's answer body, refusals (check_answer) as errors.
template <bn::rest_sender Transport>
[[nodiscard]] core::result<std::string> ask(Transport& t, const bn::rest_request& req, bn::signer* s = nullptr) {
    auto resp = t.send(req, s);
    if (!resp) return resp.error();
    if (auto ok = bn::check_answer(resp->status, resp->body); !ok) return ok.error();
    return std::move(resp->body);
}

/// exchangeInfo for `symbols`: each listed and TRADING (else errc::preflight_instrument), its
/// filters by name.
template <bn::rest_sender Transport>
[[nodiscard]] core::result<venue_filter_map> fetch_filters(Transport& t, const std::vector<std::string>& symbols) {
    bn::rest_request req;
    bn::write_public(bn::path_exchange_info, req);
    auto body = ask(t, req);
    if (!body) return body.error();
    auto doc = bn::detail::parse_document(*body);
    if (!doc) return doc.error();
    auto info = bn::detail::root_object(*doc);
    if (!info) return info.error();
    venue_filter_map out;
    for (const auto& name : symbols) {
        if (!bn::lists_symbol(**info, name)) {
            return core::make_error(errc::preflight_instrument,
                                    fmt::format("{}: the venue does not list it (USD-M exchangeInfo)", name));
        }
        auto rules = bn::parse_symbol_rules(**info, name);
        if (!rules) return rules.error();
        if (!rules->trading) {
            return core::make_error(errc::preflight_instrument, fmt::format("{}: status is not TRADING", name));
        }
        out.emplace(name, rules->filters);
    }
    return out;
}

/// One GET /fapi/v1/time, judged as Bybit's market/time (preflight::detail::clock_verdict).
template <bn::rest_sender Transport, class LocalClock>
[[nodiscard]] core::result<std::string> check_clock(Transport& t, LocalClock local_now,
                                                    std::chrono::milliseconds recv_window) {
    bn::rest_request req;
    bn::write_public(bn::path_time, req);
    const std::chrono::nanoseconds sent = local_now();
    auto body = ask(t, req);
    const std::chrono::nanoseconds received = local_now();
    if (!body) return body.error();
    auto server = bn::parse_server_time(*body);
    if (!server) return server.error();
    return preflight::detail::clock_verdict(sent, received, *server, recv_window);
}

template <bn::rest_sender Transport>
[[nodiscard]] core::result<std::string> check_instruments(Transport& t, const config& cfg) {
    std::vector<std::string> names;
    for (const auto& entry : cfg.symbols) names.push_back(entry.first);
    auto venue = fetch_filters(t, names);
    if (!venue) return venue.error();
    return preflight::detail::instruments_verdict(cfg, *venue);
}

/// openOrders of every configured symbol (signed with `s` at `venue_now_ms`), against the journal.
template <bn::rest_sender Transport>
[[nodiscard]] core::result<std::string> check_open_orders(Transport& t, bn::signer& s, std::int64_t venue_now_ms,
                                                          const config& cfg,
                                                          const std::set<std::string, std::less<>>& journal_open) {
    std::set<std::string, std::less<>> venue_open;
    std::vector<std::string> unknown;
    for (const auto& entry : cfg.symbols) {
        bn::rest_request req;
        if (auto ok = bn::write_open_orders(entry.first, venue_now_ms, bn::default_recv_window, req); !ok) {
            return ok.error();
        }
        auto body = ask(t, req, &s);
        if (!body) return body.error();
        auto orders = bn::parse_open_orders(*body);
        if (!orders) return orders.error();
        for (const auto& o : *orders) {
            venue_open.insert(o.client_order_id);
            if (!journal_open.contains(o.client_order_id)) {
                unknown.push_back(o.client_order_id.empty() ? "orderId " + o.order_id : o.client_order_id);
            }
        }
    }
    return preflight::detail::open_orders_verdict(venue_open, unknown, journal_open);
}

/// bookTicker of every configured symbol, then one order at its bid and at its ask.
template <bn::rest_sender Transport>
[[nodiscard]] core::result<std::string> check_order_fits(Transport& t, const config& cfg) {
    std::vector<std::string> fits;
    for (const auto& entry : cfg.symbols) {
        bn::rest_request req;
        if (auto ok = bn::write_book_ticker(entry.first, req); !ok) return ok.error();
        auto body = ask(t, req);
        if (!body) return body.error();
        auto top = bn::parse_book_ticker(*body, entry.first);
        if (!top) return top.error();
        auto fit = preflight::order_fits_both_sides(cfg, entry.first, top->bid, top->ask);
        if (!fit) return fit.error();
        fits.push_back(std::move(*fit));
    }
    return fmt::format("{}", fmt::join(fits, "; "));
}

}  // namespace mmbot::app::binance_checks
