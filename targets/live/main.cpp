// mmbot-live: the live environment (docs/environments.md). Everything that differs between
// binaries is in the four types below: the environment, the venue (venue/venues.hpp), its risk
// gate (live's mandatory checks, app/gates.hpp) and its session (the Bybit order gateway, private
// stream and reconcile).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/venue/venues.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::live, mmbot::venue::bybit_v5, mmbot::app::live_gate,
                                mmbot::app::trading_session>(argc, argv);
}
