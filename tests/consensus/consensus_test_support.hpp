// Shared by the consensus tests: sample values for every wire type and the
// exhaustive truncation / bit-flip check of a decoder.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/types.hpp"

namespace privfin::consensus::testing {

inline Prg::Seed seed_of(std::uint8_t b) {
  Prg::Seed s{};
  s[0] = std::byte{b};
  return s;
}

// Every proper prefix throws DecodeError; every single-bit flip throws
// DecodeError or decodes to a value other than the original.
template <class T>
void check_every_truncation_and_flip(const Bytes& wire, const T& original,
                                     const std::function<T(ByteView)>& decode) {
  REQUIRE(decode(wire) == original);
  for (std::size_t len = 0; len < wire.size(); ++len) {
    INFO("prefix of " << len << " bytes");
    CHECK_THROWS_AS(decode(ByteView(wire).first(len)), DecodeError);
  }
  Bytes flipped = wire;
  for (std::size_t i = 0; i < wire.size() * 8; ++i) {
    flipped[i / 8] ^= static_cast<std::byte>(1U << (i % 8));
    bool refused_or_different = false;
    try {
      refused_or_different = !(decode(flipped) == original);
    } catch (const DecodeError&) {
      refused_or_different = true;
    }
    INFO("bit " << i);
    CHECK(refused_or_different);
    flipped[i / 8] ^= static_cast<std::byte>(1U << (i % 8));
  }
}

struct Sample {
  std::shared_ptr<const SymbolicKeys> keys = SymbolicKeys::make(seed_of(7), 4);
  ValidatorSet validators = keys->validator_set();
  std::string chain = "test-chain";

  Block block(Height h = 1, Round r = 0) const {
    Block b;
    b.header.chain_id = chain;
    b.header.height = h;
    b.header.round = r;
    b.header.proposer = static_cast<NodeId>((h + r) % 4);
    b.body = to_bytes("tx|payload");
    b.header.tx_root = tx_root_of(b.body);
    b.header.validators_hash = validators.hash();
    b.header.time = 123456789;
    return b;
  }
  Vote vote(NodeId voter, VoteType t, Height h, Round r, std::optional<Hash32> block) const {
    SymbolicCrypto c(keys, voter);
    Vote v{t, h, r, block, voter, {}};
    v.signature = c.sign(v.signed_bytes(chain));
    return v;
  }
  Proposal proposal(Height h = 1, Round r = 0) const {
    Proposal p{r, block(h, r), std::nullopt, {}};
    SymbolicCrypto c(keys, static_cast<NodeId>((h + r) % 4));
    p.signature = c.sign(p.signed_bytes());
    return p;
  }
  CommitCertificate certificate(const Block& b, Round r) const {
    CommitCertificate cert{b.header.height, r, b.hash(), std::vector<bool>(4), {}};
    std::vector<Bytes> sigs;
    for (NodeId i = 0; i < 3; ++i) {
      cert.signers[i] = true;
      sigs.push_back(vote(i, VoteType::precommit, b.header.height, r, b.hash()).signature);
    }
    std::vector<ByteView> views(sigs.begin(), sigs.end());
    SymbolicCrypto c(keys, std::nullopt);
    cert.aggregate = c.aggregate(views);
    return cert;
  }
};

}  // namespace privfin::consensus::testing
