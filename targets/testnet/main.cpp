// mmbot-testnet: the testnet environment (docs/environments.md). Everything that differs between
// binaries is in the four types below: the environment, the venue (venue/venues.hpp), its risk
// gate and its session (the Bybit order gateway, private stream and reconcile).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/venue/venues.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::testnet, mmbot::venue::bybit_v5, mmbot::app::standard_gate,
                                mmbot::app::trading_session>(argc, argv);
}
