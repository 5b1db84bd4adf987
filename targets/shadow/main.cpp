// mmbot-shadow: the shadow environment (docs/environments.md). Everything that differs between
// environments is in the two types below; the rest is the same program.
#include "mmbot/app/gates.hpp"
#include "mmbot/app/run.hpp"
#include "mmbot/core/env.hpp"

int main(int argc, char** argv) {
    return mmbot::app::run_main<mmbot::env::shadow, mmbot::app::standard_gate>(argc, argv);
}
