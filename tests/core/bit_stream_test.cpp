// Tests for privfin/core/detail/bit_stream.hpp: values of random widths
// written and read back, the exact byte length with zeroed spare bits, the
// bit order on the wire, and a reader that never reads past its span.
#include <catch2/catch.hpp>

#include <privfin/core/detail/bit_stream.hpp>
#include <privfin/core/prg.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "support/local_parties.hpp"

using namespace privfin;

TEST_CASE("bit stream: random widths round-trip, and the buffer is exactly the bits put", "[core][bit-stream]") {
  Prg prg(test::seed_of(41));
  for (int run = 0; run < 50; ++run) {
    const std::size_t count = 1 + prg.next_u64() % 300;
    std::vector<unsigned> widths(count);
    std::vector<std::uint64_t> values(count);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      widths[i] = 1 + static_cast<unsigned>(prg.next_u64() % 64);
      values[i] = detail::low_bits(prg.next_u64(), widths[i]);
      total += widths[i];
    }
    // One spare byte after the buffer shows that nothing is written past it.
    std::vector<std::byte> buf(detail::packed_bytes(total) + 1, std::byte{0xA5});
    detail::BitWriter w(std::span<std::byte>(buf).first(detail::packed_bytes(total)));
    for (std::size_t i = 0; i < count; ++i) w.put(values[i], widths[i]);
    w.finish();
    CHECK(buf.back() == std::byte{0xA5});
    if (total % 8 != 0) {
      const auto last = std::to_integer<unsigned>(buf[detail::packed_bytes(total) - 1]);
      CHECK((last >> (total % 8)) == 0);  // spare bits are zeros
    }
    detail::BitReader r(std::span<const std::byte>(buf).first(detail::packed_bytes(total)));
    int bad = 0;
    for (std::size_t i = 0; i < count; ++i) bad += r.get(widths[i]) == values[i] ? 0 : 1;
    CHECK(bad == 0);
  }
}

TEST_CASE("bit stream: least significant bit first, across word boundaries", "[core][bit-stream]") {
  std::vector<std::byte> buf(detail::packed_bytes(3 + 64 + 1));
  detail::BitWriter w(buf);
  w.put(0b101, 3);
  w.put(~std::uint64_t{0}, 64);
  w.put(0, 1);
  w.finish();
  REQUIRE(buf.size() == 9);
  CHECK(buf[0] == std::byte{0xFD});  // 101 then five ones
  for (std::size_t i = 1; i < 8; ++i) CHECK(buf[i] == std::byte{0xFF});
  CHECK(buf[8] == std::byte{0x07});  // the last three ones, then the zero bit and spare zeros
  detail::BitReader r(buf);
  CHECK(r.get(3) == 0b101);
  CHECK(r.get(64) == ~std::uint64_t{0});
  CHECK(r.get(1) == 0);
  CHECK(r.get(64) == 0);  // past the end: zeros, nothing read outside the span
}
