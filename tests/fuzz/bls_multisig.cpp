// Feeds sig::bls12_381::MultiSig<V>::from_bytes, which reads consensus
// votes gossiped by peers. Input: [variant][wire bytes]; the variant byte
// picks MinPk or MinSig.
// Oracles: (1) canonical re-encoding: to_bytes(from_bytes(x)) == x;
// (2) no forgery: against a fixed committee of three honest keys, a decoded
// vote with counts of at most 3 verifies exactly when its signature is the
// honest sum of count_i * sig_i (and someone signed).
// from_bytes is called with no committee limit (SIZE_MAX): the announced
// size is checked against the bytes left before anything is allocated, so
// a lying size must end in DecodeError, never bad_alloc.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/bls12_381/multisig.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

constexpr std::size_t members = 3;
constexpr std::string_view message = "block 0x2a: fuzz";

template <class V>
struct Fixture {
  std::vector<SecretKey> keys;
  std::vector<typename Bls<V>::Signature> votes;
  Committee<V> committee;

  static Fixture make() {
    std::vector<SecretKey> keys;
    std::vector<typename Bls<V>::PublicKey> pks;
    std::vector<typename Bls<V>::Signature> pops, votes;
    for (std::size_t i = 0; i < members; ++i) {
      Bytes ikm(32, static_cast<std::byte>(0x11 * (i + 1)));
      keys.push_back(SecretKey::key_gen(ikm));
      pks.push_back(Bls<V>::sk_to_pk(keys.back()));
      pops.push_back(Bls<V>::pop_prove(keys.back()));
      votes.push_back(Bls<V>::sign(keys.back(), as_bytes(message), Scheme::proof_of_possession));
    }
    std::vector<ByteView> pk_views, pop_views;
    for (std::size_t i = 0; i < members; ++i) {
      pk_views.emplace_back(pks[i]);
      pop_views.emplace_back(pops[i]);
    }
    auto committee = Committee<V>::from_keys(pk_views, pop_views);
    return Fixture{std::move(keys), std::move(votes), std::move(committee)};
  }
};

template <class V>
void run(ByteView wire) {
  static const Fixture<V> fixture = Fixture<V>::make();
  MultiSig<V> vote(1);
  try {
    vote = MultiSig<V>::from_bytes(wire, SIZE_MAX);
  } catch (const DecodeError&) {
    return;
  }
  fuzz::require(fuzz::same(vote.to_bytes(), wire));
  if (vote.committee_size() != members) return;
  // The counts, read back from the (now known canonical) encoding.
  Reader r(wire);
  r.expect_version(MultiSig<V>::wire_version, "vote");
  (void)r.varint("size");
  std::array<std::uint64_t, members> counts{};
  for (auto& c : counts) c = r.varint("count");
  for (const auto c : counts) {
    if (c > 3) return;
  }
  MultiSig<V> honest(members);
  bool anyone = false;
  for (std::size_t i = 0; i < members; ++i) {
    for (std::uint64_t k = 0; k < counts[i]; ++k) {
      honest.merge_inplace(MultiSig<V>::single(members, i, fixture.votes[i]));
      anyone = true;
    }
  }
  const bool ok = vote.verify(fixture.committee, as_bytes(message));
  fuzz::require(ok == (anyone && vote.signature() == honest.signature()));
  // Merging the honest vote keeps a valid vote valid.
  if (ok) fuzz::require(vote.merge(honest).verify(fixture.committee, as_bytes(message)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  if (in.u8() % 2 == 0) {
    run<MinPk>(in.rest());
  } else {
    run<MinSig>(in.rest());
  }
  return 0;
}
