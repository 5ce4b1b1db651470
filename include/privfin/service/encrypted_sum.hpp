// privfin/service/encrypted_sum.hpp — a sum of Paillier-encrypted vectors,
// computed by an untrusted aggregator and checked by every contributor (the
// aggregation step of DeepChain-style federated training, or of any tally
// whose adder must not see the addends).
//
//   // contributors 0..3, aggregator 4, vectors of 31 ciphertexts:
//   service::EncryptedSum sum(net, pk, {0, 1, 2, 3}, 4, 31);
//   auto total = sum.contribute(my_ciphertexts);   // at parties 0..3
//   auto total = sum.aggregate();                  // at party 4
//   // total = Enc(slot-wise sum of the four vectors): then decrypt it,
//   // e.g. with service::ThresholdDecryption.
//
// Protocol (one round trip per call): each contributor sends its vector to
// the aggregator; the aggregator multiplies the vectors slot-wise (Paillier
// addition) and posts the product and every contribution to every
// contributor; each contributor checks that its own contribution is posted
// unchanged and that the posted product is the product of the posted
// contributions. So an aggregator that drops, alters or replaces a
// contribution, or posts a wrong sum, is named (ProtocolError naming it).
// An aggregator that posts different (each consistent) sums to different
// contributors is not caught here: decrypt the result with
// ThresholdDecryption, whose batch digest names it (parameters_differ).
// Contributors see each other's ciphertexts, never a plaintext.
//
// Agreement: the first call runs service::agree among the contributors and
// the aggregator on protocol "privfin/service/encrypted-sum" version 1, the
// key id, the two roles and the vector length.
//
// Numbering: 0-based network ids. Cost per call: the aggregator does
// (contributors - 1) * length multiplications mod n^2 and sends
// contributors^2 * length ciphertexts; each contributor does the same
// multiplications to check. Every message is bounded before it is read.
//
// Throws InvalidArgument for bad roles (empty, repeated, outside the
// network, this party in neither role, the aggregator a contributor),
// a length of 0 or above max_length, or a contribution of another length;
// ParameterMismatch; ProtocolError naming the peer for a malformed
// contribution (at the aggregator) or a post that fails a check (at a
// contributor); NetworkError from the network. The network and the key are
// referenced and must outlive the object. One object per party, one thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/agreement.hpp"

namespace privfin::service {

class EncryptedSum {
 public:
  static constexpr std::string_view protocol_name = "privfin/service/encrypted-sum";
  static constexpr std::uint32_t protocol_version = 1;
  static constexpr std::size_t max_length = std::size_t{1} << 20;
  using Ciphertexts = std::vector<he::PaillierCiphertext>;

  // No I/O.
  EncryptedSum(net::Network& net, const he::PaillierPublicKey& key, std::vector<std::size_t> contributors,
               std::size_t aggregator, std::size_t length);

  // At a contributor: sends `mine` (length ciphertexts), returns the checked sum.
  [[nodiscard]] Ciphertexts contribute(std::span<const he::PaillierCiphertext> mine);
  // At the aggregator: collects, adds and posts; returns the sum.
  [[nodiscard]] Ciphertexts aggregate();

  // What the first call agrees on.
  [[nodiscard]] Parameters parameters() const;

  // The aggregator's post: bytes(sum), then bytes(contribution i) for each
  // contributor in order, each a ciphertext vector (he/paillier.hpp form).
  struct Post {
    Ciphertexts sum;
    std::vector<Ciphertexts> contributions;
  };
  [[nodiscard]] static Bytes post_to_bytes(const he::PaillierPublicKey& key, const Post& post);
  // Throws DecodeError unless `bytes` holds exactly 1 + contributors vectors
  // of `length` valid ciphertexts under `key`; bounded before allocating.
  [[nodiscard]] static Post post_from_bytes(const he::PaillierPublicKey& key, ByteView bytes, std::size_t contributors,
                                            std::size_t length);

 private:
  void agree_once();
  [[nodiscard]] std::size_t vector_bytes() const;
  [[nodiscard]] Ciphertexts add_all(const std::vector<Ciphertexts>& vectors) const;

  net::Network& net_;
  const he::PaillierPublicKey& key_;
  std::vector<std::size_t> contributors_;
  std::size_t aggregator_;
  std::size_t length_;
  bool agreed_ = false;
};

}  // namespace privfin::service
