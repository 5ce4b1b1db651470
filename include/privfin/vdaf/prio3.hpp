// privfin/vdaf/prio3.hpp — Prio3, the VDAF of draft-irtf-cfrg-vdaf-20
// ("Prio3"), over any validity circuit of vdaf/circuits.hpp or of your own
// (the Prio3Circuit concept there), any number of aggregators from 2 to 255
// and any number of proofs from 1 to 255 ("Multiple Proofs"), with
// XofTurboShake128. Messages are the draft's byte encodings.
// Security model: privacy holds while one aggregator is honest; robustness
// (a malformed measurement is rejected) holds while all aggregators are
// honest, with the draft's soundness error (circuit + FLP soundness) raised
// to the number of proofs.
//
//   Prio3<Histogram> vdaf(Histogram(10, 4), /*num_shares=*/2);
//   Prio3<SumVecField64> multi(SumVecField64(10, 255, 9), 2,
//                              Prio3Options().with_num_proofs(3).with_algorithm_id(0xFFFFFFFF));
//   auto [public_share, input_shares] = vdaf.shard(ctx, 3, nonce, prg);  // client
//   auto init = vdaf.verify_init(verify_key, ctx, agg_id, nonce, public_share, input_shares[agg_id]);
//   if (!init) { /* init.reason(), init.detail() */ }
//   auto message = vdaf.verifier_shares_to_message(ctx, all_verifier_shares);  // any one party
//   auto out = vdaf.verify_next(ctx, init.value().state, message.value());     // each aggregator
//   vdaf.aggregate_inplace(agg_share, out.value());
//   auto result = vdaf.unshard(agg_shares_bytes, num_measurements);            // collector
//
// Caller duties: the verify key (32 bytes) is random, shared by the
// aggregators and secret from clients; each report's nonce is unique and a
// report is verified at most once (Prio3 input shares are single-use —
// see Aggregator in vdaf/aggregator.hpp for replay protection); `rand` for
// shard() is secret and uniformly random.
// With num_proofs = N the client proves N times, each proof with its own
// slice of the prover randomness and of the joint randomness (both expanded
// once, N times as long, with the binder byte(N)); each aggregator queries
// each proof with its own slice of the query randomness; the proofs, and the
// verifiers, are concatenated; every proof must be accepted.
// Errors: bytes from clients or peers never throw; a bad report comes back as
// a rejected Outcome with a Reason and a detail message (to_cause() maps a
// Reason to the library-wide privfin::RejectionCause). Misuse by
// the caller (a verify key of the wrong size, an aggregator id out of range,
// a measurement out of range in shard()) throws InvalidArgument; a malformed
// aggregate share in unshard() throws DecodeError. Prio3 objects are
// immutable; all member functions are const and thread-safe.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/vdaf/flp.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/xof.hpp"
#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf {

// Why a report was rejected (the detailed, Prio3-specific reason; to_cause()
// gives the library-wide privfin::RejectionCause of core/rejection.hpp).
// The numeric values are a wire form (service/prio3_messages.hpp): append, never renumber.
enum class Reason : std::uint8_t {
  none = 0,
  wrong_nonce_length = 1,         // the nonce is not 16 bytes
  malformed_public_share = 2,     // wrong length
  malformed_input_share = 3,      // wrong length or an element >= p
  malformed_verifier_share = 4,   // a peer's verifier share: wrong length, element >= p, or wrong count
  malformed_verifier_message = 5, // wrong length
  query_point_is_root = 6,        // the query randomness hit a root of unity (negligible)
  proof_rejected = 7,             // the FLP decision failed: the measurement is invalid or a share was tampered with
  joint_rand_mismatch = 8,        // the client's joint randomness parts disagree with the aggregators'
  replayed_report = 9,            // the report id was seen before (Aggregator)
  unknown_report = 10,            // no pending verification for this report id (Aggregator)
};

[[nodiscard]] constexpr std::string_view to_string(Reason r) noexcept {
  switch (r) {
    case Reason::none: return "none";
    case Reason::wrong_nonce_length: return "wrong nonce length";
    case Reason::malformed_public_share: return "malformed public share";
    case Reason::malformed_input_share: return "malformed input share";
    case Reason::malformed_verifier_share: return "malformed verifier share";
    case Reason::malformed_verifier_message: return "malformed verifier message";
    case Reason::query_point_is_root: return "query point is a root of unity";
    case Reason::proof_rejected: return "proof rejected";
    case Reason::joint_rand_mismatch: return "joint randomness mismatch";
    case Reason::replayed_report: return "replayed report";
    case Reason::unknown_report: return "unknown report";
  }
  return "unknown";
}

// The library-wide cause for a Prio3 reason: malformed bytes, a failed
// proof or joint-randomness check, or a replay.
[[nodiscard]] constexpr RejectionCause to_cause(Reason r) noexcept {
  switch (r) {
    case Reason::wrong_nonce_length:
    case Reason::malformed_public_share:
    case Reason::malformed_input_share:
    case Reason::malformed_verifier_share:
    case Reason::malformed_verifier_message: return RejectionCause::malformed;
    case Reason::proof_rejected:
    case Reason::joint_rand_mismatch: return RejectionCause::invalid_proof;
    case Reason::replayed_report: return RejectionCause::replayed;
    case Reason::none:
    case Reason::query_point_is_root:
    case Reason::unknown_report: return RejectionCause::other;
  }
  return RejectionCause::other;
}

// A value, or the reason there is none.
template <class T>
class [[nodiscard]] Outcome {
 public:
  static Outcome accept(T value) { return Outcome(std::move(value)); }
  static Outcome reject(Reason reason, std::string detail) { return Outcome(reason, std::move(detail)); }

  [[nodiscard]] bool accepted() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return accepted(); }
  [[nodiscard]] Reason reason() const noexcept { return reason_; }
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
  // Throws InvalidArgument when rejected.
  [[nodiscard]] const T& value() const& {
    if (!value_) throw InvalidArgument("Outcome::value() on a rejected report: " + detail_);
    return *value_;
  }
  [[nodiscard]] T&& value() && {
    if (!value_) throw InvalidArgument("Outcome::value() on a rejected report: " + detail_);
    return std::move(*value_);
  }

 private:
  explicit Outcome(T value) : value_(std::move(value)) {}
  Outcome(Reason reason, std::string detail) : reason_(reason), detail_(std::move(detail)) {}
  std::optional<T> value_;
  Reason reason_ = Reason::none;
  std::string detail_;
};

// The draft's version byte in every domain-separation tag.
inline constexpr std::uint8_t vdaf_draft_version = 18;

// Usages of the XOF in Prio3 (the draft's USAGE_* constants).
enum class Usage : std::uint16_t {
  meas_share = 1,
  proof_share = 2,
  joint_randomness = 3,
  prove_randomness = 4,
  query_randomness = 5,
  joint_rand_seed = 6,
  joint_rand_part = 7,
};

// Parameters of a Prio3 instance beyond its circuit and number of shares:
//   Prio3Options().with_num_proofs(3).with_algorithm_id(0xFFFFFFFF)
// (setters rather than designated initializers, which g++ -Wextra flags
// when a member is left out).
struct Prio3Options {
  // The draft's PROOFS, 1..255. Field64 circuits with joint randomness need 3
  // or more (the draft's MUST: soundness near 2^-128 against offline search).
  std::size_t num_proofs = 1;
  // The VDAF id in every domain-separation tag. Default: the circuit's
  // registered Circuit::algorithm_id; required for a circuit without one.
  std::optional<std::uint32_t> algorithm_id = std::nullopt;

  Prio3Options& with_num_proofs(std::size_t n) noexcept {
    num_proofs = n;
    return *this;
  }
  Prio3Options& with_algorithm_id(std::uint32_t id) noexcept {
    algorithm_id = id;
    return *this;
  }
};

template <Prio3Circuit Circuit>
class Prio3 {
 public:
  using F = typename Circuit::Field;
  using Measurement = typename Circuit::Measurement;
  using AggregateResult = typename Circuit::AggregateResult;
  using Xof = XofTurboShake128;

  static constexpr std::size_t seed_size = Xof::seed_size;
  static constexpr std::size_t verify_key_size = Xof::seed_size;
  static constexpr std::size_t nonce_size = 16;
  static constexpr std::size_t max_proofs = 255;

  struct ShardResult {
    Bytes public_share;
    std::vector<Bytes> input_shares;  // index = aggregator id; 0 is the leader
  };
  // What an aggregator keeps between verify_init and verify_next.
  struct VerifyState {
    std::vector<F> out_share;
    std::optional<Bytes> corrected_joint_rand_seed;
  };
  struct VerifyInit {
    VerifyState state;
    Bytes verifier_share;  // sent to the party that combines verifier shares
  };

  // Throws InvalidArgument unless 2 <= num_shares <= 255 and 1 <=
  // num_proofs <= 255, when Field64 with joint randomness has fewer than 3
  // proofs, or when there is no algorithm id (neither in the options nor
  // Circuit::algorithm_id).
  Prio3(Circuit circuit, std::size_t num_shares, Prio3Options options = {})
      : flp_(std::move(circuit)), shares_(num_shares), proofs_(options.num_proofs) {
    if (shares_ < 2 || shares_ > 255) {
      throw InvalidArgument("Prio3: the number of shares must be in 2..255, got " + std::to_string(shares_));
    }
    if (proofs_ < 1 || proofs_ > max_proofs) {
      throw InvalidArgument("Prio3: the number of proofs must be in 1..255, got " + std::to_string(proofs_));
    }
    if (std::same_as<F, Field64> && flp_.joint_rand_len() > 0 && proofs_ < 3) {
      throw InvalidArgument("Prio3: a Field64 circuit with joint randomness needs at least 3 proofs, got " +
                            std::to_string(proofs_));
    }
    if (options.algorithm_id) {
      algorithm_id_ = *options.algorithm_id;
    } else if constexpr (requires { Circuit::algorithm_id; }) {
      algorithm_id_ = Circuit::algorithm_id;
    } else {
      throw InvalidArgument("Prio3: the circuit has no registered algorithm id; pass Prio3Options::algorithm_id");
    }
    proofs_byte_[0] = static_cast<std::byte>(proofs_);
  }

  [[nodiscard]] const flp::Flp<Circuit>& flp() const noexcept { return flp_; }
  [[nodiscard]] const Circuit& circuit() const noexcept { return flp_.circuit(); }
  [[nodiscard]] std::size_t num_shares() const noexcept { return shares_; }
  [[nodiscard]] std::size_t num_proofs() const noexcept { return proofs_; }
  [[nodiscard]] std::uint32_t algorithm_id() const noexcept { return algorithm_id_; }
  [[nodiscard]] bool uses_joint_rand() const { return flp_.joint_rand_len() > 0; }
  [[nodiscard]] std::size_t rand_size() const {
    return (uses_joint_rand() ? 2 * shares_ : shares_) * seed_size;
  }
  [[nodiscard]] std::size_t leader_input_share_size() const {
    return (flp_.meas_len() + flp_.proof_len() * proofs_) * F::byte_size + (uses_joint_rand() ? seed_size : 0);
  }
  [[nodiscard]] std::size_t helper_input_share_size() const { return uses_joint_rand() ? 2 * seed_size : seed_size; }
  [[nodiscard]] std::size_t public_share_size() const { return uses_joint_rand() ? shares_ * seed_size : 0; }
  [[nodiscard]] std::size_t verifier_share_size() const {
    return flp_.verifier_len() * proofs_ * F::byte_size + (uses_joint_rand() ? seed_size : 0);
  }
  [[nodiscard]] std::size_t verifier_message_size() const { return uses_joint_rand() ? seed_size : 0; }

  // The domain-separation tag: version, class 0, algorithm id (big-endian),
  // usage (big-endian), then the application context.
  [[nodiscard]] Bytes domain_separation_tag(Usage usage, ByteView ctx) const {
    Bytes dst;
    dst.reserve(8 + ctx.size());
    dst.push_back(std::byte{vdaf_draft_version});
    dst.push_back(std::byte{0});
    for (int shift = 24; shift >= 0; shift -= 8) dst.push_back(static_cast<std::byte>((algorithm_id_ >> shift) & 0xFFU));
    const auto u = static_cast<std::uint16_t>(usage);
    dst.push_back(static_cast<std::byte>(u >> 8));
    dst.push_back(static_cast<std::byte>(u & 0xFFU));
    dst.insert(dst.end(), ctx.begin(), ctx.end());
    return dst;
  }

  // ------------------------------------------------------------ client
  // Throws InvalidArgument for a nonce that is not 16 bytes, `rand` that is
  // not rand_size() bytes, or a measurement the circuit cannot encode.
  [[nodiscard]] ShardResult shard(ByteView ctx, const Measurement& measurement, ByteView nonce, ByteView rand) const {
    if (nonce.size() != nonce_size) throw InvalidArgument("Prio3::shard: nonce must be 16 bytes");
    if (rand.size() != rand_size()) {
      throw InvalidArgument("Prio3::shard: rand is " + std::to_string(rand.size()) + " bytes, expected " +
                            std::to_string(rand_size()));
    }
    return shard_encoded(ctx, circuit().encode(measurement), nonce, rand);
  }

  // shard() for a measurement the caller has already encoded. No validity
  // check is made: an invalid encoding yields a report the aggregators
  // reject. For tests and for callers with their own encoder.
  [[nodiscard]] ShardResult shard_encoded(ByteView ctx, std::span<const F> meas, ByteView nonce, ByteView rand) const {
    if (nonce.size() != nonce_size) throw InvalidArgument("Prio3::shard: nonce must be 16 bytes");
    if (rand.size() != rand_size()) {
      throw InvalidArgument("Prio3::shard: rand is " + std::to_string(rand.size()) + " bytes, expected " +
                            std::to_string(rand_size()));
    }
    if (meas.size() != flp_.meas_len()) throw InvalidArgument("Prio3::shard: encoded measurement has the wrong length");
    auto seed = [&](std::size_t i) { return rand.subspan(i * seed_size, seed_size); };
    const bool jr = uses_joint_rand();
    const std::size_t per_helper = jr ? 2 : 1;

    ShardResult result;
    std::vector<F> leader_meas(meas.begin(), meas.end());
    std::vector<Bytes> parts;
    if (jr) parts.resize(shares_);
    for (std::size_t j = 1; j < shares_; ++j) {
      const ByteView k_share = seed((j - 1) * per_helper);
      const std::vector<F> helper_meas = helper_meas_share(ctx, j, k_share);
      vec_sub_inplace<F>(leader_meas, helper_meas);
      if (jr) parts[j] = joint_rand_part(ctx, j, seed((j - 1) * per_helper + 1), helper_meas, nonce);
    }
    const std::size_t after_helpers = (shares_ - 1) * per_helper;
    const ByteView k_leader_blind = jr ? seed(after_helpers) : ByteView{};
    const ByteView k_prove = seed(after_helpers + (jr ? 1 : 0));

    std::vector<F> joint_rands;
    if (jr) {
      parts[0] = joint_rand_part(ctx, 0, k_leader_blind, leader_meas, nonce);
      joint_rands = joint_rands_from_seed(ctx, joint_rand_seed(ctx, parts));
    }
    // One proof per slice of the prover (and joint) randomness, concatenated.
    const std::vector<F> prove_rands = expand(Usage::prove_randomness, ctx, k_prove, {proofs_byte_},
                                              flp_.prove_rand_len() * proofs_);
    std::vector<F> leader_proofs;
    leader_proofs.reserve(flp_.proof_len() * proofs_);
    for (std::size_t i = 0; i < proofs_; ++i) {
      const std::vector<F> proof = flp_.prove(meas, slice<F>(prove_rands, i, flp_.prove_rand_len()),
                                              slice<F>(joint_rands, i, flp_.joint_rand_len()));
      leader_proofs.insert(leader_proofs.end(), proof.begin(), proof.end());
    }
    for (std::size_t j = 1; j < shares_; ++j) {
      vec_sub_inplace<F>(leader_proofs, helper_proofs_share(ctx, j, seed((j - 1) * per_helper)));
    }

    Bytes leader;
    leader.reserve(leader_input_share_size());
    encode_vec_into<F>(leader_meas, leader);
    encode_vec_into<F>(leader_proofs, leader);
    if (jr) leader.insert(leader.end(), k_leader_blind.begin(), k_leader_blind.end());
    result.input_shares.push_back(std::move(leader));
    for (std::size_t j = 1; j < shares_; ++j) {
      Bytes helper;
      for (std::size_t s = 0; s < per_helper; ++s) {
        const ByteView part = seed((j - 1) * per_helper + s);
        helper.insert(helper.end(), part.begin(), part.end());
      }
      result.input_shares.push_back(std::move(helper));
    }
    if (jr) {
      for (const auto& p : parts) result.public_share.insert(result.public_share.end(), p.begin(), p.end());
    }
    return result;
  }

  // shard() with rand_size() bytes drawn from `prg` (seed it from
  // secure_random(); the bytes are wiped afterwards).
  [[nodiscard]] ShardResult shard(ByteView ctx, const Measurement& measurement, ByteView nonce, Prg& prg) const {
    SecretBytes rand(rand_size());
    prg.fill(rand.span());
    return shard(ctx, measurement, nonce, rand.view());
  }

  // ------------------------------------------------------------ aggregators
  // Throws InvalidArgument for a verify key that is not 32 bytes or an
  // aggregator id >= num_shares(); everything else is an Outcome.
  [[nodiscard]] Outcome<VerifyInit> verify_init(ByteView verify_key, ByteView ctx, std::size_t agg_id, ByteView nonce,
                                                ByteView public_share, ByteView input_share) const {
    using Out = Outcome<VerifyInit>;
    if (verify_key.size() != verify_key_size) throw InvalidArgument("Prio3::verify_init: verify key must be 32 bytes");
    if (agg_id >= shares_) throw InvalidArgument("Prio3::verify_init: aggregator id out of range");
    if (nonce.size() != nonce_size) {
      return Out::reject(Reason::wrong_nonce_length, "nonce is " + std::to_string(nonce.size()) + " bytes, expected 16");
    }
    if (public_share.size() != public_share_size()) {
      return Out::reject(Reason::malformed_public_share, "public share is " + std::to_string(public_share.size()) +
                                                                " bytes, expected " + std::to_string(public_share_size()));
    }
    const bool jr = uses_joint_rand();
    std::vector<F> meas_share, proofs_share;
    ByteView k_blind;
    if (agg_id == 0) {
      if (input_share.size() != leader_input_share_size()) {
        return Out::reject(Reason::malformed_input_share,
                           "leader input share is " + std::to_string(input_share.size()) + " bytes, expected " +
                               std::to_string(leader_input_share_size()));
      }
      const std::size_t meas_bytes = flp_.meas_len() * F::byte_size;
      const std::size_t proof_bytes = flp_.proof_len() * proofs_ * F::byte_size;
      try {
        meas_share = decode_vec<F>(input_share.first(meas_bytes), "leader measurement share");
        proofs_share = decode_vec<F>(input_share.subspan(meas_bytes, proof_bytes), "leader proof share");
      } catch (const DecodeError& e) {
        return Out::reject(Reason::malformed_input_share, e.what());
      }
      if (jr) k_blind = input_share.subspan(meas_bytes + proof_bytes, seed_size);
    } else {
      if (input_share.size() != helper_input_share_size()) {
        return Out::reject(Reason::malformed_input_share,
                           "helper input share is " + std::to_string(input_share.size()) + " bytes, expected " +
                               std::to_string(helper_input_share_size()));
      }
      const ByteView k_share = input_share.first(seed_size);
      meas_share = helper_meas_share(ctx, agg_id, k_share);
      proofs_share = helper_proofs_share(ctx, agg_id, k_share);
      if (jr) k_blind = input_share.subspan(seed_size, seed_size);
    }

    VerifyInit init;
    init.state.out_share = circuit().truncate(meas_share);
    std::vector<F> joint_rands;
    Bytes own_part;
    if (jr) {
      own_part = joint_rand_part(ctx, agg_id, k_blind, meas_share, nonce);
      std::vector<Bytes> parts(shares_);
      for (std::size_t j = 0; j < shares_; ++j) {
        if (j == agg_id) {
          parts[j] = own_part;
        } else {
          const ByteView p = public_share.subspan(j * seed_size, seed_size);
          parts[j].assign(p.begin(), p.end());
        }
      }
      init.state.corrected_joint_rand_seed = joint_rand_seed(ctx, parts);
      joint_rands = joint_rands_from_seed(ctx, *init.state.corrected_joint_rand_seed);
    }
    // Each proof is queried with its own slice of the query (and joint)
    // randomness; the verifier shares are concatenated.
    const std::vector<F> query_rands =
        expand(Usage::query_randomness, ctx, verify_key, {proofs_byte_, nonce}, flp_.query_rand_len() * proofs_);
    init.verifier_share.reserve(verifier_share_size());
    for (std::size_t i = 0; i < proofs_; ++i) {
      auto verifier = flp_.query(meas_share, slice<F>(proofs_share, i, flp_.proof_len()),
                                 slice<F>(query_rands, i, flp_.query_rand_len()),
                                 slice<F>(joint_rands, i, flp_.joint_rand_len()), shares_);
      if (!verifier) {
        return Out::reject(Reason::query_point_is_root,
                           "a query point of proof " + std::to_string(i) + " is a root of unity");
      }
      encode_vec_into<F>(*verifier, init.verifier_share);
    }
    if (jr) init.verifier_share.insert(init.verifier_share.end(), own_part.begin(), own_part.end());
    return Out::accept(std::move(init));
  }

  // Combines all num_shares() verifier shares (in aggregator order) into the
  // verifier message, or rejects the report.
  [[nodiscard]] Outcome<Bytes> verifier_shares_to_message(ByteView ctx, std::span<const Bytes> verifier_shares) const {
    using Out = Outcome<Bytes>;
    if (verifier_shares.size() != shares_) {
      return Out::reject(Reason::malformed_verifier_share, "got " + std::to_string(verifier_shares.size()) +
                                                                  " verifier shares, expected " + std::to_string(shares_));
    }
    const std::size_t vbytes = flp_.verifier_len() * proofs_ * F::byte_size;
    std::vector<F> verifier(flp_.verifier_len() * proofs_, F::zero());
    std::vector<Bytes> parts;
    for (std::size_t j = 0; j < shares_; ++j) {
      const ByteView share = verifier_shares[j];
      if (share.size() != verifier_share_size()) {
        return Out::reject(Reason::malformed_verifier_share,
                           "verifier share " + std::to_string(j) + " is " + std::to_string(share.size()) +
                               " bytes, expected " + std::to_string(verifier_share_size()));
      }
      try {
        vec_add_inplace<F>(verifier, decode_vec<F>(share.first(vbytes), "verifier share"));
      } catch (const DecodeError& e) {
        return Out::reject(Reason::malformed_verifier_share, "verifier share " + std::to_string(j) + ": " + e.what());
      }
      if (uses_joint_rand()) parts.emplace_back(share.begin() + static_cast<std::ptrdiff_t>(vbytes), share.end());
    }
    for (std::size_t i = 0; i < proofs_; ++i) {
      const auto one = std::span<const F>(verifier).subspan(i * flp_.verifier_len(), flp_.verifier_len());
      if (!flp_.decide(one)) {
        return Out::reject(Reason::proof_rejected,
                           "validity proof " + std::to_string(i) + " of " + std::to_string(proofs_) + " did not verify");
      }
    }
    if (!uses_joint_rand()) return Out::accept(Bytes{});
    return Out::accept(joint_rand_seed(ctx, parts));
  }

  // The output share, once the verifier message confirms the joint randomness.
  [[nodiscard]] Outcome<std::vector<F>> verify_next(ByteView /*ctx*/, const VerifyState& state, ByteView message) const {
    using Out = Outcome<std::vector<F>>;
    if (message.size() != verifier_message_size()) {
      return Out::reject(Reason::malformed_verifier_message,
                         "verifier message is " + std::to_string(message.size()) + " bytes, expected " +
                             std::to_string(verifier_message_size()));
    }
    if (state.corrected_joint_rand_seed && !constant_time_equal(*state.corrected_joint_rand_seed, message)) {
      return Out::reject(Reason::joint_rand_mismatch, "joint randomness check failed");
    }
    return Out::accept(state.out_share);
  }

  // ------------------------------------------------------------ aggregation
  [[nodiscard]] std::vector<F> empty_aggregate() const { return std::vector<F>(flp_.output_len(), F::zero()); }
  void aggregate_inplace(std::vector<F>& agg_share, std::span<const F> out_share) const {
    if (agg_share.size() != flp_.output_len()) throw InvalidArgument("Prio3::aggregate: aggregate share has the wrong length");
    vec_add_inplace<F>(agg_share, out_share);
  }
  [[nodiscard]] std::vector<F> aggregate(std::span<const std::vector<F>> out_shares) const {
    auto agg = empty_aggregate();
    for (const auto& o : out_shares) aggregate_inplace(agg, o);
    return agg;
  }
  [[nodiscard]] Bytes encode_agg_share(std::span<const F> agg_share) const { return encode_vec<F>(agg_share); }
  // Throws DecodeError for a wrong length or an element >= p.
  [[nodiscard]] std::vector<F> decode_agg_share(ByteView bytes) const {
    if (bytes.size() != flp_.output_len() * F::byte_size) {
      throw DecodeError("Prio3: aggregate share is " + std::to_string(bytes.size()) + " bytes, expected " +
                        std::to_string(flp_.output_len() * F::byte_size));
    }
    return decode_vec<F>(bytes, "aggregate share");
  }

  // Sums the aggregators' encoded aggregate shares and decodes the result.
  // Throws DecodeError for a malformed share, InvalidArgument for the wrong count.
  [[nodiscard]] AggregateResult unshard(std::span<const Bytes> agg_shares, std::size_t num_measurements) const {
    if (agg_shares.size() != shares_) throw InvalidArgument("Prio3::unshard: expected one aggregate share per aggregator");
    auto agg = empty_aggregate();
    for (const auto& s : agg_shares) vec_add_inplace<F>(agg, decode_agg_share(s));
    return circuit().decode(agg, num_measurements);
  }

 private:
  // The i-th of several consecutive slices of length `len` (empty if len is 0).
  template <class T>
  static std::span<const T> slice(const std::vector<T>& all, std::size_t i, std::size_t len) {
    return std::span<const T>(all).subspan(i * len, len);
  }
  static std::array<std::byte, 1> id_byte(std::size_t agg_id) noexcept {
    return {static_cast<std::byte>(agg_id & 0xFFU)};
  }

  [[nodiscard]] std::vector<F> expand(Usage usage, ByteView ctx, ByteView seed, std::initializer_list<ByteView> binder,
                                      std::size_t length) const {
    const Bytes dst = domain_separation_tag(usage, ctx);
    return Xof::template expand_into_vec<F>(seed, dst, binder, length);
  }
  [[nodiscard]] std::vector<F> helper_meas_share(ByteView ctx, std::size_t agg_id, ByteView k_share) const {
    const auto id = id_byte(agg_id);
    return expand(Usage::meas_share, ctx, k_share, {id}, flp_.meas_len());
  }
  [[nodiscard]] std::vector<F> helper_proofs_share(ByteView ctx, std::size_t agg_id, ByteView k_share) const {
    const auto id = id_byte(agg_id);
    return expand(Usage::proof_share, ctx, k_share, {proofs_byte_, id}, flp_.proof_len() * proofs_);
  }
  [[nodiscard]] Bytes joint_rand_part(ByteView ctx, std::size_t agg_id, ByteView k_blind, std::span<const F> meas_share,
                                      ByteView nonce) const {
    const auto id = id_byte(agg_id);
    const Bytes encoded = encode_vec<F>(meas_share);
    return Xof::derive_seed(k_blind, domain_separation_tag(Usage::joint_rand_part, ctx), {id, nonce, encoded});
  }
  [[nodiscard]] Bytes joint_rand_seed(ByteView ctx, std::span<const Bytes> parts) const {
    const std::array<std::byte, seed_size> zero_seed{};
    Bytes all;
    for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return Xof::derive_seed(zero_seed, domain_separation_tag(Usage::joint_rand_seed, ctx), {all});
  }
  [[nodiscard]] std::vector<F> joint_rands_from_seed(ByteView ctx, ByteView seed) const {
    return expand(Usage::joint_randomness, ctx, seed, {proofs_byte_}, flp_.joint_rand_len() * proofs_);
  }

  flp::Flp<Circuit> flp_;
  std::size_t shares_;
  std::size_t proofs_;
  std::uint32_t algorithm_id_ = 0;
  std::array<std::byte, 1> proofs_byte_{};  // the binder byte(PROOFS)
};

}  // namespace privfin::vdaf
