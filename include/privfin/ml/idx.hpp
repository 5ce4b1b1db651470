// privfin/ml/idx.hpp — the IDX file format of MNIST and Fashion-MNIST
// (Debian: dataset-fashion-mnist, /usr/share/datasets/fashion-mnist/,
// gzip-compressed: decompress first, e.g. `gzip -dc f.gz > f`).
//
//   ml::IdxArray images = ml::read_idx("train-images-idx3-ubyte");   // dims {60000, 28, 28}
//   ml::IdxArray labels = ml::read_idx("train-labels-idx1-ubyte");   // dims {60000}
//   ml::Dataset d = ml::idx_dataset(images, labels, 1000);          // first 1000, pixels / 255
//
// Format (big-endian): two zero bytes, a type byte (only 0x08, unsigned
// bytes, is accepted), the number of dimensions (1..4), one 32-bit size
// per dimension, then the product of the sizes in bytes, nothing after.
// parse_idx checks every size against the bytes that remain before
// allocating (a header claiming 2^32 images in a short input is refused),
// so hostile input cannot cause a large allocation.
//
// Throws DecodeError naming the field for malformed input (bad magic,
// unsupported type, zero or too many dimensions, a size that does not
// match the data, trailing bytes); InvalidArgument for a file that cannot
// be read (naming the path) and for idx_dataset arguments that do not fit.
// Cost: one pass over the input. Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/ml/dataset.hpp"

namespace privfin::ml {

struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> data;  // row-major, product(dims) bytes

  [[nodiscard]] Bytes to_bytes() const;  // the IDX encoding (parse_idx's inverse)
};

[[nodiscard]] IdxArray parse_idx(ByteView bytes);
[[nodiscard]] IdxArray read_idx(const std::filesystem::path& path);

// The first `count` items (0: all) as a Dataset: features = the product of
// the item dimensions, pixel / 255 in [0, 1]; labels = the label bytes
// (classes, not only 0/1).
[[nodiscard]] Dataset idx_dataset(const IdxArray& items, const IdxArray& labels, std::size_t count = 0);

}  // namespace privfin::ml
