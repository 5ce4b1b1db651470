// Feeds the Prio3 aggregator's decoders (vdaf): public shares and input
// shares from clients (verify_init), verifier shares and verifier messages
// from the other aggregators (verifier_shares_to_message, verify_next) and
// aggregate shares for the collector (decode_agg_share, unshard), for Count,
// Sum, SumVec, Histogram and MultihotCountVec with 2 or 3 aggregators.
// Input: [selector][measurement bytes 8][target][replacement piece][rand].
// An honest report is made from the input (measurement and sharding
// randomness); then, unless the target says "none", one message of the run
// is replaced by the fuzzed piece.
// Oracles: the untampered report is accepted by every aggregator and
// unshards to the measurement itself; a report with a replaced client or
// aggregator message is either rejected or, if accepted, unshards to the same
// result (a changed share that still verifies would be a soundness failure
// of the check, short of a deliberate forgery); a replaced aggregate share
// decodes only if it re-encodes to the same bytes.
#include <cstdint>
#include <optional>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/vdaf/aggregator.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::vdaf;
using namespace privfin::vdaf;

namespace {

std::uint64_t le64(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size() && i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(b[i])} << (8 * i);
  return v;
}

// A valid measurement of each circuit from 64 input bits, and the aggregate
// result that one such report must produce.
template <class Circuit>
struct Honest;
template <>
struct Honest<Count> {
  static std::uint64_t measurement(std::uint64_t x) { return x & 1U; }
  static std::uint64_t result(std::uint64_t m) { return m; }
};
template <>
struct Honest<Sum> {
  static std::uint64_t measurement(std::uint64_t x) { return x % 1001; }
  static std::uint64_t result(std::uint64_t m) { return m; }
};
template <>
struct Honest<SumVec> {
  static std::vector<std::uint64_t> measurement(std::uint64_t x) {
    std::vector<std::uint64_t> m(4);
    for (std::size_t i = 0; i < 4; ++i) m[i] = (x >> (2 * i)) & 3U;
    return m;
  }
  static std::vector<std::uint64_t> result(const std::vector<std::uint64_t>& m) { return m; }
};
template <>
struct Honest<Histogram> {
  static std::size_t measurement(std::uint64_t x) { return x % 4; }
  static std::vector<std::uint64_t> result(std::size_t m) {
    std::vector<std::uint64_t> r(4);
    r[m] = 1;
    return r;
  }
};
template <>
struct Honest<MultihotCountVec> {
  static std::vector<bool> measurement(std::uint64_t x) {
    std::vector<bool> m(4);
    std::size_t ones = 0;
    for (std::size_t i = 0; i < 4 && ones < 2; ++i) {
      m[i] = ((x >> i) & 1U) != 0;
      ones += m[i] ? 1 : 0;
    }
    return m;
  }
  static std::vector<std::uint64_t> result(const std::vector<bool>& m) {
    std::vector<std::uint64_t> r;
    for (const bool b : m) r.push_back(b ? 1 : 0);
    return r;
  }
};

enum Target : std::uint8_t { none, public_share, input_share, verifier_share, verifier_message, agg_share, targets };

template <class Circuit>
void run(const Prio3<Circuit>& vdaf, fuzz::Splitter& in) {
  using F = typename Circuit::Field;
  const auto measurement = Honest<Circuit>::measurement(le64(in.take(8)));
  const auto expected = Honest<Circuit>::result(measurement);
  const auto target = static_cast<Target>(in.u8() % targets);
  const std::size_t victim = in.u8() % vdaf.num_shares();
  const ByteView replacement = in.piece(true);
  Bytes rand(vdaf.rand_size(), std::byte{0x3c});
  const ByteView seed = in.rest();
  for (std::size_t i = 0; i < seed.size(); ++i) rand[i % rand.size()] ^= seed[i];

  const Bytes verify_key(32, std::byte{0x01});
  const Bytes ctx = {std::byte{'f'}, std::byte{'z'}};
  const Bytes nonce(Prio3<Circuit>::nonce_size, std::byte{0x09});
  auto report = vdaf.shard(ctx, measurement, nonce, rand);
  const auto replace = [&](Bytes& b) {
    const bool changed = !fuzz::same(b, replacement);
    b.assign(replacement.begin(), replacement.end());
    return changed;
  };
  bool tampered = false;
  if (target == public_share) tampered = replace(report.public_share);
  if (target == input_share) tampered = replace(report.input_shares[victim]);

  std::vector<typename Prio3<Circuit>::VerifyState> states;
  std::vector<Bytes> verifier_shares;
  bool rejected = false;
  for (std::size_t j = 0; j < vdaf.num_shares() && !rejected; ++j) {
    auto init = vdaf.verify_init(verify_key, ctx, j, nonce, report.public_share, report.input_shares[j]);
    if (!init) {
      rejected = true;
      break;
    }
    verifier_shares.push_back(init.value().verifier_share);
    states.push_back(std::move(init).value().state);
  }
  std::optional<Bytes> message;
  if (!rejected) {
    if (target == verifier_share) tampered = replace(verifier_shares[victim]);
    auto m = vdaf.verifier_shares_to_message(ctx, verifier_shares);
    if (m) {
      message = m.value();
    } else {
      rejected = true;
    }
  }
  std::vector<Bytes> agg_shares;
  if (!rejected) {
    if (target == verifier_message) tampered = replace(*message);
    for (std::size_t j = 0; j < vdaf.num_shares() && !rejected; ++j) {
      auto out = vdaf.verify_next(ctx, states[j], *message);
      if (!out) {
        rejected = true;
        break;
      }
      std::vector<F> agg = vdaf.empty_aggregate();
      vdaf.aggregate_inplace(agg, out.value());
      agg_shares.push_back(vdaf.encode_agg_share(agg));
    }
  }
  fuzz::require(!rejected || tampered);
  if (rejected) return;
  if (target == agg_share) {
    if (!replace(agg_shares[victim])) return;
    try {
      (void)vdaf.decode_agg_share(agg_shares[victim]);
    } catch (const DecodeError&) {
      return;
    }
    fuzz::require(fuzz::same(vdaf.encode_agg_share(vdaf.decode_agg_share(agg_shares[victim])), replacement));
    return;  // a changed aggregate share changes the result: nothing protects it
  }
  fuzz::require(vdaf.unshard(agg_shares, 1) == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t selector = in.u8();
  const std::size_t shares = 2 + (selector / 5) % 2;
  switch (selector % 5) {
    case 0: run(Prio3<Count>(Count(), shares), in); break;
    case 1: run(Prio3<Sum>(Sum(1000), shares), in); break;
    case 2: run(Prio3<SumVec>(SumVec(4, 3, 2), shares), in); break;
    case 3: run(Prio3<Histogram>(Histogram(4, 2), shares), in); break;
    default: run(Prio3<MultihotCountVec>(MultihotCountVec(4, 2, 2), shares), in); break;
  }
  return 0;
}
