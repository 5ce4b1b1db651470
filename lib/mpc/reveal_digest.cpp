// The reveal consistency check (see privfin/mpc/detail/reveal_digest.hpp).
#include "privfin/mpc/detail/reveal_digest.hpp"

#include <array>
#include <string>
#include <vector>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc::detail {

RevealDigest::RevealDigest() { restart(); }

void RevealDigest::restart() {
  hash_ = Sha256();
  Writer w;
  w.raw(as_bytes("privfin reveal digest v1")).u64(epoch_);
  hash_.update(w.data());
  pending_ = 0;
}

void RevealDigest::record(Kind kind, std::size_t count, ByteView bytes) {
  Writer w;
  w.u8(kind).u64(count).u64(bytes.size());
  hash_.update(w.data());
  hash_.update(bytes);
  ++pending_;
}

void RevealDigest::check(net::Network& net, std::span<const std::size_t> peers, const char* where) {
  const Sha256::Digest mine = hash_.finish();
  ++epoch_;
  restart();
  for (std::size_t peer : peers) net.send(peer, ByteView(mine.data(), mine.size()));
  net.flush();
  std::vector<std::size_t> differing;
  for (std::size_t peer : peers) {
    Sha256::Digest theirs{};
    net.receive(peer, std::span<std::byte>(theirs.data(), theirs.size()));
    if (!constant_time_equal(ByteView(mine.data(), mine.size()), ByteView(theirs.data(), theirs.size()))) {
      differing.push_back(peer);
    }
  }
  if (differing.empty()) return;
  std::string who = "party " + std::to_string(differing[0]);
  for (std::size_t i = 1; i < differing.size(); ++i) who += " and party " + std::to_string(differing[i]);
  throw ProtocolError(differing[0],
                      std::string(where) + ": revealed values differ between this party and " + who +
                          " (SHA-256 of the reveals since the last check); one of them, or a party that "
                          "corrupted a share they later revealed, deviated from the protocol");
}

}  // namespace privfin::mpc::detail
