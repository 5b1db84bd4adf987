// mmbot-shadow: the shadow environment (docs/environments.md). Everything that differs between
// environments is in the three types below: the environment, its risk gate and its session (the
// simulated venue; no order gateway, signer or REST transport is compiled in).
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/app/run_shadow.hpp"
#include "mmbot/core/env.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::shadow, mmbot::app::standard_gate, mmbot::app::shadow_session>(argc,
                                                                                                          argv);
}
