// Silent OT (Ferret, semi-honest, primal LPN with regular noise); see
// include/privfin/ot/silent.hpp for the protocol, parameters and costs.
#include "privfin/ot/silent.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "privfin/core/bytes.hpp"
#include "privfin/core/detail/fixed_key_aes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/prefetch.hpp"
#include "privfin/net/network.hpp"
#include "privfin/ot/messages.hpp"
#include "session_support.hpp"

namespace privfin::ot {
namespace {

// OTs per step of correlated_ot: the extension's batch, a multiple of 64 as
// the Gilboa widths need.
constexpr std::size_t step = std::size_t{1} << 16;

// The first 16 bytes of SHA-256(label): the public keys of the tree's
// permutations and the seed of the LPN code.
std::array<std::byte, 16> public_key(std::string_view label) {
  const auto digest = Sha256::hash(as_bytes(label));
  std::array<std::byte, 16> key{};
  std::copy_n(digest.begin(), key.size(), key.begin());
  return key;
}

// The GGM tree's length-doubling PRG, G(s) = (pi_0(s) ^ s, pi_1(s) ^ s),
// and the tree expansion both sides share.
class TreeExpander {
 public:
  explicit TreeExpander(std::size_t depth)
      : left_(public_key("privfin silent ggm left v1")), right_(public_key("privfin silent ggm right v1")),
        parents_(std::size_t{1} << (depth - 1)) {}

  // The level below `nodes[0, width)` into nodes[0, 2 * width); returns
  // the XOR of the new left children and that of the right ones.
  std::array<Block, 2> expand_level(std::span<Block> nodes, std::size_t width) {
    std::copy_n(nodes.begin(), width, parents_.begin());
    std::array<Block, 2> sums{};
    for (std::size_t at = 0; at < width; at += chunk) {
      const std::size_t m = std::min(chunk, width - at);
      const auto p = std::span<const Block>(parents_).subspan(at, m);
      left_.encrypt(std::as_bytes(p), std::as_writable_bytes(std::span(l_).first(m)));
      right_.encrypt(std::as_bytes(p), std::as_writable_bytes(std::span(r_).first(m)));
      for (std::size_t i = 0; i < m; ++i) {
        const Block left = l_[i] ^ p[i];
        const Block right = r_[i] ^ p[i];
        nodes[2 * (at + i)] = left;
        nodes[2 * (at + i) + 1] = right;
        sums[0] ^= left;
        sums[1] ^= right;
      }
    }
    return sums;
  }

  ~TreeExpander() {
    sodium_memzero(parents_.data(), parents_.size() * sizeof(Block));
    sodium_memzero(l_.data(), sizeof(l_));
    sodium_memzero(r_.data(), sizeof(r_));
  }
  TreeExpander(const TreeExpander&) = delete;
  TreeExpander& operator=(const TreeExpander&) = delete;

 private:
  static constexpr std::size_t chunk = 256;
  privfin::detail::FixedKeyAes128 left_;   // pi_0
  privfin::detail::FixedKeyAes128 right_;  // pi_1
  std::vector<Block> parents_;
  std::array<Block, chunk> l_{};
  std::array<Block, chunk> r_{};
};

// The public LPN code: column i of the k x n matrix has lpn_weight
// positions drawn from a PRG under a seed that depends only on (n, k), so
// every party and every iteration of a parameter set uses the same code.
// Columns are encoded in order, a tree's leaves at a time while they are
// in cache; the reads of the k-OT secret (9 MB for the main set) are
// prefetched a few columns ahead.
class LpnCode {
 public:
  explicit LpnCode(const SilentParameters& p)
      : prg_(public_key("privfin silent lpn v1 n=" + std::to_string(p.outputs) + " k=" +
                        std::to_string(p.secret_length))),
        k_(static_cast<std::uint32_t>(p.secret_length)) {}

  // out[i] ^= XOR of secret at the next column's positions, for each i in
  // order; with bits, out_bits[i] ^= the same XOR of secret_bits.
  template <bool with_bits>
  void encode(std::span<Block> out, std::span<std::uint8_t> out_bits, std::span<const Block> secret,
              std::span<const std::uint8_t> secret_bits) {
    for (std::size_t first = 0; first < out.size(); first += columns) {
      const std::size_t m = std::min(columns, out.size() - first);
      const auto at = std::span(positions_).first(m * lpn_weight);
      prg_.fill(at);
      // A 32-bit draw scaled to [0, k): off uniform by at most k / 2^32.
      for (auto& r : at) r = static_cast<std::uint32_t>((std::uint64_t{r} * std::uint64_t{k_}) >> 32);
      for (std::size_t i = 0; i < std::min(ahead, m); ++i) fetch(secret, at.data() + i * lpn_weight);
      for (std::size_t i = 0; i < m; ++i) {
        if (i + ahead < m) fetch(secret, at.data() + (i + ahead) * lpn_weight);
        const std::uint32_t* col = at.data() + i * lpn_weight;
        Block acc = out[first + i];
        for (std::size_t d = 0; d < lpn_weight; ++d) acc ^= secret[col[d]];
        out[first + i] = acc;
        if constexpr (with_bits) {
          std::uint8_t bit = out_bits[first + i];
          for (std::size_t d = 0; d < lpn_weight; ++d) bit ^= secret_bits[col[d]];
          out_bits[first + i] = bit;
        }
      }
    }
  }

 private:
  static constexpr std::size_t columns = 512;
  static constexpr std::size_t ahead = 6;  // columns of prefetch distance

  static void fetch(std::span<const Block> secret, const std::uint32_t* col) {
    for (std::size_t d = 0; d < lpn_weight; ++d) prefetch(&secret[col[d]]);
  }

  Prg prg_;
  std::uint32_t k_;  // below 2^32 (check_silent_parameters)
  std::array<std::uint32_t, columns * lpn_weight> positions_{};
};

void check_sizes(std::size_t a, std::size_t b, const char* where) {
  if (a == 0 || a != b) {
    throw InvalidArgument(std::string(where) + ": sizes " + std::to_string(a) + " and " + std::to_string(b) +
                          " (they must agree and not be 0)");
  }
}

template <class Allocator>
void wipe(std::vector<Block, Allocator>& v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(Block));
}
void wipe(std::vector<std::uint8_t>& v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size());
}

// Wipes a buffer of secret OTs or choice bits (of a fixed size from here
// on) when it goes out of scope: on the paths where a peer's bad message
// throws too.
class WipedOnExit {
 public:
  template <class T>
  explicit WipedOnExit(std::span<T> secret) noexcept : bytes_(std::as_writable_bytes(secret)) {}
  WipedOnExit(const WipedOnExit&) = delete;
  WipedOnExit& operator=(const WipedOnExit&) = delete;
  ~WipedOnExit() { secure_wipe(bytes_); }

 private:
  std::span<std::byte> bytes_;
};

void check_one(const SilentParameters& p, const char* which) {
  const std::string name = std::string("ot silent parameters (") + which + "): ";
  if (p.tree_depth < 1 || p.tree_depth > max_silent_depth) {
    throw InvalidArgument(name + "tree depth " + std::to_string(p.tree_depth) + " is not in 1.." +
                          std::to_string(max_silent_depth));
  }
  if (p.trees < 1 || p.trees > max_silent_trees) {
    throw InvalidArgument(name + std::to_string(p.trees) + " trees is not in 1.." + std::to_string(max_silent_trees));
  }
  if (p.outputs != (p.trees << p.tree_depth)) {
    throw InvalidArgument(name + std::to_string(p.outputs) + " outputs, but " + std::to_string(p.trees) +
                          " trees of depth " + std::to_string(p.tree_depth) + " make " +
                          std::to_string(p.trees << p.tree_depth));
  }
  if (p.secret_length < 1 || p.secret_length > max_silent_secret || p.reserve() >= p.outputs) {
    throw InvalidArgument(name + "an LPN secret of " + std::to_string(p.secret_length) + " and a reserve of " +
                          std::to_string(p.reserve()) + " for " + std::to_string(p.outputs) + " outputs");
  }
}

}  // namespace

void check_silent_parameters(const SilentParameters& main, const SilentParameters& bootstrap) {
  check_one(main, "main");
  check_one(bootstrap, "bootstrap");
  if (bootstrap.outputs < main.reserve()) {
    throw InvalidArgument("ot silent parameters: the bootstrap's " + std::to_string(bootstrap.outputs) +
                          " outputs cannot feed the main set's reserve of " + std::to_string(main.reserve()));
  }
}

// ------------------------------------------------------------------ sender

SilentSender::SilentSender(ExtensionSender& base, const SilentParameters& main, const SilentParameters& bootstrap)
    : base_(&base), main_(main), prg_(base.prg_.next_seed()) {
  check_silent_parameters(main, bootstrap);
  base_->usable();
  support::AbortGuard guard(base_->aborted_);
  try {
    // Room for the larger set now: growing later would free the smaller
    // set's outputs unwiped.
    outputs_.reserve(std::max(main.outputs, bootstrap.outputs));
    // The bootstrap's base OTs: IKNP rows, unhashed (q_i = t_i ^ r_i Delta).
    std::vector<Block> cots(bootstrap.reserve());
    const WipedOnExit wipe_cots{std::span(cots)};
    for (std::size_t first = 0; first < cots.size(); first += step) {
      const std::size_t n = std::min(step, cots.size() - first);
      base_->receive_matrix(n);
      base_->check_response();
      std::copy_n(base_->rows_.begin(), n, cots.begin() + static_cast<std::ptrdiff_t>(first));
    }
    iterate(bootstrap, cots);
    reserve_.assign(outputs_.begin(), outputs_.begin() + static_cast<std::ptrdiff_t>(main_.reserve()));
    next_ = main_.reserve();
  } catch (...) {
    wipe_secrets();  // no destructor runs for a constructor that throws
    throw;
  }
  guard.done();
}

SilentSender::~SilentSender() { wipe_secrets(); }

void SilentSender::wipe_secrets() noexcept {
  wipe(outputs_);
  wipe(reserve_);
}

void SilentSender::iterate(const SilentParameters& p, std::span<const Block> base_cots) {
  const std::size_t h = p.tree_depth;
  const std::size_t leaves = std::size_t{1} << h;
  const std::size_t k = p.secret_length;
  const Block delta = base_->delta_;
  // Level l of tree j is chosen by base OT k + j h + (l - 1); its two
  // messages are H(q) and H(q ^ Delta) under a tweak that never repeats.
  const auto tree_cots = base_cots.subspan(k, p.trees * h);
  std::vector<Block> h0(tree_cots.size());
  std::vector<Block> h1(tree_cots.size());
  const WipedOnExit wipe_h0{std::span(h0)};
  const WipedOnExit wipe_h1{std::span(h1)};
  base_->hash_.hash(tree_cots, base_->next_index_, h0);
  base_->hash_.hash(tree_cots, base_->next_index_, h1, delta);
  base_->next_index_ += tree_cots.size();

  const Bytes head = PuncturedTreesView::header(iteration_, p.trees, k, h, main_.reserve());
  const std::size_t bytes = 16 * punctured_tree_blocks(p.trees, h);
  Bytes& wire = base_->wire_out_;
  if (wire.size() < head.size() + bytes) wire.resize(head.size() + bytes);
  std::copy(head.begin(), head.end(), wire.begin());
  std::byte* out = wire.data() + head.size();
  auto put = [&](const Block& b) {
    const auto raw = b.to_bytes();
    std::memcpy(out, raw.data(), raw.size());
    out += raw.size();
  };

  outputs_.resize(p.outputs);
  TreeExpander expander(h);
  LpnCode code(p);
  const auto secret = base_cots.first(k);
  for (std::size_t j = 0; j < p.trees; ++j) {
    const auto nodes = std::span(outputs_).subspan(j * leaves, leaves);
    prg_.fill(nodes.first(1));  // the root
    std::array<Block, 2> sums{};
    for (std::size_t l = 1; l <= h; ++l) {
      const std::size_t width = std::size_t{1} << l;
      sums = expander.expand_level(nodes, width / 2);
      put(sums[0] ^ h0[j * h + l - 1]);
      put(sums[1] ^ h1[j * h + l - 1]);
    }
    put(delta ^ sums[0] ^ sums[1]);  // Delta ^ (XOR of the leaves)
    // y_i = v_i ^ (the LPN secret's q at column i's positions), while the
    // tree is in cache.
    code.encode<false>(nodes, {}, secret, {});
  }
  base_->net_->send_message(base_->peer_, ByteView(wire).first(head.size() + bytes));
  base_->net_->flush();
  ++iteration_;
}

void SilentSender::refuse_if_moved() const {
  if (reserve_.empty()) throw InvalidArgument("ot::SilentSender: used after a move");
}

void SilentSender::take(std::span<Block> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    if (next_ == outputs_.size()) {
      iterate(main_, reserve_);
      std::copy_n(outputs_.begin(), main_.reserve(), reserve_.begin());
      next_ = main_.reserve();
    }
    const std::size_t n = std::min(out.size() - filled, outputs_.size() - next_);
    std::copy_n(outputs_.begin() + static_cast<std::ptrdiff_t>(next_), n,
                out.begin() + static_cast<std::ptrdiff_t>(filled));
    next_ += n;
    filled += n;
  }
}

void SilentSender::random_cot(std::span<Block> q) {
  refuse_if_moved();
  base_->usable();
  if (q.empty()) throw InvalidArgument("ot::SilentSender::random_cot: no OTs asked for");
  support::AbortGuard guard(base_->aborted_);
  take(q);
  guard.done();
}

void SilentSender::correlated_ot(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                                 CorrelationWidth width) {
  SilentExchange job;
  job.sender = this;
  job.correlations = correlations;
  job.m0 = m0;
  job.width = width;
  silent_correlated_exchange(std::span(&job, 1));
}

bool& SilentSender::usable_session() {
  refuse_if_moved();
  base_->usable();
  return base_->aborted_;
}

void SilentSender::flush() { base_->net_->flush(); }

void SilentSender::fill_rows(std::size_t n) {
  base_->rows_.resize(std::max(base_->rows_.size(), n));
  take(std::span(base_->rows_).first(n));
  base_->batch_ = n;
}

void SilentSender::apply_choices() {
  const std::size_t n = base_->batch_;
  const std::size_t peer = base_->peer_;
  const auto msg = support::decode_from<MaskedMessagesView>(
      peer, base_->net_->receive_message_into(peer, 16 + step / 8, base_->wire_in_));
  if (msg.kind != MaskedMessages::Kind::choice_flips || (msg.count != 0 && msg.count != n)) {
    throw ProtocolError(peer, "silent OT: expected the receiver's choice message for " + std::to_string(n) +
                                  " OTs (no flips or " + std::to_string(n) + "), it sent another kind or count");
  }
  if (msg.count == 0) return;  // the receiver takes its random choices
  // t = q ^ x Delta = (q ^ f Delta) ^ y Delta with f = x ^ y.
  const Block delta = base_->delta_;
  for (std::size_t i = 0; i < n; ++i) {
    const bool flip = ((static_cast<unsigned>(msg.payload[i / 8]) >> (i % 8)) & 1U) != 0;
    base_->rows_[i] ^= delta & Block::mask(flip);
  }
}

void SilentSender::send_corrections(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                                    CorrelationWidth width) {
  base_->send_corrections(correlations, m0, width);
}

// ---------------------------------------------------------------- receiver

SilentReceiver::SilentReceiver(ExtensionReceiver& base, const SilentParameters& main,
                               const SilentParameters& bootstrap)
    : base_(&base), main_(main) {
  check_silent_parameters(main, bootstrap);
  base_->usable();
  support::AbortGuard guard(base_->aborted_);
  try {
    // Room for the larger set now: growing later would free the smaller
    // set's outputs and choice bits unwiped.
    outputs_.reserve(std::max(main.outputs, bootstrap.outputs));
    output_bits_.reserve(std::max(main.outputs, bootstrap.outputs));
    const std::size_t m = bootstrap.reserve();
    std::vector<Block> cots(m);
    std::vector<std::uint8_t> bits(m);
    const WipedOnExit wipe_cots{std::span(cots)};
    const WipedOnExit wipe_bits{std::span(bits)};
    base_->prg_.fill(std::span(bits));
    for (auto& b : bits) b &= 1U;
    const auto choices = std::make_unique<bool[]>(step);
    const WipedOnExit wipe_choices{std::span(choices.get(), step)};
    for (std::size_t first = 0; first < m; first += step) {
      const std::size_t n = std::min(step, m - first);
      for (std::size_t i = 0; i < n; ++i) choices[i] = bits[first + i] != 0;
      base_->send_matrix(std::span<const bool>(choices.get(), n));
      base_->answer_challenge();
      std::copy_n(base_->rows_.begin(), n, cots.begin() + static_cast<std::ptrdiff_t>(first));
    }
    iterate(bootstrap, cots, bits);
    reserve_.assign(outputs_.begin(), outputs_.begin() + static_cast<std::ptrdiff_t>(main_.reserve()));
    reserve_bits_.assign(output_bits_.begin(), output_bits_.begin() + static_cast<std::ptrdiff_t>(main_.reserve()));
    next_ = main_.reserve();
  } catch (...) {
    wipe_secrets();  // no destructor runs for a constructor that throws
    throw;
  }
  guard.done();
}

SilentReceiver::~SilentReceiver() { wipe_secrets(); }

void SilentReceiver::wipe_secrets() noexcept {
  wipe(outputs_);
  wipe(output_bits_);
  wipe(reserve_);
  wipe(reserve_bits_);
  if (random_choices_) sodium_memzero(random_choices_.get(), step * sizeof(bool));
}

void SilentReceiver::iterate(const SilentParameters& p, std::span<const Block> base_cots,
                             std::span<const std::uint8_t> base_bits) {
  const std::size_t h = p.tree_depth;
  const std::size_t leaves = std::size_t{1} << h;
  const std::size_t k = p.secret_length;
  const std::size_t peer = base_->peer_;
  const auto tree_cots = base_cots.subspan(k, p.trees * h);
  const auto tree_bits = base_bits.subspan(k, p.trees * h);
  std::vector<Block> ht(tree_cots.size());
  const WipedOnExit wipe_ht{std::span(ht)};
  base_->hash_.hash(tree_cots, base_->next_index_, ht);
  base_->next_index_ += tree_cots.size();

  const std::size_t bytes = 16 * punctured_tree_blocks(p.trees, h);
  const auto msg = support::decode_from<PuncturedTreesView>(peer, base_->net_->receive_message_into(peer, 32 + bytes,
                                                                                            base_->wire_in_));
  // Every field of both parameter sets that the outputs depend on: this
  // iteration's (t, h, k) and what the next one keeps (the main set's
  // k + t h), so that sets differing anywhere are refused before any
  // output is handed out.
  if (msg.iteration != iteration_ || msg.trees != p.trees || msg.depth != h || msg.secret_length != k ||
      msg.kept != main_.reserve()) {
    throw ProtocolError(peer, "silent OT: expected iteration " + std::to_string(iteration_) + " of " +
                                  std::to_string(p.trees) + " trees of depth " + std::to_string(h) +
                                  ", an LPN secret of " + std::to_string(k) + " and " +
                                  std::to_string(main_.reserve()) + " outputs kept; the sender sent iteration " +
                                  std::to_string(msg.iteration) + " of " + std::to_string(msg.trees) +
                                  " of depth " + std::to_string(msg.depth) + ", " +
                                  std::to_string(msg.secret_length) + " and " + std::to_string(msg.kept) +
                                  " (different parameter sets)");
  }
  const std::byte* in = msg.blocks.data();
  auto get = [&](std::size_t index) { return Block::from_bytes(ByteView(in + 16 * index, 16)); };

  outputs_.resize(p.outputs);
  output_bits_.assign(p.outputs, 0);
  TreeExpander expander(h);
  LpnCode code(p);
  const auto secret = base_cots.first(k);
  const auto secret_bits = base_bits.first(k);
  for (std::size_t j = 0; j < p.trees; ++j) {
    const auto nodes = std::span(outputs_).subspan(j * leaves, leaves);
    const std::size_t first_block = j * (2 * h + 1);
    // The point: bit l of alpha (from the top) is the side off which this
    // party's choice bit for level l does not lead.
    std::size_t path = 0;  // the node on alpha's path at the level
    nodes[0] = Block{};    // the root, unknown
    Block leaves_sum{};    // the XOR of the leaves but alpha's
    for (std::size_t l = 1; l <= h; ++l) {
      const std::size_t width = std::size_t{1} << l;
      const auto sums = expander.expand_level(nodes, width / 2);
      const std::size_t known_side = tree_bits[j * h + l - 1];
      path = 2 * path + (1 - known_side);
      const std::size_t sibling = path ^ 1U;
      // The path node's children are garbage (it was unknown): the sibling
      // comes from its side's sum (the sums include the garbage), the path
      // node stays unknown.
      const Block garbage_sibling = nodes[sibling];
      const Block garbage_path = nodes[path];
      const Block side = get(first_block + 2 * (l - 1) + known_side) ^ ht[j * h + l - 1];
      nodes[sibling] = side ^ sums[known_side] ^ garbage_sibling;
      nodes[path] = Block{};
      if (l == h) leaves_sum = sums[0] ^ sums[1] ^ garbage_sibling ^ garbage_path ^ nodes[sibling];
    }
    // The sender's last block is Delta ^ (XOR of its leaves).
    nodes[path] = get(first_block + 2 * h) ^ leaves_sum;
    const auto bits = std::span(output_bits_).subspan(j * leaves, leaves);
    bits[path] = 1;  // the noise
    code.encode<true>(nodes, bits, secret, secret_bits);
  }
  ++iteration_;
}

void SilentReceiver::refuse_if_moved() const {
  if (reserve_.empty()) throw InvalidArgument("ot::SilentReceiver: used after a move");
}

void SilentReceiver::take(std::span<bool> choices, std::span<Block> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    if (next_ == outputs_.size()) {
      iterate(main_, reserve_, reserve_bits_);
      std::copy_n(outputs_.begin(), main_.reserve(), reserve_.begin());
      std::copy_n(output_bits_.begin(), main_.reserve(), reserve_bits_.begin());
      next_ = main_.reserve();
    }
    const std::size_t n = std::min(out.size() - filled, outputs_.size() - next_);
    for (std::size_t i = 0; i < n; ++i) {
      out[filled + i] = outputs_[next_ + i];
      choices[filled + i] = output_bits_[next_ + i] != 0;
    }
    next_ += n;
    filled += n;
  }
}

void SilentReceiver::random_cot(std::span<bool> choices, std::span<Block> t) {
  refuse_if_moved();
  base_->usable();
  check_sizes(choices.size(), t.size(), "ot::SilentReceiver::random_cot");
  support::AbortGuard guard(base_->aborted_);
  take(choices, t);
  guard.done();
}

void SilentReceiver::correlated_ot(std::span<bool> choices, std::span<std::uint64_t> out, CorrelationWidth width) {
  SilentExchange job;
  job.receiver = this;
  job.choices = choices;
  job.chosen = out;
  job.width = width;
  silent_correlated_exchange(std::span(&job, 1));
}

bool& SilentReceiver::usable_session() {
  refuse_if_moved();
  base_->usable();
  return base_->aborted_;
}

void SilentReceiver::fill_rows(std::span<bool> choices, bool choose) {
  const std::size_t n = choices.size();
  base_->rows_.resize(std::max(base_->rows_.size(), n));
  base_->batch_ = n;
  const auto rows = std::span(base_->rows_).first(n);
  // The choice message: no flips (random choices, written to `choices`) or
  // x ^ y for this party's own y, so that the sender never has to be told
  // which of the two to expect.
  Bytes message;
  if (!choose) {
    take(choices, rows);
    message = MaskedMessages{MaskedMessages::Kind::choice_flips, 0, {}}.to_bytes();
  } else {
    if (!random_choices_) random_choices_ = std::make_unique<bool[]>(step);
    const std::span<bool> flips(random_choices_.get(), n);
    take(flips, rows);
    for (std::size_t i = 0; i < n; ++i) flips[i] = flips[i] != choices[i];
    message = MaskedMessages{MaskedMessages::Kind::choice_flips, n, pack_bits(flips)}.to_bytes();
    sodium_memzero(flips.data(), n * sizeof(bool));
  }
  base_->net_->send_message(base_->peer_, message);
}

void SilentReceiver::receive_corrections(std::span<const bool> choices, std::span<std::uint64_t> out,
                                         CorrelationWidth width) {
  base_->receive_corrections(choices, out, width);
}

// ------------------------------------------------------------ both directions

namespace detail {

class SilentExchangeRun {
 public:
  static void run(std::span<const SilentExchange> jobs) {
    check(jobs);
    std::vector<bool*> flags;
    for (const auto& j : jobs) {
      if (j.sender != nullptr) flags.push_back(&j.sender->usable_session());
      if (j.receiver != nullptr) flags.push_back(&j.receiver->usable_session());
    }
    // Every session aborts unless the whole call completes.
    for (bool* f : flags) *f = true;
    std::size_t total = 0;
    for (const auto& j : jobs) total = std::max({total, j.correlations.size(), j.choices.size()});
    for (std::size_t first = 0; first < total; first += step) {
      const auto sending = [&](const SilentExchange& j) { return j.sender != nullptr && first < j.correlations.size(); };
      const auto receiving = [&](const SilentExchange& j) { return j.receiver != nullptr && first < j.choices.size(); };
      const auto count = [&](std::size_t size) { return std::min(step, size - first); };
      for (const auto& j : jobs) {
        if (sending(j)) j.sender->fill_rows(count(j.correlations.size()));
      }
      for (const auto& j : jobs) {
        if (receiving(j)) j.receiver->fill_rows(j.choices.subspan(first, count(j.choices.size())), j.choose);
      }
      for (const auto& j : jobs) {
        if (!sending(j)) continue;
        const std::size_t n = count(j.correlations.size());
        j.sender->apply_choices();
        j.sender->send_corrections(j.correlations.subspan(first, n), j.m0.subspan(first, n), j.width);
      }
      for (const auto& j : jobs) {
        if (!receiving(j)) continue;
        const std::size_t n = count(j.choices.size());
        j.receiver->receive_corrections(j.choices.subspan(first, n), j.chosen.subspan(first, n), j.width);
      }
    }
    for (const auto& j : jobs) {
      if (j.sender != nullptr) j.sender->flush();
    }
    for (bool* f : flags) *f = false;
  }

 private:
  static void check(std::span<const SilentExchange> jobs) {
    std::vector<std::size_t> peers;
    for (const auto& j : jobs) {
      if (j.sender == nullptr && j.receiver == nullptr) {
        throw InvalidArgument("ot::silent_correlated_exchange: a job without sessions");
      }
      if (j.sender != nullptr && j.receiver != nullptr && j.sender->peer() != j.receiver->peer()) {
        throw InvalidArgument("ot::silent_correlated_exchange: a job's sessions talk to parties " +
                              std::to_string(j.sender->peer()) + " and " + std::to_string(j.receiver->peer()));
      }
      if (j.correlations.size() != j.m0.size() || j.choices.size() != j.chosen.size() ||
          (j.sender != nullptr && j.correlations.empty()) || (j.receiver != nullptr && j.choices.empty())) {
        throw InvalidArgument("ot::silent_correlated_exchange: span sizes " + std::to_string(j.correlations.size()) +
                              " / " + std::to_string(j.m0.size()) + " and " + std::to_string(j.choices.size()) +
                              " / " + std::to_string(j.chosen.size()) + " (pairs must agree and not be 0)");
      }
      const std::size_t peer = j.sender != nullptr ? j.sender->peer() : j.receiver->peer();
      if (std::find(peers.begin(), peers.end(), peer) != peers.end()) {
        throw InvalidArgument("ot::silent_correlated_exchange: two jobs with party " + std::to_string(peer));
      }
      peers.push_back(peer);
    }
  }
};

}  // namespace detail

void silent_correlated_exchange(std::span<const SilentExchange> jobs) { detail::SilentExchangeRun::run(jobs); }

}  // namespace privfin::ot
