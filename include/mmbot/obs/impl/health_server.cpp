// mmbot/obs/impl/health_server.cpp: obs::health_server compiled once (core/compiled.hpp).
#include "mmbot/obs/health_server.hpp"

#include "mmbot/obs/impl/health_server.hpp"
