// testing/local_venue/server.cpp: the local venue's TLS server (Boost.Beast), compiled once.
#include "testing/local_venue/server.hpp"
#include "testing/local_venue/state.hpp"


#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace detail {

class server_core;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

enum class ws_kind : std::uint8_t { private_stream, public_stream, binance_user, binance_public };

/// One WebSocket connection (private or public). Writes are queued: one async_write at a time.
class ws_session : public std::enable_shared_from_this<ws_session> {
public:
    ws_session(tls_stream&& stream, ws_kind kind, bybit::category category, server_core& srv, std::uint64_t id)
        : ws_(std::move(stream)), kind_(kind), category_(category), srv_(srv), conn_id_(fmt::format("lv-conn-{}", id)) {}

    template <class Request>
    void accept(Request req);
    void send(std::string text) {
        if (closed_) return;
        outbox_.push_back(std::move(text));
        if (!writing_) write_next();
    }
    [[nodiscard]] ws_kind kind() const noexcept { return kind_; }
    [[nodiscard]] bool wants(std::string_view topic) const {
        return !closed_ && (kind_ == ws_kind::public_stream || kind_ == ws_kind::binance_public || authed_) &&
               topics_.contains(topic);
    }
    /// Binance: a user data stream on `listen_key`, or public streams (`combined`: /stream, each
    /// message wrapped as {"stream":..,"data":..}).
    void binance_user(std::string listen_key) {
        authed_ = true;
        topics_.insert(std::move(listen_key));
    }
    void binance_streams(std::vector<std::string> streams, bool combined) {
        combined_ = combined;
        for (auto& t : streams) topics_.insert(std::move(t));
    }
    /// A Binance public message of `stream`, wrapped on a combined connection.
    void send_stream(std::string_view stream, const std::string& data) {
        send(combined_ ? fmt::format(R"({{"stream":"{}","data":{}}})", stream, data) : data);
    }
    void close() {
        if (closed_) return;
        closed_ = true;
        beast::get_lowest_layer(ws_).close();
    }
    /// Closes once what is queued has been written.
    void close_after_sending() {
        closing_ = true;
        if (!writing_) close();
    }

private:
    void read_next() {
        ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->closed_ = true;
                return;
            }
            const std::string text = beast::buffers_to_string(self->buf_.data());
            self->buf_.consume(self->buf_.size());
            self->on_text(text);
            self->read_next();
        });
    }
    void write_next() {
        if (outbox_.empty() || closed_) {
            writing_ = false;
            if (closing_) close();
            return;
        }
        writing_ = true;
        ws_.text(true);
        ws_.async_write(asio::buffer(outbox_.front()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->outbox_.pop_front();
                            if (ec) {
                                self->closed_ = true;
                                self->writing_ = false;
                                return;
                            }
                            self->write_next();
                        });
    }
    void on_text(std::string_view text);
    void on_binance_text(std::string_view text);
    /// Why Bybit would refuse a subscription to `topic` on this stream, in its words; nothing
    /// when it is served. A topic that names no handler (another stream's, a depth Bybit does not
    /// offer here) or a symbol the capture does not carry is refused, never acknowledged.
    [[nodiscard]] std::optional<std::string> refusal_of(std::string_view topic) const;

    void reply(std::string_view op, bool success, std::string_view msg, const boost::json::value& req_id) {
        boost::json::object o;
        o["success"] = success;
        o["ret_msg"] = msg;
        o["conn_id"] = conn_id_;
        o["req_id"] = req_id.is_null() ? boost::json::value("") : req_id;
        o["op"] = op;
        send(boost::json::serialize(o));
    }

    websocket::stream<tls_stream> ws_;
    ws_kind kind_;
    bybit::category category_;  ///< a public stream's path: /v5/public/linear or /v5/public/spot
    server_core& srv_;
    std::string conn_id_;
    beast::flat_buffer buf_;
    std::deque<std::string> outbox_;
    std::set<std::string, std::less<>> topics_;  // transparent: a broadcast looks a topic up without a copy
    bool writing_ = false;
    bool combined_ = false;
    bool closing_ = false;
    bool authed_ = false;
    bool closed_ = false;
};

/// One TLS connection speaking HTTP/1.1 (keep-alive) until it upgrades to a WebSocket.
class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(tcp::socket&& sock, asio::ssl::context& tls, server_core& srv)
        : stream_(std::move(sock), tls), timer_(stream_.get_executor()), srv_(srv) {}

    void run() {
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds{10});
        stream_.async_handshake(asio::ssl::stream_base::server,
                                [self = shared_from_this()](beast::error_code ec) {
                                    if (!ec) self->read_next();
                                });
    }

private:
    void read_next() {
        parser_.emplace();
        parser_->body_limit(std::uint64_t{1} << 20U);
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds{60});
        http::async_read(stream_, buf_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                                 beast::get_lowest_layer(self->stream_).close();
                                 return;
                             }
                             self->on_request();
                         });
    }
    void on_request();
    template <class Request>
    void upgrade_binance(Request req, std::string_view target);
    void refuse_upgrade(unsigned version, std::string_view why) {
        res_ = {http::status::not_found, version};
        res_.set(http::field::content_type, "text/plain");
        res_.body() = std::string(why);
        res_.keep_alive(false);
        res_.prepare_payload();
        write(0);
    }
    void write(std::int64_t delay_ms) {
        if (delay_ms <= 0) {
            write_now();
            return;
        }
        timer_.expires_after(std::chrono::milliseconds{delay_ms});
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->write_now();
        });
    }
    void write_now() {
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || !self->res_.keep_alive()) {
                beast::get_lowest_layer(self->stream_).close();
                return;
            }
            self->read_next();
        });
    }

    tls_stream stream_;
    asio::steady_timer timer_;
    server_core& srv_;
    beast::flat_buffer buf_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
};

class server_core {
public:
    /// `capture` may be null (no market data: orders rest and never fill). Throws on a bind
    /// failure (start-up).
    server_core(asio::io_context& io, venue_core& core, asio::ssl::context& tls, capture_feed* capture,
           unsigned short port)
        : core_(core), tls_(tls), capture_(capture), acceptor_(io), md_timer_(io),
          tick_timer_(io), key_timer_(io) {
        acceptor_.open(tcp::v4());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), port});
        acceptor_.listen();
    }

    server_core(asio::io_context& io, venue_core& core, asio::ssl::context& tls, binance_side binance,
                unsigned short port)
        : server_core(io, core, tls, nullptr, port) {
        binance_ = binance.front;
        binance_capture_ = binance.capture;
    }

    [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] venue_core& core() noexcept { return core_; }
    /// The Binance front end, or null when the venue speaks Bybit.
    [[nodiscard]] binance_front* binance() noexcept { return binance_; }
    [[nodiscard]] const binance_capture* binance_feed() const noexcept { return binance_capture_; }

    /// Starts accepting and the replay clock. Call once, before running the io_context.
    void start() {
        replay_start_ = std::chrono::steady_clock::now();
        accept_next();
        schedule_market_data();
        if (binance_ != nullptr) schedule_listen_key_check();
        const auto& sim = core_.ex.sim_config();
        if (sim.place_latency.count() > 0 || sim.cancel_latency.count() > 0) schedule_tick();
    }

    /// Stops accepting, closes every WebSocket and cancels the timers; io.run() then returns once
    /// the open HTTP connections finish.
    void stop() {
        stopped_ = true;
        boost::system::error_code ec;
        acceptor_.close(ec);
        md_timer_.cancel();
        tick_timer_.cancel();
        key_timer_.cancel();
        for (auto& w : sessions_) {
            if (auto s = w.lock()) s->close();
        }
    }

    // ---- used by the sessions

    void register_ws(const std::shared_ptr<detail::ws_session>& s) {
        std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
        sessions_.push_back(s);
    }
    [[nodiscard]] std::uint64_t next_conn_id() noexcept { return ++conn_ids_; }

    /// Sends the exchange's pending private pushes (with the drop/dup faults): Bybit's topics, or
    /// Binance's user data stream.
    void flush_pushes() {
        auto pushes = core_.ex.take_pushes();
        const auto events = core_.ex.take_events();
        // Every change of the exchange makes a push (order and execution updates), and a REST
        // answer is written after this: saving here makes --state durable before anyone is told.
        if (!pushes.empty() && !core_.state_path.empty()) {
            if (auto ok = save_state(core_.state_path, core_.ex.state()); !ok) {
                fmt::print(stderr, "mmbot-local-venue: {}\n", ok.error().message);
            }
        }
        if (binance_ != nullptr) {
            const std::string key = binance_->access.live_key();
            for (const auto& text : user_stream_pushes(core_.ex, core_.market, events, detail::to_ms(wall_now()))) {
                const int copies = core_.faults.private_copies();
                for (int i = 0; i < copies; ++i) broadcast(detail::ws_kind::binance_user, key, text);
            }
            return;
        }
        for (auto& p : pushes) {
            const int copies = core_.faults.private_copies();
            for (int i = 0; i < copies; ++i) broadcast(detail::ws_kind::private_stream, p.topic, p.text);
        }
    }

    /// Binance: closes the user data streams of keys closed by DELETE, and tells those of expired
    /// keys (listenKeyExpired) before closing them.
    void end_listen_keys() {
        if (binance_ == nullptr) return;
        const std::int64_t now_ms = detail::to_ms(wall_now());
        binance_->access.expire_listen_keys(now_ms);
        for (const auto& key : binance_->access.take_expired()) {
            const std::string msg = fmt::format(R"({{"e":"listenKeyExpired","E":{},"listenKey":"{}"}})", now_ms, key);
            for_sessions(detail::ws_kind::binance_user, key, [&](detail::ws_session& s) {
                s.send(msg);
                s.close_after_sending();
            });
        }
        for (const auto& key : binance_->access.take_closed()) {
            for_sessions(detail::ws_kind::binance_user, key, [](detail::ws_session& s) { s.close(); });
        }
    }

    [[nodiscard]] std::string snapshot(std::string_view topic) const {
        if (capture_ == nullptr) return {};
        return capture_->snapshot_text(topic, display_format(core_.ex.instruments(), symbol_of(topic)),
                                       detail::to_ms(wall_now()));
    }

    /// Whether a public stream of `category` can serve `topic` (no capture: any public topic).
    [[nodiscard]] capture_feed::topic_check check_public_topic(std::string_view topic, bybit::category category) const {
        if (capture_ != nullptr) return capture_->check_topic(topic, category);
        const bool known = topic.starts_with("orderbook.") || topic.starts_with("publicTrade.") || topic.starts_with("tickers.");
        return known ? capture_feed::topic_check::served : capture_feed::topic_check::unknown_topic;
    }

private:
    void accept_next() {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket sock) {
            if (ec || stopped_) return;
            std::make_shared<detail::http_session>(std::move(sock), tls_, *this)->run();
            accept_next();
        });
    }

    void broadcast(detail::ws_kind kind, std::string_view topic, const std::string& text) {
        for_sessions(kind, topic, [&](detail::ws_session& s) {
            if (kind == detail::ws_kind::binance_public) {
                s.send_stream(topic, text);
            } else {
                s.send(text);
            }
        });
    }
    template <class F>
    void for_sessions(detail::ws_kind kind, std::string_view topic, F&& f) {
        for (auto& w : sessions_) {
            auto s = w.lock();
            if (s && s->kind() == kind && s->wants(topic)) f(*s);
        }
    }

    /// Binance: listen keys expire on the wall clock; checked every 100 ms.
    void schedule_listen_key_check() {
        key_timer_.expires_after(std::chrono::milliseconds{100});
        key_timer_.async_wait([this](beast::error_code ec) {
            if (ec || stopped_) return;
            end_listen_keys();
            schedule_listen_key_check();
        });
    }

    /// Binance: applies every capture message that is due and sends it to its streams.
    void schedule_binance_market_data() {
        if (binance_capture_ == nullptr || stopped_) return;
        const auto elapsed = std::chrono::steady_clock::now() - replay_start_;
        while (auto due = binance_capture_->next_due()) {
            if (*due > elapsed) {
                md_timer_.expires_at(replay_start_ + *due);
                md_timer_.async_wait([this](beast::error_code ec) {
                    if (!ec) schedule_binance_market_data();
                });
                return;
            }
            feed::replay_event ev;
            if (!binance_capture_->deliver(ev)) break;
            const auto now = wall_now();
            if (ev.msg == nullptr) continue;
            if (ev.book != nullptr) {
                core_.ex.on_book(*ev.book, now);
                const std::string_view sym = ev.book->sym().view();
                core_.market.on_book(*ev.book, {});
                core_.market.set_update_id(sym, binance_capture_->last_update_id(sym));
            } else if (ev.msg->kind == feed::message_kind::trades) {
                for (const auto& t : ev.msg->trades.prints) {
                    core_.ex.on_trade(t, now);
                    core_.market.on_trade(t, {}, detail::to_ms(now));
                }
            }
            flush_pushes();
            const bool diff = ev.msg->kind == feed::message_kind::book && ev.msg->book.action == feed::book_action::delta;
            if (diff && core_.faults.public_gap()) continue;
            for (const auto& m : binance_capture_->public_messages(ev, detail::to_ms(now))) {
                broadcast(detail::ws_kind::binance_public, m.stream, m.data);
            }
        }
    }

    /// Applies every capture message that is due, then sleeps until the next one.
    void schedule_market_data() {
        if (binance_ != nullptr) {
            schedule_binance_market_data();
            return;
        }
        if (capture_ == nullptr || stopped_) return;
        const auto elapsed = std::chrono::steady_clock::now() - replay_start_;
        std::string topic_scratch;
        while (auto due = capture_->next_due()) {
            if (*due > elapsed) {
                md_timer_.expires_at(replay_start_ + *due);
                md_timer_.async_wait([this](beast::error_code ec) {
                    if (!ec) schedule_market_data();
                });
                return;
            }
            feed::replay_event ev;
            if (!capture_->deliver(ev)) break;
            const auto now = wall_now();
            apply_market_data(ev, now);
            flush_pushes();
            const std::string_view topic = capture_feed::topic_of(ev, topic_scratch);
            if (topic.empty()) continue;
            const bool delta = ev.msg->kind == feed::message_kind::book &&
                               ev.msg->book.action == feed::book_action::delta;
            if (delta && core_.faults.public_gap()) continue;
            const std::string text = capture_->public_text(ev, detail::to_ms(now));
            if (!text.empty()) broadcast(detail::ws_kind::public_stream, topic, text);
            const number_format f = display_format(core_.ex.instruments(), symbol_of(topic));
            for (const auto& [derived_topic, derived_text] : capture_->derived_deltas(ev, f, detail::to_ms(now))) {
                broadcast(detail::ws_kind::public_stream, derived_topic, derived_text);
            }
        }
    }

    /// A replayed message to the matching engine (every book and trade) and to what the market
    /// REST answers read (the deepest book, trades, tickers).
    void apply_market_data(const feed::replay_event& ev, std::chrono::nanoseconds now) {
        if (ev.msg == nullptr) return;
        if (ev.book != nullptr) {
            core_.ex.on_book(*ev.book, now);
            if (const auto* deepest = capture_->deepest_book_changed(ev)) core_.market.on_book(*deepest, capture_->numbering());
        } else if (ev.msg->kind == feed::message_kind::trades) {
            for (const auto& t : ev.msg->trades.prints) {
                core_.ex.on_trade(t, now);
                core_.market.on_trade(t, capture_->numbering(), detail::to_ms(now));
            }
        } else if (ev.msg->kind == feed::message_kind::ticker) {
            core_.market.on_ticker(ev.msg->tick);
        }
    }

    /// The symbol a public topic names: its last dot-separated part.
    [[nodiscard]] static std::string_view symbol_of(std::string_view topic) {
        return topic.substr(topic.rfind('.') + 1);
    }

    /// Orders wait out the simulator's placement latency: carry out what is due every 1 ms.
    void schedule_tick() {
        tick_timer_.expires_after(std::chrono::milliseconds{1});
        tick_timer_.async_wait([this](beast::error_code ec) {
            if (ec || stopped_) return;
            core_.ex.advance(wall_now());
            flush_pushes();
            schedule_tick();
        });
    }

    venue_core& core_;
    asio::ssl::context& tls_;
    capture_feed* capture_;
    tcp::acceptor acceptor_;
    asio::steady_timer md_timer_;
    asio::steady_timer tick_timer_;
    asio::steady_timer key_timer_;
    binance_front* binance_ = nullptr;
    binance_capture* binance_capture_ = nullptr;
    std::chrono::steady_clock::time_point replay_start_;
    std::vector<std::weak_ptr<detail::ws_session>> sessions_;
    std::uint64_t conn_ids_ = 0;
    bool stopped_ = false;
};

// ------------------------------------------------------------------------------- session bodies


std::optional<std::string> ws_session::refusal_of(std::string_view topic) const {
    const std::string_view quoted = topic.substr(0, 60);
    if (kind_ == ws_kind::private_stream) {
        const bool known = topic == "order" || topic == "execution" || topic == "position" || topic == "wallet";
        if (known) return std::nullopt;
        return fmt::format("error:handler not found,topic:{}", quoted);
    }
    switch (srv_.check_public_topic(topic, category_)) {
        case capture_feed::topic_check::served: return std::nullopt;
        case capture_feed::topic_check::unknown_symbol: return fmt::format("Invalid symbol :[{}]", quoted);
        case capture_feed::topic_check::unknown_topic: break;
    }
    return fmt::format("error:handler not found,topic:{}", quoted);
}

void http_session::on_request() {
    auto req = parser_->release();
    const std::string target(req.target());
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    if (websocket::is_upgrade(req) && srv_.binance() != nullptr) {
        upgrade_binance(std::move(req), target);
        return;
    }
    if (websocket::is_upgrade(req)) {
        ws_kind kind = ws_kind::public_stream;
        if (path == "/v5/private") {
            kind = ws_kind::private_stream;
        } else if (path != "/v5/public/linear" && path != "/v5/public/spot") {
            res_ = {http::status::not_found, req.version()};
            res_.set(http::field::content_type, "text/plain");
            res_.body() = "no WebSocket at this path";
            res_.keep_alive(false);
            res_.prepare_payload();
            write(0);
            return;
        }
        beast::get_lowest_layer(stream_).expires_never();
        const bybit::category category = path == "/v5/public/spot" ? bybit::category::spot : bybit::category::linear;
        auto ws = std::make_shared<ws_session>(std::move(stream_), kind, category, srv_, srv_.next_conn_id());
        ws->accept(std::move(req));
        return;
    }

    const std::string method(req.method_string());
    const std::string body = std::move(req.body());
    res_ = {http::status::ok, req.version()};
    res_.keep_alive(req.keep_alive());
    std::int64_t delay_ms = 0;
    rest_answer a;
    if (path == "/admin/fault") {
        a = handle_admin(srv_.core(), method, body);
    } else if (path == "/admin/orders") {
        a = handle_admin_orders(srv_.core(), method);
    } else if (path == "/admin/instruments") {
        a = handle_admin_instruments(srv_.core(), method, body);
    } else {
        const request_faults f = srv_.core().faults.on_request(target);
        delay_ms = f.delay_ms;
        if (f.action == rest_fault::disconnect) {
            beast::get_lowest_layer(stream_).close();
            return;
        }
        if (f.action == rest_fault::http_5xx) {
            a.status = 503;
            a.content_type = "text/plain";
            a.body = "503 Service Unavailable";
        } else {
            const auto lookup = [&req](std::string_view name) -> std::string_view {
                const auto it = req.find(name);
                return it == req.end() ? std::string_view{} : std::string_view(it->value());
            };
            if (binance_front* bn = srv_.binance()) {
                a = handle_binance_rest(srv_.core(), *bn, method, target, lookup, body, wall_now(),
                                        f.action == rest_fault::rate_limit);
                srv_.end_listen_keys();
            } else {
                a = handle_rest(srv_.core(), method, target, lookup, body, wall_now(),
                                f.action == rest_fault::rate_limit);
            }
            srv_.flush_pushes();
        }
    }
    res_.result(a.status);
    res_.set(http::field::content_type, a.content_type);
    if (a.limits) {
        res_.set("X-Bapi-Limit", std::to_string(a.limits->limit));
        res_.set("X-Bapi-Limit-Status", std::to_string(a.limits->remaining));
        res_.set("X-Bapi-Limit-Reset-Timestamp", std::to_string(a.limits->reset_ms));
    }
    for (const auto& [name, value] : a.headers) res_.set(name, value);
    res_.body() = std::move(a.body);
    res_.prepare_payload();
    write(delay_ms);
}

/// Binance's WebSocket paths (see server.hpp): /ws/<listenKey>, /ws/<stream>[/<stream>...], /ws,
/// /stream?streams=a/b, each also under /public and /market; /private/ws?listenKey=<key>. Any
/// other path: 404.
template <class Request>
void http_session::upgrade_binance(Request req, std::string_view target) {
    const auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    // Binance's split hosts' paths (2025): /public/ws, /market/ws (public streams by kind; served
    // alike here) and /private/ws?listenKey=<key> (the user data stream).
    std::string private_path;
    for (const std::string_view prefix : {"/public", "/market", "/private"}) {
        if (path.starts_with(prefix) && path.substr(prefix.size()).starts_with("/")) {
            path.remove_prefix(prefix.size());
            if (prefix == "/private" && query.starts_with("listenKey=")) {
                private_path = fmt::format("/ws/{}", query.substr(10, query.find('&') == std::string_view::npos
                                                                          ? std::string_view::npos
                                                                          : query.find('&') - 10));
                path = private_path;
            }
            break;
        }
    }
    binance_front& bn = *srv_.binance();
    std::vector<std::string> streams;
    const auto split = [&streams](std::string_view list) {
        while (!list.empty()) {
            const auto slash = list.find('/');
            if (slash != 0) streams.emplace_back(list.substr(0, slash));
            list = slash == std::string_view::npos ? std::string_view{} : list.substr(slash + 1);
        }
    };
    bool combined = false;
    std::string user_key;
    if (path == "/stream") {
        combined = true;
        if (query.starts_with("streams=")) split(query.substr(8));
    } else if (path == "/ws" || path.starts_with("/ws/")) {
        const std::string_view rest = path.size() > 4 ? path.substr(4) : std::string_view{};
        if (!rest.empty() && bn.access.listen_key_live(rest, to_ms(wall_now()))) {
            user_key = std::string(rest);
        } else {
            split(rest);
        }
    } else {
        refuse_upgrade(req.version(), "no WebSocket at this path (Binance: /ws/<listenKey>, /ws/<stream>, /stream?streams=)");
        return;
    }
    // A name that is no stream served (ccxt connects to /ws/0 and subscribes by SUBSCRIBE; an
    // expired listenKey) opens a connection that carries nothing, as on Binance.
    const binance_capture* feed = srv_.binance_feed();
    std::erase_if(streams, [feed](const std::string& st) { return feed == nullptr || !feed->serves(st); });
    beast::get_lowest_layer(stream_).expires_never();
    const ws_kind kind = user_key.empty() ? ws_kind::binance_public : ws_kind::binance_user;
    auto ws = std::make_shared<ws_session>(std::move(stream_), kind, bybit::category::linear, srv_, srv_.next_conn_id());
    if (user_key.empty()) {
        ws->binance_streams(std::move(streams), combined);
    } else {
        ws->binance_user(std::move(user_key));
    }
    ws->accept(std::move(req));
}

/// Binance's WebSocket requests: {"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS",
/// "params":[...],"id":N} -> {"result":null|[...],"id":N}, or {"error":{"code":2,"msg":..},"id":N}.
void ws_session::on_binance_text(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(text, ec);
    const auto* msg = ec ? nullptr : doc.if_object();
    const auto error = [this](int code, std::string_view why, const boost::json::value& id) {
        boost::json::object o;
        o["error"] = boost::json::object{{"code", code}, {"msg", why}};
        o["id"] = id;
        send(boost::json::serialize(o));
    };
    const boost::json::value null_id;
    if (msg == nullptr) {
        error(3, "Invalid JSON: expected an object with \"method\"", null_id);
        return;
    }
    const auto* id_p = msg->if_contains("id");
    const boost::json::value& id = id_p != nullptr ? *id_p : null_id;
    const auto* method_p = msg->if_contains("method");
    const std::string method = method_p != nullptr && method_p->is_string() ? std::string(method_p->get_string()) : "";
    boost::json::object answer;
    answer["id"] = id;
    if (method == "LIST_SUBSCRIPTIONS") {
        boost::json::array list;
        for (const auto& t : topics_) list.emplace_back(t);
        answer["result"] = std::move(list);
        send(boost::json::serialize(answer));
        return;
    }
    if ((method != "SUBSCRIBE" && method != "UNSUBSCRIBE") || kind_ != ws_kind::binance_public) {
        error(2, fmt::format("Invalid request: unknown method \"{}\"", std::string_view(method).substr(0, 40)), id);
        return;
    }
    const auto* params = msg->if_contains("params");
    if (params == nullptr || !params->is_array()) {
        error(2, "Invalid request: params must be an array of stream names", id);
        return;
    }
    std::vector<std::string> streams;
    const binance_capture* feed = srv_.binance_feed();
    for (const auto& v : params->get_array()) {
        if (!v.is_string()) {
            error(2, "Invalid request: params must be an array of stream names", id);
            return;
        }
        const std::string st(v.get_string());
        if (method == "SUBSCRIBE" && (feed == nullptr || !feed->serves(st))) {
            error(2, fmt::format("Invalid request: unknown stream {}", std::string_view(st).substr(0, 80)), id);
            return;
        }
        streams.push_back(st);
    }
    for (const auto& st : streams) {
        if (method == "SUBSCRIBE") {
            topics_.insert(st);
        } else {
            topics_.erase(st);
        }
    }
    answer["result"] = nullptr;
    send(boost::json::serialize(answer));
}

template <class Request>
void ws_session::accept(Request req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return;
        self->srv_.register_ws(self);
        self->read_next();
    });
}

void ws_session::on_text(std::string_view text) {
    if (kind_ == ws_kind::binance_public || kind_ == ws_kind::binance_user) {
        on_binance_text(text);
        return;
    }
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(text, ec);
    const auto* msg = ec ? nullptr : doc.if_object();
    const boost::json::value null_id;
    if (msg == nullptr) {
        reply("", false, "Invalid JSON: expected an object with \"op\"", null_id);
        return;
    }
    const auto* op_v = msg->if_contains("op");
    const std::string op = op_v != nullptr && op_v->is_string() ? std::string(op_v->get_string()) : "";
    const auto* req_id_p = msg->if_contains("req_id");
    const boost::json::value& req_id = req_id_p != nullptr ? *req_id_p : null_id;
    const auto* args_v = msg->if_contains("args");
    const boost::json::array empty;
    const boost::json::array& args = args_v != nullptr && args_v->is_array() ? args_v->get_array() : empty;
    const std::int64_t now_ms = to_ms(wall_now());

    if (op == "ping") {
        if (kind_ == ws_kind::private_stream) {
            boost::json::object o;
            o["req_id"] = req_id.is_null() ? boost::json::value("") : req_id;
            o["op"] = "pong";
            o["args"] = boost::json::array{boost::json::string(std::to_string(now_ms))};
            o["conn_id"] = conn_id_;
            send(boost::json::serialize(o));
        } else {
            reply("ping", true, "pong", req_id);
        }
        return;
    }
    if (op == "auth" && kind_ == ws_kind::private_stream) {
        const auto text_arg = [&](std::size_t i) -> std::string {
            if (i >= args.size()) return {};
            if (args[i].is_string()) return std::string(args[i].get_string());
            if (args[i].is_int64()) return std::to_string(args[i].get_int64());
            return {};
        };
        auto refused = srv_.core().auth.check_ws(text_arg(0), text_arg(1), text_arg(2), now_ms);
        authed_ = !refused;
        reply("auth", authed_, refused.value_or(""), req_id);
        return;
    }
    if (op == "subscribe" || op == "unsubscribe") {
        if (kind_ == ws_kind::private_stream && !authed_) {
            reply(op, false, "Request not authorized", req_id);
            return;
        }
        std::vector<std::string> topics;
        for (const auto& a : args) {
            if (!a.is_string()) {
                reply(op, false, "args: expected topic strings", req_id);
                return;
            }
            const std::string t(a.get_string());
            if (auto refusal = refusal_of(t); op == "subscribe" && refusal) {
                reply(op, false, *refusal, req_id);
                return;
            }
            topics.push_back(t);
        }
        for (const auto& t : topics) {
            if (op == "subscribe") {
                topics_.insert(t);
            } else {
                topics_.erase(t);
            }
        }
        reply(op, true, "", req_id);
        if (op == "subscribe" && kind_ == ws_kind::public_stream) {
            for (const auto& t : topics) {
                if (auto snap = srv_.snapshot(t); !snap.empty()) send(std::move(snap));
            }
        }
        return;
    }
    reply(op, false, fmt::format("unknown op \"{}\"", std::string_view(op).substr(0, 40)), req_id);
}

}  // namespace detail

server::server(asio::io_context& io, venue_core& core, asio::ssl::context& tls, capture_feed* capture,
               unsigned short port)
    : core_(std::make_unique<detail::server_core>(io, core, tls, capture, port)) {}

server::server(asio::io_context& io, venue_core& core, asio::ssl::context& tls, binance_side binance,
               unsigned short port)
    : core_(std::make_unique<detail::server_core>(io, core, tls, binance, port)) {}

server::~server() = default;

unsigned short server::port() const { return core_->port(); }

venue_core& server::core() noexcept { return core_->core(); }

void server::start() { core_->start(); }

void server::stop() { core_->stop(); }

}  // namespace mmbot::venue::local
