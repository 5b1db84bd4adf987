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
#include "testing/local_venue/errors.hpp"

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
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mmbot::venue::local {

class capture_feed : core::pinned {
public:

    /// Reads the capture. `speed`: replay speed, > 0 (1 = real time).
    [[nodiscard]] static core::result<std::unique_ptr<capture_feed>> open(
        const std::filesystem::path& path, core::ratio speed) {
        if (!speed.is_positive()) {
            return core::make_error(errc::config,
                                    fmt::format("--speed: must be > 0, got {}", speed.to_string()));
        }
        auto text = read_text_file(path);
        if (!text) return text.error();
        return std::unique_ptr<capture_feed>(new capture_feed(std::move(*text), speed));
    }

    /// Offset from the start of the replay at which the next message is due; nullopt at the end.
    [[nodiscard]] std::optional<std::chrono::nanoseconds> next_due() {
        if (!have_peek_) {
            if (!peek_reader_.next(peek_)) return std::nullopt;
            have_peek_ = true;
        }
        // Untimed lines (a recorder's subscribe acks before the first message) are due at once;
        // the replay's clock starts at the first timestamped message.
        return pace_.due(peek_.event_time_ns);
    }

    /// Reads the message next_due() announced into `ev` (books updated). False at the end.
    [[nodiscard]] bool deliver(feed::replay_event& ev) {
        have_peek_ = false;
        return reader_.next(ev);
    }

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
                if (auto* o = item.if_object(); o != nullptr && o->contains("T")) (*o)["T"] = now_ms;
            }
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

    /// A snapshot of the current book for an "orderbook.<depth>.<symbol>" topic; "" when the
    /// capture has no valid book for it (yet).
    [[nodiscard]] std::string snapshot_text(std::string_view topic, std::int64_t now_ms) const {
        constexpr std::string_view prefix = "orderbook.";
        if (!topic.starts_with(prefix)) return {};
        const std::string_view rest = topic.substr(prefix.size());
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) return {};
        std::uint32_t depth = 0;
        const std::string_view digits = rest.substr(0, dot);
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), depth);
        if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) return {};
        const std::string_view sym = rest.substr(dot + 1);
        const feed::l2_book* book = reader_.books().find(sym, depth);
        if (book == nullptr || !book->valid()) return {};
        const auto side_json = [&](feed::book_side s) {
            boost::json::array levels;
            for (std::size_t i = 0; i < book->levels(s) && i < depth; ++i) {
                const auto& lv = book->at(s, i);
                levels.push_back(boost::json::array{boost::json::string(lv.px.to_string()),
                                                    boost::json::string(lv.qty.to_string())});
            }
            return levels;
        };
        boost::json::object data;
        data["s"] = sym;
        data["b"] = side_json(feed::book_side::bid);
        data["a"] = side_json(feed::book_side::ask);
        data["u"] = book->last_u();
        if (const auto seq = book->last_seq()) data["seq"] = *seq;
        boost::json::object msg;
        msg["topic"] = topic;
        msg["type"] = "snapshot";
        msg["ts"] = now_ms;
        msg["data"] = std::move(data);
        msg["cts"] = now_ms;
        return boost::json::serialize(msg);
    }

    [[nodiscard]] const feed::replay_reader& reader() const noexcept { return reader_; }

private:
    capture_feed(std::string text, core::ratio speed)
        : text_(std::move(text)), pace_(speed), peek_in_(text_), in_(text_) {
        std::string_view all = text_;
        while (!all.empty()) {
            const auto nl = all.find('\n');
            lines_.push_back(all.substr(0, nl));
            if (nl == std::string_view::npos) break;
            all.remove_prefix(nl + 1);
        }
    }

    std::string text_;
    feed::replay_pace pace_;
    std::vector<std::string_view> lines_;  // into text_; index = replay line number - 1
    std::istringstream peek_in_;
    std::istringstream in_;
    feed::replay_reader peek_reader_{peek_in_};
    feed::replay_reader reader_{in_};
    feed::replay_event peek_;
    bool have_peek_ = false;
};

}  // namespace mmbot::venue::local
