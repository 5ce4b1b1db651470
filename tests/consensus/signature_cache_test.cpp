// The signature cache answers exactly what a verification would: a
// signature that verified is answered from the cache (for that chain id
// only), a bad one is verified, refused and never remembered, and the
// oldest entries go past the capacity.
#include <catch2/catch.hpp>

#include "privfin/consensus/apps/signed_tx.hpp"
#include "privfin/core/prg.hpp"

using namespace privfin;
using namespace privfin::consensus::apps;

TEST_CASE("signature cache: hits only for what verified, per chain id; bad signatures never cached; bounded",
          "[consensus][apps][cache]") {
  Prg prg(Prg::Seed{});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  SignatureCache cache(2);
  const auto a = SignedTx::make(key, "chain", 1, 0, Bytes{std::byte{1}});
  const auto b = SignedTx::make(key, "chain", 1, 1, Bytes{std::byte{2}});
  const auto c = SignedTx::make(key, "chain", 1, 2, Bytes{std::byte{3}});
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == 0);
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == 1);
  CHECK_FALSE(cache.verify(a, "other-chain"));  // other signed bytes: verified, and refused
  CHECK(cache.hits() == 1);

  auto forged = a;
  forged.signature[5] ^= std::byte{1};
  CHECK_FALSE(cache.verify(forged, "chain"));
  CHECK_FALSE(cache.verify(forged, "chain"));
  CHECK(cache.size() == 1);
  auto other_payload = a;
  other_payload.payload[0] = std::byte{9};  // the signature of a, another payload
  CHECK_FALSE(cache.verify(other_payload, "chain"));
  auto short_signer = a;
  short_signer.signer.pop_back();
  CHECK_FALSE(cache.verify(short_signer, "chain"));

  CHECK(cache.verify(b, "chain"));
  CHECK(cache.verify(c, "chain"));  // a is forgotten
  CHECK(cache.size() == 2);
  const auto before = cache.hits();
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == before);  // verified again, not a hit
}
