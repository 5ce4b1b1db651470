// privfin/vdaf/flp.hpp — the generic fully linear proof (FLP) of
// draft-irtf-cfrg-vdaf-20 ("FLP Construction", after BBCGGI19 Theorem 4.3):
// a prover shows that an arithmetic validity circuit evaluates to zero on
// its (secret-shared) input; each verifier holds a share of the input and of
// the proof and outputs a share of a short verifier message, from which
// decide() accepts or rejects. Polynomials are in the Lagrange basis, as in
// the draft: a gadget polynomial is sent as its values at the first
// DEGREE*(P-1)+1 roots of unity of order next_power_of_2(DEGREE*(P-1)+1).
//
//   Flp<Histogram> flp(Histogram(10, 3));
//   auto proof    = flp.prove(meas, prove_rand, joint_rand);
//   auto verifier = flp.query(meas, proof, query_rand, joint_rand, 1);  // nullopt: unlucky query point
//   bool ok       = verifier && flp.decide(*verifier);
//
// Gadgets: Mul, PolyEval(p) and ParallelSum(Mul | PolyEval, count). A circuit
// type supplies its field, its lengths, its gadget list and an eval() that
// calls gadgets through a callback (see vdaf/circuits.hpp). Lengths are
// checked: a wrong-length argument throws InvalidArgument. Flp objects are
// immutable values; all member functions are const and thread-safe.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/vdaf/poly.hpp"
#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf::flp {

// A gadget of the draft: Mul (x*y), PolyEval (p(x), p in the monomial
// basis), or ParallelSum of `count` copies of either (the sum of the copies
// over consecutive slices of the input), called `calls` times by the circuit.
template <VdafField F>
class Gadget {
 public:
  enum class Kind { mul, poly_eval };

  [[nodiscard]] static Gadget mul(std::size_t calls) { return Gadget(Kind::mul, {}, 1, calls); }
  // Leading zero coefficients are stripped; the zero polynomial is refused.
  [[nodiscard]] static Gadget poly_eval(std::vector<F> coeffs, std::size_t calls) {
    while (!coeffs.empty() && coeffs.back() == F::zero()) coeffs.pop_back();
    if (coeffs.empty()) throw InvalidArgument("PolyEval gadget: the zero polynomial");
    return Gadget(Kind::poly_eval, std::move(coeffs), 1, calls);
  }
  [[nodiscard]] static Gadget parallel_sum(const Gadget& inner, std::size_t count, std::size_t calls) {
    if (count == 0) throw InvalidArgument("ParallelSum gadget: count must be positive");
    if (inner.count_ != 1) throw InvalidArgument("ParallelSum gadget: nested ParallelSum");
    return Gadget(inner.kind_, inner.coeffs_, count, calls);
  }

  [[nodiscard]] std::size_t arity() const noexcept { return (kind_ == Kind::mul ? 2 : 1) * count_; }
  [[nodiscard]] std::size_t degree() const noexcept { return kind_ == Kind::mul ? 2 : coeffs_.size() - 1; }
  [[nodiscard]] std::size_t calls() const noexcept { return calls_; }
  // P: the number of points of each wire polynomial.
  [[nodiscard]] std::size_t wire_len() const noexcept { return poly::next_power_of_2(1 + calls_); }
  // The number of gadget-polynomial values in the proof.
  [[nodiscard]] std::size_t poly_len() const noexcept { return degree() * (wire_len() - 1) + 1; }
  [[nodiscard]] std::size_t poly_size() const noexcept { return poly::next_power_of_2(poly_len()); }

  [[nodiscard]] F eval(std::span<const F> in) const {
    F out = F::zero();
    if (kind_ == Kind::mul) {
      for (std::size_t i = 0; i + 1 < in.size(); i += 2) out += in[i] * in[i + 1];
    } else {
      for (const F& x : in) out += poly::eval_monomial<F>(coeffs_, x);
    }
    return out;
  }

 private:
  Gadget(Kind kind, std::vector<F> coeffs, std::size_t count, std::size_t calls)
      : kind_(kind), coeffs_(std::move(coeffs)), count_(count), calls_(calls) {
    if (calls_ == 0) throw InvalidArgument("gadget: a gadget must be called at least once");
  }

  Kind kind_;
  std::vector<F> coeffs_;
  std::size_t count_;
  std::size_t calls_;
};

namespace detail {

// Stands for the gadget callback Flp passes to a circuit's eval(): called as
// call(gadget_index, inputs), it returns the gadget's output (the true one
// when proving, the proof's claimed one when querying). Only declared: it
// exists for the ValidityCircuit concept.
template <VdafField F>
struct GadgetCallArchetype {
  F operator()(std::size_t gadget, std::span<const F> inputs);
};

}  // namespace detail

// What Flp needs from a validity circuit (the draft's Valid class). The
// full contract, with a worked example, is in vdaf/circuits.hpp.
//   Field                      a VdafField (Field64 or Field128)
//   meas_len(), joint_rand_len(), eval_output_len(), output_len()
//   gadgets()                  the gadgets, each with its call count
//   eval(meas, joint_rand, num_shares, call, out)
//                              a template on the callback type: writes the
//                              eval_output_len() outputs to `out`, calling
//                              every gadget g exactly gadgets()[g].calls()
//                              times through call(g, inputs), and is affine
//                              in `meas` apart from those calls.
template <class C>
concept ValidityCircuit =
    VdafField<typename C::Field> &&
    requires(const C& c, std::span<const typename C::Field> in, std::size_t num_shares,
             detail::GadgetCallArchetype<typename C::Field>& call, std::vector<typename C::Field>& out) {
      { c.meas_len() } -> std::convertible_to<std::size_t>;
      { c.output_len() } -> std::convertible_to<std::size_t>;
      { c.joint_rand_len() } -> std::convertible_to<std::size_t>;
      { c.eval_output_len() } -> std::convertible_to<std::size_t>;
      { c.gadgets() } -> std::convertible_to<const std::vector<Gadget<typename C::Field>>&>;
      c.eval(in, in, num_shares, call, out);
    };

namespace detail {

// Records each gadget's input wires; the concrete subclasses decide what a
// call returns (the true output for the prover, the proof's polynomial for
// the verifier).
template <VdafField F>
struct WireRecorder {
  struct Wires {
    std::size_t arity = 0;
    std::size_t p = 0;
    std::size_t k = 0;                // calls so far
    std::vector<F> values;            // wire j at index j*p + call
  };
  std::vector<Wires> wires;

  void init(const std::vector<Gadget<F>>& gadgets, std::span<const F> seeds) {
    wires.resize(gadgets.size());
    std::size_t at = 0;
    for (std::size_t g = 0; g < gadgets.size(); ++g) {
      auto& w = wires[g];
      w.arity = gadgets[g].arity();
      w.p = gadgets[g].wire_len();
      w.k = 0;
      w.values.assign(w.arity * w.p, F::zero());
      for (std::size_t j = 0; j < w.arity; ++j) w.values[j * w.p] = seeds[at++];
    }
  }
  // Records one call and returns its index (1-based).
  std::size_t record(std::size_t g, std::span<const F> in) {
    auto& w = wires.at(g);
    if (in.size() != w.arity) throw InvalidArgument("gadget called with the wrong number of inputs");
    if (++w.k >= w.p) throw InvalidArgument("gadget called more often than declared");
    for (std::size_t j = 0; j < w.arity; ++j) w.values[j * w.p + w.k] = in[j];
    return w.k;
  }
};

}  // namespace detail

template <ValidityCircuit Circuit>
class Flp {
 public:
  using F = typename Circuit::Field;

  // Throws InvalidArgument for a circuit with no output or one too large
  // for the field's roots of unity.
  explicit Flp(Circuit circuit) : circuit_(std::move(circuit)) {
    if (circuit_.eval_output_len() == 0) throw InvalidArgument("Flp: the circuit has no output (eval_output_len() == 0)");
    for (const auto& g : circuit_.gadgets()) {
      if (std::countr_zero(g.poly_size()) > 32) throw InvalidArgument("Flp: circuit too large for the field");
    }
  }

  [[nodiscard]] const Circuit& circuit() const noexcept { return circuit_; }

  [[nodiscard]] std::size_t prove_rand_len() const {
    std::size_t n = 0;
    for (const auto& g : circuit_.gadgets()) n += g.arity();
    return n;
  }
  [[nodiscard]] std::size_t query_rand_len() const {
    std::size_t n = circuit_.gadgets().size();
    if (circuit_.eval_output_len() > 1) n += circuit_.eval_output_len();
    return n;
  }
  [[nodiscard]] std::size_t proof_len() const {
    std::size_t n = 0;
    for (const auto& g : circuit_.gadgets()) n += g.arity() + g.poly_len();
    return n;
  }
  [[nodiscard]] std::size_t verifier_len() const {
    std::size_t n = 1;
    for (const auto& g : circuit_.gadgets()) n += g.arity() + 1;
    return n;
  }
  [[nodiscard]] std::size_t meas_len() const { return circuit_.meas_len(); }
  [[nodiscard]] std::size_t joint_rand_len() const { return circuit_.joint_rand_len(); }
  [[nodiscard]] std::size_t output_len() const { return circuit_.output_len(); }

  // The circuit's outputs evaluated directly (all zero iff the input is valid).
  [[nodiscard]] std::vector<F> eval(std::span<const F> meas, std::span<const F> joint_rand, std::size_t num_shares) const {
    check_len(meas.size(), meas_len(), "measurement");
    check_len(joint_rand.size(), joint_rand_len(), "joint randomness");
    struct Direct {
      const std::vector<Gadget<F>>* gadgets;
      F operator()(std::size_t g, std::span<const F> in) { return gadgets->at(g).eval(in); }
    } call{&circuit_.gadgets()};
    std::vector<F> out;
    circuit_.eval(meas, joint_rand, num_shares, call, out);
    return out;
  }

  [[nodiscard]] std::vector<F> prove(std::span<const F> meas, std::span<const F> prove_rand,
                                     std::span<const F> joint_rand) const {
    check_len(meas.size(), meas_len(), "measurement");
    check_len(prove_rand.size(), prove_rand_len(), "prover randomness");
    check_len(joint_rand.size(), joint_rand_len(), "joint randomness");
    const auto& gadgets = circuit_.gadgets();
    struct Prover : detail::WireRecorder<F> {
      const std::vector<Gadget<F>>* gadgets = nullptr;
      F operator()(std::size_t g, std::span<const F> in) {
        this->record(g, in);
        return gadgets->at(g).eval(in);
      }
    } prover;
    prover.gadgets = &gadgets;
    prover.init(gadgets, prove_rand);
    std::vector<F> out;
    circuit_.eval(meas, joint_rand, 1, prover, out);

    std::vector<F> proof;
    proof.reserve(proof_len());
    for (std::size_t g = 0; g < gadgets.size(); ++g) {
      const auto& gadget = gadgets[g];
      const auto& w = prover.wires[g];
      check_calls(w.k, gadget.calls());
      const std::size_t size = gadget.poly_size();
      // Each wire polynomial's values at the size-th roots of unity (for
      // degree-2 gadgets size = 2P: one plan serves every wire).
      std::optional<poly::NttPlan<F>> plan;
      if (size == 2 * w.p) plan.emplace(w.p, true);
      std::vector<std::vector<F>> ext(w.arity);
      for (std::size_t j = 0; j < w.arity; ++j) {
        proof.push_back(w.values[j * w.p]);  // wire seed
        const auto wire = std::span<const F>(w.values).subspan(j * w.p, w.p);
        ext[j] = plan ? plan->doubled(wire) : poly::extend_evaluations<F>(wire, size);
      }
      // The gadget polynomial is the gadget applied point by point.
      std::vector<F> in(w.arity);
      for (std::size_t i = 0; i < gadget.poly_len(); ++i) {
        for (std::size_t j = 0; j < w.arity; ++j) in[j] = ext[j][i];
        proof.push_back(gadget.eval(in));
      }
    }
    return proof;
  }

  // The verifier share for one share of the measurement and the proof.
  // nullopt when a query point is a root of unity (the draft aborts then;
  // it happens with negligible probability).
  [[nodiscard]] std::optional<std::vector<F>> query(std::span<const F> meas, std::span<const F> proof,
                                                    std::span<const F> query_rand, std::span<const F> joint_rand,
                                                    std::size_t num_shares) const {
    check_len(meas.size(), meas_len(), "measurement share");
    check_len(proof.size(), proof_len(), "proof share");
    check_len(query_rand.size(), query_rand_len(), "query randomness");
    check_len(joint_rand.size(), joint_rand_len(), "joint randomness");
    const auto& gadgets = circuit_.gadgets();

    struct Verifier : detail::WireRecorder<F> {
      std::vector<std::vector<F>> polys;  // each gadget polynomial at all size-th roots
      std::vector<std::size_t> steps;
      F operator()(std::size_t g, std::span<const F> in) {
        const std::size_t k = this->record(g, in);
        return polys[g][k * steps[g]];
      }
    } verifier;
    std::vector<F> seeds;
    seeds.reserve(prove_rand_len());
    std::size_t at = 0;
    for (const auto& gadget : gadgets) {
      for (std::size_t j = 0; j < gadget.arity(); ++j) seeds.push_back(proof[at++]);
      std::vector<F> values(proof.begin() + static_cast<std::ptrdiff_t>(at),
                            proof.begin() + static_cast<std::ptrdiff_t>(at + gadget.poly_len()));
      at += gadget.poly_len();
      poly::complete_evaluations(values, gadget.poly_size());
      verifier.polys.push_back(std::move(values));
      verifier.steps.push_back(gadget.poly_size() / gadget.wire_len());
    }
    verifier.init(gadgets, seeds);
    std::vector<F> out;
    circuit_.eval(meas, joint_rand, num_shares, verifier, out);
    check_len(out.size(), circuit_.eval_output_len(), "circuit output");

    // Reduce the circuit output to one element.
    std::size_t qr = 0;
    F v = F::zero();
    if (out.size() > 1) {
      for (const F& o : out) v += query_rand[qr++] * o;
    } else {
      v = out[0];
    }
    std::vector<F> result;
    result.reserve(verifier_len());
    result.push_back(v);
    for (std::size_t g = 0; g < gadgets.size(); ++g) {
      const F t = query_rand[qr++];
      const auto& w = verifier.wires[g];
      check_calls(w.k, gadgets[g].calls());
      if (t.pow(w.p) == F::one()) return std::nullopt;
      // Every wire polynomial shares the nodes and t: one basis, then dot products.
      const std::vector<F> basis = poly::lagrange_basis_at<F>(w.p, t);
      for (std::size_t j = 0; j < w.arity; ++j) {
        F acc = F::zero();
        const F* wire = w.values.data() + j * w.p;
        for (std::size_t k = 0; k <= w.k; ++k) acc += basis[k] * wire[k];  // values past the last call are zero
        result.push_back(acc);
      }
      result.push_back(poly::lagrange_eval<F>(verifier.polys[g], gadgets[g].poly_size(), t));
    }
    return result;
  }

  // Accepts iff the circuit output is zero and every gadget test passes.
  [[nodiscard]] bool decide(std::span<const F> verifier) const {
    check_len(verifier.size(), verifier_len(), "verifier");
    if (verifier[0] != F::zero()) return false;
    std::size_t at = 1;
    bool ok = true;
    for (const auto& g : circuit_.gadgets()) {
      const auto wire_checks = verifier.subspan(at, g.arity());
      at += g.arity();
      ok = ok && (g.eval(wire_checks) == verifier[at]);
      ++at;
    }
    return ok;
  }

 private:
  static void check_len(std::size_t got, std::size_t want, const char* what) {
    if (got != want) {
      throw InvalidArgument(std::string("Flp: ") + what + " has length " + std::to_string(got) + ", expected " +
                            std::to_string(want));
    }
  }
  static void check_calls(std::size_t got, std::size_t want) {
    if (got != want) throw InvalidArgument("Flp: circuit called a gadget " + std::to_string(got) +
                                           " times, declared " + std::to_string(want));
  }

  Circuit circuit_;
};

}  // namespace privfin::vdaf::flp
