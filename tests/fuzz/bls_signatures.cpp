// Feeds the BLS verifiers that take a peer's bytes: Bls<V>::verify,
// validate_key, pop_verify and fast_aggregate_verify (BlsMinPk and
// BlsMinSig). Input: [selector][pieces...]; the selector picks the variant,
// the scheme and one of two modes:
//   0  untrusted: [pk piece][signature piece][message]. Against a fixed
//      honest key, a signature verifies only if it decodes to the honest
//      (unique) signature of that message, and a proof of possession only if
//      it decodes to the honest proof; validate_key accepts only keys that
//      decode into the subgroup and are not the identity; the fuzzed key and
//      signature go through verify and pop_verify for memory safety.
//   1  honest: [ikm piece][message]: a key made from the input signs the
//      message; verify, validate_key, pop_verify and fast_aggregate_verify
//      (with the fixed key, both signatures aggregated) must all accept.
// Keys and signatures have one accepted encoding (compressed): whatever
// validate_key, verify or pop_verify accepts is byte-equal to the honest
// encoding, so de-duplication by bytes is sound.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "privfin/core/error.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

G1 decode(ByteView b, G1* /*tag*/) { return g1_from_bytes(b, false); }
G2 decode(ByteView b, G2* /*tag*/) { return g2_from_bytes(b, false); }

template <class P>
std::optional<P> try_decode(ByteView b) {
  try {
    return decode(b, static_cast<P*>(nullptr));
  } catch (const DecodeError&) {
    return std::nullopt;
  }
}

template <class V>
void run(Scheme scheme, bool honest, fuzz::Splitter& in) {
  using B = Bls<V>;
  using Pk = typename V::PkPoint;
  static const SecretKey fixed_sk = SecretKey::key_gen(Bytes(32, std::byte{0x5a}));
  static const typename B::PublicKey fixed_pk = B::sk_to_pk(fixed_sk);
  static const typename B::Signature fixed_pop = B::pop_prove(fixed_sk);

  if (honest) {
    Bytes ikm(32, std::byte{0});
    const ByteView seed = in.piece();
    for (std::size_t i = 0; i < seed.size(); ++i) ikm[i % 32] ^= seed[i];
    const SecretKey sk = SecretKey::key_gen(ikm);
    const ByteView msg = in.rest();
    const auto pk = B::sk_to_pk(sk);
    const auto sig = B::sign(sk, msg, scheme);
    fuzz::require(B::validate_key(pk));
    fuzz::require(B::verify(pk, msg, sig, scheme));
    fuzz::require(B::pop_verify(pk, B::pop_prove(sk)));
    if (scheme == Scheme::proof_of_possession) {
      const auto other = B::sign(fixed_sk, msg, scheme);
      const std::array<ByteView, 2> sigs = {ByteView(sig), ByteView(other)};
      const auto agg = B::aggregate(sigs);
      const std::array<ByteView, 2> pks = {ByteView(pk), ByteView(fixed_pk)};
      fuzz::require(B::fast_aggregate_verify(pks, msg, agg));
    }
    return;
  }
  const ByteView pk = in.piece();
  const ByteView sig = in.piece();
  const ByteView msg = in.rest();
  const bool valid_key = B::validate_key(pk);
  if (valid_key) {
    const auto point = try_decode<Pk>(pk);
    fuzz::require(point.has_value() && !point->is_identity());
    fuzz::require(pk.size() == V::pk_size);  // the compressed form only
  }
  (void)B::verify(pk, msg, sig, scheme);
  (void)B::pop_verify(pk, sig);
  if (B::verify(fixed_pk, msg, sig, scheme)) {
    const auto honest_sig = B::sign(fixed_sk, msg, scheme);
    fuzz::require(fuzz::same(sig, honest_sig));
  }
  if (B::pop_verify(fixed_pk, sig)) fuzz::require(fuzz::same(sig, fixed_pop));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t selector = in.u8();
  const Scheme scheme = static_cast<Scheme>((selector >> 2U) % 3);
  const bool honest = (selector & 2U) != 0;
  if ((selector & 1U) == 0) {
    run<MinPk>(scheme, honest, in);
  } else {
    run<MinSig>(scheme, honest, in);
  }
  return 0;
}
