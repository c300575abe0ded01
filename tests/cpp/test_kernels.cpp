#include "catch.hpp"
#include "driftscope/kernels/dispatch.hpp"
TEST_CASE("kernels placeholder", "[kernels]") { CHECK(!driftscope::kernels::available_targets().empty()); }
