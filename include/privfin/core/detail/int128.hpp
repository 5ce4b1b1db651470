// privfin/core/detail/int128.hpp — the compiler's 128-bit integers under one
// name. `__extension__` keeps -Wpedantic quiet about the non-standard type.
#pragma once

namespace privfin::detail {
__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;
}  // namespace privfin::detail
