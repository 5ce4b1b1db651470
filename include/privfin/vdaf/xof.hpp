// privfin/vdaf/xof.hpp — the extendable-output functions of
// draft-irtf-cfrg-vdaf-20 ("Extendable Output Functions"):
//
//   XofTurboShake128   seed 32 bytes; stream = TurboSHAKE128 with domain
//                      byte 1 over le16(len(dst)) || dst || le8(len(seed))
//                      || seed || binder.
//   XofFixedKeyAes128  seed 16 bytes; key = TurboSHAKE128 (domain byte 2)
//                      over le16(len(dst)) || dst || binder, first 16 bytes;
//                      block i = AES(key, s(seed ^ le128(i))) ^ s(...),
//                      s(lo || hi) = hi || (hi ^ lo).
//
//   XofTurboShake128 xof(seed, dst, {binder_a, binder_b});  // binder parts are concatenated
//   Bytes next = xof.next(32);
//   auto vec = XofTurboShake128::expand_into_vec<Field128>(seed, dst, {binder}, 10);
//
// next_vec() draws field elements by rejection sampling: byte_size bytes,
// little-endian, rejected when >= p. Throws InvalidArgument for a seed of the
// wrong size or a dst longer than 65535 bytes. Objects are single-threaded
// values; the seed is secret for some uses and the sponge/AES state is wiped
// on destruction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/detail/fixed_key_aes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/turboshake.hpp"
#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf {

// The derived methods every XOF of the draft shares.
template <class Derived>
class XofBase {
 public:
  [[nodiscard]] Bytes next(std::size_t length) {
    Bytes out(length);
    self().next(std::span<std::byte>(out));
    return out;
  }

  template <VdafField F>
  [[nodiscard]] std::vector<F> next_vec(std::size_t length) {
    std::vector<F> out;
    out.reserve(length);
    // Squeeze a batch of candidates at a time; a rejected candidate just
    // moves on to the next bytes of the stream, exactly as one at a time.
    std::vector<std::byte> buf;
    while (out.size() < length) {
      const std::size_t want = length - out.size();
      buf.resize(want * F::byte_size);
      self().next(std::span<std::byte>(buf));
      for (std::size_t i = 0; i < want; ++i) {
        if (auto x = F::read_le(std::span<const std::byte>(buf).subspan(i * F::byte_size, F::byte_size))) out.push_back(*x);
      }
    }
    return out;
  }

  template <VdafField F>
  [[nodiscard]] static std::vector<F> expand_into_vec(ByteView seed, ByteView dst,
                                                      std::initializer_list<ByteView> binder, std::size_t length) {
    Derived xof(seed, dst, binder);
    return xof.template next_vec<F>(length);
  }

  [[nodiscard]] static Bytes derive_seed(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder) {
    Derived xof(seed, dst, binder);
    return xof.next(Derived::seed_size);
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

class XofTurboShake128 : public XofBase<XofTurboShake128> {
 public:
  static constexpr std::size_t seed_size = 32;
  static constexpr std::uint8_t domain = 1;

  XofTurboShake128(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder) : sponge_(domain) {
    if (seed.size() != seed_size) {
      throw InvalidArgument("XofTurboShake128: seed is " + std::to_string(seed.size()) + " bytes, expected 32");
    }
    if (dst.size() > 0xFFFF) throw InvalidArgument("XofTurboShake128: dst longer than 65535 bytes");
    const std::array<std::byte, 2> dst_len{static_cast<std::byte>(dst.size() & 0xFFU),
                                           static_cast<std::byte>(dst.size() >> 8)};
    const std::array<std::byte, 1> seed_len{static_cast<std::byte>(seed.size())};
    sponge_.absorb(dst_len).absorb(dst).absorb(seed_len).absorb(seed);
    for (ByteView part : binder) sponge_.absorb(part);
  }
  XofTurboShake128(ByteView seed, ByteView dst, ByteView binder) : XofTurboShake128(seed, dst, {binder}) {}

  using XofBase::next;
  void next(std::span<std::byte> out) { sponge_.squeeze(out); }

 private:
  TurboShake128 sponge_;
};

class XofFixedKeyAes128 : public XofBase<XofFixedKeyAes128> {
 public:
  static constexpr std::size_t seed_size = 16;
  static constexpr std::uint8_t domain = 2;

  XofFixedKeyAes128(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder);
  XofFixedKeyAes128(ByteView seed, ByteView dst, ByteView binder) : XofFixedKeyAes128(seed, dst, {binder}) {}
  XofFixedKeyAes128(XofFixedKeyAes128&&) noexcept = default;
  XofFixedKeyAes128& operator=(XofFixedKeyAes128&&) noexcept = default;
  XofFixedKeyAes128(const XofFixedKeyAes128&) = delete;
  XofFixedKeyAes128& operator=(const XofFixedKeyAes128&) = delete;
  ~XofFixedKeyAes128();

  using XofBase::next;
  void next(std::span<std::byte> out);

 private:
  void refill();

  // The fixed key (from dst and binder, both public) as an AES permutation,
  // the one the OT layer's hashes use. A moved-from XOF throws
  // InvalidArgument when it needs its next block.
  ::privfin::detail::FixedKeyAes128 permutation_;
  std::array<std::byte, 16> seed_{};
  std::array<std::byte, 16> block_{};
  std::uint64_t block_index_ = 0;
  std::size_t block_pos_ = 16;
};

}  // namespace privfin::vdaf
