// RFC 9380 §5.3.1 (expand_message_xmd), §5.3.2 (expand_message_xof) and
// §5.3.3 (oversized DSTs).
#include "privfin/core/expand_message.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "privfin/core/error.hpp"

namespace privfin {

namespace {
constexpr std::string_view oversize_prefix = "H2C-OVERSIZE-DST-";

void check_dst(ByteView dst, const char* where) {
  if (dst.empty()) throw InvalidArgument(std::string(where) + ": the domain separation tag is empty");
}

std::array<std::byte, 2> i2osp2(std::size_t v) {
  return {static_cast<std::byte>((v >> 8) & 0xFF), static_cast<std::byte>(v & 0xFF)};
}
}  // namespace

template <class Hash>
Bytes expand_message_xmd(ByteView msg, ByteView dst_in, std::size_t len_in_bytes) {
  check_dst(dst_in, "expand_message_xmd");
  constexpr std::size_t b_in_bytes = Hash::digest_size;
  constexpr std::size_t s_in_bytes = Hash::block_size;
  Bytes dst(dst_in.begin(), dst_in.end());
  if (dst.size() > 255) {
    auto d = Hash().update(as_bytes(oversize_prefix)).update(dst_in).finish();
    dst.assign(d.begin(), d.end());
  }
  const std::size_t ell = (len_in_bytes + b_in_bytes - 1) / b_in_bytes;
  if (ell > 255 || len_in_bytes > 65535 || len_in_bytes == 0) {
    throw InvalidArgument("expand_message_xmd: len_in_bytes = " + std::to_string(len_in_bytes) +
                          " is outside 1..min(255 * " + std::to_string(b_in_bytes) + ", 65535)");
  }
  const std::byte dst_len{static_cast<unsigned char>(dst.size())};
  const std::array<std::byte, s_in_bytes> z_pad{};
  const auto l_i_b_str = i2osp2(len_in_bytes);

  const auto b0 = Hash()
                      .update(z_pad)
                      .update(msg)
                      .update(l_i_b_str)
                      .update(std::array{std::byte{0}})
                      .update(dst)
                      .update(std::array{dst_len})
                      .finish();
  Bytes out;
  out.reserve(ell * b_in_bytes);
  auto b_prev = Hash().update(b0).update(std::array{std::byte{1}}).update(dst).update(std::array{dst_len}).finish();
  out.insert(out.end(), b_prev.begin(), b_prev.end());
  for (std::size_t i = 2; i <= ell; ++i) {
    typename Hash::Digest mixed{};
    for (std::size_t j = 0; j < b_in_bytes; ++j) mixed[j] = b0[j] ^ b_prev[j];
    b_prev = Hash()
                 .update(mixed)
                 .update(std::array{static_cast<std::byte>(i)})
                 .update(dst)
                 .update(std::array{dst_len})
                 .finish();
    out.insert(out.end(), b_prev.begin(), b_prev.end());
  }
  out.resize(len_in_bytes);
  return out;
}

template <class Xof>
Bytes expand_message_xof(ByteView msg, ByteView dst_in, std::size_t len_in_bytes, std::size_t k) {
  check_dst(dst_in, "expand_message_xof");
  if (len_in_bytes > 65535 || len_in_bytes == 0) {
    throw InvalidArgument("expand_message_xof: len_in_bytes = " + std::to_string(len_in_bytes) +
                          " is outside 1..65535");
  }
  Bytes dst(dst_in.begin(), dst_in.end());
  if (dst.size() > 255) {
    dst = Xof().update(as_bytes(oversize_prefix)).update(dst_in).finish((2 * k + 7) / 8);
  }
  const std::byte dst_len{static_cast<unsigned char>(dst.size())};
  return Xof().update(msg).update(i2osp2(len_in_bytes)).update(dst).update(std::array{dst_len}).finish(len_in_bytes);
}

template Bytes expand_message_xmd<Sha256>(ByteView, ByteView, std::size_t);
template Bytes expand_message_xmd<Sha512>(ByteView, ByteView, std::size_t);
template Bytes expand_message_xof<Shake128>(ByteView, ByteView, std::size_t, std::size_t);
template Bytes expand_message_xof<Shake256>(ByteView, ByteView, std::size_t, std::size_t);

}  // namespace privfin
