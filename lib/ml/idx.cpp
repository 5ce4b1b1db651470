// privfin/ml/idx.hpp: the IDX decoder and encoder.
#include "privfin/ml/idx.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include "privfin/core/error.hpp"

namespace privfin::ml {

namespace {
std::uint32_t be32(ByteView b, std::size_t at) {
  return (std::to_integer<std::uint32_t>(b[at]) << 24) | (std::to_integer<std::uint32_t>(b[at + 1]) << 16) |
         (std::to_integer<std::uint32_t>(b[at + 2]) << 8) | std::to_integer<std::uint32_t>(b[at + 3]);
}
}  // namespace

IdxArray parse_idx(ByteView bytes) {
  if (bytes.size() < 4) throw DecodeError("idx: " + std::to_string(bytes.size()) + " bytes, shorter than the magic");
  if (bytes[0] != std::byte{0} || bytes[1] != std::byte{0}) throw DecodeError("idx: magic does not start with 0x0000");
  if (bytes[2] != std::byte{0x08}) {
    throw DecodeError("idx: element type 0x" + std::to_string(std::to_integer<unsigned>(bytes[2])) +
                      " is not 0x08 (unsigned byte)");
  }
  const std::size_t ndims = std::to_integer<std::size_t>(bytes[3]);
  if (ndims == 0 || ndims > 4) throw DecodeError("idx: " + std::to_string(ndims) + " dimensions (want 1..4)");
  if (bytes.size() < 4 + 4 * ndims) throw DecodeError("idx: the dimension sizes are truncated");
  IdxArray out;
  std::size_t remaining = bytes.size() - 4 - 4 * ndims;
  std::size_t total = 1;
  for (std::size_t i = 0; i < ndims; ++i) {
    const std::size_t d = be32(bytes, 4 + 4 * i);
    // Checked against what remains before anything is allocated.
    if (d != 0 && total > remaining / d) {
      throw DecodeError("idx: dimension " + std::to_string(i) + " of size " + std::to_string(d) +
                        " needs more data than the " + std::to_string(remaining) + " bytes present");
    }
    total *= d;
    out.dims.push_back(d);
  }
  if (total != remaining) {
    throw DecodeError("idx: " + std::to_string(remaining) + " data bytes for " + std::to_string(total) + " elements");
  }
  out.data.resize(total);
  for (std::size_t k = 0; k < total; ++k) out.data[k] = std::to_integer<std::uint8_t>(bytes[4 + 4 * ndims + k]);
  return out;
}

Bytes IdxArray::to_bytes() const {
  Bytes out{std::byte{0}, std::byte{0}, std::byte{0x08}, static_cast<std::byte>(dims.size())};
  for (const std::size_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::byte>((d >> s) & 0xFFU));
  }
  for (const std::uint8_t v : data) out.push_back(static_cast<std::byte>(v));
  return out;
}

IdxArray read_idx(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument("ml::read_idx: cannot open " + path.string());
  const std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return parse_idx(ByteView(reinterpret_cast<const std::byte*>(raw.data()), raw.size()));
  } catch (const DecodeError& e) {
    throw DecodeError(path.string() + ": " + e.what());
  }
}

Dataset idx_dataset(const IdxArray& items, const IdxArray& labels, std::size_t count) {
  if (items.dims.empty() || labels.dims.size() != 1 || labels.dims[0] != items.dims[0]) {
    throw InvalidArgument("ml::idx_dataset: labels do not match the items");
  }
  const std::size_t n = count == 0 ? items.dims[0] : count;
  if (n > items.dims[0]) {
    throw InvalidArgument("ml::idx_dataset: " + std::to_string(n) + " of " + std::to_string(items.dims[0]) + " items");
  }
  std::size_t per = 1;
  for (std::size_t i = 1; i < items.dims.size(); ++i) per *= items.dims[i];
  Dataset d;
  d.rows = n;
  d.features = per;
  d.x.resize(n * per);
  for (std::size_t k = 0; k < n * per; ++k) d.x[k] = static_cast<double>(items.data[k]) / 255.0;
  d.y.assign(labels.data.begin(), labels.data.begin() + static_cast<std::ptrdiff_t>(n));
  return d;
}

}  // namespace privfin::ml
