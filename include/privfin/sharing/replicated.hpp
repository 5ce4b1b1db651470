// privfin/sharing/replicated.hpp — replicated 2-out-of-3 secret sharing
// (Araki, Furukawa, Lindell, Nof, Ohara, CCS 2016; Mohassel-Rindal ABY3,
// CCS 2018), arithmetic over Z2k<K> and boolean over bits packed 64 to a word.
//
// x = x_0 + x_1 + x_2 (arithmetic) or x = x_0 ^ x_1 ^ x_2 (boolean); party i
// holds the pair (x_i, x_{i+1}) (indices mod 3) as `first` and `second`. Any
// two parties together hold all three components; one party alone sees two
// uniform values. Everything works on batches, stored structure-of-arrays so
// the loops vectorize:
//
//   Prg prg(random_seed());
//   auto parties = replicated::share<64>(secrets, prg);       // std::array<ArithShares<64>, 3>
//   auto sum = replicated::add(parties[1], parties[1]);         // local, no interaction
//   auto back = replicated::reconstruct(parties[0].view(), 0, parties[2].view(), 2);
//
// Multiplication (what the MPC engine does with this header): each party
// computes z_i = mul_local(x, y) + alpha_i, where alpha comes from
// zero_share() on PRGs shared pairwise (the alpha_i sum to zero), then sends
// z_i to party i-1; party i-1 then holds (z_{i-1}, z_i), a replicated sharing
// of x*y. The same holds for and_local() over XOR shares.
//
// Caller's duties: pass each party's own index (0, 1, 2) to the functions
// that take one; keep the pairwise PRGs in step (every party must make the
// same sequence of random_share/zero_share calls).
// Throws InvalidArgument for mismatched batch sizes, party indices outside
// {0,1,2}, or two shares of the same party given to reconstruct; reconstruct
// also throws InvalidArgument when the two parties' pairs disagree (naming
// the parties, component and element). find_mismatch() reports the same
// without throwing. Outputs may alias inputs (elementwise loops).
// Thread safety: values and pure functions; a Prg is not thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/sharing/detail/field_ops.hpp"

namespace privfin::sharing::replicated {

inline constexpr std::size_t party_count = 3;

// The element types of replicated sharing: Z2k<K> (arithmetic, + and *) and
// std::uint64_t (boolean, 64 independent bits per word, ^ and &).
template <class T>
concept RepElement = sharing::detail::is_z2k<T> || std::is_same_v<T, std::uint64_t>;

namespace detail {
template <class T>
constexpr T combine(T a, T b) noexcept {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return a ^ b;
  } else {
    return a + b;
  }
}
template <class T>
constexpr T uncombine(T a, T b) noexcept {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return a ^ b;
  } else {
    return a - b;
  }
}
template <class T>
constexpr std::uint64_t word(T a) noexcept {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return a;
  } else {
    return static_cast<std::uint64_t>(a.value());
  }
}
[[noreturn]] inline void size_error(const char* where, std::size_t got, std::size_t want) {
  throw InvalidArgument(std::string("sharing::replicated::") + where + ": batch of " + std::to_string(got) +
                        " elements, expected " + std::to_string(want));
}
inline void check_size(const char* where, std::size_t got, std::size_t want) {
  if (got != want) size_error(where, got, want);
}
inline void check_party(const char* where, std::size_t party) {
  if (party >= party_count) {
    throw InvalidArgument(std::string("sharing::replicated::") + where + ": party index " + std::to_string(party) +
                          " is not 0, 1 or 2");
  }
}
}  // namespace detail

// One party's shares of a batch, borrowed: first[k] = x_i[k], second[k] = x_{i+1}[k].
template <RepElement T>
struct RepView {
  std::span<const T> first;
  std::span<const T> second;
  [[nodiscard]] std::size_t size() const noexcept { return first.size(); }
};

template <RepElement T>
struct RepMutView {
  std::span<T> first;
  std::span<T> second;
  [[nodiscard]] std::size_t size() const noexcept { return first.size(); }
  operator RepView<T>() const noexcept { return {first, second}; }  // NOLINT(google-explicit-constructor)
};

// One party's shares of a batch, owned.
template <RepElement T>
struct RepShares {
  std::vector<T> first;
  std::vector<T> second;

  RepShares() = default;
  explicit RepShares(std::size_t size) : first(size), second(size) {}
  RepShares(std::vector<T> first_component, std::vector<T> second_component)
      : first(std::move(first_component)), second(std::move(second_component)) {
    detail::check_size("RepShares", second.size(), first.size());
  }
  [[nodiscard]] std::size_t size() const noexcept { return first.size(); }
  void resize(std::size_t size) {
    first.resize(size);
    second.resize(size);
  }
  [[nodiscard]] RepView<T> view() const noexcept { return {first, second}; }
  [[nodiscard]] RepMutView<T> mut_view() noexcept { return {first, second}; }
  friend bool operator==(const RepShares&, const RepShares&) = default;
};

template <unsigned K>
using ArithShares = RepShares<Z2k<K>>;
using BoolShares = RepShares<std::uint64_t>;

namespace detail {
template <class T>
void check_view(const char* where, RepView<T> v, std::size_t want) {
  check_size(where, v.first.size(), want);
  check_size(where, v.second.size(), want);
}
}  // namespace detail

// ---------------------------------------------------------------------------
// Sharing and reconstruction (arithmetic for Z2k<K>, XOR for uint64_t words)

// Deals secrets into three parties' shares: x_0, x_1 uniform, x_2 = x - x_0 - x_1
// (or x ^ x_0 ^ x_1). `out` is resized; its storage is reused between calls.
template <RepElement T>
void share_into(std::span<const T> secrets, Prg& prg, std::array<RepShares<T>, 3>& out) {
  const std::size_t n = secrets.size();
  for (auto& p : out) p.resize(n);
  // x_0 lives in party 0 first and party 2 second; x_1 in party 1 first and party 0 second.
  sharing::detail::random_fill(prg, std::span<T>(out[0].first));
  sharing::detail::random_fill(prg, std::span<T>(out[1].first));
  const T* x0 = out[0].first.data();
  const T* x1 = out[1].first.data();
  T* x0_copy = out[2].second.data();
  T* x1_copy = out[0].second.data();
  T* x2 = out[2].first.data();
  T* x2_copy = out[1].second.data();
  for (std::size_t k = 0; k < n; ++k) {
    const T c = detail::uncombine(detail::uncombine(secrets[k], x0[k]), x1[k]);
    x0_copy[k] = x0[k];
    x1_copy[k] = x1[k];
    x2[k] = c;
    x2_copy[k] = c;
  }
}

template <RepElement T>
[[nodiscard]] std::array<RepShares<T>, 3> share(std::span<const T> secrets, Prg& prg) {
  std::array<RepShares<T>, 3> out;
  share_into(secrets, prg, out);
  return out;
}

// Arithmetic sharing of a batch of ring elements.
template <unsigned K>
[[nodiscard]] std::array<ArithShares<K>, 3> share(std::span<const Z2k<K>> secrets, Prg& prg) {
  return share<Z2k<K>>(secrets, prg);
}
// Boolean sharing of packed bit words.
[[nodiscard]] inline std::array<BoolShares, 3> share_bits(std::span<const std::uint64_t> words, Prg& prg) {
  return share<std::uint64_t>(words, prg);
}

// Where two parties' pairs disagree: both claim to hold component x_c, but
// their values differ at element `index`.
struct Mismatch {
  std::size_t party_a = 0;
  std::size_t party_b = 0;
  std::size_t component = 0;
  std::size_t index = 0;
  [[nodiscard]] std::string describe() const {
    return "parties " + std::to_string(party_a) + " and " + std::to_string(party_b) +
           " hold different values of component x_" + std::to_string(component) + " at element " +
           std::to_string(index);
  }
  friend bool operator==(const Mismatch&, const Mismatch&) = default;
};

// Compares the component that parties i and j (distinct, in {0,1,2}) both
// hold. nullopt when every element agrees. Throws InvalidArgument for bad
// party indices or batch sizes.
template <RepElement T>
[[nodiscard]] std::optional<Mismatch> find_mismatch(RepView<T> share_i, std::size_t i, RepView<T> share_j,
                                                    std::size_t j) {
  detail::check_party("find_mismatch", i);
  detail::check_party("find_mismatch", j);
  if (i == j) throw InvalidArgument("sharing::replicated::find_mismatch: both shares claim party " + std::to_string(i));
  detail::check_view("find_mismatch", share_i, share_i.size());
  detail::check_view("find_mismatch", share_j, share_i.size());
  // Party p holds x_p (first) and x_{p+1} (second). If j = i+1 they share x_j; otherwise i = j+1 and they share x_i.
  const bool j_follows_i = j == (i + 1) % party_count;
  const std::span<const T> a = j_follows_i ? share_i.second : share_i.first;
  const std::span<const T> b = j_follows_i ? share_j.first : share_j.second;
  const std::size_t component = j_follows_i ? j : i;
  // Fast path: a word-wise OR of differences, then locate the first one.
  std::uint64_t any = 0;
  for (std::size_t k = 0; k < a.size(); ++k) any |= detail::word(a[k]) ^ detail::word(b[k]);
  if (any == 0) return std::nullopt;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!(a[k] == b[k])) return Mismatch{std::min(i, j), std::max(i, j), component, k};
  }
  return std::nullopt;
}

template <RepElement T>
[[nodiscard]] bool consistent(RepView<T> share_i, std::size_t i, RepView<T> share_j, std::size_t j) {
  return !find_mismatch(share_i, i, share_j, j).has_value();
}

// Checks all three pairs; the first disagreement found, or nullopt.
template <RepElement T>
[[nodiscard]] std::optional<Mismatch> find_mismatch(const std::array<RepShares<T>, 3>& parties) {
  for (std::size_t i = 0; i < party_count; ++i) {
    const std::size_t j = (i + 1) % party_count;
    if (auto m = find_mismatch(parties[i].view(), i, parties[j].view(), j)) return m;
  }
  return std::nullopt;
}

// The secrets from the pairs of any two distinct parties, after checking the
// component they both hold (InvalidArgument naming the disagreement).
template <RepElement T>
void reconstruct(RepView<T> share_i, std::size_t i, RepView<T> share_j, std::size_t j, std::span<T> out) {
  if (auto m = find_mismatch(share_i, i, share_j, j)) {
    throw InvalidArgument("sharing::replicated::reconstruct: inconsistent shares: " + m->describe());
  }
  detail::check_size("reconstruct", out.size(), share_i.size());
  // The component party i lacks is x_{i+2}: party j holds it as second if j = i+1, else as first.
  const std::span<const T> missing = j == (i + 1) % party_count ? share_j.second : share_j.first;
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = detail::combine(detail::combine(share_i.first[k], share_i.second[k]), missing[k]);
  }
}

template <RepElement T>
[[nodiscard]] std::vector<T> reconstruct(RepView<T> share_i, std::size_t i, RepView<T> share_j, std::size_t j) {
  std::vector<T> out(share_i.size());
  reconstruct(share_i, i, share_j, j, std::span<T>(out));
  return out;
}

// Opening as the MPC engine does it: a party combines its own pair with the
// one component it lacks (x_{i+2}, received from a peer). Unchecked.
template <RepElement T>
void reconstruct_with_missing(RepView<T> mine, std::span<const T> missing, std::span<T> out) {
  detail::check_view("reconstruct_with_missing", mine, out.size());
  detail::check_size("reconstruct_with_missing", missing.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = detail::combine(detail::combine(mine.first[k], mine.second[k]), missing[k]);
  }
}

// ---------------------------------------------------------------------------
// Correlated randomness from pairwise PRGs, without interaction.
//
// Component x_c is held by parties c and c-1, so they share a PRG for it:
// party i passes `prg_first` (shared with party i-1, drives x_i) and
// `prg_second` (shared with party i+1, drives x_{i+1}).

// A replicated sharing of a uniformly random secret.
template <RepElement T>
void random_share(Prg& prg_first, Prg& prg_second, RepMutView<T> out) {
  detail::check_size("random_share", out.second.size(), out.first.size());
  sharing::detail::random_fill(prg_first, out.first);
  sharing::detail::random_fill(prg_second, out.second);
}

// alpha_i = r_{i+1} - r_i (or r_{i+1} ^ r_i): the three parties' outputs sum
// (XOR) to zero and each is uniform to the party's two peers. Allocation-free.
template <RepElement T>
void zero_share(Prg& prg_first, Prg& prg_second, std::span<T> out) {
  sharing::detail::random_fill(prg_second, out);
  constexpr std::size_t chunk = 512;
  std::array<T, chunk> r{};
  for (std::size_t base = 0; base < out.size(); base += chunk) {
    const std::size_t count = std::min(chunk, out.size() - base);
    sharing::detail::random_fill(prg_first, std::span<T>(r.data(), count));
    for (std::size_t k = 0; k < count; ++k) out[base + k] = detail::uncombine(out[base + k], r[k]);
  }
}

// ---------------------------------------------------------------------------
// Local arithmetic operations on one party's pair (Z2k<K>).

template <unsigned K>
void add(RepView<Z2k<K>> x, RepView<Z2k<K>> y, RepMutView<Z2k<K>> out) {
  detail::check_view("add", x, out.size());
  detail::check_view("add", y, out.size());
  detail::check_size("add", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] + y.first[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] + y.second[k];
}

template <unsigned K>
void sub(RepView<Z2k<K>> x, RepView<Z2k<K>> y, RepMutView<Z2k<K>> out) {
  detail::check_view("sub", x, out.size());
  detail::check_view("sub", y, out.size());
  detail::check_size("sub", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] - y.first[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] - y.second[k];
}

template <unsigned K>
void negate(RepView<Z2k<K>> x, RepMutView<Z2k<K>> out) {
  detail::check_view("negate", x, out.size());
  detail::check_size("negate", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = -x.first[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = -x.second[k];
}

// x + c for public c: only component x_0 changes (party 0's first, party 2's second).
template <unsigned K>
void add_public(RepView<Z2k<K>> x, std::span<const Z2k<K>> c, std::size_t party, RepMutView<Z2k<K>> out) {
  detail::check_party("add_public", party);
  detail::check_view("add_public", x, out.size());
  detail::check_size("add_public", c.size(), out.size());
  detail::check_size("add_public", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out.first[k] = party == 0 ? x.first[k] + c[k] : x.first[k];
    out.second[k] = party == 2 ? x.second[k] + c[k] : x.second[k];
  }
}

// x * c for a public scalar c.
template <unsigned K>
void mul_public(RepView<Z2k<K>> x, Z2k<K> c, RepMutView<Z2k<K>> out) {
  detail::check_view("mul_public", x, out.size());
  detail::check_size("mul_public", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] * c;
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] * c;
}

// x[k] * c[k] for a public vector c.
template <unsigned K>
void mul_public(RepView<Z2k<K>> x, std::span<const Z2k<K>> c, RepMutView<Z2k<K>> out) {
  detail::check_view("mul_public", x, out.size());
  detail::check_size("mul_public", c.size(), out.size());
  detail::check_size("mul_public", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] * c[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] * c[k];
}

// The local part of multiplication: z_i = x_i*y_i + x_i*y_{i+1} + x_{i+1}*y_i,
// a 3-out-of-3 additive sharing of x*y (sum over the parties). Mask it with
// zero_share() before sending: unmasked, z_i leaks to the receiver.
template <unsigned K>
void mul_local(RepView<Z2k<K>> x, RepView<Z2k<K>> y, std::span<Z2k<K>> out) {
  detail::check_view("mul_local", x, out.size());
  detail::check_view("mul_local", y, out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = x.first[k] * (y.first[k] + y.second[k]) + x.second[k] * y.first[k];
  }
}

// The same with the zero share added in the same pass: out = z_i + alpha_i.
template <unsigned K>
void mul_local(RepView<Z2k<K>> x, RepView<Z2k<K>> y, std::span<const Z2k<K>> alpha, std::span<Z2k<K>> out) {
  detail::check_view("mul_local", x, out.size());
  detail::check_view("mul_local", y, out.size());
  detail::check_size("mul_local", alpha.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = x.first[k] * (y.first[k] + y.second[k]) + x.second[k] * y.first[k] + alpha[k];
  }
}

// The local part of a dot product: sum over k of the mul_local terms, a
// 3-out-of-3 sharing of <x, y>. One element to reshare however long x is.
template <unsigned K>
[[nodiscard]] Z2k<K> dot_local(RepView<Z2k<K>> x, RepView<Z2k<K>> y) {
  detail::check_view("dot_local", x, x.size());
  detail::check_view("dot_local", y, x.size());
  Z2k<K> sum{};
  for (std::size_t k = 0; k < x.size(); ++k) {
    sum += x.first[k] * (y.first[k] + y.second[k]) + x.second[k] * y.first[k];
  }
  return sum;
}

// Owning conveniences.
template <unsigned K>
[[nodiscard]] ArithShares<K> add(const ArithShares<K>& x, const ArithShares<K>& y) {
  ArithShares<K> out(x.size());
  add<K>(x.view(), y.view(), out.mut_view());
  return out;
}
template <unsigned K>
[[nodiscard]] ArithShares<K> sub(const ArithShares<K>& x, const ArithShares<K>& y) {
  ArithShares<K> out(x.size());
  sub<K>(x.view(), y.view(), out.mut_view());
  return out;
}
template <unsigned K>
[[nodiscard]] std::vector<Z2k<K>> mul_local(const ArithShares<K>& x, const ArithShares<K>& y) {
  std::vector<Z2k<K>> out(x.size());
  mul_local<K>(x.view(), y.view(), std::span<Z2k<K>>(out));
  return out;
}

// ---------------------------------------------------------------------------
// Local boolean operations on one party's pair of packed bit words.

using BoolView = RepView<std::uint64_t>;
using BoolMutView = RepMutView<std::uint64_t>;

inline void xor_shares(BoolView x, BoolView y, BoolMutView out) {
  detail::check_view("xor_shares", x, out.size());
  detail::check_view("xor_shares", y, out.size());
  detail::check_size("xor_shares", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] ^ y.first[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] ^ y.second[k];
}

// x ^ c for public words c: only component x_0 changes.
inline void xor_public(BoolView x, std::span<const std::uint64_t> c, std::size_t party, BoolMutView out) {
  detail::check_party("xor_public", party);
  detail::check_view("xor_public", x, out.size());
  detail::check_size("xor_public", c.size(), out.size());
  detail::check_size("xor_public", out.second.size(), out.size());
  const std::uint64_t first_mask = party == 0 ? ~std::uint64_t{0} : 0;
  const std::uint64_t second_mask = party == 2 ? ~std::uint64_t{0} : 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    out.first[k] = x.first[k] ^ (c[k] & first_mask);
    out.second[k] = x.second[k] ^ (c[k] & second_mask);
  }
}

// ~x: flips every bit (XOR with the all-ones public word).
inline void not_shares(BoolView x, std::size_t party, BoolMutView out) {
  detail::check_party("not_shares", party);
  detail::check_view("not_shares", x, out.size());
  detail::check_size("not_shares", out.second.size(), out.size());
  const std::uint64_t first_mask = party == 0 ? ~std::uint64_t{0} : 0;
  const std::uint64_t second_mask = party == 2 ? ~std::uint64_t{0} : 0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    out.first[k] = x.first[k] ^ first_mask;
    out.second[k] = x.second[k] ^ second_mask;
  }
}

// x & c for public words c (every component is masked).
inline void and_public(BoolView x, std::span<const std::uint64_t> c, BoolMutView out) {
  detail::check_view("and_public", x, out.size());
  detail::check_size("and_public", c.size(), out.size());
  detail::check_size("and_public", out.second.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) out.first[k] = x.first[k] & c[k];
  for (std::size_t k = 0; k < out.size(); ++k) out.second[k] = x.second[k] & c[k];
}

// The local part of AND: z_i = x_i&y_i ^ x_i&y_{i+1} ^ x_{i+1}&y_i, a
// 3-out-of-3 XOR sharing of x & y. Mask with zero_share() before sending.
inline void and_local(BoolView x, BoolView y, std::span<std::uint64_t> out) {
  detail::check_view("and_local", x, out.size());
  detail::check_view("and_local", y, out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = (x.first[k] & (y.first[k] ^ y.second[k])) ^ (x.second[k] & y.first[k]);
  }
}

inline void and_local(BoolView x, BoolView y, std::span<const std::uint64_t> alpha, std::span<std::uint64_t> out) {
  detail::check_view("and_local", x, out.size());
  detail::check_view("and_local", y, out.size());
  detail::check_size("and_local", alpha.size(), out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = (x.first[k] & (y.first[k] ^ y.second[k])) ^ (x.second[k] & y.first[k]) ^ alpha[k];
  }
}

// Packs bits (bits[k] goes to word k / 64, bit k % 64) and unpacks them.
[[nodiscard]] inline std::vector<std::uint64_t> pack_bits(std::span<const bool> bits) {
  std::vector<std::uint64_t> words((bits.size() + 63) / 64);
  for (std::size_t k = 0; k < bits.size(); ++k) {
    words[k / 64] |= static_cast<std::uint64_t>(bits[k]) << (k % 64);
  }
  return words;
}
[[nodiscard]] inline std::vector<bool> unpack_bits(std::span<const std::uint64_t> words, std::size_t count) {
  if (count > words.size() * 64) {
    throw InvalidArgument("sharing::replicated::unpack_bits: " + std::to_string(count) + " bits requested from " +
                          std::to_string(words.size()) + " words");
  }
  std::vector<bool> bits(count);
  for (std::size_t k = 0; k < count; ++k) bits[k] = ((words[k / 64] >> (k % 64)) & 1U) != 0;
  return bits;
}

}  // namespace privfin::sharing::replicated
