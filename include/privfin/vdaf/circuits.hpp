// privfin/vdaf/circuits.hpp — the validity circuits of Prio3 in
// draft-irtf-cfrg-vdaf-20 ("Instantiations"), each with its measurement
// encoding, truncation to the aggregatable output, and decoding — and the
// contract (Prio3Circuit) that a circuit of your own must meet:
//
//   Count                                   Field64   measurement 0 or 1
//   Sum(max_measurement)                    Field64   0..max_measurement
//   SumVec(length, max_measurement, chunk)  Field128  vector of 0..max_measurement
//   SumVecField64(length, max, chunk)       Field64   the same circuit; the draft's
//                                                     Prio3SumVecWithMultiproof, used
//                                                     with num_proofs >= 3
//   Histogram(length, chunk)                Field128  one bucket index
//   MultihotCountVec(length, max_weight, chunk)  Field128  bit vector, at most max_weight ones
//
//   Histogram h(10, 4);
//   auto meas = h.encode(3);          // InvalidArgument if 3 >= length
//   Flp<Histogram> flp(h);
//
// Bringing your own circuit. A type C models Prio3Circuit (and so works
// with flp::Flp<C> and Prio3<C>, with any number of proofs) when it has:
//
//   using Field = Field64 | Field128;
//   using Measurement = ...;  using AggregateResult = ...;
//   std::size_t meas_len() const;        // encoded measurement length
//   std::size_t joint_rand_len() const;  // 0: no joint randomness (no public share)
//   std::size_t eval_output_len() const; // >= 1; more than one output costs one
//                                        // query-randomness element each
//   std::size_t output_len() const;      // length of truncate()'s result
//   const std::vector<flp::Gadget<Field>>& gadgets() const;
//   template <class Call>
//   void eval(std::span<const Field> meas, std::span<const Field> joint_rand,
//             std::size_t num_shares, Call& call, std::vector<Field>& out) const;
//   std::vector<Field> encode(const Measurement&) const;
//   std::vector<Field> truncate(std::span<const Field> meas) const;
//   AggregateResult decode(std::span<const Field> agg, std::size_t num_measurements) const;
//   static constexpr std::uint32_t algorithm_id = ...;   // optional, see below
//
// The rules eval() must follow, because the FLP runs it three ways (directly,
// as the prover, and on each aggregator's *share* of the measurement):
//  - every non-affine step is a gadget call: `call(g, inputs)` returns the
//    output of gadgets()[g] on `inputs` (arity() of them); gadget g must be
//    called exactly gadgets()[g].calls() times, in the same order on every run;
//  - everything else is affine in `meas`; a constant c that is added (not
//    multiplied) must be written c / num_shares so that the shares add up
//    (see detail::chunked_range_check's x - 1/num_shares);
//  - `out` gets eval_output_len() values, all zero iff the measurement is
//    valid; joint_rand only scales values (random linear combinations).
// Gadgets: Gadget::mul (degree 2), Gadget::poly_eval(coefficients) of any
// degree >= 1 (the draft's test circuit HigherDegree uses x(x-1)(x-2), degree
// 3), and Gadget::parallel_sum of either. Higher degree makes the proof
// longer: each gadget adds arity + degree*(P-1)+1 elements, P =
// next_power_of_2(1 + calls). encode() must not branch on the secret
// measurement and must not put it in error messages. truncate() must be
// linear (it runs on shares).
// The algorithm id goes into every XOF domain-separation tag. The draft's
// circuits carry their registered id; a circuit of your own leaves it out
// and passes one to Prio3 (Prio3Options::algorithm_id, from the private-use
// range 0xFFFF0000..0xFFFFFFFF unless registered). Circuits with joint
// randomness over Field64 need num_proofs >= 3 (the draft's soundness rule;
// Prio3 enforces it).
//
// Constructors throw InvalidArgument for parameters the draft does not
// allow; encode() throws InvalidArgument for an out-of-range measurement,
// with a message that names the public bound but never the measurement (or
// which entry), since that is the client's secret.
// The encodings avoid branches on the measurement (mask selection). Values;
// thread-safe.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/vdaf/flp.hpp"
#include "privfin/vdaf/poly.hpp"
#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf {

// What Prio3 needs from a circuit: an FLP validity circuit (flp.hpp) plus
// the measurement encoding, the truncation to the output share, and the
// decoding of the aggregate. See the header comment for the rules.
template <class C>
concept Prio3Circuit =
    flp::ValidityCircuit<C> &&
    requires(const C& c, const typename C::Measurement& m, std::span<const typename C::Field> v, std::size_t n) {
      typename C::AggregateResult;
      { c.encode(m) } -> std::convertible_to<std::vector<typename C::Field>>;
      { c.truncate(v) } -> std::convertible_to<std::vector<typename C::Field>>;
      { c.decode(v, n) } -> std::convertible_to<typename C::AggregateResult>;
    };

namespace detail {

inline std::size_t bit_length(std::uint64_t x) noexcept { return static_cast<std::size_t>(std::bit_width(x)); }

inline std::size_t chunk_calls(std::size_t len, std::size_t chunk) { return (len + chunk - 1) / chunk; }

// The draft's bit encoding for a value v in [0, max]: bits-1 ordinary bits
// and a last bit of weight last_weight = max - (2^(bits-1) - 1), used when
// v does not fit in bits-1 bits. Appends `bits` elements.
template <VdafField F>
void encode_ranged(std::uint64_t v, std::size_t bits, std::uint64_t last_weight, std::vector<F>& out) {
  const std::uint64_t rest_max = (std::uint64_t{1} << (bits - 1)) - 1;
  const std::uint64_t high = static_cast<std::uint64_t>(v > rest_max);
  const std::uint64_t rest = v - (last_weight & (0 - high));
  for (std::size_t l = 0; l + 1 < bits; ++l) out.push_back(F::from_u64((rest >> l) & 1U));
  out.push_back(F::from_u64(high));
}

// sum_l 2^l * bits[l] + last * last_weight (linear, so it works on shares).
template <VdafField F>
F decode_ranged(std::span<const F> bits, std::uint64_t last_weight) {
  F acc = F::zero();
  F weight = F::one();
  const F two = F::from_u64(2);
  for (std::size_t l = 0; l + 1 < bits.size(); ++l) {
    acc += weight * bits[l];
    weight *= two;
  }
  return acc + bits.back() * F::from_u64(last_weight);
}

// The range check of SumVec, Histogram and MultihotCountVec: for each chunk
// i, ParallelSum(Mul) over (r_i^(j+1) * x, x - 1/num_shares).
template <VdafField F, class Call>
F chunked_range_check(std::span<const F> meas, std::span<const F> joint_rand, std::size_t chunk, std::size_t calls,
                      std::size_t num_shares, Call& call) {
  const F shares_inv = poly::inverse_small<F>(num_shares);
  F range_check = F::zero();
  std::vector<F> inputs(2 * chunk);
  for (std::size_t i = 0; i < calls; ++i) {
    const F r = joint_rand[i];
    F r_power = r;
    for (std::size_t j = 0; j < chunk; ++j) {
      const std::size_t index = i * chunk + j;
      const F x = index < meas.size() ? meas[index] : F::zero();
      inputs[2 * j] = r_power * x;
      inputs[2 * j + 1] = x - shares_inv;
      r_power *= r;
    }
    range_check += call(0, std::span<const F>(inputs));
  }
  return range_check;
}

inline std::uint64_t to_u64_checked(Field64 x) { return x.value(); }
inline std::uint64_t to_u64_checked(Field128 x) {
  const auto v = x.value();
  if ((v >> 64) != 0) throw DecodeError("Prio3: aggregate element exceeds 64 bits");
  return static_cast<std::uint64_t>(v);
}

}  // namespace detail

// ---------------------------------------------------------------- Count
class Count {
 public:
  using Field = Field64;
  using Measurement = std::uint64_t;  // 0 or 1
  using AggregateResult = std::uint64_t;
  static constexpr std::uint32_t algorithm_id = 0x00000001;
  static constexpr std::string_view name = "Prio3Count";

  Count() : gadgets_{flp::Gadget<Field>::mul(1)} {}

  [[nodiscard]] std::size_t meas_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t output_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return 0; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 1; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  [[nodiscard]] std::vector<Field> encode(Measurement m) const {
    if (m > 1) throw InvalidArgument("Prio3Count: the measurement is not 0 or 1");
    return {Field::from_u64(m)};
  }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field>, std::size_t, Call& call,
            std::vector<Field>& out) const {
    const Field in[2] = {meas[0], meas[0]};
    out.assign({call(0, std::span<const Field>(in)) - meas[0]});
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const { return {meas.begin(), meas.end()}; }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const { return agg[0].value(); }

 private:
  std::vector<flp::Gadget<Field>> gadgets_;
};

// ---------------------------------------------------------------- Sum
class Sum {
 public:
  using Field = Field64;
  using Measurement = std::uint64_t;
  using AggregateResult = std::uint64_t;
  static constexpr std::uint32_t algorithm_id = 0x00000002;
  static constexpr std::string_view name = "Prio3Sum";

  explicit Sum(std::uint64_t max_measurement) : max_(max_measurement) {
    if (max_ == 0) throw InvalidArgument("Prio3Sum: max_measurement must be positive");
    bits_ = detail::bit_length(max_);
    if (bits_ >= 64) throw InvalidArgument("Prio3Sum: max_measurement needs 64 bits, too large for Field64");
    last_weight_ = max_ - ((std::uint64_t{1} << (bits_ - 1)) - 1);
    gadgets_.push_back(flp::Gadget<Field>::poly_eval({Field::zero(), -Field::one(), Field::one()}, bits_));
  }

  [[nodiscard]] std::uint64_t max_measurement() const noexcept { return max_; }
  [[nodiscard]] std::size_t meas_len() const noexcept { return bits_; }
  [[nodiscard]] std::size_t output_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return 0; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return bits_; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  [[nodiscard]] std::vector<Field> encode(Measurement m) const {
    if (m > max_) {
      throw InvalidArgument("Prio3Sum: the measurement exceeds max_measurement " + std::to_string(max_));
    }
    std::vector<Field> out;
    out.reserve(bits_);
    detail::encode_ranged<Field>(m, bits_, last_weight_, out);
    return out;
  }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field>, std::size_t, Call& call,
            std::vector<Field>& out) const {
    out.clear();
    for (const Field& b : meas) out.push_back(call(0, std::span<const Field>(&b, 1)));
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const {
    return {detail::decode_ranged<Field>(meas, last_weight_)};
  }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const { return agg[0].value(); }

 private:
  std::uint64_t max_;
  std::size_t bits_ = 0;
  std::uint64_t last_weight_ = 0;
  std::vector<flp::Gadget<Field>> gadgets_;
};

// ---------------------------------------------------------------- SumVec
namespace detail {
// Prio3SumVec's registered id belongs to the Field128 instantiation only; the
// draft runs the Field64 one under the private-use id 0xFFFFFFFF
// (Prio3SumVecWithMultiproof), which the caller passes to Prio3.
template <class F>
struct SumVecIdentity {
  static constexpr std::string_view name = "Prio3SumVecWithMultiproof";
};
template <>
struct SumVecIdentity<Field128> {
  static constexpr std::uint32_t algorithm_id = 0x00000003;
  static constexpr std::string_view name = "Prio3SumVec";
};
}  // namespace detail

// SumVec over either field; use the aliases SumVec (Field128, the draft's
// Prio3SumVec) and SumVecField64 (with Prio3 num_proofs >= 3).
template <VdafField F>
class BasicSumVec : public detail::SumVecIdentity<F> {
 public:
  using Field = F;
  using Measurement = std::vector<std::uint64_t>;
  using AggregateResult = std::vector<std::uint64_t>;

  BasicSumVec(std::size_t length, std::uint64_t max_measurement, std::size_t chunk_length)
      : length_(length), max_(max_measurement), chunk_(chunk_length) {
    if (length_ == 0) throw InvalidArgument("Prio3SumVec: length must be positive");
    if (chunk_ == 0) throw InvalidArgument("Prio3SumVec: chunk_length must be positive");
    if (max_ == 0) throw InvalidArgument("Prio3SumVec: max_measurement must be positive");
    bits_ = detail::bit_length(max_);
    last_weight_ = max_ - ((std::uint64_t{1} << (bits_ - 1)) - 1);
    calls_ = detail::chunk_calls(length_ * bits_, chunk_);
    gadgets_.push_back(flp::Gadget<Field>::parallel_sum(flp::Gadget<Field>::mul(1), chunk_, calls_));
  }

  [[nodiscard]] std::size_t length() const noexcept { return length_; }
  [[nodiscard]] std::uint64_t max_measurement() const noexcept { return max_; }
  [[nodiscard]] std::size_t chunk_length() const noexcept { return chunk_; }
  [[nodiscard]] std::size_t meas_len() const noexcept { return length_ * bits_; }
  [[nodiscard]] std::size_t output_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return calls_; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 1; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  [[nodiscard]] std::vector<Field> encode(const Measurement& m) const {
    if (m.size() != length_) {
      throw InvalidArgument("Prio3SumVec: measurement has " + std::to_string(m.size()) + " entries, expected " +
                            std::to_string(length_));
    }
    std::vector<Field> out;
    out.reserve(meas_len());
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (m[i] > max_) {
        throw InvalidArgument("Prio3SumVec: an entry exceeds max_measurement " + std::to_string(max_));
      }
      detail::encode_ranged<Field>(m[i], bits_, last_weight_, out);
    }
    return out;
  }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field> joint_rand, std::size_t num_shares, Call& call,
            std::vector<Field>& out) const {
    out.assign({detail::chunked_range_check<Field>(meas, joint_rand, chunk_, calls_, num_shares, call)});
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const {
    std::vector<Field> out;
    out.reserve(length_);
    for (std::size_t i = 0; i < length_; ++i) out.push_back(detail::decode_ranged<Field>(meas.subspan(i * bits_, bits_), last_weight_));
    return out;
  }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const {
    AggregateResult out;
    for (const auto& x : agg) out.push_back(detail::to_u64_checked(x));
    return out;
  }

 private:
  std::size_t length_;
  std::uint64_t max_;
  std::size_t chunk_;
  std::size_t bits_ = 0;
  std::uint64_t last_weight_ = 0;
  std::size_t calls_ = 0;
  std::vector<flp::Gadget<Field>> gadgets_;
};

using SumVec = BasicSumVec<Field128>;
using SumVecField64 = BasicSumVec<Field64>;

// ---------------------------------------------------------------- Histogram
class Histogram {
 public:
  using Field = Field128;
  using Measurement = std::size_t;  // the bucket index
  using AggregateResult = std::vector<std::uint64_t>;
  static constexpr std::uint32_t algorithm_id = 0x00000004;
  static constexpr std::string_view name = "Prio3Histogram";

  Histogram(std::size_t length, std::size_t chunk_length) : length_(length), chunk_(chunk_length) {
    if (length_ == 0) throw InvalidArgument("Prio3Histogram: length must be positive");
    if (chunk_ == 0) throw InvalidArgument("Prio3Histogram: chunk_length must be positive");
    calls_ = detail::chunk_calls(length_, chunk_);
    gadgets_.push_back(flp::Gadget<Field>::parallel_sum(flp::Gadget<Field>::mul(1), chunk_, calls_));
  }

  [[nodiscard]] std::size_t length() const noexcept { return length_; }
  [[nodiscard]] std::size_t chunk_length() const noexcept { return chunk_; }
  [[nodiscard]] std::size_t meas_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t output_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return calls_; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 2; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  [[nodiscard]] std::vector<Field> encode(Measurement bucket) const {
    if (bucket >= length_) {
      throw InvalidArgument("Prio3Histogram: the bucket is not below length " + std::to_string(length_));
    }
    std::vector<Field> out(length_);
    for (std::size_t i = 0; i < length_; ++i) out[i] = Field::from_u64(static_cast<std::uint64_t>(i == bucket));
    return out;
  }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field> joint_rand, std::size_t num_shares, Call& call,
            std::vector<Field>& out) const {
    const Field range_check = detail::chunked_range_check<Field>(meas, joint_rand, chunk_, calls_, num_shares, call);
    Field sum_check = -poly::inverse_small<Field>(num_shares);
    for (const Field& b : meas) sum_check += b;
    out.assign({range_check, sum_check});
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const { return {meas.begin(), meas.end()}; }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const {
    AggregateResult out;
    for (const auto& x : agg) out.push_back(detail::to_u64_checked(x));
    return out;
  }

 private:
  std::size_t length_;
  std::size_t chunk_;
  std::size_t calls_ = 0;
  std::vector<flp::Gadget<Field>> gadgets_;
};

// ---------------------------------------------------------------- MultihotCountVec
class MultihotCountVec {
 public:
  using Field = Field128;
  using Measurement = std::vector<bool>;
  using AggregateResult = std::vector<std::uint64_t>;
  static constexpr std::uint32_t algorithm_id = 0x00000005;
  static constexpr std::string_view name = "Prio3MultihotCountVec";

  MultihotCountVec(std::size_t length, std::uint64_t max_weight, std::size_t chunk_length)
      : length_(length), max_weight_(max_weight), chunk_(chunk_length) {
    if (length_ == 0) throw InvalidArgument("Prio3MultihotCountVec: length must be positive");
    if (max_weight_ == 0 || max_weight_ > length_) {
      throw InvalidArgument("Prio3MultihotCountVec: max_weight must be in 1..length");
    }
    if (chunk_ == 0) throw InvalidArgument("Prio3MultihotCountVec: chunk_length must be positive");
    bits_ = detail::bit_length(max_weight_);
    last_weight_ = max_weight_ - ((std::uint64_t{1} << (bits_ - 1)) - 1);
    calls_ = detail::chunk_calls(length_ + bits_, chunk_);
    gadgets_.push_back(flp::Gadget<Field>::parallel_sum(flp::Gadget<Field>::mul(1), chunk_, calls_));
  }

  [[nodiscard]] std::size_t length() const noexcept { return length_; }
  [[nodiscard]] std::uint64_t max_weight() const noexcept { return max_weight_; }
  [[nodiscard]] std::size_t chunk_length() const noexcept { return chunk_; }
  [[nodiscard]] std::size_t meas_len() const noexcept { return length_ + bits_; }
  [[nodiscard]] std::size_t output_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return calls_; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 2; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  [[nodiscard]] std::vector<Field> encode(const Measurement& m) const {
    if (m.size() != length_) {
      throw InvalidArgument("Prio3MultihotCountVec: measurement has " + std::to_string(m.size()) +
                            " entries, expected " + std::to_string(length_));
    }
    std::vector<Field> out;
    out.reserve(meas_len());
    std::uint64_t weight = 0;
    for (bool b : m) {
      out.push_back(Field::from_u64(static_cast<std::uint64_t>(b)));
      weight += static_cast<std::uint64_t>(b);
    }
    if (weight > max_weight_) {
      throw InvalidArgument("Prio3MultihotCountVec: the weight exceeds max_weight " + std::to_string(max_weight_));
    }
    detail::encode_ranged<Field>(weight, bits_, last_weight_, out);
    return out;
  }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field> joint_rand, std::size_t num_shares, Call& call,
            std::vector<Field>& out) const {
    const Field range_check = detail::chunked_range_check<Field>(meas, joint_rand, chunk_, calls_, num_shares, call);
    Field weight = Field::zero();
    for (std::size_t i = 0; i < length_; ++i) weight += meas[i];
    const Field reported = detail::decode_ranged<Field>(meas.subspan(length_, bits_), last_weight_);
    out.assign({range_check, weight - reported});
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const {
    return {meas.begin(), meas.begin() + static_cast<std::ptrdiff_t>(length_)};
  }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const {
    AggregateResult out;
    for (const auto& x : agg) out.push_back(detail::to_u64_checked(x));
    return out;
  }

 private:
  std::size_t length_;
  std::uint64_t max_weight_;
  std::size_t chunk_;
  std::size_t bits_ = 0;
  std::uint64_t last_weight_ = 0;
  std::size_t calls_ = 0;
  std::vector<flp::Gadget<Field>> gadgets_;
};

}  // namespace privfin::vdaf
