// TMMO_pi (Guo-Katz-Wang-Yu 2020, section 7.4) with fixed-key AES-128.
#include "privfin/ot/crhash.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::ot {
namespace {
constexpr std::size_t chunk = 512;  // blocks per bulk AES call

std::array<std::byte, 16> public_key() {
  const auto digest = Sha256::hash(as_bytes("privfin ot tmmo v1"));
  std::array<std::byte, 16> key{};
  std::copy_n(digest.begin(), key.size(), key.begin());
  return key;
}
}  // namespace

TweakableHash::TweakableHash() : pi_(public_key()) {}

void TweakableHash::permute(std::span<Block> blocks) {
  static_assert(sizeof(Block) == 16);
  pi_.encrypt(std::as_bytes(blocks), std::as_writable_bytes(blocks));
}

void TweakableHash::hash(std::span<const Block> in, std::uint64_t first_index, std::span<Block> out, Block offset) {
  if (in.size() != out.size()) {
    throw InvalidArgument("ot::TweakableHash::hash: " + std::to_string(in.size()) + " inputs, " +
                          std::to_string(out.size()) + " outputs");
  }
  std::array<Block, chunk> first{};
  std::array<Block, chunk> second{};
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    for (std::size_t k = 0; k < n; ++k) first[k] = in[at + k] ^ offset;
    permute(std::span(first).first(n));
    for (std::size_t k = 0; k < n; ++k) second[k] = first[k] ^ Block{first_index + at + k, 0};
    permute(std::span(second).first(n));
    for (std::size_t k = 0; k < n; ++k) out[at + k] = second[k] ^ first[k];
  }
}

}  // namespace privfin::ot
