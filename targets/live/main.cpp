// mmbot-live: the live environment (docs/environments.md). Everything that differs between
// environments is in the three types below: the environment, its risk gate (live's mandatory
// checks, app/gates.hpp) and its session (the Bybit order gateway, private stream and reconcile).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/core/env.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::live, mmbot::app::live_gate, mmbot::app::trading_session>(argc, argv);
}
