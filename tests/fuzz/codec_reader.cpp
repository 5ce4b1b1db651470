// Feeds core's codec Reader (every privfin wire format and file goes
// through it). Input: [op count][ops...][message]; each op byte names one
// Reader call (low nibble) and, for raw(), a size (high nibble), run in
// order on the message.
// Oracle: the Reader accepts only canonical encodings, so when every call
// succeeds, a Writer given the values read must reproduce exactly the bytes
// the Reader consumed. Anything but DecodeError escaping is a finding.
#include <cstdint>

#include "privfin/core/codec.hpp"
#include "privfin/core/mersenne.hpp"
#include "privfin/core/ring.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::size_t op_count = in.u8() % 25;
  const ByteView ops = in.take(op_count);
  const ByteView message = in.rest();
  Reader r(message);
  Writer w;
  try {
    for (const std::byte op_byte : ops) {
      const auto op = static_cast<unsigned>(op_byte);
      switch (op & 0xFU) {
        case 0: w.u8(r.u8("u8")); break;
        case 1: w.u16(r.u16("u16")); break;
        case 2: w.u32(r.u32("u32")); break;
        case 3: w.u64(r.u64("u64")); break;
        case 4: w.boolean(r.boolean("boolean")); break;
        case 5: w.varint(r.varint("varint")); break;
        case 6: w.varint(r.length("length", std::size_t{1} << 20)); break;
        case 7: w.bytes(r.bytes("bytes", 4096)); break;
        case 8: w.string(r.string("string")); break;
        case 9: w.bigint(r.bigint("bigint", 64)); break;
        case 10: w.element(r.element<Z2k<64>>("z2k64")); break;
        case 11: {
          const auto v = r.elements<Z2k<32>>("z2k32s", 1U << 16);
          w.elements(std::span<const Z2k<32>>(v));
          break;
        }
        case 12: w.element(r.element<Fp61>("fp61")); break;
        case 13: {
          const auto v = r.elements<Fp127>("fp127s");
          w.elements(std::span<const Fp127>(v));
          break;
        }
        case 14: w.raw(r.raw(op >> 4U, "raw")); break;
        default: {
          const std::uint8_t expected = static_cast<std::uint8_t>(op >> 4U);
          r.expect_version(expected, "version");
          w.version(expected);
          break;
        }
      }
    }
  } catch (const DecodeError&) {
    return 0;
  }
  fuzz::require(r.offset() + r.remaining() == message.size());
  fuzz::require(fuzz::same(w.data(), message.first(r.offset())));
  return 0;
}
