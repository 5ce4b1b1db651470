// privfin/service/mpc_session.hpp — MPC with clients (the client-server
// model of MP-SPDZ's clients): input parties outside the compute set
// secret-share their values to the compute parties, output parties receive
// the compute parties' shares of a result and reconstruct it, and the
// protocol runs on the compute parties alone, inside a larger network. One
// driver for every mpc::Protocol that has a ClientShares specialisation
// (Rep3 and Beaver here): user code never looks inside a share.
//
//   // Network ids: 0, 1, 2 compute (Rep3); 3 and 4 give input; 4 learns the result.
//   service::MpcRoles roles{.compute = {0, 1, 2}, .inputs = {3, 4}, .outputs = {4}};
//   service::MpcSession<mpc::Rep3> session(net, roles);
//   session.agree(service::Parameters("exposure check", 1).set("limit", limit));
//   if (session.computes()) {
//     session.run([&] {
//       mpc::Rep3 p(session.protocol_network(), prg);
//       auto a = session.receive_input(3);           // as many values as party 3 sent
//       auto b = session.receive_input(4);
//       session.send_output(4, p.add(a, b));
//     });
//   } else if (me == 3) {
//     session.send_input(values, prg);
//   } else {                                         // party 4
//     session.send_input(values, prg);
//     std::vector<Ring> sum = session.receive_output();
//   }
//
// Roles: `compute` lists the compute parties in protocol order (protocol
// party i is network party compute[i]); `helpers` are further members of
// the protocol's network that do not compute (Beaver's dealer: it is
// protocol_network() party compute.size()); input and output parties are
// outside both sets (a party may be both). Everything a user sees is
// numbered by network id: run() translates the errors of the protocol (see
// net/sub_network.hpp), and the client-side checks name network ids.
//
// agree() runs service::agree among all parties of the session on the
// caller's parameters plus the session's: protocol name, share format
// version, roles and max_values. Call it first, on every party, with the same roles: parties
// that differ get ParameterMismatch naming them before any share moves.
//
// Sharing: an input party splits each value into k = compute.size()
// additive components (uniform from its Prg except the first) and sends
// compute party i the components it holds: Rep3 the pair (x_i, x_{i+1}),
// Beaver x_i. An output party receives from every compute party the
// components it holds; with Rep3 every component arrives twice, and if the
// two copies differ receive_output throws ProtocolError naming a compute
// party that disagrees (the one common to all disagreements if there is
// one, else the first holder; the message names both holders). Beaver has
// no redundancy: a wrong share gives a wrong output, undetected.
//
// Batches: receive_inputs(from) joins one batch from each listed input
// party into one sharing (no protocol step), with each party's count;
// send_output_bits(to, bits, counts) splits one bit vector among several
// output parties (party to[j] gets the next counts[j] bits).
//
// Fixed point: send_fixed<F>(values, budget, prg) encodes with
// sharing::Fixed<F> under a RangeBudget and refuses (InvalidArgument naming
// the index and the budget) any value whose sums or dot products could
// wrap, before anything is sent.
//
// Wire: one ShareBatch message (mpc_share_batch.hpp) per input party and
// compute party, and per compute party and output party; at most
// roles.max_values values. Costs: input: k messages of 8 * n * (1 or 2)
// bytes, no round for the compute parties beyond waiting; output: the
// same from each compute party; one round each.
//
// Errors: InvalidArgument for bad roles (ids outside the network, a party
// in two of compute/helpers/clients, repeats, a compute count the protocol
// does not support) and for calls from a party without that role;
// DecodeError ("party <id>: ...") for a malformed batch; ProtocolError
// naming the sender for a batch of the wrong kind, shape or size, and for
// Rep3 copies that disagree; what the network throws. Security: as the
// protocol's (semi-honest); an input party may share any value it likes,
// and with Rep3 inconsistent copies it sends are not detected at input
// (they make results wrong). Thread safety: one thread at a time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/network.hpp"
#include "privfin/net/sub_network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/mpc_share_batch.hpp"
#include "privfin/sharing/fixed.hpp"

namespace privfin::service {

using mpc::Ring;  // Z2k<64>, the ring of every mpc::Protocol

// Who does what, by network id.
struct MpcRoles {
  std::vector<std::size_t> compute{};
  std::vector<std::size_t> helpers{};
  std::vector<std::size_t> inputs{};
  std::vector<std::size_t> outputs{};
  std::uint64_t max_values = std::uint64_t{1} << 24;  // per batch
};

// How a protocol's shares are laid out, for the session's clients.
// Specialise it to let MpcSession serve another protocol: name, the
// compute counts it supports, which additive components party i of k
// holds, and how to build and take apart its Arith and Bool sharings
// from those components (in the order of held()).
template <class P>
struct ClientShares;

template <>
struct ClientShares<mpc::Rep3> {
  static constexpr std::string_view name = "rep3";
  static bool supports(std::size_t compute) noexcept { return compute == 3; }
  static std::vector<std::size_t> held(std::size_t i, std::size_t k) { return {i, (i + 1) % k}; }
  static mpc::Rep3::Arith arith(std::vector<std::vector<std::uint64_t>>&& c) {
    mpc::Rep3::Arith out(c[0].size());
    for (std::size_t j = 0; j < c[0].size(); ++j) {
      out.first[j] = Ring{c[0][j]};
      out.second[j] = Ring{c[1][j]};
    }
    return out;
  }
  static mpc::Rep3::Bool bits(std::vector<std::vector<std::uint64_t>>&& c) {
    return mpc::Rep3::Bool(std::move(c[0]), std::move(c[1]));
  }
  static std::vector<std::vector<std::uint64_t>> components(const mpc::Rep3::Arith& x) {
    std::vector<std::vector<std::uint64_t>> out(2, std::vector<std::uint64_t>(x.size()));
    for (std::size_t j = 0; j < x.size(); ++j) {
      out[0][j] = x.first[j].value();
      out[1][j] = x.second[j].value();
    }
    return out;
  }
  static std::vector<std::vector<std::uint64_t>> components(const mpc::Rep3::Bool& b) { return {b.first, b.second}; }
};

template <>
struct ClientShares<mpc::Beaver> {
  static constexpr std::string_view name = "beaver";
  static bool supports(std::size_t compute) noexcept { return compute >= 2; }
  static std::vector<std::size_t> held(std::size_t i, std::size_t /*k*/) { return {i}; }
  static mpc::Beaver::Arith arith(std::vector<std::vector<std::uint64_t>>&& c) {
    mpc::Beaver::Arith out(c[0].size());
    for (std::size_t j = 0; j < c[0].size(); ++j) out.values[j] = Ring{c[0][j]};
    return out;
  }
  static mpc::Beaver::Bool bits(std::vector<std::vector<std::uint64_t>>&& c) {
    return mpc::Beaver::Bool(std::move(c[0]));
  }
  static std::vector<std::vector<std::uint64_t>> components(const mpc::Beaver::Arith& x) {
    std::vector<std::uint64_t> out(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) out[j] = x.values[j].value();
    return {std::move(out)};
  }
  static std::vector<std::vector<std::uint64_t>> components(const mpc::Beaver::Bool& b) { return {b.values}; }
};

namespace detail {
// Throws InvalidArgument for roles that do not fit a network of `parties`.
void check_roles(const MpcRoles& roles, std::size_t parties, std::string_view protocol, bool supported);
// "0,1,2" for the agreed parameters.
std::string id_list(std::span<const std::size_t> ids);
// The k additive components of values (sum mod 2^64 or XOR), component 0 derived.
std::vector<std::vector<std::uint64_t>> split(std::span<const std::uint64_t> values, std::size_t k,
                                              ShareBatch::Kind kind, Prg& prg);
// Receives one batch from network party `from` and checks kind, shape and size.
ShareBatch receive_batch(net::Network& net, std::size_t from, ShareBatch::Kind kind, std::size_t components,
                         std::uint64_t max_values, std::optional<std::size_t> expected_count);
// Bits [from, from + count) of a packed bit vector, packed from bit 0.
std::vector<std::uint64_t> bit_range(std::span<const std::uint64_t> words, std::size_t from, std::size_t count);
// The output party's side: batches[i] from compute party roles.compute[i]
// holding components held[i]; checks every copy of a component agrees and
// combines the k components.
std::vector<std::uint64_t> combine(const std::vector<ShareBatch>& batches,
                                   const std::vector<std::vector<std::size_t>>& held, std::span<const std::size_t> ids,
                                   ShareBatch::Kind kind);
}  // namespace detail

template <mpc::Protocol P>
class MpcSession {
  using Shares = ClientShares<P>;

 public:
  MpcSession(net::Network& net, MpcRoles roles) : net_(net), roles_(std::move(roles)) {
    detail::check_roles(roles_, net.party_count(), Shares::name, Shares::supports(roles_.compute.size()));
  }

  [[nodiscard]] net::Network& network() noexcept { return net_; }
  [[nodiscard]] const MpcRoles& roles() const noexcept { return roles_; }
  [[nodiscard]] bool computes() const noexcept { return compute_index().has_value(); }
  [[nodiscard]] bool helps() const noexcept { return contains(roles_.helpers, net_.party_id()); }
  [[nodiscard]] bool gives_input() const noexcept { return contains(roles_.inputs, net_.party_id()); }
  [[nodiscard]] bool receives_output() const noexcept { return contains(roles_.outputs, net_.party_id()); }

  // Every party of the session, ascending.
  [[nodiscard]] std::vector<std::size_t> parties() const {
    std::vector<std::size_t> all;
    for (const auto* list : {&roles_.compute, &roles_.helpers, &roles_.inputs, &roles_.outputs}) {
      all.insert(all.end(), list->begin(), list->end());
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
  }

  // `params` plus the session's layout, agreed among parties().
  void agree(Parameters params) {
    params.set("mpc protocol", Shares::name)
        .set("mpc share format", static_cast<std::int64_t>(ShareBatch::format_version))
        .set("mpc compute", detail::id_list(roles_.compute))
        .set("mpc helpers", detail::id_list(roles_.helpers))
        .set("mpc inputs", detail::id_list(roles_.inputs))
        .set("mpc outputs", detail::id_list(roles_.outputs))
        .set("mpc max values", roles_.max_values);
    const auto all = parties();
    service::agree(net_, params, all);
  }

  // The compute parties then the helpers, numbered in that order: the
  // network to build the protocol (and Beaver's dealer) on.
  [[nodiscard]] net::SubNetwork& protocol_network() {
    if (!computes() && !helps()) {
      throw InvalidArgument("MpcSession: party " + std::to_string(net_.party_id()) +
                            " neither computes nor helps, so it has no protocol network");
    }
    if (!view_) {
      std::vector<std::size_t> members = roles_.compute;
      members.insert(members.end(), roles_.helpers.begin(), roles_.helpers.end());
      view_ = std::make_unique<net::SubNetwork>(net_, members);
    }
    return *view_;
  }

  // f() with the protocol's errors naming network ids.
  template <class F>
  decltype(auto) run(F&& f) {
    return protocol_network().run(std::forward<F>(f));
  }

  // --- compute parties ------------------------------------------------
  // This party's share of the values input party `from` sent (any count up
  // to max_values, or exactly `count` if given).
  [[nodiscard]] typename P::Arith receive_input(std::size_t from, std::optional<std::size_t> count = std::nullopt) {
    return Shares::arith(receive_from_client(from, ShareBatch::Kind::arith, count).components);
  }
  [[nodiscard]] typename P::Bool receive_input_bits(std::size_t from,
                                                    std::optional<std::size_t> words = std::nullopt) {
    return Shares::bits(receive_from_client(from, ShareBatch::Kind::bits, words).components);
  }
  // One batch from each party of `from`, concatenated in that order into one
  // sharing (no protocol step: the components are joined before the shares
  // are built). counts[i] values came from from[i]; `expected`, if not
  // empty, gives each party's count.
  struct Inputs {
    typename P::Arith values;
    std::vector<std::size_t> counts;
  };
  [[nodiscard]] Inputs receive_inputs(std::span<const std::size_t> from, std::span<const std::size_t> expected = {}) {
    if (!expected.empty() && expected.size() != from.size()) {
      throw InvalidArgument("MpcSession::receive_inputs: " + std::to_string(expected.size()) + " counts for " +
                            std::to_string(from.size()) + " parties");
    }
    std::vector<std::vector<std::uint64_t>> joined;
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < from.size(); ++i) {
      const auto count = expected.empty() ? std::nullopt : std::optional<std::size_t>(expected[i]);
      ShareBatch batch = receive_from_client(from[i], ShareBatch::Kind::arith, count);
      if (joined.empty()) joined.resize(batch.components.size());
      for (std::size_t c = 0; c < joined.size(); ++c) {
        joined[c].insert(joined[c].end(), batch.components[c].begin(), batch.components[c].end());
      }
      counts.push_back(batch.count());
    }
    if (joined.empty()) joined.resize(Shares::held(0, roles_.compute.size()).size());
    return Inputs{Shares::arith(std::move(joined)), std::move(counts)};
  }
  // Sends this party's share of x (b) to output party `to`.
  void send_output(std::size_t to, const typename P::Arith& x) {
    send_to_client(to, ShareBatch{ShareBatch::Kind::arith, Shares::components(x)});
  }
  void send_output_bits(std::size_t to, const typename P::Bool& b) {
    send_to_client(to, ShareBatch{ShareBatch::Kind::bits, Shares::components(b)});
  }
  // Bits [at, at + counts[j]) of b (bit k is bit k % 64 of word k / 64) to
  // output party to[j], where at is the sum of the earlier counts: one
  // result vector split among its owners.
  void send_output_bits(std::span<const std::size_t> to, const typename P::Bool& b,
                        std::span<const std::size_t> counts) {
    if (to.size() != counts.size()) {
      throw InvalidArgument("MpcSession::send_output_bits: " + std::to_string(counts.size()) + " counts for " +
                            std::to_string(to.size()) + " parties");
    }
    std::size_t total = 0;
    for (const std::size_t c : counts) total += c;
    if (total > b.size() * 64) {
      throw InvalidArgument("MpcSession::send_output_bits: " + std::to_string(total) + " bits asked of " +
                            std::to_string(b.size() * 64));
    }
    const auto parts = Shares::components(b);
    std::size_t at = 0;
    for (std::size_t j = 0; j < to.size(); ++j) {
      ShareBatch batch{ShareBatch::Kind::bits, {}};
      for (const auto& words : parts) batch.components.push_back(detail::bit_range(words, at, counts[j]));
      send_to_client(to[j], batch);
      at += counts[j];
    }
  }

  // --- input parties --------------------------------------------------
  void send_input(std::span<const Ring> values, Prg& prg) {
    std::vector<std::uint64_t> raw(values.size());
    for (std::size_t j = 0; j < values.size(); ++j) raw[j] = values[j].value();
    send_shares(raw, ShareBatch::Kind::arith, prg);
  }
  void send_input_bits(std::span<const std::uint64_t> words, Prg& prg) {
    send_shares(words, ShareBatch::Kind::bits, prg);
  }
  // Encodes with sharing::Fixed<F> under `budget` (all-or-nothing), then sends.
  template <unsigned F>
  void send_fixed(std::span<const double> values, const sharing::RangeBudget& budget, Prg& prg) {
    const auto encoded = sharing::Fixed<F>::encode(values, budget);
    send_input(encoded, prg);
  }

  // --- output parties -------------------------------------------------
  [[nodiscard]] std::vector<Ring> receive_output() {
    const auto raw = receive_from_compute(ShareBatch::Kind::arith);
    std::vector<Ring> out(raw.size());
    for (std::size_t j = 0; j < raw.size(); ++j) out[j] = Ring{raw[j]};
    return out;
  }
  [[nodiscard]] std::vector<std::uint64_t> receive_output_bits() {
    return receive_from_compute(ShareBatch::Kind::bits);
  }

 private:
  static bool contains(const std::vector<std::size_t>& ids, std::size_t id) noexcept {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
  [[nodiscard]] std::optional<std::size_t> compute_index() const noexcept {
    const auto it = std::find(roles_.compute.begin(), roles_.compute.end(), net_.party_id());
    if (it == roles_.compute.end()) return std::nullopt;
    return static_cast<std::size_t>(it - roles_.compute.begin());
  }
  void require(bool ok, const char* what) const {
    if (!ok) {
      throw InvalidArgument(std::string("MpcSession: party ") + std::to_string(net_.party_id()) + " " + what);
    }
  }

  ShareBatch receive_from_client(std::size_t from, ShareBatch::Kind kind, std::optional<std::size_t> count) {
    require(computes(), "does not compute, so it receives no input shares");
    if (!contains(roles_.inputs, from)) {
      throw InvalidArgument("MpcSession::receive_input: party " + std::to_string(from) + " is not an input party");
    }
    const std::size_t k = roles_.compute.size();
    return detail::receive_batch(net_, from, kind, Shares::held(*compute_index(), k).size(), roles_.max_values,
                                 count);
  }

  void send_to_client(std::size_t to, const ShareBatch& batch) {
    require(computes(), "does not compute, so it has no output shares");
    if (!contains(roles_.outputs, to)) {
      throw InvalidArgument("MpcSession::send_output: party " + std::to_string(to) + " is not an output party");
    }
    if (batch.count() > roles_.max_values) {
      throw InvalidArgument("MpcSession::send_output: " + std::to_string(batch.count()) + " values exceed max_values " +
                            std::to_string(roles_.max_values));
    }
    net_.send_message(to, batch.to_bytes());
    net_.flush();
  }

  void send_shares(std::span<const std::uint64_t> values, ShareBatch::Kind kind, Prg& prg) {
    require(gives_input(), "is not an input party");
    if (values.size() > roles_.max_values) {
      throw InvalidArgument("MpcSession::send_input: " + std::to_string(values.size()) +
                            " values exceed max_values " + std::to_string(roles_.max_values));
    }
    const std::size_t k = roles_.compute.size();
    auto parts = detail::split(values, k, kind, prg);
    for (std::size_t i = 0; i < k; ++i) {
      ShareBatch batch{kind, {}};
      for (const std::size_t c : Shares::held(i, k)) batch.components.push_back(parts[c]);
      net_.send_message(roles_.compute[i], batch.to_bytes());
    }
    net_.flush();
  }

  std::vector<std::uint64_t> receive_from_compute(ShareBatch::Kind kind) {
    require(receives_output(), "is not an output party");
    const std::size_t k = roles_.compute.size();
    std::vector<ShareBatch> batches;
    std::vector<std::vector<std::size_t>> held;
    for (std::size_t i = 0; i < k; ++i) {
      held.push_back(Shares::held(i, k));
      const std::optional<std::size_t> count =
          batches.empty() ? std::nullopt : std::optional<std::size_t>(batches[0].count());
      batches.push_back(
          detail::receive_batch(net_, roles_.compute[i], kind, held.back().size(), roles_.max_values, count));
    }
    return detail::combine(batches, held, roles_.compute, kind);
  }

  net::Network& net_;
  MpcRoles roles_;
  std::unique_ptr<net::SubNetwork> view_;
};

}  // namespace privfin::service
