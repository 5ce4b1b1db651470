// Lesson 09 — verifiable random functions and sortition: who leads this
// round, and who sits on its committee, without a coordinator.
//
// What it teaches: a VRF (RFC 9381) is a keyed hash with a proof. Holding
// the secret key, a node computes beta = VRF(sk, alpha) and a proof pi;
// anyone with the public key checks pi and obtains the same beta, and
// nobody can predict beta without the secret key. Sortition turns beta into
// decisions every node can check: "am I a leader candidate this round?"
// (Gosig) and "how many committee votes does my stake give me?" (Algorand).
//
//   Ecvrf vrf(VrfSuite::edwards25519_sha512_ell2);
//   Bytes alpha = sortition::round_input(seed, round);
//   Bytes pi = vrf.prove(sk, alpha);
//   std::optional<Bytes> beta = vrf.verify(pk, alpha, pi);     // nullopt if invalid
//   bool cand = sortition::LeaderElection(3, nodes).is_candidate(*beta);
//   std::uint64_t votes = sortition::committee_votes(*beta, stake, total, tau);
//
// Here 12 nodes prove their lottery tickets for round 7; each node verifies
// everyone's proof and recomputes the decisions itself, so all reach the
// same leader and committee. The decisions use exact integer arithmetic
// (no floating point), so every machine agrees. Costs: a proof is 80
// bytes; proving and verifying take a fraction of a millisecond.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "course.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/sortition.hpp"

using namespace privfin;
namespace sortition = sig::sortition;

int main() {
  return course::main_guard([] {
    Prg prg(random_seed());
    const sig::Ecvrf vrf(sig::VrfSuite::edwards25519_sha512_ell2);
    const std::size_t nodes = 12;
    const std::vector<std::uint64_t> stake = {50, 10, 10, 5, 5, 5, 5, 3, 3, 2, 1, 1};
    const std::uint64_t total_stake = 100, committee_size = 20;
    const sortition::LeaderElection election(/*expected candidates=*/3, nodes);

    // Each node: its key pair, and its ticket for round 7.
    std::vector<sig::VrfKeyPair> keys;
    for (std::size_t i = 0; i < nodes; ++i) keys.push_back(vrf.generate(prg));
    const Bytes seed = to_bytes("consortium ledger, epoch 12");  // public, agreed beforehand
    const Bytes alpha = sortition::round_input(seed, 7);
    std::vector<Bytes> proofs;
    for (const auto& k : keys) proofs.push_back(vrf.prove(k.secret_key.view(), alpha));

    // What each verifier concludes from the public keys and the proofs.
    struct View {
      std::optional<std::size_t> leader;
      std::vector<std::uint64_t> votes;
      bool all_valid = true;
    };
    std::vector<View> views(nodes);
    for (std::size_t me = 0; me < nodes; ++me) {
      Bytes best_priority;
      for (std::size_t i = 0; i < nodes; ++i) {
        const auto beta = vrf.verify(keys[i].public_key, alpha, proofs[i]);
        if (!beta) {
          views[me].all_valid = false;
          continue;
        }
        views[me].votes.push_back(sortition::committee_votes(*beta, stake[i], total_stake, committee_size));
        if (!election.is_candidate(*beta)) continue;
        const Bytes priority = sortition::LeaderElection::priority(*beta);
        if (!views[me].leader || sortition::LeaderElection::precedes(priority, best_priority)) {
          views[me].leader = i;
          best_priority = priority;
        }
      }
    }

    std::uint64_t seats = 0;
    for (std::size_t i = 0; i < nodes; ++i) {
      std::printf("node %2zu: stake %2llu, %llu committee votes\n", i, static_cast<unsigned long long>(stake[i]),
                  static_cast<unsigned long long>(views[0].votes[i]));
      seats += views[0].votes[i];
    }
    if (views[0].leader) {
      std::printf("leader of round 7: node %zu; committee votes in total: %llu (expected about %llu)\n",
                  *views[0].leader, static_cast<unsigned long long>(seats),
                  static_cast<unsigned long long>(committee_size));
    } else {
      std::printf("no leader candidate in round 7 (happens with probability (3/4)^12 ~ 3%%): the round moves on\n");
    }

    bool agree = true;
    for (const auto& v : views) agree = agree && v.all_valid && v.leader == views[0].leader && v.votes == views[0].votes;
    course::expect(agree, "all 12 verifiers accept every proof and reach the same leader and votes");
    bool exact = true;
    for (std::size_t i = 0; i < nodes; ++i) {
      const Bytes beta = vrf.proof_to_hash(proofs[i]);
      exact = exact && sortition::committee_votes_exact(beta, stake[i], total_stake, committee_size) == views[0].votes[i];
    }
    course::expect(exact, "the votes equal the exact (slow, big-integer) computation");

    Bytes forged = proofs[3];
    forged[forged.size() - 1] ^= std::byte{1};
    course::expect(!vrf.verify(keys[3].public_key, alpha, forged), "a proof with one flipped bit is refused");
    course::expect(!vrf.verify(keys[4].public_key, alpha, proofs[3]), "node 3's proof does not pass as node 4's");
  });
}
