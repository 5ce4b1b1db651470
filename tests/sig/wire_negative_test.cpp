// Every truncation and every single-bit flip of each signature-layer
// encoding is refused: verifiers return false, decoders throw DecodeError
// or give another value.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/bls12_381/multisig.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

Prg fixed_prg(unsigned char tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  return Prg(seed);
}

const Bytes& message() {
  static const Bytes m = to_bytes("transfer 100 from A to B");
  return m;
}

}  // namespace

TEST_CASE("wire: Ed25519 signature, public key and SPKI refuse every truncation and bit flip", "[sig][wire]") {
  auto prg = fixed_prg(1);
  const auto sk = Ed25519SecretKey::generate(prg);
  const Bytes sig = sk.sign(message());
  const Bytes& pk = sk.public_key();
  test::check_verifier_refuses_mutations(sig, [&](ByteView s) { return ed25519_verify(pk, message(), s); });
  test::check_verifier_refuses_mutations(pk, [&](ByteView k) { return ed25519_verify(k, message(), sig); });
  test::check_truncations_and_flips(
      ed25519_public_key_to_spki_der(pk), [](ByteView der) { return ed25519_public_key_from_spki_der(der); },
      [&](const Bytes& k) { return k == pk; });
}

TEST_CASE("wire: ECVRF proofs and keys refuse every truncation and bit flip", "[sig][wire]") {
  for (const auto suite : {VrfSuite::p256_sha256_tai, VrfSuite::edwards25519_sha512_ell2}) {
    const Ecvrf vrf(suite);
    auto prg = fixed_prg(2);
    const auto keys = vrf.generate(prg);
    const Bytes proof = vrf.prove(keys.secret_key.view(), message());
    test::check_verifier_refuses_mutations(
        proof, [&](ByteView p) { return vrf.verify(keys.public_key, message(), p).has_value(); });
    test::check_verifier_refuses_mutations(
        keys.public_key, [&](ByteView k) { return vrf.verify(k, message(), proof).has_value(); });
  }
}

TEMPLATE_TEST_CASE("wire: BLS signatures, keys, proofs of possession and multisignatures refuse every "
                   "truncation and bit flip",
                   "[sig][wire]", bls12_381::MinPk, bls12_381::MinSig) {
  using Bls = bls12_381::Bls<TestType>;
  const Bytes ikm(32, std::byte{0x42});
  const auto sk = bls12_381::SecretKey::key_gen(ikm);
  const auto pk = Bls::sk_to_pk(sk);
  const auto sig = Bls::sign(sk, message(), bls12_381::Scheme::proof_of_possession);
  const auto pop = Bls::pop_prove(sk);
  const auto pop_scheme = bls12_381::Scheme::proof_of_possession;
  test::check_verifier_refuses_mutations(sig, [&](ByteView s) { return Bls::verify(pk, message(), s, pop_scheme); });
  test::check_verifier_refuses_mutations(pk, [&](ByteView k) { return Bls::verify(k, message(), sig, pop_scheme); });
  test::check_verifier_refuses_mutations(pop, [&](ByteView p) { return Bls::pop_verify(pk, p); });

  const std::array<ByteView, 1> pks{ByteView(pk)};
  const std::array<ByteView, 1> pops{ByteView(pop)};
  const auto committee = bls12_381::Committee<TestType>::from_keys(pks, pops);
  const auto vote = bls12_381::MultiSig<TestType>::single(1, 0, sig);
  test::check_verifier_refuses_mutations(vote.to_bytes(), [&](ByteView wire) {
    try {
      return bls12_381::MultiSig<TestType>::from_bytes(wire, 1).verify(committee, message());
    } catch (const DecodeError&) {
      return false;
    }
  });
}
