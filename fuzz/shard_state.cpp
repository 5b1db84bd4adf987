// fuzz/shard_state.cpp
//
// Any bytes as a shard's Redis hash (shard/shard_codec.hpp), lines taken pairwise as field and
// value: decode_state either refuses with shard_state naming the key, or returns a state whose
// encoding decodes back to the same state, exactly. Anything else traps.
#include "mmbot/shard/shard_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace shard = mmbot::shard;

/// An HGETALL reply from `command_args` of HSET (key and command dropped) or from text lines.
shard::reply hash_reply(const std::vector<std::string>& fields) {
    shard::reply r;
    r.type = shard::reply::kind::array;
    for (const auto& f : fields) r.elements.push_back(shard::reply{shard::reply::kind::string, f, 0, {}});
    return r;
}

bool same(const mmbot::risk::shard_state& a, const mmbot::risk::shard_state& b) {
    if (a.venue != b.venue || a.updated_ms != b.updated_ms || a.symbols.size() != b.symbols.size()) return false;
    for (std::size_t i = 0; i < a.symbols.size(); ++i) {
        const auto& x = a.symbols[i];
        const auto& y = b.symbols[i];
        if (x.symbol != y.symbol || x.position != y.position || x.mid != y.mid ||
            x.open_buy_notional != y.open_buy_notional || x.open_sell_notional != y.open_sell_notional ||
            x.realized_pnl != y.realized_pnl || x.unrealized_pnl != y.unrealized_pnl) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at <= text.size();) {
        const auto nl = text.find('\n', at);
        const auto end = nl == std::string_view::npos ? text.size() : nl;
        lines.emplace_back(text.substr(at, end - at));
        at = end + 1;
    }
    if (lines.size() % 2 != 0) lines.pop_back();
    const shard::key_space keys("fz");
    const auto s = shard::decode_state("x", keys.state("x"), hash_reply(lines));
    if (!s) {
        if (s.error().code != shard::errc::shard_state || s.error().message.find("fz:shard:x") == std::string::npos) {
            __builtin_trap();
        }
        return 0;
    }
    auto encoded = shard::encode_state(keys, *s);
    encoded.erase(encoded.begin(), encoded.begin() + 2);  // "HSET", key
    const auto again = shard::decode_state("x", keys.state("x"), hash_reply(encoded));
    if (!again || !same(*s, *again)) __builtin_trap();
    return 0;
}
