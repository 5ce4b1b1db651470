// Feeds the Beaver dealer's wire messages (lib/mpc/dealer.cpp) over an
// in-process LocalNetwork: the requests that compute party n-1 sends to the
// dealer (run_dealer), and the seed message the dealer sends to each compute
// party (DealerPreprocessing's constructor). Input: [mode][...]:
//   0  up to 8 requests, each [length byte][body]; the harness frames each
//      as a message and ends with "done". Oracle: a second, independent
//      reading of the request format (version 1, kind, u64 size, shift;
//      11 bytes) predicts whether run_dealer fails and, if it does not, its
//      statistics (requests, triples, words, masks) exactly.
//   1  the seed message for party 0 of 2: accepted exactly when it is
//      [1][u32 2][u32 0][16-byte seed].
// Requests the dealer would honestly serve but that are larger than 2^16
// values end the sequence instead (the dealer legitimately streams up to
// 2^26 values, gigabytes per input); sizes above the limit still go in.
#include <cstdint>
#include <optional>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/net/local_network.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::mpc;

namespace {

std::uint64_t le(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size(); ++i) v |= std::uint64_t{static_cast<unsigned char>(b[i])} << (8 * i);
  return v;
}

// What the dealer should do with one request: serve it (adding to the
// expected statistics), stop (done), or fail.
enum class Verdict { serve, done, fail };

Verdict judge(ByteView m, DealerStats& expected) {
  if (m.size() != 11 || m[0] != std::byte{dealer_wire_version}) return Verdict::fail;
  const auto kind = static_cast<unsigned>(m[1]);
  const std::uint64_t size = le(m.subspan(2, 8));
  const auto shift = static_cast<unsigned>(m[10]);
  if (kind == 0) return Verdict::done;
  if (size == 0 || size > dealer_max_request || kind > 3) return Verdict::fail;
  if (kind == 3 && (shift < 1 || shift > 62)) return Verdict::fail;
  ++expected.requests;
  if (kind == 1) expected.arith_triples += size;
  if (kind == 2) expected.bool_triple_words += size;
  if (kind == 3) expected.trunc_masks += size;
  return Verdict::serve;
}

void requests(fuzz::Splitter& in) {
  auto nets = net::LocalNetwork::create(3);  // compute parties 0 and 1, dealer 2
  DealerStats expected;
  bool fails = false;
  for (int i = 0; i < 8 && !in.empty(); ++i) {
    const ByteView m = in.take(in.u8() % 16);
    DealerStats next = expected;
    const Verdict v = judge(m, next);
    if (v == Verdict::serve && le(m.subspan(2, 8)) > (std::uint64_t{1} << 16)) break;
    nets[1]->send_message(2, m);
    if (v == Verdict::fail) {
      fails = true;
      break;
    }
    if (v == Verdict::done) break;
    expected = next;
  }
  if (!fails) {
    const Bytes done = {std::byte{dealer_wire_version}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
                        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
    nets[1]->send_message(2, done);
  }
  nets[1]->flush();
  Prg seeds(Prg::Seed{});
  std::optional<DealerStats> stats;
  try {
    stats = run_dealer(*nets[2], 2, seeds);
  } catch (const ProtocolError&) {
  } catch (const DecodeError&) {  // a message longer than a request, refused by the network layer
  }
  fuzz::require(stats.has_value() == !fails);
  if (stats) {
    fuzz::require(stats->requests == expected.requests && stats->arith_triples == expected.arith_triples &&
                  stats->bool_triple_words == expected.bool_triple_words &&
                  stats->trunc_masks == expected.trunc_masks);
  }
}

void seed_message(ByteView m) {
  auto nets = net::LocalNetwork::create(3);
  nets[2]->send_message(0, m);
  nets[2]->flush();
  const bool valid = m.size() == 25 && m[0] == std::byte{dealer_wire_version} && le(m.subspan(1, 4)) == 2 &&
                     le(m.subspan(5, 4)) == 0;
  bool accepted = false;
  try {
    DealerPreprocessing pre(*nets[0], 2, 2);
    accepted = true;
  } catch (const ProtocolError&) {
  } catch (const DecodeError&) {
  }
  fuzz::require(accepted == valid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  if ((in.u8() & 1U) == 0) {
    requests(in);
  } else {
    seed_message(in.rest());
  }
  return 0;
}
