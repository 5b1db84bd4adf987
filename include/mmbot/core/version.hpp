#pragma once
namespace mmbot { inline constexpr const char* version = "0.1.0"; }
