// privfin/service/spdz2k_clients.hpp — clients of an SPDZ2k computation:
// input parties and output parties outside the compute set, with the
// compute parties' security against an active, dishonest majority. A data
// producer gives its values to the compute parties and a data consumer
// receives a result, and no coalition of compute parties short of all of
// them learns a client's values or makes a client accept a wrong result
// without being caught (probability about 2^-64).
//
//   // Network ids: 0, 1, 2 compute (mpc::Spdz2k on a SubNetwork of them);
//   // 3 gives input; 4 learns the result.
//   service::Spdz2kClients clients(net, {0, 1, 2});
//   if (computing) {                                  // on compute party i
//     mpc::Spdz2k p(compute_net, pre, prg);           // pre: this party's Spdz2kPreprocessing
//     auto x = clients.receive_input(p, pre, 3, count);
//     clients.send_output(p, pre, 4, p.mul(x, x));
//   } else if (me == 3) {
//     clients.send_input(values);
//   } else {                                          // party 4
//     std::vector<Ring> squares = clients.receive_output(count);
//   }
//
// Why not MpcSession (mpc_session.hpp): a client that splits its values
// into plain additive shares gives the compute parties shares without MACs,
// and a compute party could shift a client's input or output unseen. Here
// every client value passes through a mask the compute parties hold with
// MACs (the client-interface technique of Damgard, Damgard, Nielsen,
// Nordholt, Toft, "Confidential Benchmarking based on Multiparty
// Computation", FC 2016, as MP-SPDZ's external clients use it):
//
// Masks. For n values the compute parties take n authenticated triples
// (a, b, c = a b) from their preprocessing and send the client their value
// shares of a, b and c (never the MAC shares). The client adds the shares up
// (mod 2^128) and checks a b = c for every j. A coalition of compute parties
// that adds errors e_a, e_b, e_c to what it sends passes only if
// a e_b + b e_a + e_a e_b = e_c; a and b are uniform and unknown to it, so
// when e_a is not 0 mod 2^64 (the only errors that change the low 64 bits
// the client uses) this holds with probability at most 2^-65. b and c are
// thrown away; a is uniform in Z_2^128 and known only to the client.
//
// Input (send_input / receive_input): the client sends d = x - a mod 2^128
// to every compute party; the compute parties exchange SHA-256 digests of
// what they received (one round) and abort if any differs; then
// <x> = <a> + d, a sharing with MACs whose value is exactly x, like
// mpc::Spdz2k::input's. A compute party that uses another d than it
// reported breaks its MAC share and the next check aborts.
//
// Output (send_output / receive_output): the compute parties open
// y = x + a (uniform in Z_2^128: nothing about x leaks), run
// mpc::Spdz2k::check() on every pending opening, and only then send y to
// the client; the client takes x = y - a mod 2^64 if every compute party
// sent the same y, and throws otherwise. One honest compute party sends
// the MAC-checked y, so a wrong value is always caught; an honest party
// whose check failed sends nothing (its ProtocolError ends its run).
//
// Order: every compute party must make the same calls in the same order
// (they draw triples from the preprocessing and openings from the
// protocol, like any mpc::Spdz2k step); clients call the matching side.
// Wire: Spdz2kClientMessage (below; docs/formats.md).
//
// Costs per value: 48 bytes from each compute party to the client (the
// masks), plus for input 16 bytes from the client to each compute party and
// 32 bytes per compute party pair per call (the digests), for output
// 16 bytes from each compute party plus one opening and one check (4
// rounds) of mpc::Spdz2k; one triple per value.
//
// Errors: InvalidArgument for bad ids (a client that computes, an id
// outside the network, fewer than 2 or repeated compute parties), calls
// from a party in the wrong role, a count above max_values, a `p` or `pre`
// of another party or party count; DecodeError ("party <id>: ...") for a
// malformed message; ProtocolError naming a party for a message of the
// wrong kind or count, masks that fail the triple check (the message names
// the compute parties: which one lied cannot be told), compute parties that
// received different inputs (the client, or the party that reports them,
// lied), and outputs that differ; plus what mpc::Spdz2k and the network
// throw. Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_preprocessing.hpp"
#include "privfin/net/network.hpp"

namespace privfin::service {

using mpc::Ring;  // Z2k<64>, the ring of every mpc::Protocol

// One message between a client and a compute party. Version 1: u8 version,
// u8 kind, varint count, then count * width(kind) values of 16 bytes
// little-endian (Z_2^128), value by value. Canonical: minimal varint, no
// trailing bytes. from_bytes throws DecodeError for anything else, a count
// above max_count, or a length that does not match, before allocating.
struct Spdz2kClientMessage {
  static constexpr std::uint8_t format_version = 1;

  enum class Kind : std::uint8_t {
    masks = 1,   // compute party -> client: shares of a_j, b_j, c_j (width 3)
    input = 2,   // client -> compute party: d_j = x_j - a_j (width 1)
    output = 3,  // compute party -> client: y_j = x_j + a_j, MAC-checked (width 1)
  };
  [[nodiscard]] static std::size_t width(Kind kind) noexcept { return kind == Kind::masks ? 3 : 1; }

  Kind kind = Kind::input;
  std::vector<mpc::spdz2k::Word> values;  // count * width(kind)

  [[nodiscard]] std::size_t count() const noexcept { return values.size() / width(kind); }
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Spdz2kClientMessage from_bytes(ByteView bytes, std::uint64_t max_count);
  friend bool operator==(const Spdz2kClientMessage&, const Spdz2kClientMessage&) = default;
};

class Spdz2kClients {
 public:
  // `net`: the network of every party (compute parties and clients);
  // `compute`: the compute parties' network ids in protocol order (party i
  // of the mpc::Spdz2k is network party compute[i]).
  Spdz2kClients(net::Network& net, std::vector<std::size_t> compute,
                std::uint64_t max_values = std::uint64_t{1} << 24);

  [[nodiscard]] const std::vector<std::size_t>& compute() const noexcept { return compute_; }
  [[nodiscard]] bool computes() const noexcept;

  // --- compute parties (p and pre: this party's protocol and its source)
  // This party's share of the `count` values client `client` sends.
  [[nodiscard]] mpc::Spdz2k::Arith receive_input(mpc::Spdz2k& p, mpc::Spdz2kPreprocessing& pre, std::size_t client,
                                                 std::size_t count);
  // Delivers x to client `client` alone, after every pending opening of p
  // passed its check.
  void send_output(mpc::Spdz2k& p, mpc::Spdz2kPreprocessing& pre, std::size_t client, const mpc::Spdz2k::Arith& x);

  // --- clients
  void send_input(std::span<const Ring> values);
  [[nodiscard]] std::vector<Ring> receive_output(std::size_t count);

 private:
  void check_compute_call(const mpc::Spdz2k& p, const mpc::Spdz2kPreprocessing& pre, std::size_t client,
                          std::size_t count, const char* what) const;
  void check_client_call(std::size_t count, const char* what) const;
  // Compute side: sends this party's shares of n fresh triples to `client`
  // and returns the triples' a.
  mpc::Spdz2k::Arith send_masks(mpc::Spdz2kPreprocessing& pre, std::size_t client, std::size_t n);
  // Client side: receives every compute party's mask shares, checks a b = c
  // and returns a.
  std::vector<mpc::spdz2k::Word> receive_masks(std::size_t n);
  Spdz2kClientMessage receive(std::size_t from, Spdz2kClientMessage::Kind kind, std::size_t count);

  net::Network& net_;
  std::vector<std::size_t> compute_;
  std::uint64_t max_values_;
};

}  // namespace privfin::service
