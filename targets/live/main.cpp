// mmbot-live and mmbot-live-binance: the live environment (docs/environments.md) on Bybit v5 or
// on Binance USD-M. Everything that differs between binaries is in the four types below: the
// environment, the venue (venue/target_venue.hpp: MMBOT_VENUE_BINANCE picks Binance, set by the
// mmbot-live-binance target), its risk gate (live's mandatory checks, app/gates.hpp) and its
// session (the venue's order gateway, private stream and reconcile: app/trading/venue_side.hpp).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/venue/target_venue.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::live, mmbot::venue::target_venue, mmbot::app::live_gate,
                                mmbot::app::trading_session>(argc, argv);
}
