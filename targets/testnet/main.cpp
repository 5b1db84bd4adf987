// mmbot-testnet: the testnet environment (docs/environments.md). Everything that differs between
// environments is in the three types below: the environment, its risk gate and its session (the
// Bybit order gateway, private stream and reconcile).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_trading.hpp"
#include "mmbot/core/env.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::testnet, mmbot::app::standard_gate, mmbot::app::trading_session>(argc,
                                                                                                             argv);
}
