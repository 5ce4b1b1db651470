// privfin/service/agreement.hpp — parameter agreement: before computing,
// the parties of a session confirm that they hold the same public
// parameters (protocol and version, limits, contexts, key fingerprints),
// and every party that differs is named, with the values that differ.
//
//   service::Parameters params("anti-stacking", 1);
//   params.set("limit", std::int64_t{50'000})
//         .set("context", "loan-book 2026-12")
//         .set_fingerprint("verify key", verify_key);      // secret: only its hash travels
//   service::agree(net, params);                           // all parties of net
//   service::agree(net, params, std::array<std::size_t, 3>{0, 1, 2});  // a subset
//
// Without this step a party holding limit 500 while the others hold 50,000
// computes a wrong answer and exits 0; with it every party throws
// ParameterMismatch before any secret is used, e.g.
//   "parameters differ: party 2 has limit = 500 (party 0 has 50000)".
//
// Values are public by definition: they travel in clear inside the
// (authenticated) channel and appear in error messages. Put a secret or a
// large value (a verify key shared by aggregators, a public key) in with
// set_fingerprint: only SHA-256(name || value) is sent and shown (its
// first 8 bytes). Entries are kept sorted by name, so the order of set()
// calls does not matter; setting a name again replaces its value.
//
// agree() sends this party's full parameter list (at most max_encoded_size
// bytes) to every other listed party, then receives theirs: one round, all
// peers in parallel. Every listed party must call it with the same list of
// parties. It throws InvalidArgument if the list does not contain this
// party, repeats one, or names one outside the network; ParameterMismatch
// (a ProtocolError, party() = the first differing party) naming every
// differing party; DecodeError (naming the peer) for a malformed list; and
// what the network throws. Cost: one message of the list's size per peer
// and a SHA-256 per entry; no allocation beyond the received lists.
// Thread safety: Parameters is a value type; agree() uses the network as
// one protocol step (one thread at a time).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"

namespace privfin::service {

class Parameters {
 public:
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_encoded_size = std::size_t{64} << 10;
  static constexpr std::size_t max_name_size = 256;

  enum class Kind : std::uint8_t { text = 1, integer = 2, real = 3, bytes = 4, fingerprint = 5 };
  struct Value {
    Kind kind = Kind::text;
    Bytes data;  // text: UTF-8; integer: 8 bytes LE two's complement; real: 8 bytes of the
                 // IEEE-754 double; bytes: as given; fingerprint: 32-byte SHA-256
    friend bool operator==(const Value&, const Value&) = default;
  };

  // The protocol's name and version are entries like any other
  // ("protocol", "protocol version"), so two programs of different
  // protocols never agree.
  Parameters(std::string_view protocol, std::uint32_t protocol_version);

  // Names are 1..max_name_size bytes (InvalidArgument otherwise).
  Parameters& set(std::string_view name, std::string_view text);
  Parameters& set(std::string_view name, const char* text) { return set(name, std::string_view(text)); }
  Parameters& set(std::string_view name, std::int64_t value);
  Parameters& set(std::string_view name, std::uint64_t value);  // InvalidArgument above 2^63 - 1
  Parameters& set(std::string_view name, int value) { return set(name, std::int64_t{value}); }
  // Compared bit for bit: 0.1 and 0.1000000000000001 differ. NaN is refused.
  Parameters& set(std::string_view name, double value);
  Parameters& set_bytes(std::string_view name, ByteView value);
  Parameters& set_fingerprint(std::string_view name, ByteView value);

  [[nodiscard]] const std::map<std::string, Value, std::less<>>& entries() const noexcept { return entries_; }
  // SHA-256 of "privfin/service/parameters v1" || to_bytes().
  [[nodiscard]] std::array<std::byte, 32> digest() const;
  // "limit = 50000", a fingerprint as its first 8 bytes in hex ("verify key = #1a2b...").
  [[nodiscard]] std::string describe(std::string_view name) const;

  // Version 1: u8 version, varint count, then per entry (sorted by name):
  // string name, u8 kind, bytes data. Throws InvalidArgument if the
  // encoding would exceed max_encoded_size.
  [[nodiscard]] Bytes to_bytes() const;
  // Throws DecodeError for malformed bytes, names out of order or repeated,
  // an unknown kind, a wrong data size for the kind, trailing bytes.
  [[nodiscard]] static Parameters from_bytes(ByteView bytes);

  // One line per differing name: "limit = 500 (party 0 has 50000)", where
  // `theirs` is seen from the party `mine_party`.
  [[nodiscard]] std::vector<std::string> differences(const Parameters& theirs, std::size_t mine_party) const;

  friend bool operator==(const Parameters&, const Parameters&) = default;

 private:
  Parameters() = default;
  Parameters& put(std::string_view name, Kind kind, Bytes data);

  std::map<std::string, Value, std::less<>> entries_;
};

// Every party whose parameters differ from this party's, with the
// differences, in one exception.
class ParameterMismatch : public ProtocolError {
 public:
  struct Difference {
    std::size_t party;
    std::vector<std::string> lines;  // as Parameters::differences()
  };
  // `self` is this party's id; differences must not be empty.
  ParameterMismatch(std::size_t self, std::vector<Difference> differences);
  [[nodiscard]] const std::vector<Difference>& differences() const noexcept { return differences_; }
  [[nodiscard]] std::vector<std::size_t> parties() const;

 private:
  std::vector<Difference> differences_;
};

void agree(net::Network& net, const Parameters& mine, std::span<const std::size_t> parties);
// All parties of the network.
void agree(net::Network& net, const Parameters& mine);

}  // namespace privfin::service
