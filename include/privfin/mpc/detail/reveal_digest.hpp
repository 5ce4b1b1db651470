// privfin/mpc/detail/reveal_digest.hpp — the consistency check behind
// Rep3::Options::check_reveals: a running SHA-256 of every value revealed to
// all parties, compared with peers in one round.
//
//   detail::RevealDigest log;
//   log.record(detail::RevealDigest::arith, values_as_bytes, count);
//   ...
//   log.check(net, peers, "mpc::Rep3::check_reveals");   // ProtocolError on mismatch
//
// The digest covers, for every recorded batch, its kind, its element count
// and its bytes, so that batches cannot be re-split without changing it. It
// is a function of values every honest party already knows, so sending it
// leaks nothing. Internal. Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::net {
class Network;
}

namespace privfin::mpc::detail {

class RevealDigest {
 public:
  enum Kind : std::uint8_t { arith = 1, boolean = 2 };

  RevealDigest();
  // Adds one revealed batch (`count` elements or words, `bytes` their
  // little-endian encoding).
  void record(Kind kind, std::size_t count, ByteView bytes);
  // Batches recorded since construction or the last check().
  [[nodiscard]] std::uint64_t pending() const noexcept { return pending_; }
  // One round: sends this party's 32-byte digest to every peer in `peers`,
  // receives theirs, starts a fresh digest, and throws ProtocolError naming
  // the first peer (in the order of `peers`) whose digest differs; the
  // message names every peer that differs. NetworkError from the network.
  void check(net::Network& net, std::span<const std::size_t> peers, const char* where);

 private:
  void restart();
  Sha256 hash_;
  std::uint64_t epoch_ = 0;  // number of completed checks
  std::uint64_t pending_ = 0;
};

}  // namespace privfin::mpc::detail
