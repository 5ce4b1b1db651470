// Feeds sig::Ecvrf::verify, validate_key and proof_to_hash (RFC 9381) for
// all four suites: a VRF proof and key arrive from the node that claims a
// sortition seat. Input: [selector][...]; the selector picks the suite and
//   untrusted: [public key piece][proof piece][alpha]. A proof that
//      verifies gives beta == proof_to_hash(proof); against a fixed key, a
//      proof verifies only if it is the honest (deterministic) proof of
//      alpha; a key that verifies a proof passes validate_key.
//   honest: [secret key 32][alpha]: prove, then verify must return
//      proof_to_hash(proof); a flipped proof bit must fail.
#include <cstdint>
#include <optional>

#include "privfin/core/error.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t selector = in.u8();
  const auto suite = static_cast<VrfSuite>(selector % 4 + 1);
  const Ecvrf vrf(suite);
  const Bytes fixed_sk(32, std::byte{0x07});
  if ((selector & 4U) != 0) {
    const ByteView sk = in.take(32);
    const std::uint8_t bit = in.u8();
    const ByteView alpha = in.rest();
    Bytes pk, proof;
    try {
      pk = vrf.public_key(sk);
      proof = vrf.prove(sk, alpha);
    } catch (const InvalidArgument&) {
      return 0;  // not a secret key of this suite (wrong size, or 0 / >= q on P-256)
    }
    const auto beta = vrf.verify(pk, alpha, proof);
    fuzz::require(beta.has_value() && *beta == vrf.proof_to_hash(proof));
    proof[bit % proof.size()] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    fuzz::require(!vrf.verify(pk, alpha, proof));
    return 0;
  }
  const ByteView pk = in.piece();
  const ByteView proof = in.piece();
  const ByteView alpha = in.rest();
  const bool valid_key = vrf.validate_key(pk);
  if (const auto beta = vrf.verify(pk, alpha, proof)) {
    fuzz::require(valid_key && *beta == vrf.proof_to_hash(proof));
  }
  try {
    (void)vrf.proof_to_hash(proof);
  } catch (const DecodeError&) {
  }
  if (vrf.verify(vrf.public_key(fixed_sk), alpha, proof)) fuzz::require(fuzz::same(proof, vrf.prove(fixed_sk, alpha)));
  return 0;
}
