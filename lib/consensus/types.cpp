// Canonical wire forms of the consensus values (see types.hpp and
// docs/formats.md "Consensus messages").
#include "privfin/consensus/types.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::consensus {

namespace detail {

void write_hash(Writer& w, const Hash32& h) { w.raw(h.v); }

Hash32 read_hash(Reader& r, std::string_view field) {
  Hash32 h;
  const ByteView v = r.raw(32, field);
  std::copy(v.begin(), v.end(), h.v.begin());
  return h;
}

void write_bitmap(Writer& w, const std::vector<bool>& bits) {
  w.varint(bits.size());
  Bytes packed((bits.size() + 7) / 8);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) packed[i / 8] |= static_cast<std::byte>(1U << (i % 8));
  }
  w.raw(packed);
}

std::vector<bool> read_bitmap(Reader& r, std::string_view field, std::size_t max_bits) {
  const std::size_t n = r.length(field, max_bits);
  const ByteView packed = r.raw((n + 7) / 8, field);
  std::vector<bool> bits(n);
  for (std::size_t i = 0; i < n; ++i) bits[i] = (std::to_integer<unsigned>(packed[i / 8]) >> (i % 8)) & 1U;
  // Canonical: the unused high bits of the last byte are zero.
  if (n % 8 != 0 && (std::to_integer<unsigned>(packed.back()) >> (n % 8)) != 0) {
    throw DecodeError(std::string(field) + ": padding bits of the signer bitmap are not zero");
  }
  return bits;
}

}  // namespace detail

SaltedHash32 SaltedHash32::salted() { return SaltedHash32{Prg(random_seed()).next_u64()}; }

namespace {

constexpr std::uint64_t max_total_weight = std::uint64_t{1} << 62;

Hash32 sha256_of(std::string_view domain, ByteView data) {
  Sha256 h;
  h.update(as_bytes(domain)).update(data);
  return Hash32{h.finish()};
}

Bytes copy_of(ByteView v) { return {v.begin(), v.end()}; }

void check_size(std::size_t size, std::size_t max, const char* what) {
  if (size > max) throw InvalidArgument(std::string(what) + " of " + std::to_string(size) + " bytes exceeds the limit");
}

}  // namespace

// ------------------------------------------------------------ validator set

ValidatorSet::ValidatorSet(std::vector<Validator> validators) {
  if (validators.empty()) throw InvalidArgument("validator set: no validators");
  auto members = std::make_shared<Members>();
  std::set<std::string> keys;  // hex: keeps gcc 12's memcmp bounds warning away
  for (std::size_t i = 0; i < validators.size(); ++i) {
    const auto& v = validators[i];
    if (v.weight > max_total_weight - members->total) throw InvalidArgument("validator set: total weight exceeds 2^62");
    members->total += v.weight;
    if (!keys.insert(to_hex(v.bls_key)).second) {
      throw InvalidArgument("validator set: validator " + std::to_string(i) + " repeats another's BLS key");
    }
  }
  if (members->total == 0) throw InvalidArgument("validator set: every weight is 0");
  members->list = std::move(validators);
  members_ = members;
  members->hash = sha256_of("privfin consensus validators v1", to_bytes());
}

bool operator==(const ValidatorSet& a, const ValidatorSet& b) noexcept {
  if (a.members_ == b.members_) return true;
  return a.total_weight() == b.total_weight() && a.validators() == b.validators();
}

namespace {
// The same members in the same places (every key equal), whatever their weights.
bool same_members(const ValidatorSet& a, const ValidatorSet& b) {
  if (a.size() != b.size()) return false;
  for (NodeId i = 0; i < a.size(); ++i) {
    const auto &x = a.at(i), &y = b.at(i);
    if (x.bls_key != y.bls_key || x.bls_pop != y.bls_pop || x.vrf_key != y.vrf_key || x.ed25519_key != y.ed25519_key) {
      return false;
    }
  }
  return true;
}
}  // namespace

void check_set_for_height(std::string_view engine, Height h, const ValidatorSet& set, const ValidatorSet& genesis,
                          bool changes_allowed) {
  if (!same_members(set, genesis)) {
    throw InvalidValidatorUpdate(std::string(engine) + ": the set of height " + std::to_string(h) +
                                 " has other members than the genesis set");
  }
  if (!changes_allowed && set != genesis) {
    throw InvalidValidatorUpdate(std::string(engine) + ": the set of height " + std::to_string(h) +
                                 " changed, but the engine was made without validator_changes");
  }
}

ValidatorSet apply_changes(const ValidatorSet& set, std::span<const ValidatorChange> changes) {
  std::vector<Validator> next = set.validators();
  std::set<std::string> named;
  for (const auto& c : changes) {
    const std::string key = to_hex(c.bls_key);
    const std::string shown = key.substr(0, 16);
    if (!named.insert(key).second) throw InvalidValidatorUpdate("validator update: key " + shown + "... is named twice");
    const auto it = std::find_if(next.begin(), next.end(), [&](const Validator& v) { return v.bls_key == c.bls_key; });
    if (it == next.end()) throw InvalidValidatorUpdate("validator update: unknown key " + shown + "... (not a member)");
    it->weight = c.weight;
  }
  std::uint64_t total = 0;
  for (const auto& v : next) {
    if (v.weight > max_total_weight - total) throw InvalidValidatorUpdate("validator update: total weight exceeds 2^62");
    total += v.weight;
  }
  if (total == 0) throw InvalidValidatorUpdate("validator update: no weight would be left");
  return ValidatorSet(std::move(next));
}

void ValidatorSet::write(Writer& w) const {
  w.version(format_version).varint(size());
  for (const auto& v : validators()) {
    w.bytes(v.bls_key).bytes(v.bls_pop).bytes(v.vrf_key).bytes(v.ed25519_key).varint(v.weight);
  }
}

ValidatorSet ValidatorSet::read(Reader& r, const Limits& limits) {
  r.expect_version(format_version, "validator set");
  const std::size_t n = r.length("validator count", limits.max_validators);
  // Each validator takes at least five bytes: check before reserving.
  if (n > r.remaining() / 5) throw DecodeError("validator set: count exceeds the remaining bytes");
  std::vector<Validator> vs;
  vs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Validator v;
    v.bls_key = copy_of(r.bytes("bls key", limits.max_key));
    v.bls_pop = copy_of(r.bytes("bls pop", limits.max_signature));
    v.vrf_key = copy_of(r.bytes("vrf key", limits.max_key));
    v.ed25519_key = copy_of(r.bytes("ed25519 key", limits.max_key));
    v.weight = r.varint("weight");
    vs.push_back(std::move(v));
  }
  try {
    return ValidatorSet(std::move(vs));
  } catch (const InvalidArgument& e) {
    throw DecodeError(e.what());
  }
}

Bytes ValidatorSet::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

ValidatorSet ValidatorSet::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  auto vs = read(r, limits);
  r.expect_end("validator set");
  return vs;
}

Hash32 ValidatorSet::hash() const {
  return members_ ? members_->hash : sha256_of("privfin consensus validators v1", to_bytes());
}

// ------------------------------------------------------------ header, block

void BlockHeader::write(Writer& w) const {
  w.version(format_version).string(chain_id).u64(height).u32(round);
  detail::write_hash(w, parent);
  w.u32(proposer);
  detail::write_hash(w, tx_root);
  detail::write_hash(w, app_hash);
  detail::write_hash(w, validators_hash);
  w.u64(static_cast<std::uint64_t>(time));
}

BlockHeader BlockHeader::read(Reader& r, const Limits& limits) {
  r.expect_version(format_version, "block header");
  BlockHeader h;
  h.chain_id = r.string("chain id", limits.max_chain_id);
  h.height = r.u64("height");
  h.round = r.u32("round");
  h.parent = detail::read_hash(r, "parent");
  h.proposer = r.u32("proposer");
  h.tx_root = detail::read_hash(r, "tx root");
  h.app_hash = detail::read_hash(r, "app hash");
  h.validators_hash = detail::read_hash(r, "validators hash");
  h.time = static_cast<std::int64_t>(r.u64("time"));
  return h;
}

Bytes BlockHeader::to_bytes() const {
  check_size(chain_id.size(), Limits{}.max_chain_id, "chain id");
  Writer w;
  write(w);
  return std::move(w).take();
}

BlockHeader BlockHeader::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  auto h = read(r, limits);
  r.expect_end("block header");
  return h;
}

Hash32 BlockHeader::hash() const { return sha256_of("privfin consensus block v1", to_bytes()); }

Hash32 tx_root_of(ByteView body) {
  // A body that decodes is the canonical encoding of its transactions
  // (transaction_views), so it has their Merkle root; any other body has
  // the hash of its bytes. Leaves are hashed from views: no copies.
  std::vector<ByteView> txs;
  try {
    txs = transaction_views(body);
  } catch (const DecodeError&) {
    return sha256_of("privfin consensus body v1", body);
  }
  std::vector<Hash32> leaves;
  leaves.reserve(txs.size());
  for (const ByteView tx : txs) leaves.push_back(tx_leaf_hash(tx));
  return tx_merkle_root_of_leaves(leaves);
}

bool Block::body_matches() const { return tx_root_of(body) == header.tx_root; }

void Block::write(Writer& w) const {
  header.write(w);
  w.bytes(body);
}

Block Block::read(Reader& r, const Limits& limits) {
  Block b;
  b.header = BlockHeader::read(r, limits);
  b.body = copy_of(r.bytes("body", limits.max_body));
  return b;
}

Bytes Block::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

Block Block::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  auto b = read(r, limits);
  r.expect_end("block");
  return b;
}

// ------------------------------------------------------------ proposal, vote

Bytes Proposal::signed_bytes() const {
  Writer w;
  w.string("privfin consensus proposal v1").string(block.header.chain_id).u64(height()).u32(round);
  detail::write_hash(w, block.hash());
  w.boolean(valid_round.has_value()).u32(valid_round.value_or(0));
  return std::move(w).take();
}

void Proposal::write(Writer& w) const {
  w.u32(round);
  block.write(w);
  w.boolean(valid_round.has_value());
  if (valid_round) w.u32(*valid_round);
  w.bytes(signature);
}

Proposal Proposal::read(Reader& r, const Limits& limits) {
  Proposal p;
  p.round = r.u32("proposal round");
  p.block = Block::read(r, limits);
  if (r.boolean("has valid round")) p.valid_round = r.u32("valid round");
  p.signature = copy_of(r.bytes("proposal signature", limits.max_signature));
  return p;
}

Bytes Vote::signed_bytes(std::string_view chain_id, VoteType type, Height h, Round r,
                         const std::optional<Hash32>& block) {
  Writer w;
  w.string("privfin consensus vote v1").string(chain_id).u8(static_cast<std::uint8_t>(type)).u64(h).u32(r);
  w.boolean(block.has_value());
  if (block) detail::write_hash(w, *block);
  return std::move(w).take();
}

void Vote::write(Writer& w) const {
  w.u8(static_cast<std::uint8_t>(type)).u64(height).u32(round).boolean(block.has_value());
  if (block) detail::write_hash(w, *block);
  w.u32(voter).bytes(signature);
}

Vote Vote::read(Reader& r, const Limits& limits) {
  Vote v;
  const auto type = r.u8("vote type");
  if (type != 1 && type != 2) throw DecodeError("vote type: unknown value " + std::to_string(type));
  v.type = static_cast<VoteType>(type);
  v.height = r.u64("vote height");
  v.round = r.u32("vote round");
  if (r.boolean("vote has block")) v.block = detail::read_hash(r, "vote block");
  v.voter = r.u32("voter");
  v.signature = copy_of(r.bytes("vote signature", limits.max_signature));
  return v;
}

// ------------------------------------------------------------ certificate, evidence

void CommitCertificate::write(Writer& w) const {
  if (!counts.empty() && counts.size() != signers.size()) {
    throw InvalidArgument("commit certificate: counts must list every validator or none");
  }
  w.version(counts.empty() ? format_version : counted_format_version).u64(height).u32(round);
  detail::write_hash(w, block);
  detail::write_bitmap(w, signers);
  w.bytes(aggregate);
  for (auto c : counts) w.varint(c);  // as many as the bitmap has bits
}

CommitCertificate CommitCertificate::read(Reader& r, const Limits& limits) {
  const auto version = r.u8("commit certificate version");
  if (version != format_version && version != counted_format_version) {
    throw DecodeError("commit certificate: unsupported version " + std::to_string(version));
  }
  CommitCertificate c;
  c.height = r.u64("certificate height");
  c.round = r.u32("certificate round");
  c.block = detail::read_hash(r, "certificate block");
  c.signers = detail::read_bitmap(r, "certificate signers", limits.max_validators);
  c.aggregate = copy_of(r.bytes("certificate aggregate", limits.max_signature));
  if (version == counted_format_version) {
    // Version 2 exists only for counts: an empty committee would re-encode as version 1.
    if (c.signers.empty()) throw DecodeError("commit certificate: version 2 without counts");
    if (r.remaining() < c.signers.size()) throw DecodeError("commit certificate: counts truncated");
    c.counts.reserve(c.signers.size());
    for (std::size_t i = 0; i < c.signers.size(); ++i) {
      const auto v = r.varint("certificate count");
      if (v > 0xFFFFFFFFU || (v > 0) != c.signers[i]) {
        throw DecodeError("commit certificate: count " + std::to_string(i) + " disagrees with the signer bitmap");
      }
      c.counts.push_back(static_cast<std::uint32_t>(v));
    }
  }
  return c;
}

Bytes CommitCertificate::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

CommitCertificate CommitCertificate::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  auto c = read(r, limits);
  r.expect_end("commit certificate");
  return c;
}

bool Evidence::is_conflict() const {
  return first.voter == second.voter && first.type == second.type && first.height == second.height &&
         first.round == second.round && first.block != second.block;
}

Bytes Evidence::to_bytes() const {
  Writer w;
  w.version(format_version);
  first.write(w);
  second.write(w);
  return std::move(w).take();
}

Evidence Evidence::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  r.expect_version(format_version, "evidence");
  Evidence e;
  e.first = Vote::read(r, limits);
  e.second = Vote::read(r, limits);
  r.expect_end("evidence");
  return e;
}

// ------------------------------------------------------------ message

Height Message::height() const {
  return std::visit(
      [](const auto& m) -> Height {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Proposal>) return m.height();
        else if constexpr (std::is_same_v<T, Vote>) return m.height;
        else return m.block.header.height;
      },
      body);
}

Bytes Message::to_bytes() const {
  Writer w;
  w.version(format_version).u8(static_cast<std::uint8_t>(body.index() + 1));
  std::visit(
      [&w](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Decision>) {
          m.block.write(w);
          m.certificate.write(w);
        } else {
          m.write(w);
        }
      },
      body);
  return std::move(w).take();
}

Message Message::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  r.expect_version(format_version, "consensus message");
  const auto kind = r.u8("message kind");
  Message m;
  switch (kind) {
    case 1: m.body = Proposal::read(r, limits); break;
    case 2: m.body = Vote::read(r, limits); break;
    case 3: {
      Decision d;
      d.block = Block::read(r, limits);
      d.certificate = CommitCertificate::read(r, limits);
      m.body = std::move(d);
      break;
    }
    default: throw DecodeError("consensus message: unknown kind " + std::to_string(kind));
  }
  r.expect_end("consensus message");
  return m;
}

}  // namespace privfin::consensus
