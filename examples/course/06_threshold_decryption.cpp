// Lesson 06 — threshold decryption: no single key owner, and a cheating
// decryptor named.
//
// What it teaches: in lesson 05 the regulator could decrypt every
// ciphertext alone. With threshold Paillier the secret key is split among
// l parties so that any t of them decrypt together and fewer learn
// nothing. Each party turns the ciphertext into a decryption share with a
// zero-knowledge proof (DLEQ, zk/dleq.hpp) that it used its real key share;
// anyone combines t valid shares into the plaintext, and a share whose
// proof fails is rejected with the party that sent it. Encryption is
// unchanged: the public key is an ordinary Paillier key.
//
//   auto keys = he::ThresholdPaillierDealer::generate(bits, /*t=*/2, /*l=*/3, prg);
//   he::DecryptionShare s = keys.shares[i].decrypt_share(keys.public_key, c, prg);   // party i
//   Bytes wire = tpk.share_to_bytes(s);       DecryptionShare r = tpk.share_from_bytes(wire);
//   he::CombineResult out = tpk.combine(c, shares);   // out.plaintext, out.rejected
//
// Here a dealer (run once, then gone) gives three banks a 2-of-3 key; the
// banks add their encrypted exposures, then each broadcasts its decryption
// share over the network; bank 2 cheats. Every bank still decrypts, and
// names bank 2. A share states which key share made it; the receiver checks
// that against the authenticated sender, so a bank cannot speak for another.
// Costs at 2048 bits (docs/performance.md): a decryption share with its
// proof about 50 ms, checking one 30 ms. Keys need safe primes, slow to
// find (seconds to minutes at 2048 bits), so this lesson uses a 1024-bit
// key to start quickly: use 2048 bits or more.
// Key share i belongs to network party i (0-based, like every party id in
// privfin). Over a real network, service::ThresholdDecryption
// (service/threshold_decryption.hpp) does these rounds, the identity check
// and the proofs for batches of ciphertexts.
#include <cstdio>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/he/threshold_paillier.hpp"

using namespace privfin;

int main() {
  return course::main_guard([] {
    Prg dealer_prg(random_seed());
    const auto keys = he::ThresholdPaillierDealer::generate(1024, /*threshold=*/2, /*parties=*/3, dealer_prg);
    const he::ThresholdPaillierPublicKey& tpk = keys.public_key;
    const std::vector<long> exposures = {1'200, 3'400, 560};
    const std::size_t cheater = 2;

    // Anyone: encrypt and add under the ordinary Paillier public key.
    const he::PaillierPublicKey& pk = tpk.paillier();
    auto total = pk.encrypt_public(0);
    for (long x : exposures) total = pk.add(total, pk.encrypt(x, dealer_prg));

    std::vector<he::CombineResult> results(3);
    course::run_parties(3, [&](net::Network& net) {
      const std::size_t me = net.party_id();
      Prg prg(random_seed());
      he::DecryptionShare mine = keys.shares[me].decrypt_share(tpk, total, prg);
      if (me == cheater) mine.value = pk.n_squared() - mine.value;  // a wrong share, proof unchanged
      const Bytes wire = tpk.share_to_bytes(mine);
      for (std::size_t peer = 0; peer < 3; ++peer) {
        if (peer != me) net.send_message(peer, wire);
      }
      std::vector<he::DecryptionShare> shares = {keys.shares[me].decrypt_share(tpk, total, prg)};
      for (std::size_t peer = 0; peer < 3; ++peer) {
        if (peer == me) continue;
        he::DecryptionShare s = tpk.share_from_bytes(net.receive_message(peer));  // DecodeError if malformed
        // Identity binding: the share's key-share index must be the sender's network id.
        if (s.party != peer) throw ProtocolError(peer, "decryption share for another party");
        shares.push_back(std::move(s));
      }
      results[me] = tpk.combine(total, shares, /*by=*/me);  // verifies every proof first
    });

    long want = 0;
    for (long x : exposures) want += x;
    bool all_decrypt = true, cheater_named = true;
    for (std::size_t bank = 0; bank < 3; ++bank) {
      const auto& r = results[bank];
      std::printf("bank %zu: total %s, rejected:", bank, r.plaintext.get_str().c_str());
      for (const auto& rej : r.rejected) std::printf(" %s", rej.describe().c_str());
      std::printf("\n");
      all_decrypt = all_decrypt && r.plaintext == want;
      if (bank != cheater) {
        cheater_named = cheater_named && r.rejected.size() == 1 && r.rejected[0].from == cheater;
      }
    }
    course::expect(all_decrypt, "every bank decrypts the plaintext total with 2 of 3 shares");
    course::expect(cheater_named, "the two honest banks reject the cheater's share and name it");
  });
}
