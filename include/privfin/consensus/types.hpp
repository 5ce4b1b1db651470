// privfin/consensus/types.hpp — the values every consensus engine, runtime
// and checker shares: validator set, block header, block, proposal, vote,
// commit certificate, evidence, and the message envelope, each with a
// canonical, versioned, bounds-checked wire form (docs/formats.md,
// "Consensus messages").
//
//   ValidatorSet vs = ...;                         // BLS keys + PoPs, VRF and Ed25519 keys, weights
//   Block block{header, body};
//   Hash32 id = block.hash();                      // SHA-256 over the header (tx_root binds the body)
//   Bytes wire = Message{vote}.to_bytes();
//   Message back = Message::from_bytes(wire, limits);   // DecodeError on any defect
//
// Node ids are the 0-based positions in the validator set, the same numbers
// as net::Network::party_id() for the nodes that run them. Signatures are
// opaque bytes here (at most Limits::max_signature bytes): what they mean
// is the Crypto provider's business (crypto.hpp). from_bytes never
// allocates more than the input's size and throws DecodeError naming the
// field; to_bytes throws InvalidArgument for a value outside the limits.
// Value types; thread-safe as values are.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

using NodeId = std::uint32_t;
using Height = std::uint64_t;
using Round = std::uint32_t;
// Virtual or real time in nanoseconds since the chain's genesis, as the
// host (runtime or simulator) reports it; engines never read a clock.
using TimePoint = std::int64_t;

struct Hash32 {
  std::array<std::byte, 32> v{};
  auto operator<=>(const Hash32&) const = default;
  [[nodiscard]] std::string hex() const { return to_hex(v); }
  [[nodiscard]] std::string short_hex() const { return to_hex(ByteView(v).first(4)); }
};

// The hash of hash maps keyed by Hash32 (transaction ids, signature-cache
// keys): 8 bytes of the digest mixed with a secret salt drawn per map
// (salted()), so that whoever chooses the hashed data (a client, a peer)
// cannot grind many keys into one bucket. Cheaper than an ordered map's
// O(log n) 32-byte compares, and than hashing a std::string of the digest.
// Inline: hash maps call it for every lookup, insertion and erasure.
struct SaltedHash32 {
  std::uint64_t salt = 0;
  [[nodiscard]] std::size_t operator()(const Hash32& h) const noexcept {
    std::uint64_t x = 0;
    std::memcpy(&x, h.v.data(), sizeof x);
    return static_cast<std::size_t>(mix64(x ^ salt));  // the salt reaches every bit
  }
  [[nodiscard]] static SaltedHash32 salted();  // a fresh random salt
};

// Upper bounds that every decoder enforces before allocating.
struct Limits {
  std::size_t max_validators = 1024;
  std::size_t max_body = std::size_t{1} << 20;
  std::size_t max_chain_id = 64;
  std::size_t max_signature = 96;
  std::size_t max_key = 96;
};

struct Validator {
  Bytes bls_key;   // compressed BLS12-381 min-pk key (48 bytes) or a symbolic key
  Bytes bls_pop;   // its proof of possession (96 bytes), checked by BlsCrypto
  Bytes vrf_key;   // ECVRF public key (Gosig, later issue); may be empty
  Bytes ed25519_key;
  std::uint64_t weight = 1;
  friend bool operator==(const Validator&, const Validator&) = default;
};

class ValidatorSet {
 public:
  static constexpr std::uint8_t format_version = 1;

  ValidatorSet() = default;
  // Throws InvalidArgument for an empty set, a total weight of 0 or above
  // 2^62, or two validators with the same BLS key. A member of weight 0
  // keeps its place (its NodeId) but neither votes nor proposes: a bank
  // that left the set, or one admitted later by a validator-set change.
  explicit ValidatorSet(std::vector<Validator> validators);

  [[nodiscard]] std::size_t size() const noexcept { return validators().size(); }
  [[nodiscard]] const Validator& at(NodeId id) const { return validators().at(id); }
  [[nodiscard]] const std::vector<Validator>& validators() const noexcept {
    static const std::vector<Validator> none;  // a default-made set's
    return members_ ? members_->list : none;
  }
  [[nodiscard]] std::uint64_t total_weight() const noexcept { return members_ ? members_->total : 0; }
  [[nodiscard]] std::uint64_t weight(NodeId id) const { return at(id).weight; }
  // Strictly more than two thirds of the total weight (2f+1 of 3f+1 equal weights).
  [[nodiscard]] bool is_quorum(std::uint64_t weight) const noexcept { return 3 * weight > 2 * total_weight(); }
  // Strictly more than one third: at least one honest member.
  [[nodiscard]] bool is_one_honest(std::uint64_t weight) const noexcept { return 3 * weight > total_weight(); }
  // SHA-256 of the encoding, computed when the set is made.
  [[nodiscard]] Hash32 hash() const;

  void write(Writer& w) const;
  [[nodiscard]] static ValidatorSet read(Reader& r, const Limits& limits);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static ValidatorSet from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const ValidatorSet& a, const ValidatorSet& b) noexcept;

 private:
  struct Members {
    std::vector<Validator> list;
    std::uint64_t total = 0;
    Hash32 hash;
  };
  // Immutable once made, so copies share it: an engine, its config and its
  // per-height sets each hold a set, and a simulation holds them for
  // thousands of nodes.
  std::shared_ptr<const Members> members_;
};

// A validator-set change names a member by its BLS key and gives its new
// weight (0: it stops voting and proposing, and keeps its place). Members
// keep their places (NodeIds) across changes, so the set's size and keys
// never change: a bank joins a chain by being a weight-0 member of its
// genesis, and leaves it by going to weight 0 (docs/consensus.md,
// "Validator-set changes").
struct ValidatorChange {
  Bytes bls_key;
  std::uint64_t weight = 0;
  friend bool operator==(const ValidatorChange&, const ValidatorChange&) = default;
};

// A refused validator-set change: which key, and why.
class InvalidValidatorUpdate : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// The set after `changes`, applied in order to `set`. Throws
// InvalidValidatorUpdate for a key that is not a member ("unknown key"),
// a key named twice, a total weight of 0 or above 2^62; `set` is unchanged.
[[nodiscard]] ValidatorSet apply_changes(const ValidatorSet& set, std::span<const ValidatorChange> changes);

// An engine's check of the set a runtime names for height h: throws
// InvalidValidatorUpdate, naming `engine` and h, for other members than
// the genesis set's (members and their keys never change, only weights),
// or for a changed set when changes are not allowed.
void check_set_for_height(std::string_view engine, Height h, const ValidatorSet& set, const ValidatorSet& genesis,
                          bool changes_allowed);

struct BlockHeader {
  static constexpr std::uint8_t format_version = 1;
  std::string chain_id;
  Height height = 0;
  Round round = 0;         // the round the block was made for
  Hash32 parent;           // hash of block height-1 (zero for height 1)
  NodeId proposer = 0;     // its maker, the proposer of (height, round)
  Hash32 tx_root;          // tx_root_of(body): the transactions' RFC 9162 Merkle root
  Hash32 app_hash;         // application state after height-1
  Hash32 validators_hash;  // ValidatorSet::hash() of the set that signs this height
  std::int64_t time = 0;   // proposer's clock, ns; informational

  void write(Writer& w) const;
  [[nodiscard]] static BlockHeader read(Reader& r, const Limits& limits);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static BlockHeader from_bytes(ByteView bytes, const Limits& limits = {});
  // SHA-256("privfin consensus block v1" || to_bytes()).
  [[nodiscard]] Hash32 hash() const;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  BlockHeader header;
  Bytes body;
  [[nodiscard]] Hash32 hash() const { return header.hash(); }
  // tx_root matches the body.
  [[nodiscard]] bool body_matches() const;
  void write(Writer& w) const;
  [[nodiscard]] static Block read(Reader& r, const Limits& limits);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Block from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const Block&, const Block&) = default;
};

// What a header's tx_root commits to. For a body that is a list of
// transactions in its canonical encoding (application.hpp,
// transactions_to_bytes: what every application's proposal is), the RFC
// 9162 Merkle root of the transactions (tx_merkle.hpp), so that one
// transaction's inclusion in a verified header is provable with a
// logarithmic proof and without the body (ledger::Ledger::find_transaction,
// LightClient::verify_transaction_proof). For any other body (opaque
// payloads, such as the simulator's stand-in application's),
// SHA-256("privfin consensus body v1" || body). Either way it binds the
// body's exact bytes: a list is only read as one when re-encoding it gives
// the same bytes. Cost: two hashes per transaction.
[[nodiscard]] Hash32 tx_root_of(ByteView body);

// PROPOSAL(h, round, v, validRound) of arXiv 1807.04938, signed by the
// proposer of (h, round). The block keeps the header it was made with: a
// re-proposed valid value carries its first round and proposer, so its hash
// (the value's id) does not change from round to round.
struct Proposal {
  Round round = 0;
  Block block;
  std::optional<Round> valid_round;  // the paper's validRound; nullopt = -1
  Bytes signature;

  [[nodiscard]] Height height() const noexcept { return block.header.height; }
  // What the proposer signs: domain, chain id, height, round, block hash, valid round.
  [[nodiscard]] Bytes signed_bytes() const;
  void write(Writer& w) const;
  [[nodiscard]] static Proposal read(Reader& r, const Limits& limits);
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

enum class VoteType : std::uint8_t { prevote = 1, precommit = 2 };

struct Vote {
  VoteType type = VoteType::prevote;
  Height height = 0;
  Round round = 0;
  std::optional<Hash32> block;  // nullopt = nil
  NodeId voter = 0;
  Bytes signature;

  // Domain, chain id, type, height, round, block-or-nil. The voter is not in
  // the signed bytes, so all votes for one value share one message and
  // aggregate (FastAggregateVerify).
  [[nodiscard]] static Bytes signed_bytes(std::string_view chain_id, VoteType type, Height h, Round r,
                                          const std::optional<Hash32>& block);
  [[nodiscard]] Bytes signed_bytes(std::string_view chain_id) const {
    return signed_bytes(chain_id, type, height, round, block);
  }
  void write(Writer& w) const;
  [[nodiscard]] static Vote read(Reader& r, const Limits& limits);
  friend bool operator==(const Vote&, const Vote&) = default;
};

// 2f+1 precommits for one block in one round, aggregated: a signer bitmap
// and one aggregate signature over Vote::signed_bytes(precommit, h, r, block).
// A certificate merged along gossip paths (Gosig) also carries per-signer
// counts (counts[i] > 0 exactly where signers[i]; the aggregate weighs each
// key by its count) and is written as version 2; without counts it is
// version 1, byte for byte as before.
struct CommitCertificate {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::uint8_t counted_format_version = 2;
  // Constructors keep the brace forms of the five-field version working.
  CommitCertificate() = default;
  CommitCertificate(Height h, Round r, Hash32 b, std::vector<bool> s, Bytes agg, std::vector<std::uint32_t> c = {})
      : height(h), round(r), block(b), signers(std::move(s)), aggregate(std::move(agg)), counts(std::move(c)) {}
  Height height = 0;
  Round round = 0;
  Hash32 block;
  std::vector<bool> signers;  // one bit per validator
  Bytes aggregate;
  std::vector<std::uint32_t> counts;  // empty, or one per validator

  void write(Writer& w) const;
  [[nodiscard]] static CommitCertificate read(Reader& r, const Limits& limits);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static CommitCertificate from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const CommitCertificate&, const CommitCertificate&) = default;
};

// Two votes by one voter for one (type, height, round) with different values.
struct Evidence {
  static constexpr std::uint8_t format_version = 1;
  Vote first;
  Vote second;
  // Same voter, type, height and round, different values (signatures are
  // the verifier's job: verify_evidence in crypto.hpp).
  [[nodiscard]] bool is_conflict() const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Evidence from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

// A decided block with its certificate: the answer to a peer that is behind.
struct Decision {
  Block block;
  CommitCertificate certificate;
  friend bool operator==(const Decision&, const Decision&) = default;
};

// What travels between engines: version 1, u8 kind (1 proposal, 2 vote,
// 3 decision), the value, nothing after.
struct Message {
  static constexpr std::uint8_t format_version = 1;
  std::variant<Proposal, Vote, Decision> body;

  [[nodiscard]] Height height() const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Message from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const Message&, const Message&) = default;
};

namespace detail {
void write_hash(Writer& w, const Hash32& h);
[[nodiscard]] Hash32 read_hash(Reader& r, std::string_view field);
void write_bitmap(Writer& w, const std::vector<bool>& bits);
[[nodiscard]] std::vector<bool> read_bitmap(Reader& r, std::string_view field, std::size_t max_bits);
}  // namespace detail

}  // namespace privfin::consensus
