// Rep3: the replicated three-party protocol (see privfin/mpc/rep3.hpp).
#include "privfin/mpc/rep3.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <string>

#include "privfin/mpc/detail/kernels.hpp"

namespace privfin::mpc {

namespace rep = sharing::replicated;

namespace {

void check_same(const char* where, std::size_t a, std::size_t b) {
  if (a != b) {
    throw InvalidArgument(std::string("mpc::Rep3::") + where + ": batch sizes " + std::to_string(a) + " and " +
                          std::to_string(b) + " differ");
  }
}

std::array<Prg::Seed, 2> exchange_seeds(net::Network& net, Prg& seed_source) {
  if (net.party_count() != 3) {
    throw InvalidArgument("mpc::Rep3: needs a network of exactly 3 parties, got " +
                          std::to_string(net.party_count()));
  }
  const std::size_t id = net.party_id();
  const Prg::Seed mine = seed_source.next_seed();
  net.send((id + 1) % 3, ByteView(mine.data(), mine.size()));
  Prg::Seed theirs{};
  net.receive((id + 2) % 3, std::span<std::byte>(theirs.data(), theirs.size()));
  return {theirs, mine};  // {shared with prev, shared with next}
}

constexpr std::uint64_t word(Ring r) noexcept { return r.value(); }

}  // namespace

Rep3::Rep3(net::Network& net, Prg& seed_source) : Rep3(net, seed_source, Options{}) {}

Rep3::Rep3(net::Network& net, Prg& seed_source, Options options)
    : Rep3(net, exchange_seeds(net, seed_source), options) {}

Rep3::Rep3(net::Network& net, const std::array<Prg::Seed, 2>& seeds, Options options)
    : net_(net),
      id_(net.party_id()),
      options_(options),
      zero_prev_(Prg(seeds[0]).derive("privfin rep3 zero")),
      zero_next_(Prg(seeds[1]).derive("privfin rep3 zero")),
      rand_prev_(Prg(seeds[0]).derive("privfin rep3 random")),
      rand_next_(Prg(seeds[1]).derive("privfin rep3 random")),
      pair_prev_(Prg(seeds[0]).derive("privfin rep3 pair")),
      pair_next_(Prg(seeds[1]).derive("privfin rep3 pair")) {
  if (options_.check_reveals) reveals_.emplace();
}

void Rep3::check_owner(const char* where, std::size_t owner) const {
  if (owner >= 3) {
    throw InvalidArgument(std::string("mpc::Rep3::") + where + ": party " + std::to_string(owner) +
                          " is not 0, 1 or 2");
  }
}

template <class T, class F>
void Rep3::reshare_chunked(std::span<T> first, std::span<T> second, F&& compute) {
  const std::size_t n = first.size();
  const std::size_t chunks = (n + chunk_size - 1) / chunk_size;
  auto range = [&](std::size_t c) {
    const std::size_t lo = c * chunk_size;
    return std::pair{lo, std::min(n, lo + chunk_size)};
  };
  for (std::size_t c = 0; c < chunks; ++c) {
    const auto [lo, hi] = range(c);
    std::span<T> out = first.subspan(lo, hi - lo);
    rep::zero_share(zero_prev_, zero_next_, out);
    compute(lo, hi, out);
    net_.send(prev(), std::as_bytes(std::span<const T>(out)));
    net_.flush();
    if (c > 0) {
      const auto [plo, phi] = range(c - 1);
      net_.receive(next(), std::as_writable_bytes(second.subspan(plo, phi - plo)));
    }
  }
  if (chunks > 0) {
    const auto [plo, phi] = range(chunks - 1);
    net_.receive(next(), std::as_writable_bytes(second.subspan(plo, phi - plo)));
  }
}

template <class T, class Kernel>
void Rep3::reshare_fused(std::span<T> first, std::span<T> second, Kernel&& kernel) {
  static_assert(sizeof(T) == sizeof(std::uint64_t));
  const std::size_t n = first.size();
  const std::size_t chunks = (n + chunk_size - 1) / chunk_size;
  auto range = [&](std::size_t c) {
    const std::size_t lo = c * chunk_size;
    return std::pair{lo, std::min(n, lo + chunk_size)};
  };
  // 2 x 8 KiB: both streams of a tile stay in L1 until the kernel reads them.
  constexpr std::size_t tile = 1024;
  alignas(64) std::array<std::uint64_t, tile> plus;
  alignas(64) std::array<std::uint64_t, tile> minus;
  for (std::size_t c = 0; c < chunks; ++c) {
    const auto [lo, hi] = range(c);
    std::span<T> out = first.subspan(lo, hi - lo);
    auto* words = reinterpret_cast<std::uint64_t*>(out.data());
    for (std::size_t t = 0; t < out.size(); t += tile) {
      const std::size_t m = std::min(tile, out.size() - t);
      zero_next_.fill(std::span<std::uint64_t>(plus.data(), m));
      zero_prev_.fill(std::span<std::uint64_t>(minus.data(), m));
      kernel(lo + t, plus.data(), minus.data(), std::span<std::uint64_t>(words + t, m));
    }
    net_.send(prev(), std::as_bytes(std::span<const T>(out)));
    net_.flush();
    if (c > 0) {
      const auto [plo, phi] = range(c - 1);
      net_.receive(next(), std::as_writable_bytes(second.subspan(plo, phi - plo)));
    }
  }
  if (chunks > 0) {
    const auto [plo, phi] = range(chunks - 1);
    net_.receive(next(), std::as_writable_bytes(second.subspan(plo, phi - plo)));
  }
}

// ----------------------------------------------------------------- input/output

Rep3::Arith Rep3::input(std::size_t owner, std::span<const Ring> values, std::size_t n) {
  check_owner("input", owner);
  Arith out(n);
  if (id_ == owner) {
    check_same("input", values.size(), n);
    pair_next_.fill(std::span<Ring>(out.second));
    for (std::size_t k = 0; k < n; ++k) out.first[k] = values[k] - out.second[k];
    net_.send_elements<Ring>(prev(), std::span<const Ring>(out.first));
    net_.flush();
  } else if (id_ == (owner + 1) % 3) {
    pair_prev_.fill(std::span<Ring>(out.first));
  } else {
    net_.receive_elements<Ring>(next(), std::span<Ring>(out.second));
  }
  return out;
}

Rep3::Bool Rep3::input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n) {
  check_owner("input_bits", owner);
  Bool out(n);
  if (id_ == owner) {
    check_same("input_bits", words.size(), n);
    pair_next_.fill(std::span<std::uint64_t>(out.second));
    for (std::size_t k = 0; k < n; ++k) out.first[k] = words[k] ^ out.second[k];
    net_.send(prev(), std::as_bytes(std::span<const std::uint64_t>(out.first)));
    net_.flush();
  } else if (id_ == (owner + 1) % 3) {
    pair_prev_.fill(std::span<std::uint64_t>(out.first));
  } else {
    net_.receive(next(), std::as_writable_bytes(std::span<std::uint64_t>(out.second)));
  }
  return out;
}

std::vector<Ring> Rep3::reveal(const Arith& x) {
  const std::size_t n = x.size();
  net_.send_elements<Ring>(next(), std::span<const Ring>(x.first));
  std::vector<Ring> out(n);
  net_.receive_elements<Ring>(prev(), std::span<Ring>(out));
  for (std::size_t k = 0; k < n; ++k) out[k] = out[k] + x.first[k] + x.second[k];
  if (reveals_) reveals_->record(detail::RevealDigest::arith, n, std::as_bytes(std::span<const Ring>(out)));
  return out;
}

std::vector<Ring> Rep3::reveal_to(std::size_t party, const Arith& x) {
  check_owner("reveal_to", party);
  const std::size_t n = x.size();
  if (id_ == (party + 1) % 3) {
    net_.send_elements<Ring>(party, std::span<const Ring>(x.second));
    net_.flush();
    return {};
  }
  if (id_ != party) return {};
  std::vector<Ring> out(n);
  net_.receive_elements<Ring>(next(), std::span<Ring>(out));
  for (std::size_t k = 0; k < n; ++k) out[k] = out[k] + x.first[k] + x.second[k];
  return out;
}

std::vector<std::uint64_t> Rep3::reveal_bits(const Bool& b) {
  const std::size_t n = b.size();
  net_.send(next(), std::as_bytes(std::span<const std::uint64_t>(b.first)));
  std::vector<std::uint64_t> out(n);
  net_.receive(prev(), std::as_writable_bytes(std::span<std::uint64_t>(out)));
  for (std::size_t k = 0; k < n; ++k) out[k] ^= b.first[k] ^ b.second[k];
  if (reveals_) reveals_->record(detail::RevealDigest::boolean, n, std::as_bytes(std::span<const std::uint64_t>(out)));
  return out;
}

void Rep3::check_reveals() {
  if (!reveals_) {
    throw InvalidArgument("mpc::Rep3::check_reveals: the protocol was made without Options::check_reveals");
  }
  const std::array<std::size_t, 2> peers{prev(), next()};
  reveals_->check(net_, peers, "mpc::Rep3::check_reveals");
}

Rep3::Arith Rep3::constant(std::span<const Ring> values) const {
  Arith out(values.size());
  if (id_ == 0) std::copy(values.begin(), values.end(), out.first.begin());
  if (id_ == 2) std::copy(values.begin(), values.end(), out.second.begin());
  return out;
}

// ----------------------------------------------------------------- local ops

Rep3::Arith Rep3::add(const Arith& x, const Arith& y) const {
  check_same("add", x.size(), y.size());
  return rep::add<64>(x, y);
}
Rep3::Arith Rep3::sub(const Arith& x, const Arith& y) const {
  check_same("sub", x.size(), y.size());
  return rep::sub<64>(x, y);
}
Rep3::Arith Rep3::neg(const Arith& x) const {
  Arith out(x.size());
  rep::negate<64>(x.view(), out.mut_view());
  return out;
}
Rep3::Arith Rep3::add_public(const Arith& x, Ring c) const {
  Arith out = x;
  if (id_ == 0) for (auto& v : out.first) v += c;
  if (id_ == 2) for (auto& v : out.second) v += c;
  return out;
}
Rep3::Arith Rep3::add_public(const Arith& x, std::span<const Ring> c) const {
  check_same("add_public", x.size(), c.size());
  Arith out(x.size());
  rep::add_public<64>(x.view(), c, id_, out.mut_view());
  return out;
}
Rep3::Arith Rep3::mul_public(const Arith& x, Ring c) const {
  Arith out(x.size());
  rep::mul_public<64>(x.view(), c, out.mut_view());
  return out;
}
Rep3::Arith Rep3::mul_public(const Arith& x, std::span<const Ring> c) const {
  check_same("mul_public", x.size(), c.size());
  Arith out(x.size());
  rep::mul_public<64>(x.view(), c, out.mut_view());
  return out;
}

// ----------------------------------------------------------------- interactive arithmetic

Rep3::Arith Rep3::mul(const Arith& x, const Arith& y) {
  Arith out;
  mul_into(x, y, out);
  return out;
}

void Rep3::mul_into(const Arith& x, const Arith& y, Arith& out) {
  check_same("mul", x.size(), y.size());
  if (&out == &x || &out == &y) throw InvalidArgument("mpc::Rep3::mul_into: the output must not be an operand");
  out.first.resize(x.size());
  out.second.resize(x.size());
  static_assert(sizeof(Ring) == sizeof(std::uint64_t));
  auto words = [](const std::vector<Ring>& v) { return reinterpret_cast<const std::uint64_t*>(v.data()); };
  const detail::KernelInputs in{words(x.first), words(x.second), words(y.first), words(y.second)};
  reshare_fused<Ring>(std::span<Ring>(out.first), std::span<Ring>(out.second),
                      [&](std::size_t lo, const std::uint64_t* plus, const std::uint64_t* minus,
                          std::span<std::uint64_t> z) {
                        const detail::KernelInputs at{in[0] + lo, in[1] + lo, in[2] + lo, in[3] + lo};
                        detail::mul_masked(kernels_, at, plus, minus, z);
                      });
}

Rep3::Arith Rep3::dot(const Arith& x, const Arith& y, std::size_t length) {
  check_same("dot", x.size(), y.size());
  if (length == 0 || x.size() % length != 0) {
    throw InvalidArgument("mpc::Rep3::dot: block length " + std::to_string(length) + " does not divide batch of " +
                          std::to_string(x.size()));
  }
  const std::size_t m = x.size() / length;
  Arith out(m);
  reshare_chunked<Ring>(std::span<Ring>(out.first), std::span<Ring>(out.second),
                        [&](std::size_t lo, std::size_t hi, std::span<Ring> z) {
                          for (std::size_t j = lo; j < hi; ++j) {
                            const std::size_t b = j * length;
                            z[j - lo] += rep::dot_local<64>(
                                {std::span<const Ring>(x.first).subspan(b, length),
                                 std::span<const Ring>(x.second).subspan(b, length)},
                                {std::span<const Ring>(y.first).subspan(b, length),
                                 std::span<const Ring>(y.second).subspan(b, length)});
                          }
                        });
  return out;
}

Rep3::Arith Rep3::matmul(const Arith& a, const Arith& b, std::size_t rows, std::size_t inner, std::size_t cols) {
  if (a.size() != rows * inner || b.size() != inner * cols) {
    throw InvalidArgument("mpc::Rep3::matmul: operand sizes " + std::to_string(a.size()) + " and " +
                          std::to_string(b.size()) + " do not match " + std::to_string(rows) + "x" +
                          std::to_string(inner) + " times " + std::to_string(inner) + "x" + std::to_string(cols));
  }
  using Mat = Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using CMap = Eigen::Map<const Mat>;
  const auto r = static_cast<Eigen::Index>(rows);
  const auto m = static_cast<Eigen::Index>(inner);
  const auto c = static_cast<Eigen::Index>(cols);
  static_assert(sizeof(Ring) == sizeof(std::uint64_t));
  const CMap a0(reinterpret_cast<const std::uint64_t*>(a.first.data()), r, m);
  const CMap a1(reinterpret_cast<const std::uint64_t*>(a.second.data()), r, m);
  const CMap b0(reinterpret_cast<const std::uint64_t*>(b.first.data()), m, c);
  const CMap b1(reinterpret_cast<const std::uint64_t*>(b.second.data()), m, c);
  Mat bsum = b0 + b1;
  Mat z = a0 * bsum;
  z.noalias() += a1 * b0;
  Arith out(rows * cols);
  const std::uint64_t* zp = z.data();
  reshare_chunked<Ring>(std::span<Ring>(out.first), std::span<Ring>(out.second),
                        [&](std::size_t lo, std::size_t hi, std::span<Ring> dst) {
                          for (std::size_t k = lo; k < hi; ++k) dst[k - lo] += Ring{zp[k]};
                        });
  return out;
}

Rep3::Arith Rep3::random_arith(std::size_t n) {
  Arith out(n);
  rep::random_share<Ring>(rand_prev_, rand_next_, out.mut_view());
  return out;
}

// ----------------------------------------------------------------- truncation

Rep3::Arith Rep3::trunc(const Arith& x, unsigned d) { return trunc_additive(std::span<const Ring>(x.first), d); }

Rep3::Arith Rep3::mul_trunc(const Arith& x, const Arith& y, unsigned d) {
  check_same("mul_trunc", x.size(), y.size());
  std::vector<Ring> z(x.size());
  rep::mul_local<64>(x.view(), y.view(), std::span<Ring>(z));
  return trunc_additive(std::span<const Ring>(z), d);
}

// z is this party's term of a 3-out-of-3 additive sharing of the values.
Rep3::Arith Rep3::trunc_additive(std::span<const Ring> z, unsigned d) {
  if (d < 1 || d > 62) throw InvalidArgument("mpc::Rep3::trunc: shift " + std::to_string(d) + " is not in [1, 62]");
  const std::size_t n = z.size();
  Arith out(n);
  const std::size_t chunks = (n + chunk_size - 1) / chunk_size;
  constexpr std::uint64_t bias = std::uint64_t{1} << 62;
  const unsigned up = 64 - d;
  auto range = [&](std::size_t c) {
    const std::size_t lo = c * chunk_size;
    return std::pair{lo, std::min(n, lo + chunk_size)};
  };
  std::vector<Ring> buf(2 * std::min(n, chunk_size));
  std::vector<Ring> a1(std::min(n, chunk_size));
  if (id_ == 0) {
    std::vector<Ring> m2(std::min(n, chunk_size));
    for (std::size_t c = 0; c < chunks; ++c) {
      const auto [lo, hi] = range(c);
      const std::size_t len = hi - lo;
      pair_next_.fill(std::span<Ring>(a1.data(), len));
      std::span<Ring> s0 = std::span<Ring>(out.first).subspan(lo, len);
      rep::zero_share(zero_prev_, zero_next_, s0);
      net_.receive_elements<Ring>(1, std::span<Ring>(buf.data(), 2 * len));
      net_.receive_elements<Ring>(2, std::span<Ring>(m2.data(), len));
      for (std::size_t k = 0; k < len; ++k) {
        const std::uint64_t cv = word(z[lo + k]) + word(buf[k]) + word(m2[k]) + bias;
        const std::uint64_t a = 1U - (cv >> 63);
        out.second[lo + k] = buf[len + k];                    // s1'
        s0[k] = s0[k] + Ring{(cv >> d) - (bias >> d)};        // s0'
        buf[k] = Ring{a} - a1[k];                             // a0, reusing the buffer
        buf[len + k] = s0[k];
      }
      net_.send_elements<Ring>(2, std::span<const Ring>(buf.data(), 2 * len));
      net_.flush();
    }
  } else if (id_ == 1) {
    std::vector<Ring> r(std::min(n, chunk_size));
    for (std::size_t c = 0; c < chunks; ++c) {
      const auto [lo, hi] = range(c);
      const std::size_t len = hi - lo;
      pair_next_.fill(std::span<Ring>(r.data(), len));
      pair_next_.fill(std::span<Ring>(buf.data(), len));  // rho
      pair_prev_.fill(std::span<Ring>(a1.data(), len));
      std::span<Ring> s1 = std::span<Ring>(out.first).subspan(lo, len);
      rep::zero_share(zero_prev_, zero_next_, s1);
      for (std::size_t k = 0; k < len; ++k) {
        const std::uint64_t rv = word(r[k]);
        const std::uint64_t msb_mask = 0U - (rv >> 63);
        buf[k] = buf[k] + z[lo + k];
        s1[k] = s1[k] + Ring{((word(a1[k]) << up) & msb_mask) - (rv >> d)};
        buf[len + k] = s1[k];
      }
      net_.send_elements<Ring>(0, std::span<const Ring>(buf.data(), 2 * len));
      net_.flush();
      if (c > 0) {
        const auto [plo, phi] = range(c - 1);
        net_.receive_elements<Ring>(2, std::span<Ring>(out.second).subspan(plo, phi - plo));
      }
    }
    if (chunks > 0) {
      const auto [plo, phi] = range(chunks - 1);
      net_.receive_elements<Ring>(2, std::span<Ring>(out.second).subspan(plo, phi - plo));
    }
  } else {
    // Party 2: the masked term of chunk c for party 0, then the answer for chunk c - 1.
    std::vector<std::uint64_t> msb_masks(n);
    std::vector<Ring> r(std::min(n, chunk_size));
    std::vector<Ring> reply(2 * std::min(n, chunk_size));
    auto answer = [&](std::size_t c) {
      const auto [lo, hi] = range(c);
      const std::size_t len = hi - lo;
      std::span<Ring> s2 = std::span<Ring>(out.first).subspan(lo, len);
      rep::zero_share(zero_prev_, zero_next_, s2);
      net_.receive_elements<Ring>(0, std::span<Ring>(reply.data(), 2 * len));
      for (std::size_t k = 0; k < len; ++k) {
        s2[k] = s2[k] + Ring{(word(reply[k]) << up) & msb_masks[lo + k]};
        out.second[lo + k] = reply[len + k];
      }
      net_.send_elements<Ring>(1, std::span<const Ring>(s2));
      net_.flush();
    };
    for (std::size_t c = 0; c < chunks; ++c) {
      const auto [lo, hi] = range(c);
      const std::size_t len = hi - lo;
      pair_prev_.fill(std::span<Ring>(r.data(), len));
      pair_prev_.fill(std::span<Ring>(buf.data(), len));  // rho
      for (std::size_t k = 0; k < len; ++k) {
        msb_masks[lo + k] = 0U - (word(r[k]) >> 63);
        buf[k] = z[lo + k] + r[k] - buf[k];
      }
      net_.send_elements<Ring>(0, std::span<const Ring>(buf.data(), len));
      net_.flush();
      if (c > 0) answer(c - 1);
    }
    if (chunks > 0) answer(chunks - 1);
  }
  return out;
}

// ----------------------------------------------------------------- boolean

Rep3::Bool Rep3::xor_(const Bool& a, const Bool& b) const {
  check_same("xor_", a.size(), b.size());
  Bool out(a.size());
  rep::xor_shares(a.view(), b.view(), out.mut_view());
  return out;
}

Rep3::Bool Rep3::xor_public(const Bool& a, std::span<const std::uint64_t> words) const {
  check_same("xor_public", a.size(), words.size());
  Bool out(a.size());
  rep::xor_public(a.view(), words, id_, out.mut_view());
  return out;
}

Rep3::Bool Rep3::and_(const Bool& a, const Bool& b) {
  check_same("and_", a.size(), b.size());
  Bool out(a.size());
  const detail::KernelInputs in{a.first.data(), a.second.data(), b.first.data(), b.second.data()};
  reshare_fused<std::uint64_t>(std::span<std::uint64_t>(out.first), std::span<std::uint64_t>(out.second),
                               [&](std::size_t lo, const std::uint64_t* plus, const std::uint64_t* minus,
                                   std::span<std::uint64_t> z) {
                                 const detail::KernelInputs at{in[0] + lo, in[1] + lo, in[2] + lo, in[3] + lo};
                                 detail::and_masked(kernels_, at, plus, minus, z);
                               });
  return out;
}

Rep3::Bool Rep3::and_gathered(std::span<const Bool* const> inputs, std::size_t words,
                              std::span<const detail::PlaneSpec> left, std::span<const detail::PlaneSpec> right) {
  detail::check_gather("mpc::Rep3::and_gathered", inputs.size(),
                       [&](std::size_t i) { return inputs[i]->size(); }, words, left, right);
  if (words == 0) return Bool(0);
  const std::size_t n = left.size() * words;
  Bool out(n);
  constexpr std::size_t tile = 1024;
  std::array<std::array<std::uint64_t, tile>, 4> g;  // a0, a1, b0, b1 of one tile
  auto first = [&](const detail::PlaneRef& r) {
    return inputs[static_cast<std::size_t>(r.input)]->first.data() + r.plane * words;
  };
  auto second = [&](const detail::PlaneRef& r) {
    return inputs[static_cast<std::size_t>(r.input)]->second.data() + r.plane * words;
  };
  reshare_fused<std::uint64_t>(std::span<std::uint64_t>(out.first), std::span<std::uint64_t>(out.second),
                               [&](std::size_t lo, const std::uint64_t* plus, const std::uint64_t* minus,
                                   std::span<std::uint64_t> z) {
                                 detail::for_plane_runs(lo, z.size(), words, [&](std::size_t j, std::size_t w,
                                                                                 std::size_t len, std::size_t k) {
                                   detail::gather_plane(left[j], w, len, g[0].data() + k, first);
                                   detail::gather_plane(left[j], w, len, g[1].data() + k, second);
                                   detail::gather_plane(right[j], w, len, g[2].data() + k, first);
                                   detail::gather_plane(right[j], w, len, g[3].data() + k, second);
                                 });
                                 detail::and_masked(kernels_, {g[0].data(), g[1].data(), g[2].data(), g[3].data()},
                                                    plus, minus, z);
                               });
  return out;
}

Rep3::Bool Rep3::random_bits(std::size_t words) {
  Bool out(words);
  rep::random_share<std::uint64_t>(rand_prev_, rand_next_, out.mut_view());
  return out;
}

// ----------------------------------------------------------------- conversions

std::vector<Rep3::Bool> Rep3::arith_components(const Arith& x) {
  const std::size_t n = x.size();
  std::vector<std::uint64_t> sum(id_ == 0 ? n : 0);
  if (id_ == 0) {
    for (std::size_t k = 0; k < n; ++k) sum[k] = word(x.first[k] + x.second[k]);
  }
  std::vector<Bool> out;
  out.push_back(input_bits(0, sum, n));
  Bool last(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (id_ == 1) last.second[k] = word(x.second[k]);
    if (id_ == 2) last.first[k] = word(x.first[k]);
  }
  out.push_back(std::move(last));
  return out;
}

std::vector<Rep3::Arith> Rep3::bit_components(const Bool& b, std::size_t count) {
  if (count > b.size() * 64) {
    throw InvalidArgument("mpc::Rep3::bit_components: " + std::to_string(count) + " bits requested from " +
                          std::to_string(b.size()) + " words");
  }
  auto bit = [](std::span<const std::uint64_t> w, std::size_t k) { return Ring{(w[k / 64] >> (k % 64)) & 1U}; };
  std::vector<Ring> mine(id_ == 0 ? count : 0);
  if (id_ == 0) {
    for (std::size_t k = 0; k < count; ++k) {
      mine[k] = Ring{((b.first[k / 64] ^ b.second[k / 64]) >> (k % 64)) & 1U};
    }
  }
  std::vector<Arith> out;
  out.push_back(input(0, mine, count));
  Arith last(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (id_ == 1) last.second[k] = bit(b.second, k);
    if (id_ == 2) last.first[k] = bit(b.first, k);
  }
  out.push_back(std::move(last));
  return out;
}

}  // namespace privfin::mpc
