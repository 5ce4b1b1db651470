// Tests for privfin/core/turboshake.hpp and the Keccak permutation under it:
// RFC 9861 vectors, the VDAF draft's XofTurboShake128 vector, and the
// permutation at 24 rounds against OpenSSL's SHAKE128.
#include <catch2/catch.hpp>

#include <privfin/core/hash.hpp>
#include <privfin/core/turboshake.hpp>

#include "support/vectors.hpp"

using namespace privfin;

namespace {
Bytes pattern(std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i % 251);
  return out;
}
}  // namespace

TEST_CASE("TurboSHAKE128 matches RFC 9861", "[core][turboshake][vectors]") {
  for (const auto& file : test::vector_files("turboshake", ".json")) {
    const auto doc = test::load_json(file);
    for (const auto& v : doc["tests"]) {
      const auto n = v["ptn"].get<std::size_t>();
      const auto domain = v["domain"].get<std::uint8_t>();
      const auto length = v["length"].get<std::size_t>();
      INFO(file.filename().string() << ": ptn(" << n << "), D=" << int{domain});
      CHECK(to_hex(TurboShake128::hash(pattern(n), domain, length)) == v["output"].get<std::string>());
    }
  }
}

TEST_CASE("TurboSHAKE128 output does not depend on how input and output are chunked", "[core][turboshake]") {
  const Bytes msg = pattern(1000);
  const Bytes whole = TurboShake128::hash(msg, 0x01, 500);
  TurboShake128 xof(0x01);
  for (std::size_t off = 0; off < msg.size(); off += 167) {
    xof.absorb(ByteView(msg).subspan(off, std::min<std::size_t>(167, msg.size() - off)));
  }
  Bytes pieces;
  for (std::size_t n : {1U, 166U, 2U, 168U, 163U}) {
    Bytes part = xof.squeeze(n);
    pieces.insert(pieces.end(), part.begin(), part.end());
  }
  CHECK(pieces == whole);
}

TEST_CASE("TurboSHAKE128 rejects bad domain bytes and absorbing after squeezing", "[core][turboshake]") {
  CHECK_THROWS_AS(TurboShake128(0x00), InvalidArgument);
  CHECK_THROWS_AS(TurboShake128(0x80), InvalidArgument);
  TurboShake128 xof(0x1F);
  (void)xof.squeeze(1);
  CHECK_THROWS_AS(xof.absorb(as_bytes("late")), InvalidArgument);
}

TEST_CASE("VDAF XofTurboShake128 vector (draft-irtf-cfrg-vdaf-20)", "[core][turboshake][vectors]") {
  // The draft frames the XOF input as
  //   le16(len(dst)) || dst || u8(len(seed)) || seed || binder
  // under domain byte 1; derive_seed takes the first 32 bytes.
  const auto doc = test::load_json(test::vectors_dir() / "vdaf-20" / "XofTurboShake128.json");
  const Bytes seed = from_hex(doc["seed"].get<std::string>());
  const Bytes dst = from_hex(doc["dst"].get<std::string>());
  const Bytes binder = from_hex(doc["binder"].get<std::string>());
  const std::array<std::byte, 2> dst_len = {static_cast<std::byte>(dst.size() & 0xFF),
                                            static_cast<std::byte>(dst.size() >> 8)};
  const std::array<std::byte, 1> seed_len = {static_cast<std::byte>(seed.size())};
  TurboShake128 xof(0x01);
  xof.absorb(dst_len).absorb(dst).absorb(seed_len).absorb(seed).absorb(binder);
  const Bytes derived = xof.squeeze(32);
  CHECK(to_hex(derived) == doc["derived_seed"].get<std::string>());
  // The field vector is the stream that follows rejection sampling into
  // Field128; for these bytes no sample is rejected, so it is the raw stream.
  const std::string expanded = doc["expanded_vec_field128"].get<std::string>();
  TurboShake128 again(0x01);
  again.absorb(dst_len).absorb(dst).absorb(seed_len).absorb(seed).absorb(binder);
  CHECK(to_hex(again.squeeze(expanded.size() / 2)) == expanded);
}

TEST_CASE("Keccak-p[1600, 24] sponge equals OpenSSL SHAKE128", "[core][turboshake]") {
  for (std::size_t n : {0U, 1U, 167U, 168U, 169U, 1000U}) {
    const Bytes msg = pattern(n);
    detail::KeccakSponge<168, 24> sponge(0x1F);
    sponge.absorb(msg);
    Bytes ours(300);
    sponge.squeeze(ours);
    CHECK(ours == Shake128::hash(msg, 300));
  }
}
