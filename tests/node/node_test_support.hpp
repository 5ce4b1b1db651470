// tests/node/node_test_support.hpp — what the node tests share: a chain of
// well-formed decisions (for codecs), and a cluster of BLS validators with
// a payments genesis.
#pragma once

#include <string>
#include <vector>

#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::test {

struct Chain {
  std::vector<consensus::Decision> decisions;
};

// `count` chained blocks with certificates that decode (not signed).
inline Chain make_chain(std::size_t n, std::size_t count) {
  Chain c;
  consensus::Hash32 parent{};
  for (std::size_t i = 1; i <= count; ++i) {
    consensus::Block b;
    b.header.chain_id = "node-test";
    b.header.height = i;
    b.header.parent = parent;
    b.header.proposer = static_cast<consensus::NodeId>(i % n);
    b.header.time = static_cast<std::int64_t>(i);
    b.body = Bytes(i * 7, std::byte{0x5a});
    b.header.tx_root = consensus::tx_root_of(b.body);
    consensus::CommitCertificate cert;
    cert.height = i;
    cert.block = b.hash();
    cert.signers.assign(n, true);
    cert.aggregate = Bytes(96, std::byte{0xAB});
    parent = b.hash();
    c.decisions.push_back({std::move(b), std::move(cert)});
  }
  return c;
}

// n BLS validators (with ECVRF keys, for Gosig, and Ed25519 keys, with
// which members approve validator-set changes) and two bank accounts
// (bank 0 holds 1,000,000).
struct Consortium {
  std::string chain_id = "node-test";
  std::vector<sig::bls12_381::SecretKey> keys;
  std::vector<SecretBytes> vrf_keys;
  consensus::Genesis genesis;
  std::vector<sig::Ed25519SecretKey> banks;
  std::vector<sig::Ed25519SecretKey> member_keys;
};

inline Consortium make_consortium(std::size_t n) {
  Consortium c;
  std::vector<consensus::Validator> members;
  Prg prg(Prg::Seed{});
  const sig::Ecvrf vrf(sig::VrfSuite::edwards25519_sha512_ell2);
  for (std::size_t i = 0; i < n; ++i) {
    Bytes ikm(32, static_cast<std::byte>(i + 1));
    c.keys.push_back(sig::bls12_381::SecretKey::key_gen(ikm));
    members.push_back(consensus::make_bls_validator(c.keys.back()));
    c.vrf_keys.push_back(vrf.generate(prg).secret_key);
    members.back().vrf_key = vrf.public_key(c.vrf_keys.back().view());
  }
  for (int i = 0; i < 2; ++i) c.banks.push_back(sig::Ed25519SecretKey::generate(prg));
  for (auto& m : members) {
    c.member_keys.push_back(sig::Ed25519SecretKey::generate(prg));
    m.ed25519_key = c.member_keys.back().public_key();
  }
  c.genesis.chain_id = c.chain_id;
  c.genesis.validators = consensus::ValidatorSet(std::move(members));
  c.genesis.app_state = consensus::apps::Payments::genesis({{c.banks[0].public_key(), 1'000'000},
                                                             {c.banks[1].public_key(), 0}});
  return c;
}

}  // namespace privfin::test
