// mmbot/venue/target_venue.hpp
//
// The venue a binary's main.cpp builds for (venue/venues.hpp): Binance USD-M when its target sets
// MMBOT_VENUE_BINANCE (the `-binance` targets of targets/<env>/BUILD.bazel), else Bybit v5. For
// the targets only: one main.cpp per environment, built once per venue. The library never uses it.
//
//   return run_main<env::testnet, venue::target_venue, standard_gate, trading_session>(argc, argv);
#pragma once

#include "mmbot/venue/venues.hpp"

namespace mmbot::venue {

#ifdef MMBOT_VENUE_BINANCE
using target_venue = binance_usdm;
#else
using target_venue = bybit_v5;
#endif

}  // namespace mmbot::venue
