// testing/local_venue/capture_feed.hpp
//
// The local venue's public market data: a recorded capture (any form feed::replay_reader reads)
// replayed on the wall clock. The message stamped t goes out at start + (t - t_first) / speed,
// where speed is an exact decimal (2 = twice as fast). Two readers walk the same text: a look-ahead
// one that only learns when the next message is due, and the one whose books the matching engine
// uses, advanced exactly when a message is due, so an order never sees a book from the future.
//
// For the public WebSocket each message is forwarded as Bybit sent it, with its times ("ts",
// "cts", and a trade's "T") restamped to the venue's clock so a client's staleness checks judge
// the replay as live data; `snapshot_text` builds a fresh orderbook snapshot for a new subscriber.
//
// The whole capture is held in memory (the bundled sample is 5588 lines, ~3 MB).
//
//   auto feed = capture_feed::open("data/sample/bybit_btcusdt_sample.jsonl", speed);
//   while (auto due = feed->next_due()) { if (*due > elapsed) break; feed->deliver(ev); ... }
//
// Errors: local_io (the file cannot be read), local_config (speed not a positive decimal).
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/l2_book.hpp"
#include "mmbot/feed/replay.hpp"
#include "mmbot/feed/replay_pace.hpp"
#include "mmbot/feed/types.hpp"
#include "testing/local_venue/cert.hpp"
#include "testing/local_venue/depth_views.hpp"
#include "testing/local_venue/errors.hpp"
#include "testing/local_venue/replay_pass.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

class capture_feed : core::pinned {
public:

    /// Reads the capture. `speed`: replay speed, > 0 (1 = real time). `loop`: start over at the
    /// end, for ever (--loop).
    [[nodiscard]] static core::result<std::unique_ptr<capture_feed>> open(
        const std::filesystem::path& path, core::ratio speed, bool loop = false) {
        if (!speed.is_positive()) {
            return core::make_error(errc::config,
                                    fmt::format("--speed: must be > 0, got {}", speed.to_string()));
        }
        auto text = read_text_file(path);
        if (!text) return text.error();
        return std::unique_ptr<capture_feed>(new capture_feed(std::move(*text), speed, loop));
    }

    /// Offset from the start of the replay at which the next message is due; nullopt at the end
    /// (never with --loop: the capture starts over one second after its last message).
    [[nodiscard]] std::optional<std::chrono::nanoseconds> next_due() {
        if (!have_peek_) {
            if (!peek_reader_->next(peek_)) {
                if (!loop_ || !start_over()) return std::nullopt;
                if (!peek_reader_->next(peek_)) return std::nullopt;
            }
            have_peek_ = true;
        }
        // Untimed lines (a recorder's subscribe acks before the first message) are due at once;
        // the replay's clock starts at the first timestamped message.
        const std::chrono::nanoseconds due = pace_.due(peek_.event_time_ns) + period_ * pass_;
        last_due_ = std::max(last_due_, due);
        return due;
    }

    /// Reads the message next_due() announced into `ev` (books updated). False at the end.
    [[nodiscard]] bool deliver(feed::replay_event& ev) {
        have_peek_ = false;
        return reader_->next(ev);
    }

    /// How many times the capture started over (--loop).
    [[nodiscard]] std::uint32_t pass() const noexcept { return pass_; }
    /// How this pass numbers the capture's update ids, sequences and trade ids.
    [[nodiscard]] replay_pass numbering() const noexcept { return {pass_, max_u_, max_seq_}; }

    /// The message of `ev` as the public WebSocket sends it (times restamped to `now_ms`), or ""
    /// for what is not forwarded (op acks, malformed text).
    [[nodiscard]] std::string public_text(const feed::replay_event& ev, std::int64_t now_ms) const {
        if (ev.line == 0 || ev.line > lines_.size()) return {};
        std::string_view raw = lines_[ev.line - 1];
        while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ')) raw.remove_suffix(1);
        if (!raw.empty() && raw.front() >= '0' && raw.front() <= '9') {
            const auto space = raw.find_first_of(" \t");
            if (space == std::string_view::npos) return {};
            raw.remove_prefix(space + 1);
        }
        boost::system::error_code ec;
        boost::json::value doc = boost::json::parse(raw, ec);
        if (ec || !doc.is_object()) return {};
        boost::json::object* msg = &doc.get_object();
        if (auto* inner = msg->if_contains("msg"); inner != nullptr && inner->is_object()) {
            msg = &inner->get_object();
        }
        if (!msg->contains("topic")) return {};
        if (msg->contains("ts")) (*msg)["ts"] = now_ms;
        if (msg->contains("cts")) (*msg)["cts"] = now_ms;
        if (auto* data = msg->if_contains("data"); data != nullptr && data->is_array()) {
            for (auto& item : data->get_array()) {
                auto* o = item.if_object();
                if (o == nullptr) continue;
                if (o->contains("T")) (*o)["T"] = now_ms;
                renumber(*o);
            }
        } else if (data != nullptr && data->is_object()) {
            renumber(data->get_object());
        }
        return boost::json::serialize(*msg);
    }

    /// The topic of the message of `ev` ("" when none).
    [[nodiscard]] static std::string_view topic_of(const feed::replay_event& ev,
                                                   std::string& scratch) {
        if (ev.msg == nullptr) return {};
        switch (ev.msg->kind) {
            case feed::message_kind::book:
                scratch = fmt::format("orderbook.{}.{}", ev.msg->book.depth, ev.msg->book.sym.view());
                return scratch;
            case feed::message_kind::trades:
                if (ev.msg->trades.prints.empty()) return {};
                scratch = fmt::format("publicTrade.{}", ev.msg->trades.prints.front().sym.view());
                return scratch;
            case feed::message_kind::ticker:
                scratch = fmt::format("tickers.{}", ev.msg->tick.sym.view());
                return scratch;
            case feed::message_kind::ignored: return {};
        }
        return {};
    }

    /// Whether a public subscription to `topic` can be served on `category`'s stream: its symbol
    /// is in the capture (for its kind of topic) and, for an order book, Bybit offers its depth
    /// there (depth_views.hpp). Served topics at another depth than the capture's are derived.
    enum class topic_check : std::uint8_t { served, unknown_topic, unknown_symbol };
    [[nodiscard]] topic_check check_topic(std::string_view topic, bybit::category category) const {
        if (const auto book = book_topic(topic)) {
            if (!depth_offered(category, book->depth)) return topic_check::unknown_topic;
            return capture_depths_.contains(book->sym) ? topic_check::served : topic_check::unknown_symbol;
        }
        for (const std::string_view kind : {"publicTrade.", "tickers."}) {
            if (topic.starts_with(kind)) {
                return captured_topics_.contains(topic) ? topic_check::served : topic_check::unknown_symbol;
            }
        }
        return topic_check::unknown_topic;
    }

    /// A snapshot of the current book for an "orderbook.<depth>.<symbol>" topic; "" when the
    /// capture has no valid book for it (yet). At the capture's own depth it is the book as
    /// recorded; at another depth, the derived view's levels (depth_views.hpp). Numbers in `f`.
    [[nodiscard]] std::string snapshot_text(std::string_view topic, number_format f, std::int64_t now_ms) {
        const auto t = book_topic(topic);
        if (!t) return {};
        const auto recorded = capture_depths_.find(t->sym);
        const bool as_recorded = recorded != capture_depths_.end() && recorded->second.contains(t->depth);
        // A derived view reads the deepest book the capture has for the symbol.
        const feed::l2_book* book = reader_->books().find(t->sym, as_recorded ? t->depth : 0);
        if (book == nullptr || !book->valid()) return {};
        if (!as_recorded) return views_.subscribe(*book, t->sym, t->depth, f, now_ms);
        const auto seq = book->last_seq();
        return book_message(topic, "snapshot", t->sym, top_levels(*book, feed::book_side::bid, t->depth),
                            top_levels(*book, feed::book_side::ask, t->depth), numbering().u(book->last_u()),
                            seq ? std::optional(numbering().seq(*seq)) : std::nullopt, f, now_ms);
    }

    /// The symbol's book that `ev` changed, when it is the deepest the capture records for that
    /// symbol: what derived views and market/orderbook read (a shallower recorded stream's
    /// message leaves them as they are). Null for any other message.
    [[nodiscard]] const feed::l2_book* deepest_book_changed(const feed::replay_event& ev) const {
        if (ev.msg == nullptr || ev.msg->kind != feed::message_kind::book || ev.book == nullptr || !ev.book->valid()) {
            return nullptr;
        }
        return reader_->books().find(ev.msg->book.sym.view()) == ev.book ? ev.book : nullptr;
    }

    /// After the book message of `ev` was applied: (topic, delta) for each derived depth of its
    /// symbol whose levels changed, numbers in `f`.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> derived_deltas(const feed::replay_event& ev,
                                                                                number_format f, std::int64_t now_ms) {
        const feed::l2_book* book = deepest_book_changed(ev);
        if (book == nullptr) return {};
        return views_.on_book(*book, ev.msg->book.sym.view(), f, now_ms);
    }

    [[nodiscard]] const feed::replay_reader& reader() const noexcept { return *reader_; }

private:
    capture_feed(std::string text, core::ratio speed, bool loop)
        : text_(std::move(text)), pace_(speed), loop_(loop), peek_in_(text_), in_(text_) {
        std::string_view all = text_;
        while (!all.empty()) {
            const auto nl = all.find('\n');
            lines_.push_back(all.substr(0, nl));
            learn_topic(lines_.back());
            learn_numbers(lines_.back());
            if (nl == std::string_view::npos) break;
            all.remove_prefix(nl + 1);
        }
    }

    /// --loop at the end: both readers from the top again, due one second after the last message
    /// (pass after pass), with update ids and sequences shifted past every earlier pass's.
    bool start_over() {
        if (pass_ == 0) period_ = last_due_ + std::chrono::seconds(1);
        ++pass_;
        peek_in_.clear();
        peek_in_.seekg(0);
        in_.clear();
        in_.seekg(0);
        peek_reader_.emplace(peek_in_);
        reader_.emplace(in_);
        return true;
    }

    /// A message's numbers as this pass reads them (replay_pass.hpp).
    void renumber(boost::json::object& o) const {
        if (pass_ == 0) return;
        const replay_pass p = numbering();
        for (const auto& [key, shift] : {std::pair{std::string_view("u"), &replay_pass::u}, {std::string_view("seq"), &replay_pass::seq}}) {
            if (auto* v = o.if_contains(key); v != nullptr && v->is_int64() && v->get_int64() >= 0) {
                *v = (p.*shift)(static_cast<std::uint64_t>(v->get_int64()));
            } else if (v != nullptr && v->is_uint64()) {
                *v = (p.*shift)(v->get_uint64());
            }
        }
        if (auto* i = o.if_contains("i"); i != nullptr && i->is_string()) *i = p.trade_id(i->get_string());
    }

    /// The largest "u" and "seq" of the capture (for --loop's shift).
    void learn_numbers(std::string_view line) {
        for (const auto& [key, out] : {std::pair{std::string_view(R"("u":)"), &max_u_}, {std::string_view(R"("seq":)"), &max_seq_}}) {
            for (auto at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
                std::uint64_t v = 0;
                const char* first = line.data() + at + key.size();
                const auto r = std::from_chars(first, line.data() + line.size(), v);
                if (r.ec == std::errc{}) *out = std::max(*out, v);
            }
        }
    }

    struct book_topic_parts {
        std::uint32_t depth = 0;
        std::string_view sym;
    };
    /// "orderbook.<depth>.<symbol>" split; nothing for another topic.
    [[nodiscard]] static std::optional<book_topic_parts> book_topic(std::string_view topic) {
        constexpr std::string_view prefix = "orderbook.";
        if (!topic.starts_with(prefix)) return std::nullopt;
        const std::string_view rest = topic.substr(prefix.size());
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) return std::nullopt;
        std::uint32_t depth = 0;
        const std::string_view digits = rest.substr(0, dot);
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), depth);
        if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size() || rest.size() == dot + 1) return std::nullopt;
        return book_topic_parts{depth, rest.substr(dot + 1)};
    }

    /// Remembers the topic a capture line carries (its "topic" field, wrapped or not): which
    /// symbols have trades and tickers, and each book's recorded depth.
    void learn_topic(std::string_view line) {
        constexpr std::string_view key = R"("topic":")";
        const auto at = line.find(key);
        if (at == std::string_view::npos) return;
        const std::string_view rest = line.substr(at + key.size());
        const std::string_view topic = rest.substr(0, rest.find('"'));
        if (const auto book = book_topic(topic)) {
            capture_depths_[std::string(book->sym)].insert(book->depth);
        } else if (topic.starts_with("publicTrade.") || topic.starts_with("tickers.")) {
            captured_topics_.emplace(topic);
        }
    }

    std::string text_;
    feed::replay_pace pace_;
    std::vector<std::string_view> lines_;  // into text_; index = replay line number - 1
    bool loop_ = false;
    std::uint32_t pass_ = 0;
    std::chrono::nanoseconds period_{0};    ///< how long one pass lasts (--loop)
    std::chrono::nanoseconds last_due_{0};
    std::uint64_t max_u_ = 0;
    std::uint64_t max_seq_ = 0;
    std::istringstream peek_in_;
    std::istringstream in_;
    std::optional<feed::replay_reader> peek_reader_{std::in_place, peek_in_};
    std::optional<feed::replay_reader> reader_{std::in_place, in_};
    feed::replay_event peek_;
    bool have_peek_ = false;
    /// Each book symbol's recorded depths, and the trade and ticker topics.
    std::map<std::string, std::set<std::uint32_t>, std::less<>> capture_depths_;
    std::set<std::string, std::less<>> captured_topics_;
    depth_views views_;
};

}  // namespace mmbot::venue::local
