// privfin/core/detail/avx512_intrinsics.hpp — <immintrin.h> for the
// library's run-time dispatched AVX-512 paths (AES-GCM and AES-CTR on VAES,
// the Rep3 kernels, the bit transposition, Ed25519's eight-lane square
// roots), with GCC 12's false "used uninitialized" warnings silenced:
// some AVX-512 intrinsics (broadcast, extract, set1, setzero) pass an
// "undefined" operand through whose lanes are all overwritten. Clang does
// not warn there and does not know -Wmaybe-uninitialized.
//
//   #include "privfin/core/detail/avx512_intrinsics.hpp"   // in a .cpp only
//   [[gnu::target("avx512f")]] void kernel() { ... }       // called after cpu_features() said yes
//
// The warnings stay off for the rest of the including file (they fire
// where the intrinsics are expanded, in its functions), so only .cpp
// files include this, never a header. Costs and throws nothing. Empty on
// other architectures.
#pragma once

#if defined(__x86_64__)
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif
