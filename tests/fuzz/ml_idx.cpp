// Feeds ml::parse_idx, which reads IDX files (MNIST, Fashion-MNIST) from
// disk. Input: the file's bytes. Oracle: an array that parses is written
// back by to_bytes() to exactly the input (the encoding is canonical: no
// slack anywhere). Bad input must end in a privfin::Error.
#include <algorithm>
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/ml/idx.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::as_view(data, size);
  ml::IdxArray a;
  try {
    a = ml::parse_idx(in);
  } catch (const Error&) {
    return 0;
  }
  const Bytes back = a.to_bytes();
  fuzz::require(back.size() == in.size() && std::equal(back.begin(), back.end(), in.begin()));
  return 0;
}
