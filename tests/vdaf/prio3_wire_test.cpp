// Every Prio3 wire format, exhaustively: every truncation and every
// single-bit flip of the public share, each input share, each verifier
// (prep) share and the verifier (prep) message makes the report rejected;
// of an aggregate share, is refused (DecodeError) or decodes to another
// value. Circuits: Histogram (Field128, joint randomness, 3 aggregators)
// and Count (Field64, no joint randomness, 2 aggregators).
#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include "privfin/vdaf/aggregator.hpp"  // verify_in_process

using namespace privfin;
using namespace privfin::vdaf;

namespace {

const Bytes kCtx = to_bytes("privfin wire test");
const Bytes kKey(32, std::byte{9});

// Every variant of `wire` that must be refused: each proper prefix, the
// wire with one byte more, and each single-bit flip.
std::vector<Bytes> variants(const Bytes& wire) {
  std::vector<Bytes> out;
  for (std::size_t n = 0; n < wire.size(); ++n) out.emplace_back(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
  Bytes longer = wire;
  longer.push_back(std::byte{0});
  out.push_back(longer);
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
    out.push_back(std::move(flipped));
  }
  return out;
}

// One report through every aggregator, with any of its messages replaced.
// Returns true if every aggregator accepts it.
template <class Circuit>
struct Run {
  const Prio3<Circuit>& vdaf;
  Bytes nonce;
  typename Prio3<Circuit>::ShardResult report;

  enum class Target { public_share, input_share, verifier_share, verifier_message };

  bool accepted(Target target, std::size_t who, const Bytes* replacement) const {
    std::vector<Bytes> shares;
    std::vector<typename Prio3<Circuit>::VerifyState> states;
    for (std::size_t j = 0; j < vdaf.num_shares(); ++j) {
      const bool swap_public = replacement && target == Target::public_share;  // every aggregator gets the same
      const bool swap_input = replacement && target == Target::input_share && j == who;
      auto init = vdaf.verify_init(kKey, kCtx, j, nonce, swap_public ? *replacement : report.public_share,
                                   swap_input ? *replacement : report.input_shares[j]);
      if (!init) return false;
      shares.push_back(init.value().verifier_share);
      states.push_back(init.value().state);
    }
    if (replacement && target == Target::verifier_share) shares[who] = *replacement;
    auto message = vdaf.verifier_shares_to_message(kCtx, shares);
    if (!message) return false;
    const Bytes m = replacement && target == Target::verifier_message ? *replacement : message.value();
    for (const auto& st : states) {
      if (!vdaf.verify_next(kCtx, st, m)) return false;
    }
    return true;
  }

  Bytes honest(Target target, std::size_t who) const {
    if (target == Target::public_share) return report.public_share;
    if (target == Target::input_share) return report.input_shares[who];
    std::vector<Bytes> shares;
    for (std::size_t j = 0; j < vdaf.num_shares(); ++j) {
      shares.push_back(vdaf.verify_init(kKey, kCtx, j, nonce, report.public_share, report.input_shares[j]).value().verifier_share);
    }
    if (target == Target::verifier_share) return shares[who];
    return vdaf.verifier_shares_to_message(kCtx, shares).value();
  }
};

template <class Circuit>
void every_message_refused(const Prio3<Circuit>& vdaf, const typename Circuit::Measurement& m) {
  Prg prg(Prg::Seed{{std::byte{0x21}}});
  Run<Circuit> run{vdaf, prg.bytes(16), {}};
  run.report = vdaf.shard(kCtx, m, run.nonce, prg.bytes(vdaf.rand_size()));
  using Target = typename Run<Circuit>::Target;
  REQUIRE(run.accepted(Target::public_share, 0, nullptr));
  for (const Target target : {Target::public_share, Target::input_share, Target::verifier_share, Target::verifier_message}) {
    const std::size_t parties = target == Target::public_share || target == Target::verifier_message ? 1 : vdaf.num_shares();
    for (std::size_t who = 0; who < parties; ++who) {
      const Bytes wire = run.honest(target, who);
      CAPTURE(static_cast<int>(target), who, wire.size());
      for (const Bytes& v : variants(wire)) {
        // The empty public share / verifier message of a circuit without joint
        // randomness has no bits; only its longer variant applies.
        CHECK_FALSE(run.accepted(target, who, &v));
      }
    }
  }

  // Aggregate shares: refused or a different value.
  auto outs = verify_in_process(vdaf, kKey, kCtx, run.nonce, run.report.public_share, run.report.input_shares);
  REQUIRE(outs);
  const Bytes agg = vdaf.encode_agg_share(outs.value()[0]);
  REQUIRE(vdaf.decode_agg_share(agg) == outs.value()[0]);
  std::size_t checked = 0;
  for (const Bytes& v : variants(agg)) {
    bool same = false;
    try {
      same = vdaf.decode_agg_share(v) == outs.value()[0];
    } catch (const DecodeError&) {
      ++checked;
    }
    CHECK_FALSE(same);
  }
  CHECK(checked >= agg.size() + 1);  // at least every truncation and the longer one
}

}  // namespace

TEST_CASE("Prio3 wire formats: every truncation and bit flip is refused (Histogram, 3 aggregators)",
          "[vdaf][prio3][formats]") {
  every_message_refused(Prio3<Histogram>(Histogram(4, 2), 3), std::size_t{2});
}

TEST_CASE("Prio3 wire formats: every truncation and bit flip is refused (Count, 2 aggregators)",
          "[vdaf][prio3][formats]") {
  every_message_refused(Prio3<Count>(Count(), 2), std::uint64_t{1});
}
