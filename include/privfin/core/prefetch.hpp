// privfin/core/prefetch.hpp — prefetch(p): asks the CPU to start loading
// the cache line holding p, for a caller about to read many random places
// of a table larger than the caches (a few keys ahead of each lookup).
//
//   for (i...) { prefetch(&table[slot_of(keys[i + 8])]); use(table[slot_of(keys[i])]); }
//
// A hint: it changes nothing and never faults; p must point into an
// object. Why not __builtin_prefetch alone: GCC 12 at -O2/-O3 deleted it
// when the address came from a std::vector element (no prefetch was left
// in Node::remember, consensus/hash32_map.hpp's caller, for a release
// build), so on x86-64 the instruction is an asm statement the optimiser
// keeps.
#pragma once

namespace privfin {

inline void prefetch(const void* p) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace privfin
