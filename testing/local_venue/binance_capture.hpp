// testing/local_venue/binance_capture.hpp
//
// The Binance front end's public market data: a Binance capture (`<recv_ns> <json>` lines, what
// feed::binance::replay_reader reads; data/sample/binance_btcusdt_sample.txt) replayed on the wall
// clock like the Bybit capture (capture_feed.hpp): the message received at t goes out at
// start + (t - t_first) / speed. The reader's depth sync keeps each symbol's book, which drives the
// matching engine and GET /fapi/v1/depth; its last applied diff's `u` is the snapshot's
// lastUpdateId, so a client that buffers the diff stream, fetches the snapshot and applies the
// diffs by Binance's procedure (feed/binance/depth_sync.hpp) stays in sync.
//
// Streams, by the name a client subscribes to (lower-case symbol):
//   <s>@depth@0ms, <s>@depth@100ms, <s>@depth@250ms, <s>@depth@500ms, <s>@depth
//                     every recorded diff of the symbol, whatever the speed named (the chain U/u/pu
//                     is the capture's; a slower stream would merge diffs, this one does not)
//   <s>@bookTicker    as recorded
//   <s>@trade         as recorded
//   <s>@aggTrade      one aggregate per recorded trade (a = f = l = the trade id)
// Each message goes out as Binance sends it on a raw stream (the `data` of a combined-stream line),
// with E and T restamped to the venue's clock. --loop shifts U, u, pu and trade ids past every
// earlier pass's (the reader starts over with the capture's own snapshot).
//
//   auto feed = binance_capture::open("data/sample/binance_btcusdt_sample.txt", speed, loop);
//   while (auto due = feed->next_due()) { if (*due > elapsed) break; feed->deliver(ev); ... }
#pragma once

#include "mmbot/core/error.hpp"
#include "mmbot/core/pinned.hpp"
#include "mmbot/core/units.hpp"
#include "mmbot/feed/binance/replay.hpp"
#include "mmbot/feed/replay_pace.hpp"
#include "testing/local_venue/cert.hpp"
#include "testing/local_venue/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmbot::venue::local {

/// One message for the subscribers of a stream.
struct stream_message {
    std::string stream;  ///< "btcusdt@depth@100ms"
    std::string data;    ///< the event JSON
};

class binance_capture : core::pinned {
public:
    /// The diff-depth stream names served for a symbol (lower case).
    static constexpr std::array<std::string_view, 5> depth_suffixes{"@depth@0ms", "@depth@100ms", "@depth@250ms",
                                                                    "@depth@500ms", "@depth"};

    [[nodiscard]] static core::result<std::unique_ptr<binance_capture>> open(const std::filesystem::path& path,
                                                                             core::ratio speed, bool loop = false) {
        if (!speed.is_positive()) {
            return core::make_error(errc::config, fmt::format("--speed: must be > 0, got {}", speed.to_string()));
        }
        auto text = read_text_file(path);
        if (!text) return text.error();
        return std::unique_ptr<binance_capture>(new binance_capture(std::move(*text), speed, loop));
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
        const std::chrono::nanoseconds due = pace_.due(peek_.event_time_ns) + period_ * pass_;
        last_due_ = std::max(last_due_, due);
        return due;
    }

    /// Reads the message next_due() announced into `ev` (books updated). False at the end.
    [[nodiscard]] bool deliver(feed::replay_event& ev) {
        have_peek_ = false;
        return reader_->next(ev);
    }

    /// The update id of the last diff in `sym`'s book, as this pass numbers it (0: no book yet).
    [[nodiscard]] std::uint64_t last_update_id(std::string_view sym) const {
        const auto* sync = reader_->sync_of(sym);
        return sync == nullptr || !sync->book().valid() ? 0 : shift(sync->last_update_id());
    }

    /// The messages the line of `ev` makes, one per stream it feeds, times restamped to `now_ms`.
    [[nodiscard]] std::vector<stream_message> public_messages(const feed::replay_event& ev, std::int64_t now_ms) const {
        std::vector<stream_message> out;
        auto data = event_of(ev);
        if (!data) return out;
        const auto* e = data->if_contains("e");
        const auto* s = data->if_contains("s");
        if (e == nullptr || !e->is_string() || s == nullptr || !s->is_string()) return out;
        const std::string symbol(s->get_string());
        const std::string sym = lower(symbol);
        const std::string kind(e->get_string());  // a copy: the edits below may move the object's values
        if (data->contains("E")) (*data)["E"] = now_ms;
        if (data->contains("T")) (*data)["T"] = now_ms;
        for (const std::string_view k : {"U", "u", "pu"}) renumber(*data, k, &binance_capture::shift);
        renumber(*data, "t", &binance_capture::shift_trade);
        const std::string text = boost::json::serialize(*data);
        if (kind == "depthUpdate") {
            for (const auto suffix : depth_suffixes) out.push_back({sym + std::string(suffix), text});
        } else if (kind == "bookTicker") {
            out.push_back({sym + "@bookTicker", text});
        } else if (kind == "trade") {
            out.push_back({sym + "@trade", text});
            boost::json::object agg;
            agg["e"] = "aggTrade";
            agg["E"] = now_ms;
            agg["s"] = symbol;
            agg["a"] = data->at("t");
            agg["p"] = data->at("p");
            agg["q"] = data->at("q");
            agg["f"] = data->at("t");
            agg["l"] = data->at("t");
            agg["T"] = now_ms;
            agg["m"] = data->at("m");
            out.push_back({sym + "@aggTrade", boost::json::serialize(agg)});
        } else if (kind == "aggTrade") {
            out.push_back({sym + "@aggTrade", text});
        }
        return out;
    }

    /// Whether a stream name can be served: its symbol is in the capture and its kind is one of
    /// the file comment's.
    [[nodiscard]] bool serves(std::string_view stream) const {
        const auto at = stream.find('@');
        if (at == std::string_view::npos || !symbols_.contains(stream.substr(0, at))) return false;
        const std::string_view kind = stream.substr(at);
        if (kind == "@bookTicker" || kind == "@trade" || kind == "@aggTrade") return true;
        return std::find(depth_suffixes.begin(), depth_suffixes.end(), kind) != depth_suffixes.end();
    }

    [[nodiscard]] const feed::binance::replay_reader& reader() const noexcept { return *reader_; }
    [[nodiscard]] std::uint32_t pass() const noexcept { return pass_; }

    [[nodiscard]] static std::string lower(std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return out;
    }

private:
    binance_capture(std::string text, core::ratio speed, bool loop)
        : text_(std::move(text)), pace_(speed), loop_(loop), peek_in_(text_), in_(text_) {
        std::string_view all = text_;
        while (!all.empty()) {
            const auto nl = all.find('\n');
            lines_.push_back(all.substr(0, nl));
            learn(lines_.back());
            if (nl == std::string_view::npos) break;
            all.remove_prefix(nl + 1);
        }
    }

    bool start_over() {
        if (pass_ == 0) period_ = last_due_ + std::chrono::seconds(1);
        ++pass_;
        for (auto* in : {&peek_in_, &in_}) {
            in->clear();
            in->seekg(0);
        }
        peek_reader_.emplace(peek_in_);
        reader_.emplace(in_);
        return true;
    }

    [[nodiscard]] std::uint64_t shift(std::uint64_t recorded) const noexcept { return recorded + (max_u_ + 1) * pass_; }
    [[nodiscard]] std::uint64_t shift_trade(std::uint64_t recorded) const noexcept {
        return recorded + (max_t_ + 1) * pass_;
    }
    void renumber(boost::json::object& o, std::string_view key, std::uint64_t (binance_capture::*by)(std::uint64_t) const noexcept) const {
        if (pass_ == 0) return;
        auto* v = o.if_contains(key);
        if (v != nullptr && v->is_int64() && v->get_int64() >= 0) {
            *v = (this->*by)(static_cast<std::uint64_t>(v->get_int64()));
        } else if (v != nullptr && v->is_uint64()) {
            *v = (this->*by)(v->get_uint64());
        }
    }

    /// The event object of `ev`'s line (the `data` of a combined-stream wrapper), if it has one.
    [[nodiscard]] std::optional<boost::json::object> event_of(const feed::replay_event& ev) const {
        if (ev.line == 0 || ev.line > lines_.size()) return std::nullopt;
        std::string_view raw = lines_[ev.line - 1];
        const auto space = raw.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        raw.remove_prefix(space + 1);
        boost::system::error_code ec;
        boost::json::value doc = boost::json::parse(raw, ec);
        if (ec || !doc.is_object()) return std::nullopt;
        boost::json::object event;
        if (auto* inner = doc.get_object().if_contains("data"); inner != nullptr && inner->is_object()) {
            event = std::move(inner->get_object());
        } else {
            event = std::move(doc.get_object());
        }
        return event;
    }

    /// The symbols of the capture and its largest update id and trade id (for --loop's shift).
    void learn(std::string_view line) {
        for (const auto& [key, out] : {std::pair{std::string_view(R"("u":)"), &max_u_}, {std::string_view(R"("t":)"), &max_t_},
                                       {std::string_view(R"("lastUpdateId":)"), &max_u_}}) {
            for (auto at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
                std::uint64_t v = 0;
                const char* first = line.data() + at + key.size();
                const auto r = std::from_chars(first, line.data() + line.size(), v);
                if (r.ec == std::errc{}) *out = std::max(*out, v);
            }
        }
        constexpr std::string_view sym_key = R"("s":")";
        if (const auto at = line.find(sym_key); at != std::string_view::npos) {
            const std::string_view rest = line.substr(at + sym_key.size());
            symbols_.insert(lower(rest.substr(0, rest.find('"'))));
        }
    }

    std::string text_;
    feed::replay_pace pace_;
    std::vector<std::string_view> lines_;
    bool loop_ = false;
    std::uint32_t pass_ = 0;
    std::chrono::nanoseconds period_{0};
    std::chrono::nanoseconds last_due_{0};
    std::uint64_t max_u_ = 0;
    std::uint64_t max_t_ = 0;
    std::istringstream peek_in_;
    std::istringstream in_;
    std::optional<feed::binance::replay_reader> peek_reader_{std::in_place, peek_in_};
    std::optional<feed::binance::replay_reader> reader_{std::in_place, in_};
    feed::replay_event peek_;
    bool have_peek_ = false;
    std::set<std::string, std::less<>> symbols_;
};

}  // namespace mmbot::venue::local
