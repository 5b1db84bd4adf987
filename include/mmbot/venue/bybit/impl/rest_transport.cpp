// mmbot/venue/bybit/impl/rest_transport.cpp: rest_transport compiled once (core/compiled.hpp).
#include "mmbot/venue/bybit/rest_transport.hpp"

#include "mmbot/venue/bybit/impl/rest_transport.hpp"
