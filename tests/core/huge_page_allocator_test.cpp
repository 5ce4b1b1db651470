// HugePageAllocator: small and large arrays hold what is written to them,
// large ones are 2 MB-aligned (the huge-page request), a vector grows and
// shrinks through both sizes, and an overflowing count throws rather than
// allocating too little. prefetch() changes nothing it points at.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "privfin/core/huge_page_allocator.hpp"
#include "privfin/core/prefetch.hpp"

using privfin::HugePageAllocator;

TEST_CASE("huge page allocator: small and large arrays, alignment, growth", "[core][huge_pages]") {
  HugePageAllocator<std::uint64_t> alloc;
  for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{1} << 18, (std::size_t{3} << 18) + 5}) {
    INFO(n << " elements");
    std::uint64_t* p = alloc.allocate(n);
    if (n * sizeof(std::uint64_t) >= HugePageAllocator<std::uint64_t>::huge_page) {
      CHECK(reinterpret_cast<std::uintptr_t>(p) % HugePageAllocator<std::uint64_t>::huge_page == 0);
    }
    for (std::size_t i = 0; i < n; ++i) p[i] = i * 7;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      privfin::prefetch(p + (i * 13) % n);
      sum += p[i];
    }
    CHECK(sum == 7 * (n * (n - 1) / 2));
    alloc.deallocate(p, n);
  }
  std::vector<int, HugePageAllocator<int>> v;
  for (int i = 0; i < (1 << 20); ++i) v.push_back(i);  // crosses 2 MB on the way
  CHECK(v[12345] == 12345);
  CHECK(v.back() == (1 << 20) - 1);
  v.resize(10);
  v.shrink_to_fit();
  CHECK(v.size() == 10);
  CHECK(v[9] == 9);
  // Not a constant, or GCC warns about the allocation the check prevents.
  volatile std::size_t too_many = std::numeric_limits<std::size_t>::max() / 4;
  CHECK_THROWS_AS(alloc.allocate(too_many), std::bad_array_new_length);
}
