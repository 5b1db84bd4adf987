// mmbot-local-venue: a local venue speaking Bybit's v5 REST and WebSocket protocol over TLS on
// 127.0.0.1, matching with the shadow simulator, for tests and for rehearsing against
// (docs/local-venue.md).
#include "testing/local_venue/app.hpp"

int main(int argc, char** argv) { return mmbot::venue::local::run_main(argc, argv); }
