// mmbot-shadow and mmbot-shadow-binance: the shadow environment (docs/environments.md) on Bybit v5
// or on Binance USD-M. Everything that differs between binaries is in the four types below: the
// environment, the venue (venue/target_venue.hpp: MMBOT_VENUE_BINANCE picks Binance, set by the
// mmbot-shadow-binance target), its risk gate and its session (the simulated venue; no order
// gateway, signer or REST transport is compiled in).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_shadow.hpp"
#include "mmbot/core/env.hpp"
#include "mmbot/venue/target_venue.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::shadow, mmbot::venue::target_venue, mmbot::app::standard_gate,
                                mmbot::app::shadow_session>(argc, argv);
}
