// mmbot-live: the live environment (docs/environments.md). Everything that differs between
// environments is in the two types below; the rest is the same program.
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/core/env.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::live, mmbot::app::live_gate>(argc, argv);
}
