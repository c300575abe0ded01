#pragma once
/// @file
/// @brief The library version (CMake checks it against project(VERSION) and pyproject.toml).

#define DRIFTSCOPE_VERSION_MAJOR 0
#define DRIFTSCOPE_VERSION_MINOR 1
#define DRIFTSCOPE_VERSION_PATCH 0
#define DRIFTSCOPE_VERSION_STRING "0.1.0"
