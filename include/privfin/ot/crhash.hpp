// privfin/ot/crhash.hpp — the tweakable correlation-robust hash that turns
// extension-matrix rows into OT messages: TMMO_pi of Guo, Katz, Wang, Yu,
// "Efficient and Secure Multiparty Computation from Fixed-Key Block
// Ciphers" (IEEE S&P 2020, ePrint 2019/074, section 7.4),
//
//   H(i, x) = pi(pi(x) ^ i) ^ pi(x),   pi = AES-128 under a fixed public key,
//
// with the tweak i the global index of the OT, so that no two OTs of a
// session hash under the same tweak.
//
//   ot::TweakableHash h;
//   h.hash(rows, first_index, out);   // out[k] = H(first_index + k, rows[k])
//
// The key is SHA-256("privfin ot tmmo v1")[0..16), public by design (the
// construction's security rests on pi being an ideal permutation). Two AES
// calls per block, in bulk through OpenSSL (AES-NI where present); no
// allocation beyond a fixed buffer. Not thread-safe (one per thread).
// Throws privfin::Error if OpenSSL cannot set up AES.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/detail/fixed_key_aes.hpp"
#include "privfin/ot/block.hpp"

namespace privfin::ot {

class TweakableHash {
 public:
  TweakableHash();

  // out[k] = H(first_index + k, in[k] ^ offset); in and out may alias.
  // InvalidArgument if the sizes differ.
  void hash(std::span<const Block> in, std::uint64_t first_index, std::span<Block> out, Block offset = {});

 private:
  void permute(std::span<Block> blocks);
  detail::FixedKeyAes128 pi_;
};

}  // namespace privfin::ot
