# Finds the system dependencies; a missing one stops configure with the Debian
# package names to install (Debian 12 and 13 ship all of them).
include(GNUInstallDirs)

macro(driftscope_require pkg debian)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR
      "driftscope: dependency '${pkg}' not found.\n"
      "Install it with:  sudo apt-get install ${debian}\n"
      "(or run ./dev test, which installs every missing package).")
  endif()
endmacro()

if(POLICY CMP0167)
  cmake_policy(SET CMP0167 NEW)  # Boost's own BoostConfig.cmake, not the removed FindBoost
endif()
driftscope_require(hwy libhwy-dev)
driftscope_require(fmt libfmt-dev)
driftscope_require(Boost "libboost-dev libboost-math-dev" CONFIG)
driftscope_require(Eigen3 libeigen3-dev NO_MODULE)
if(DRIFTSCOPE_BUILD_TESTS)
  driftscope_require(Catch2 catch2)
endif()
if(DRIFTSCOPE_BUILD_BENCHMARKS)
  driftscope_require(benchmark libbenchmark-dev)
endif()
