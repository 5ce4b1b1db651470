// privfin/core/huge_page_allocator.hpp — an allocator for big arrays read
// at random (hash tables of millions of slots): from 2 MB on, the memory is
// 2 MB-aligned and the kernel is asked to back it with huge pages.
//
//   std::vector<Slot, HugePageAllocator<Slot>> slots(1 << 20);
//
// Why: a lookup in a table of tens of megabytes misses the cache, and with
// 4 KB pages it misses the TLB too. On a virtual machine the page walk is
// itself a chain of misses, and a software prefetch that misses the TLB
// may be dropped, so prefetching the slot does not help; one 2 MB page
// covers 512 small ones. On Linux the request is madvise(MADV_HUGEPAGE),
// which the kernel may ignore (transparent huge pages off); elsewhere, and
// below 2 MB, this is std::allocator. Costs: up to 2 MB of rounding per
// array. Throws std::bad_alloc, or std::bad_array_new_length for a count
// whose size overflows.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace privfin {

template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;

  HugePageAllocator() noexcept = default;
  template <class U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    // No object may be larger than PTRDIFF_MAX bytes, rounding included.
    constexpr auto largest = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - huge_page;
    if (n > largest / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge_page || alignof(T) > huge_page) return std::allocator<T>{}.allocate(n);
    void* p = std::aligned_alloc(huge_page, rounded(bytes));
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__)
    (void)madvise(p, rounded(bytes), MADV_HUGEPAGE);  // a hint: without it the memory is still good
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < huge_page || alignof(T) > huge_page) std::allocator<T>{}.deallocate(p, n);
    else std::free(p);
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) noexcept { return true; }

 private:
  static constexpr std::size_t rounded(std::size_t bytes) noexcept { return (bytes + huge_page - 1) & ~(huge_page - 1); }
};

}  // namespace privfin
