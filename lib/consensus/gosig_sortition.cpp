// Gosig's leader candidates (gosig_sortition.hpp).
#include "privfin/consensus/gosig_sortition.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

Bytes gosig_seed(std::string_view chain_id, Height h) {
  Writer w;
  w.string("privfin gosig seed v1").string(chain_id).u64(h);
  const auto d = Sha256::hash(w.data());
  return {d.begin(), d.end()};
}

namespace {
// The priority of a sortition output (a VRF's beta, or a symbolic tag) if
// it makes its holder a candidate.
std::optional<Bytes> candidate_priority(const sig::sortition::LeaderElection& election, ByteView output) {
  Bytes priority = sig::sortition::LeaderElection::priority(output);
  if (!election.is_candidate_priority(priority)) return std::nullopt;
  return priority;
}
}  // namespace

VrfSortition::VrfSortition(std::string chain_id, std::vector<Bytes> public_keys, NodeId self,
                           std::optional<SecretBytes> secret_key, std::uint64_t expected_candidates)
    : VrfSortition(std::move(chain_id), std::make_shared<const std::vector<Bytes>>(std::move(public_keys)), self,
                   std::move(secret_key), expected_candidates) {}

VrfSortition::VrfSortition(std::string chain_id, std::shared_ptr<const std::vector<Bytes>> public_keys, NodeId self,
                           std::optional<SecretBytes> secret_key, std::uint64_t expected_candidates)
    : chain_id_(std::move(chain_id)),
      keys_(public_keys ? std::move(public_keys) : std::make_shared<const std::vector<Bytes>>()),
      self_(self),
      secret_(std::move(secret_key)),
      vrf_(sig::VrfSuite::edwards25519_sha512_ell2),
      election_(expected_candidates, keys_->empty() ? 1 : keys_->size()) {
  if (keys_->empty()) throw InvalidArgument("VrfSortition: no public keys");
  if (secret_ && (self_ >= keys_->size() || vrf_.public_key(secret_->view()) != (*keys_)[self_])) {
    throw InvalidArgument("VrfSortition: the secret key is not node " + std::to_string(self_) + "'s");
  }
}

std::optional<SortitionTicket> VrfSortition::draw(Height h, Round r) {
  if (!secret_) return std::nullopt;
  const Bytes alpha = sig::sortition::round_input(gosig_seed(chain_id_, h), r);
  Bytes proof = vrf_.prove(secret_->view(), alpha);
  auto priority = candidate_priority(election_, vrf_.proof_to_hash(proof));
  if (!priority) return std::nullopt;
  return SortitionTicket{std::move(proof), std::move(*priority)};
}

std::optional<Bytes> VrfSortition::check(NodeId who, Height h, Round r, ByteView proof) {
  if (who >= keys_->size()) return std::nullopt;
  const Bytes alpha = sig::sortition::round_input(gosig_seed(chain_id_, h), r);
  const auto beta = vrf_.verify((*keys_)[who], alpha, proof);
  if (!beta) return std::nullopt;
  return candidate_priority(election_, *beta);
}

SymbolicSortition::SymbolicSortition(std::string chain_id, std::shared_ptr<const SymbolicKeys> keys, NodeId self,
                                     std::uint64_t expected_candidates)
    : chain_id_(std::move(chain_id)),
      keys_(std::move(keys)),
      self_(self),
      election_(expected_candidates, keys_ && keys_->size() > 0 ? keys_->size() : 1) {
  if (!keys_ || keys_->size() == 0) throw InvalidArgument("SymbolicSortition: no keys");
  if (self_ >= keys_->size()) throw InvalidArgument("SymbolicSortition: self is not below the number of keys");
}

Bytes SymbolicSortition::input(Height h, Round r) const {
  Writer w;
  w.string("privfin symbolic sortition").string(chain_id_).u64(h).u32(r);
  return std::move(w).take();
}

std::optional<SortitionTicket> SymbolicSortition::draw(Height h, Round r) {
  Bytes proof = keys_->tag(self_, input(h, r));
  auto priority = candidate_priority(election_, proof);
  if (!priority) return std::nullopt;
  return SortitionTicket{std::move(proof), std::move(*priority)};
}

std::optional<Bytes> SymbolicSortition::check(NodeId who, Height h, Round r, ByteView proof) {
  if (who >= keys_->size() || proof.size() != 32) return std::nullopt;
  if (!constant_time_equal(keys_->tag(who, input(h, r)), proof)) return std::nullopt;
  return candidate_priority(election_, proof);
}

FixedSortition::FixedSortition(Schedule schedule, NodeId self) : schedule_(std::move(schedule)), self_(self) {
  if (!schedule_) throw InvalidArgument("FixedSortition: no schedule");
}

namespace {
Bytes position_priority(std::uint32_t pos) {
  Bytes p(32);
  for (std::size_t i = 0; i < 4; ++i) p[31 - i] = static_cast<std::byte>((pos >> (8 * i)) & 0xFFU);
  return p;
}
}  // namespace

std::optional<SortitionTicket> FixedSortition::draw(Height h, Round r) {
  const auto list = schedule_(h, r);
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    if (list[i] == self_) {
      Writer w;
      w.u32(i);
      return SortitionTicket{std::move(w).take(), position_priority(i)};
    }
  }
  return std::nullopt;
}

std::optional<Bytes> FixedSortition::check(NodeId who, Height h, Round r, ByteView proof) {
  if (proof.size() != 4) return std::nullopt;
  Reader rd(proof);
  const auto pos = rd.u32("position");
  const auto list = schedule_(h, r);
  if (pos >= list.size() || list[pos] != who) return std::nullopt;
  return position_priority(pos);
}

}  // namespace privfin::consensus
