// mmbot/net/impl/ws_session.cpp: net::ws_session compiled once (core/compiled.hpp).
#include "mmbot/net/ws_session.hpp"

#include "mmbot/net/impl/ws_session.hpp"
