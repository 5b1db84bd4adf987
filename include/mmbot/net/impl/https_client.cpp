// mmbot/net/impl/https_client.cpp: net::https_client compiled once (core/compiled.hpp).
#include "mmbot/net/https_client.hpp"

#include "mmbot/net/impl/https_client.hpp"
