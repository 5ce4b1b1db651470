// privfin/sharing/shamir.hpp — Shamir t-out-of-n secret sharing over a prime
// field (Shamir, "How to share a secret", CACM 1979): the secret is f(0) of
// a uniformly random polynomial f of degree t-1, party j gets f(x_j); any t
// shares determine f by Lagrange interpolation, any t-1 are jointly uniform.
//
//   sharing::Shamir<Fp61> shamir(/*threshold=*/3, /*parties=*/5);   // x_j = j + 1
//   auto shares = shamir.share(secrets, prg);                  // shares[party][i]
//   std::vector<std::size_t> who = {4, 0, 2};
//   auto back = shamir.reconstruct(who, {shares[4], shares[0], shares[2]});
//
//   sharing::Shamir<GmpField> big(GmpField(q), 3, 5);          // run-time prime
//
// Fields: Fp61, Fp127 (elements are the field type) and GmpField (elements
// are mpz_class in [0, p)). Everything is batched: one call shares or
// reconstructs a whole vector, the Lagrange coefficients are computed once
// per call and polynomial evaluation runs over cache-sized chunks, so nothing
// is allocated per element (for Fp61/Fp127). reconstruct() and
// interpolate_at() use the first t of the shares given; consistent() checks
// that every given share lies on one polynomial of degree < t, which detects
// wrong shares when more than t are available.
//
// Caller's duties: seed the Prg well; threshold 1 means no secrecy (every
// share equals the secret). Throws InvalidArgument for n < 2, t = 0, t > n,
// duplicate or zero evaluation points, points outside the field, party
// indices out of range or repeated, fewer than t shares, and batch size
// mismatches. Not constant-time over GmpField (GMP's mpz is not).
// Thread safety: a Shamir object is immutable after construction; share()
// needs its own Prg per thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "privfin/core/bigint.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/gmp_field.hpp"
#include "privfin/core/mersenne.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sharing/detail/field_ops.hpp"

namespace privfin::sharing {

template <class Field>
  requires(StaticPrimeField<Field> || std::is_same_v<Field, GmpField>)
class Shamir {
 public:
  using Ops = detail::FieldOps<Field>;
  using Element = typename Ops::Element;
  // Batches are processed in chunks of this many elements (coefficients stay in cache).
  static constexpr std::size_t chunk_size = 2048;

  // Evaluation points x_j = j + 1 for j = 0..parties-1.
  Shamir(std::size_t threshold, std::size_t parties)
    requires StaticPrimeField<Field>
      : Shamir(Ops{}, threshold, default_points(Ops{}, parties)) {}
  // Explicit evaluation points (distinct, nonzero).
  Shamir(std::size_t threshold, std::vector<Element> points)
    requires StaticPrimeField<Field>
      : Shamir(Ops{}, threshold, std::move(points)) {}
  Shamir(GmpField field, std::size_t threshold, std::size_t parties)
    requires std::is_same_v<Field, GmpField>
      : Shamir(Ops{field}, threshold, default_points(Ops{field}, parties)) {}
  Shamir(GmpField field, std::size_t threshold, std::vector<Element> points)
    requires std::is_same_v<Field, GmpField>
      : Shamir(Ops{std::move(field)}, threshold, std::move(points)) {}

  [[nodiscard]] std::size_t threshold() const noexcept { return threshold_; }
  [[nodiscard]] std::size_t parties() const noexcept { return points_.size(); }
  [[nodiscard]] const std::vector<Element>& points() const noexcept { return points_; }
  [[nodiscard]] const Ops& ops() const noexcept { return ops_; }

  // Deals every secrets[i] with fresh random coefficients: out[j][i] =
  // f_i(x_j). out must hold parties() spans of secrets.size() elements.
  void share(std::span<const Element> secrets, Prg& prg, std::span<const std::span<Element>> out) const {
    check_outputs(out, secrets.size(), "share");
    const std::size_t degree = threshold_ - 1;
    std::vector<Element> scratch(degree * std::min(chunk_size, secrets.size()));
    std::vector<std::span<const Element>> coefficients(threshold_);
    for (std::size_t base = 0; base < secrets.size(); base += chunk_size) {
      const std::size_t count = std::min(chunk_size, secrets.size() - base);
      coefficients[0] = secrets.subspan(base, count);
      for (std::size_t d = 1; d <= degree; ++d) {
        const std::span<Element> c(scratch.data() + (d - 1) * count, count);
        ops_.random_fill(prg, c);
        coefficients[d] = c;
      }
      evaluate_chunk(coefficients, out, base, count);
    }
    wipe(scratch);
  }

  [[nodiscard]] std::vector<std::vector<Element>> share(std::span<const Element> secrets, Prg& prg) const {
    std::vector<std::vector<Element>> result(parties(), std::vector<Element>(secrets.size()));
    std::vector<std::span<Element>> views(result.begin(), result.end());
    share(secrets, prg, views);
    return result;
  }

  // Deals with given polynomials: coefficients[d][i] is the coefficient of
  // x^d in f_i (coefficients[0] holds the secrets); exactly threshold()
  // vectors of equal size. For verifiable schemes that commit to them.
  void share_with_coefficients(std::span<const std::span<const Element>> coefficients,
                               std::span<const std::span<Element>> out) const {
    if (coefficients.size() != threshold_) {
      throw InvalidArgument("sharing::Shamir::share_with_coefficients: " + std::to_string(coefficients.size()) +
                            " coefficient vectors for threshold " + std::to_string(threshold_));
    }
    const std::size_t size = coefficients[0].size();
    for (std::size_t d = 0; d < coefficients.size(); ++d) {
      if (coefficients[d].size() != size) {
        throw InvalidArgument("sharing::Shamir::share_with_coefficients: coefficient vector " + std::to_string(d) +
                              " has " + std::to_string(coefficients[d].size()) + " elements, expected " +
                              std::to_string(size));
      }
    }
    check_outputs(out, size, "share_with_coefficients");
    std::vector<std::span<const Element>> chunk(threshold_);
    for (std::size_t base = 0; base < size; base += chunk_size) {
      const std::size_t count = std::min(chunk_size, size - base);
      for (std::size_t d = 0; d < threshold_; ++d) chunk[d] = coefficients[d].subspan(base, count);
      evaluate_chunk(chunk, out, base, count);
    }
  }

  // lambda_m with f(at) = sum_m lambda_m f(x_{who[m]}) for every f of degree
  // < who.size(). `who` holds distinct party indices.
  [[nodiscard]] std::vector<Element> lagrange_coefficients(std::span<const std::size_t> who,
                                                           const Element& at) const {
    check_parties(who, who.size(), "lagrange_coefficients");
    std::vector<Element> xs;
    xs.reserve(who.size());
    for (std::size_t j : who) xs.push_back(points_[j]);
    return lagrange(ops_, xs, at);
  }

  // out[i] = f_i(at) from the first threshold() of the given shares:
  // shares[m] is the share vector of party who[m].
  void interpolate(std::span<const std::size_t> who, std::span<const std::span<const Element>> shares,
                   const Element& at, std::span<Element> out) const {
    check_inputs(who, shares, out.size(), "interpolate");
    const std::span<const std::size_t> used = who.first(threshold_);
    const std::vector<Element> lambda = lagrange_coefficients(used, at);
    ops_.linear_combination(out, lambda, shares.first(threshold_));
  }

  [[nodiscard]] std::vector<Element> interpolate_at(const Element& at, std::span<const std::size_t> who,
                                                    const std::vector<std::vector<Element>>& shares) const {
    const std::vector<std::span<const Element>> views(shares.begin(), shares.end());
    std::vector<Element> out(shares.empty() ? 0 : shares[0].size());
    interpolate(who, views, at, out);
    return out;
  }

  // The secrets f_i(0).
  [[nodiscard]] std::vector<Element> reconstruct(std::span<const std::size_t> who,
                                                 const std::vector<std::vector<Element>>& shares) const {
    return interpolate_at(ops_.zero(), who, shares);
  }
  [[nodiscard]] std::vector<Element> reconstruct(std::initializer_list<std::size_t> who,
                                                 const std::vector<std::vector<Element>>& shares) const {
    return reconstruct(std::span<const std::size_t>(who.begin(), who.size()), shares);
  }
  void reconstruct(std::span<const std::size_t> who, std::span<const std::span<const Element>> shares,
                   std::span<Element> out) const {
    interpolate(who, shares, ops_.zero(), out);
  }

  // Whether all given shares lie, for every i, on one polynomial of degree
  // < threshold(): each share beyond the first t is compared with the value
  // interpolated from the first t. Needs at least t shares.
  [[nodiscard]] bool consistent(std::span<const std::size_t> who,
                                std::span<const std::span<const Element>> shares) const {
    const std::size_t size = shares.empty() ? 0 : shares[0].size();
    check_inputs(who, shares, size, "consistent");
    std::vector<Element> predicted(std::min(size, chunk_size));
    std::vector<std::span<const Element>> chunk(threshold_);
    std::vector<std::vector<Element>> lambdas;
    const std::span<const std::size_t> used = who.first(threshold_);
    for (std::size_t m = threshold_; m < who.size(); ++m) lambdas.push_back(lagrange_coefficients(used, points_[who[m]]));
    bool ok = true;
    for (std::size_t base = 0; base < size; base += chunk_size) {
      const std::size_t count = std::min(chunk_size, size - base);
      const std::span<Element> p(predicted.data(), count);
      for (std::size_t s = 0; s < threshold_; ++s) chunk[s] = shares[s].subspan(base, count);
      for (std::size_t m = threshold_; m < who.size(); ++m) {
        ops_.linear_combination(p, lambdas[m - threshold_], chunk);
        const std::span<const Element> actual = shares[m].subspan(base, count);
        for (std::size_t k = 0; k < count; ++k) ok &= p[k] == actual[k];
      }
    }
    return ok;
  }
  [[nodiscard]] bool consistent(std::span<const std::size_t> who,
                                const std::vector<std::vector<Element>>& shares) const {
    const std::vector<std::span<const Element>> views(shares.begin(), shares.end());
    return consistent(who, views);
  }

  // Lagrange coefficients for arbitrary distinct points xs, evaluated at `at`:
  // lambda_m = prod_{l != m} (at - x_l) / (x_m - x_l).
  [[nodiscard]] static std::vector<Element> lagrange(const Ops& ops, std::span<const Element> xs, const Element& at) {
    std::vector<Element> lambda(xs.size());
    for (std::size_t m = 0; m < xs.size(); ++m) {
      Element num = ops.one(), den = ops.one();
      for (std::size_t l = 0; l < xs.size(); ++l) {
        if (l == m) continue;
        const Element diff = ops.sub(xs[m], xs[l]);
        if (diff == ops.zero()) throw InvalidArgument("sharing::Shamir::lagrange: duplicate evaluation point");
        num = ops.mul(num, ops.sub(at, xs[l]));
        den = ops.mul(den, diff);
      }
      lambda[m] = ops.mul(num, ops.inverse(den));
    }
    return lambda;
  }

 private:
  Shamir(Ops ops, std::size_t threshold, std::vector<Element> points)
      : ops_(std::move(ops)), threshold_(threshold), points_(std::move(points)) {
    const std::size_t n = points_.size();
    if (n < 2) throw InvalidArgument("sharing::Shamir: need at least 2 parties, got " + std::to_string(n));
    if (threshold_ == 0) throw InvalidArgument("sharing::Shamir: threshold must be at least 1");
    if (threshold_ > n) {
      throw InvalidArgument("sharing::Shamir: threshold " + std::to_string(threshold_) +
                            " exceeds the number of parties " + std::to_string(n));
    }
    for (std::size_t j = 0; j < n; ++j) {
      if (!ops_.contains(points_[j])) {
        throw InvalidArgument("sharing::Shamir: evaluation point of party " + std::to_string(j) +
                              " is not a field element");
      }
      if (points_[j] == ops_.zero()) {
        throw InvalidArgument("sharing::Shamir: evaluation point of party " + std::to_string(j) +
                              " is zero (that share would be the secret)");
      }
      for (std::size_t l = 0; l < j; ++l) {
        if (points_[l] == points_[j]) {
          throw InvalidArgument("sharing::Shamir: parties " + std::to_string(l) + " and " + std::to_string(j) +
                                " have the same evaluation point");
        }
      }
    }
  }

  static std::vector<Element> default_points(const Ops& ops, std::size_t parties) {
    if (parties < 2) throw InvalidArgument("sharing::Shamir: need at least 2 parties, got " + std::to_string(parties));
    if (parties > (std::size_t{1} << 32) || !ops.index_fits(parties)) {
      throw InvalidArgument("sharing::Shamir: " + std::to_string(parties) + " parties are too many for the field");
    }
    std::vector<Element> points;
    points.reserve(parties);
    for (std::size_t j = 0; j < parties; ++j) points.push_back(ops.from_index(j + 1));
    return points;
  }

  // Horner's rule over a chunk: out[j][base + k] = sum_d coefficients[d][k] x_j^d.
  void evaluate_chunk(std::span<const std::span<const Element>> coefficients, std::span<const std::span<Element>> out,
                      std::size_t base, std::size_t count) const {
    const std::size_t degree = threshold_ - 1;
    for (std::size_t j = 0; j < points_.size(); ++j) {
      const std::span<Element> o = out[j].subspan(base, count);
      const std::span<const Element> top = coefficients[degree];
      for (std::size_t k = 0; k < count; ++k) o[k] = top[k];
      for (std::size_t d = degree; d-- > 0;) ops_.mul_scalar_add_inplace(o, points_[j], coefficients[d]);
    }
  }

  void check_outputs(std::span<const std::span<Element>> out, std::size_t size, const char* where) const {
    if (out.size() != points_.size()) {
      throw InvalidArgument(std::string("sharing::Shamir::") + where + ": " + std::to_string(out.size()) +
                            " output vectors for " + std::to_string(points_.size()) + " parties");
    }
    for (std::size_t j = 0; j < out.size(); ++j) {
      if (out[j].size() != size) {
        throw InvalidArgument(std::string("sharing::Shamir::") + where + ": output of party " + std::to_string(j) +
                              " has " + std::to_string(out[j].size()) + " elements, expected " +
                              std::to_string(size));
      }
    }
  }

  void check_parties(std::span<const std::size_t> who, std::size_t share_count, const char* where) const {
    if (who.size() != share_count) {
      throw InvalidArgument(std::string("sharing::Shamir::") + where + ": " + std::to_string(who.size()) +
                            " party indices for " + std::to_string(share_count) + " share vectors");
    }
    for (std::size_t m = 0; m < who.size(); ++m) {
      if (who[m] >= points_.size()) {
        throw InvalidArgument(std::string("sharing::Shamir::") + where + ": party index " + std::to_string(who[m]) +
                              " out of range (" + std::to_string(points_.size()) + " parties)");
      }
      for (std::size_t l = 0; l < m; ++l) {
        if (who[l] == who[m]) {
          throw InvalidArgument(std::string("sharing::Shamir::") + where + ": party " + std::to_string(who[m]) +
                                " appears twice");
        }
      }
    }
  }

  void check_inputs(std::span<const std::size_t> who, std::span<const std::span<const Element>> shares,
                    std::size_t size, const char* where) const {
    check_parties(who, shares.size(), where);
    if (who.size() < threshold_) {
      throw InvalidArgument(std::string("sharing::Shamir::") + where + ": " + std::to_string(who.size()) +
                            " shares given, threshold is " + std::to_string(threshold_));
    }
    for (std::size_t m = 0; m < shares.size(); ++m) {
      if (shares[m].size() != size) {
        throw InvalidArgument(std::string("sharing::Shamir::") + where + ": share vector of party " +
                              std::to_string(who[m]) + " has " + std::to_string(shares[m].size()) +
                              " elements, expected " + std::to_string(size));
      }
    }
  }

  // The random coefficients reveal the secrets together with any share.
  static void wipe(std::vector<Element>& v) noexcept {
    if constexpr (std::is_same_v<Element, mpz_class>) {
      for (auto& e : v) bigint::wipe(e);
    } else {
      secure_wipe(std::as_writable_bytes(std::span<Element>(v)));
    }
  }

  Ops ops_;
  std::size_t threshold_;
  std::vector<Element> points_;
};

}  // namespace privfin::sharing
