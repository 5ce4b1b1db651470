// Writes the seed corpus of every harness in tests/fuzz into
// <dir>/<harness>/ from fixed keys and seeds: a few valid inputs each, laid
// out the way each harness's header comment describes, so that fuzzing
// starts from inputs that pass the decoders. Run by hand after changing a
// harness's input format (see tests/fuzz/CMakeLists.txt); the output is
// deterministic.
#include <sodium.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "lib/net/record_stream.hpp"
#include "lib/net/socket_io.hpp"
#include "lib/net/tls_records.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/mersenne.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/spdz2k_transcript.hpp"
#include "privfin/net/abort_notice.hpp"
#include "privfin/net/bus_frame.hpp"
#include "privfin/ml/idx.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/ot/messages.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/gosig_messages.hpp"
#include "privfin/consensus/gossip.hpp"
#include "privfin/consensus/tendermint.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/encrypted_sum.hpp"
#include "privfin/service/prio3_messages.hpp"
#include "privfin/service/key_file.hpp"
#include "privfin/service/mpc_share_batch.hpp"
#include "privfin/service/spdz2k_clients.hpp"
#include "privfin/service/threshold_decryption.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/bls12_381/multisig.hpp"
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "privfin/zk/dleq.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"
#include "privfin/vdaf/field.hpp"
#include "tests/fuzz/consensus_fixture.hpp"
#include "tests/he/test_keys.hpp"

using namespace privfin;
namespace fs = std::filesystem;

namespace {

fs::path root;

// Concatenates pieces into one seed.
struct Seed {
  Bytes b;
  Seed& u8(std::size_t v) {
    b.push_back(static_cast<std::byte>(v));
    return *this;
  }
  Seed& u16(std::size_t v) { return u8(v & 0xFFU).u8(v >> 8U); }
  Seed& raw(ByteView v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  Seed& text(std::string_view s) { return raw(as_bytes(s)); }
  Seed& piece(ByteView v) { return u8(v.size()).raw(v); }
  Seed& long_piece(ByteView v) { return u16(v.size()).raw(v); }
};

void write(const std::string& harness, const std::string& name, ByteView bytes) {
  const fs::path dir = root / harness;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
void write(const std::string& harness, const std::string& name, const Seed& s) { write(harness, name, s.b); }

Bytes filled(std::size_t n, unsigned v) { return Bytes(n, static_cast<std::byte>(v)); }

void codec_reader() {
  Writer w;
  w.u8(7).u16(513).u32(70000).u64(1ULL << 40).boolean(true).varint(300).varint(5).bytes(as_bytes(std::string_view("ab")));
  w.string("xyz").bigint(mpz_class("123456789012345678901234567890")).element(Z2k<64>(42));
  const std::vector<Z2k<32>> v = {Z2k<32>(1), Z2k<32>(2)};
  w.elements(std::span<const Z2k<32>>(v)).element(Fp61(5));
  const std::vector<Fp127> f = {Fp127(9)};
  w.elements(std::span<const Fp127>(f)).raw(filled(4, 0xAA)).version(1);
  const std::array<unsigned, 16> ops = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x4E, 0x1F};
  Seed s;
  s.u8(ops.size());
  for (const auto op : ops) s.u8(op);
  write("codec_reader", "all_kinds", s.raw(w.data()));
}

void tls_records() {
  using namespace net::detail;
  const std::array<TlsSuite, 3> suites = {TlsSuite::aes_128_gcm_sha256, TlsSuite::aes_256_gcm_sha384,
                                          TlsSuite::chacha20_poly1305_sha256};
  for (unsigned i = 0; i < 3; ++i) {
    Bytes secret(suites[i] == TlsSuite::aes_256_gcm_sha384 ? 48 : 32);
    for (std::size_t k = 0; k < secret.size(); ++k) secret[k] = static_cast<std::byte>(0x40 + k);
    TlsRecordSealer sealer(suites[i], secret, TlsAead::openssl);
    const Bytes content = filled(40, 'a');
    Bytes record(content.size() + tls_record_overhead);
    record.resize(sealer.seal(content, tls_content_application_data, record));
    write("tls_records", "peer_record_" + std::to_string(i), Seed().u8(i).raw(record));
    write("tls_records", "honest_" + std::to_string(i), Seed().u8(3 + i).u8(23).u8(0).u8(0).text("hello"));
  }
  write("tls_records", "honest_padded_updated", Seed().u8(4).u8(22).u8(7).u8(3).raw(tls_key_update_message(true)));
  write("tls_records", "key_update", Seed().u8(6).raw(tls_key_update_message(false)));
}

void gmp_field() {
  // One element of each field (2^61 - 1: 8 bytes, 2^127 - 1: 16, P-256: 32).
  write("gmp_field", "p61_element", Seed().u8(0).raw(filled(7, 0x11)).u8(0x42));
  write("gmp_field", "p127_element", Seed().u8(1).u8(0x7f).raw(filled(15, 0x22)));
  write("gmp_field", "p256_element", Seed().u8(2).u8(0x01).raw(filled(31, 0x33)));
}

void net_stream() {
  using namespace privfin::net::detail;
  write("net_stream", "hello", Seed().u8(0).raw(encode_hello(network_hello_magic, Hello{2, 0, 3, 1})));
  // Two messages, the second past one record (KeyUpdates every 2 records),
  // read 97 bytes at a time and fed in chunks of 258 and 1.
  const Bytes read_sizes{std::byte{1}};
  const Bytes chunk_sizes{std::byte{1}, std::byte{0}};
  for (unsigned suite = 0; suite < 3; ++suite) {
    write("net_stream", "records_" + std::to_string(suite),
          Seed().u8(1).u8(suite).u8(1).u8(0).u8(2).piece(read_sizes).piece(chunk_sizes)
              .piece(as_bytes(std::string_view("first message"))).u8(0)
              .piece(filled(200, 0x61)).u8(31));
  }
  write("net_stream", "records_flipped",
        Seed().u8(1).u8(0).u8(3).u8(77).u8(1).piece(read_sizes).piece(chunk_sizes)
            .piece(as_bytes(std::string_view("altered in transit"))).u8(3));
  Bytes framed{std::byte{5}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
  const std::string_view five = "hello";
  framed.insert(framed.end(), as_bytes(five).begin(), as_bytes(five).end());
  write("net_stream", "framed", Seed().u8(2).u16(64).u8(0).raw(framed));
  write("net_stream", "framed_into", Seed().u8(2).u16(64).u8(1).raw(framed));
  write("net_stream", "framed_over_max", Seed().u8(2).u16(4).u8(0).raw(framed));
}

void party_config() {
  net::PartyConfig c;
  for (std::size_t i = 0; i < 3; ++i) {
    net::PartyEndpoint e;
    e.id = i;
    e.host = "127.0.0.1";
    e.port = static_cast<std::uint16_t>(9000 + i);
    e.certificate = "party" + std::to_string(i) + ".pem";
    e.private_key = "party" + std::to_string(i) + ".key";
    c.parties.push_back(e);
  }
  c.ca_certificate = "ca.pem";
  write("party_config", "tls", Seed().text(c.to_json()));
  c.transport = net::Transport::plain_insecure;
  c.ca_certificate.clear();
  for (auto& p : c.parties) p.certificate.clear(), p.private_key.clear();
  write("party_config", "plain", Seed().text(c.to_json()));
}

void bus_frame() {
  write("bus_frame", "empty", Seed().u16(100).u8(0).raw(net::bus_frame_to_bytes({})));
  write("bus_frame", "hello", Seed().u16(100).u8(2).raw(net::bus_frame_to_bytes(as_bytes(std::string_view("hello")))));
  const Bytes two = [] {
    Bytes b = net::bus_frame_to_bytes(as_bytes(std::string_view("one")));
    const Bytes t = net::bus_frame_to_bytes(as_bytes(std::string_view("two")));
    b.insert(b.end(), t.begin(), t.end());
    return b;
  }();
  write("bus_frame", "two_frames", Seed().u16(100).u8(1).raw(two));
  write("bus_frame", "over_limit", Seed().u16(4).u8(0).raw(net::bus_frame_to_bytes(as_bytes(std::string_view("hello")))));
}

void abort_notice() {
  write("abort_notice", "exited", Seed().raw(net::AbortNotice{1, net::AbortNotice::How::exited, 2}.to_bytes()));
  write("abort_notice", "signaled", Seed().raw(net::AbortNotice{7, net::AbortNotice::How::signaled, 9}.to_bytes()));
}

template <class V>
void bls_for(const std::string& tag, unsigned variant) {
  using namespace sig::bls12_381;
  using B = Bls<V>;
  std::vector<typename B::Signature> votes;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto sk = SecretKey::key_gen(filled(32, static_cast<unsigned>(0x11 * (i + 1))));
    votes.push_back(B::sign(sk, as_bytes(std::string_view("block 0x2a: fuzz")), Scheme::proof_of_possession));
  }
  auto m = MultiSig<V>::single(3, 0, votes[0]);
  m.merge_inplace(MultiSig<V>::single(3, 2, votes[2]));
  m.merge_inplace(MultiSig<V>::single(3, 2, votes[2]));
  write("bls_multisig", tag + "_vote", Seed().u8(variant).raw(m.to_bytes()));

  const auto sk = SecretKey::key_gen(filled(32, 0x5a));
  const auto pk = B::sk_to_pk(sk);
  const Bytes msg = filled(20, 'm');
  for (unsigned scheme = 0; scheme < 3; ++scheme) {
    const auto sig = B::sign(sk, msg, static_cast<Scheme>(scheme));
    write("bls_signatures", tag + "_untrusted_" + std::to_string(scheme),
          Seed().u8(variant | (scheme << 2U)).piece(pk).piece(sig).raw(msg));
    write("bls_signatures", tag + "_honest_" + std::to_string(scheme),
          Seed().u8(variant | 2U | (scheme << 2U)).piece(filled(32, 3)).raw(msg));
  }
}

void bls() {
  using namespace sig::bls12_381;
  bls_for<MinPk>("minpk", 0);
  bls_for<MinSig>("minsig", 1);
  write("bls_points", "g1_compressed", Seed().u8(0).raw(g1_to_compressed(G1::generator())));
  write("bls_points", "g1_uncompressed", Seed().u8(0).raw(g1_to_uncompressed(G1::generator().dbl())));
  write("bls_points", "g1_infinity", Seed().u8(0).raw(g1_to_compressed(G1::identity())));
  write("bls_points", "g2_compressed", Seed().u8(1).raw(g2_to_compressed(G2::generator())));
  write("bls_points", "g2_uncompressed", Seed().u8(1).raw(g2_to_uncompressed(G2::generator().dbl())));
  write("bls_points", "secret_key", Seed().u8(2).raw(SecretKey::key_gen(filled(32, 0x42)).to_bytes().view()));
  const Bytes r_minus_one = from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000");
  write("bls_points", "secret_key_r_minus_1", Seed().u8(2).raw(r_minus_one));
}

void ed25519() {
  const auto key = sig::Ed25519SecretKey::from_seed(filled(32, 0x42));
  const Bytes msg = filled(10, 'e');
  write("ed25519", "verify", Seed().u8(0).raw(key.sign(msg)).raw(key.public_key()).raw(msg));
  write("ed25519", "honest", Seed().u8(1).piece(filled(32, 9)).u8(17).raw(msg));
  write("ed25519", "spki", Seed().u8(2).raw(sig::ed25519_public_key_to_spki_der(key.public_key())));
  write("ed25519", "pkcs8", Seed().u8(3).raw(key.to_pkcs8_der().view()));
  const auto other = sig::Ed25519SecretKey::from_seed(filled(32, 0x43));
  write("ed25519", "batch", Seed().u8(4).u8(2).raw(key.sign(msg)).raw(key.public_key()).piece(msg)
                                .raw(other.sign(msg)).raw(other.public_key()).piece(msg));
}

void ecvrf() {
  const Bytes sk = filled(32, 0x07);
  const Bytes alpha = filled(5, 'a');
  for (unsigned s = 0; s < 4; ++s) {
    const sig::Ecvrf vrf(static_cast<sig::VrfSuite>(s + 1));
    write("ecvrf", "untrusted_" + std::to_string(s),
          Seed().u8(s).piece(vrf.public_key(sk)).piece(vrf.prove(sk, alpha)).raw(alpha));
    write("ecvrf", "honest_" + std::to_string(s), Seed().u8(4 + s).raw(filled(32, 0x21)).u8(3).raw(alpha));
  }
}

void curve_points() {
  const auto g = sig::p256::Point::generator();
  write("curve_points", "p256_compressed", Seed().u8(0).raw(g.encode_compressed()));
  write("curve_points", "p256_uncompressed", Seed().u8(0).raw(g.encode_uncompressed()));
  write("curve_points", "ed25519_base", Seed().u8(1).raw(sig::ed25519_curve::encode(sig::ed25519_curve::base_point())));
}

void vdaf_field() {
  using namespace vdaf;
  const std::vector<Field64> a = {Field64::from_u64(1), Field64::from_u64(0xFFFFFFFF00000000ULL)};
  const std::vector<Field128> b = {Field128::from_u64(7), -Field128::one()};
  write("vdaf_field", "field64", Seed().u8(0).raw(encode_vec(std::span<const Field64>(a))));
  write("vdaf_field", "field128", Seed().u8(1).raw(encode_vec(std::span<const Field128>(b))));
}

void prio3() {
  // [selector][measurement 8][target][victim][u16 piece][rand]
  const std::array<const char*, 5> names = {"count", "sum", "sumvec", "histogram", "multihot"};
  for (unsigned c = 0; c < 5; ++c) {
    write("prio3", std::string(names[c]) + "_honest", Seed().u8(c).raw(filled(8, 0x35)).u8(0).u8(0).u16(0).raw(filled(8, 1)));
    write("prio3", std::string(names[c]) + "_3_aggregators", Seed().u8(c + 5).raw(filled(8, 0x0F)).u8(0).u8(0).u16(0));
  }
  write("prio3", "sumvec_message", Seed().u8(2).raw(filled(8, 2)).u8(4).u8(0).long_piece(filled(32, 0)));
  write("prio3", "sum_agg_share", Seed().u8(1).raw(filled(8, 3)).u8(5).u8(1).long_piece(filled(8, 0)));
  write("prio3", "count_input_share", Seed().u8(0).raw(filled(8, 1)).u8(2).u8(1).long_piece(filled(32, 5)));
}

void paillier() {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg(Prg::Seed{});
  const auto c = pk.encrypt(mpz_class(77), prg);
  const std::vector<he::PaillierCiphertext> cs = {c, pk.encrypt(mpz_class(1), prg)};
  write("paillier", "public_key", Seed().u8(0).raw(pk.to_bytes()));
  write("paillier", "ciphertext", Seed().u8(1).raw(pk.ciphertext_to_bytes(c)));
  write("paillier", "ciphertexts", Seed().u8(2).raw(pk.ciphertexts_to_bytes(cs)));
  write("paillier", "secret_key", Seed().u8(3).raw(sk.to_bytes().view()));
  write("paillier", "honest", Seed().u8(4).raw(filled(40, 0x99)));
}

void threshold_paillier() {
  const auto& keys = test::test_threshold_keys(2, 3);
  const auto& pk = keys.public_key;
  Prg prg(Prg::Seed{});
  const auto c = pk.paillier().encrypt_public(mpz_class(4242));
  const auto share = keys.shares[1].decrypt_share(pk, c, prg);
  write("threshold_paillier", "public_key", Seed().u8(0).raw(pk.to_bytes()));
  write("threshold_paillier", "decryption_share", Seed().u8(1).raw(pk.share_to_bytes(share)));
  write("threshold_paillier", "key_share", Seed().u8(2).raw(keys.shares[0].to_bytes(pk).view()));
  write("threshold_paillier", "dleq_proof", Seed().u8(3).raw(share.proof.to_bytes()));
  write("threshold_paillier", "honest", Seed().u8(4).raw(filled(16, 0x12)));
  // The driver's batch message for the harness's fixed batch (the fixed
  // ciphertext and Enc(7) with zero randomness), from party 2.
  service::DecryptionShareBatch batch;
  const std::vector<he::PaillierCiphertext> fixed{c, pk.paillier().encrypt_public(mpz_class(7))};
  batch.batch_digest = service::DecryptionShareBatch::digest_of(pk, fixed);
  batch.round = 3;
  for (const auto& x : fixed) {
    batch.shares.push_back(keys.shares[2].decrypt_share(pk, x, prg));
  }
  write("threshold_paillier", "share_batch", Seed().u8(5).raw(batch.to_bytes(pk)));
}

void beaver_dealer() {
  const auto request = [](unsigned kind, std::uint64_t size, unsigned shift) {
    Writer w;
    w.version(mpc::dealer_wire_version).u8(static_cast<std::uint8_t>(kind)).u64(size).u8(static_cast<std::uint8_t>(shift));
    return std::move(w).take();
  };
  write("beaver_dealer", "requests",
        Seed().u8(0).piece(request(1, 10, 0)).piece(request(2, 3, 0)).piece(request(3, 5, 8)).piece(request(0, 0, 0)));
  write("beaver_dealer", "bad_shift", Seed().u8(0).piece(request(3, 5, 63)));
  Writer w;
  w.version(mpc::dealer_wire_version).u32(2).u32(0).raw(filled(16, 0x77));
  write("beaver_dealer", "seed_message", Seed().u8(1).raw(w.data()));
}

void key_file() {
  using namespace privfin::service;
  Prg prg(Prg::Seed{std::byte{0x4B}, std::byte{0x43}});
  const std::string_view passphrase = "privfin fuzz passphrase";
  KeyFileOptions encrypted;
  encrypted.passphrase = as_bytes(passphrase);
  encrypted.cost = ScryptCost{ScryptCost::min_log2_n, 8, 1};
  const auto clear_file = encode_key_file(KeyType::prio3_verify_key, filled(32, 0x5A), {}, prg);
  const auto ed_file = encode_key_file(KeyType::ed25519_secret_key, filled(32, 0x33), {}, prg);
  const auto sealed = encode_key_file(KeyType::prio3_verify_key, filled(16, 0x5A), encrypted, prg);
  write("key_file", "clear", Seed().u8(0).u8(0).raw(clear_file.view()));
  write("key_file", "clear_ed25519", Seed().u8(0).u8(0).raw(ed_file.view()));
  write("key_file", "encrypted", Seed().u8(0).piece(as_bytes(passphrase)).raw(sealed.view()));
  write("key_file", "honest", Seed().u8(1).text(passphrase));
  write("key_file", "wrong_passphrase", Seed().u8(1).text("privfin fuzz passphrasf"));
}

}  // namespace

void agreement() {
  service::Parameters params("anti-stacking", 1);
  params.set("limit", std::int64_t{50'000}).set("context", "loan-book").set("rate", 0.25);
  params.set_bytes("salt", filled(8, 0x11)).set_fingerprint("verify key", filled(16, 0x22));
  write("agreement", "parameters", Seed().u8(0).raw(params.to_bytes()));
  const Rejection a{.item = 17, .by = 0, .from = 3, .cause = RejectionCause::invalid_proof, .detail = "proof"};
  const Rejection b{.item = 2, .by = 1, .from = {}, .cause = RejectionCause::replayed, .detail = ""};
  write("agreement", "rejection", Seed().u8(1).raw(a.to_bytes()));
  write("agreement", "rejections", Seed().u8(2).raw(rejections_to_bytes({a, b})));
}

void prio3_driver() {
  using namespace privfin::service;
  Prio3Nonce nonce{};
  nonce.fill(std::byte{0x5A});
  const Prio3ReportShare share{nonce, filled(96, 0x10), filled(64, 0x20)};
  write("prio3_driver", "report_share", Seed().u8(0).raw(share.to_bytes()));
  write("prio3_driver", "upload", Seed().u8(1).raw(Prio3Upload{{share, share}}.to_bytes()));
  write("prio3_driver", "batch_init", Seed().u8(2).raw(Prio3BatchInit{3, 48, true, {nonce, nonce}}.to_bytes()));
  const Prio3Status ok{0, filled(32, 0x30), ""};
  const Prio3Status refused{7, {}, "validity proof 0 of 1 did not verify"};
  write("prio3_driver", "prep_shares",
        Seed().u8(3).raw(Prio3BatchStatus{Prio3BatchStatus::Kind::prep_shares, 3, {ok, refused}}.to_bytes()));
  write("prio3_driver", "prep_messages",
        Seed().u8(4).raw(Prio3BatchStatus{Prio3BatchStatus::Kind::prep_messages, 3, {ok, refused}}.to_bytes()));
  write("prio3_driver", "finish",
        Seed().u8(5).raw(Prio3BatchStatus{Prio3BatchStatus::Kind::finish, 3, {Prio3Status{}, refused}}.to_bytes()));
  const Rejection r{.item = 49, .by = 0, .from = 4, .cause = RejectionCause::invalid_proof, .detail = "report: proof"};
  write("prio3_driver", "commit", Seed().u8(6).raw(Prio3Commit{3, {r}}.to_bytes()));
  write("prio3_driver", "aggregate_share", Seed().u8(7).raw(Prio3AggregateShare{50, 49, {r}, filled(128, 0x40)}.to_bytes()));
}

void mpc_share_batch() {
  using privfin::service::ShareBatch;
  const ShareBatch rep3{ShareBatch::Kind::arith, {{1, 2, 3}, {4, 5, 6}}};
  const ShareBatch beaver_bits{ShareBatch::Kind::bits, {{0xF0F0}}};
  write("mpc_share_batch", "rep3_pair", Seed().u8(3).raw(rep3.to_bytes()));
  write("mpc_share_batch", "beaver_bits", Seed().u8(1).raw(beaver_bits.to_bytes()));
  write("mpc_share_batch", "over_max", Seed().u8(2).raw(rep3.to_bytes()));
}

void spdz2k_clients() {
  using privfin::service::Spdz2kClientMessage;
  using Kind = Spdz2kClientMessage::Kind;
  const Spdz2kClientMessage masks{Kind::masks, {1, 2, 2, 3, 4, 12}};
  const Spdz2kClientMessage input{Kind::input, {(privfin::detail::uint128{5} << 64) | 9}};
  const Spdz2kClientMessage output{Kind::output, {7, 8, 9}};
  write("spdz2k_clients", "masks", Seed().u8(2).raw(masks.to_bytes()));
  write("spdz2k_clients", "input", Seed().u8(1).raw(input.to_bytes()));
  write("spdz2k_clients", "output", Seed().u8(4).raw(output.to_bytes()));
}

void spdz2k_transcript() {
  mpc::TranscriptStatement first;
  first.signer = 1;
  first.seq = 5;
  first.head.fill(std::byte{0x11});
  first.signature.fill(std::byte{0x22});
  mpc::TranscriptStatement second = first;
  second.head.fill(std::byte{0x33});
  write("spdz2k_transcript", "statement", first.to_bytes());
  write("spdz2k_transcript", "evidence", mpc::EquivocationEvidence{first, second}.to_bytes());
}

// The rest of height 1 for the harness's node 2 (which holds node 1's
// proposal and node 0's prevote): prevotes of 1 and 3, then precommits of
// 0, 1 and 3, each as [sender][u16 length][message].
void consensus_step() {
  using namespace privfin::consensus;
  const auto keys = fuzz::fuzz_keys();
  const Block b = fuzz::fuzz_block(keys->validator_set(), 1);
  Seed seed;
  auto vote = [&](NodeId voter, VoteType type) {
    Vote v{type, 1, 0, b.hash(), voter, {}};
    v.signature = SymbolicCrypto(keys, voter).sign(v.signed_bytes(fuzz::fuzz_chain));
    seed.u8(voter).long_piece(Message{v}.to_bytes());
  };
  vote(1, VoteType::prevote);
  vote(3, VoteType::prevote);
  write("consensus_step", "prevotes", seed);
  vote(0, VoteType::precommit);
  vote(1, VoteType::precommit);
  vote(3, VoteType::precommit);
  write("consensus_step", "to_commit", seed);
}

// gosig_step: node 2 holds node 0's proposal of the harness's block; then
// prepare votes (single aggregates) of 1 and 3, a timer, their tentative
// commit votes.
void gosig_step() {
  using namespace privfin::consensus;
  const auto keys = fuzz::fuzz_keys();
  const Hash32 block = fuzz::fuzz_block(keys->validator_set(), 0).hash();
  Seed seed;
  auto vote = [&](NodeId voter, VoteType type) {
    const Bytes sig = SymbolicCrypto(keys, voter).sign(Vote::signed_bytes(fuzz::fuzz_chain, type, 1, 0, block));
    seed.u8(voter).long_piece(GosigMessage{single_aggregate(type, 1, 0, block, 4, voter, sig)}.to_bytes());
  };
  vote(1, VoteType::prevote);
  vote(3, VoteType::prevote);
  write("gosig_step", "prepares", seed);
  seed.u8(255).u8(0);
  vote(1, VoteType::precommit);
  vote(3, VoteType::precommit);
  write("gosig_step", "to_commit", seed);
}

void encrypted_sum() {
  using privfin::service::EncryptedSum;
  const auto& pk = test::test_paillier_key().public_key();
  Prg prg(Prg::Seed{std::byte{0xE5}});
  auto vector_of = [&](std::size_t n) {
    EncryptedSum::Ciphertexts v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(pk.encrypt(mpz_class(static_cast<unsigned long>(i + 1)), prg));
    return v;
  };
  const EncryptedSum::Post two{vector_of(2), {vector_of(2), vector_of(2)}};
  write("encrypted_sum", "two_of_two", Seed().u8(2).u8(1).raw(EncryptedSum::post_to_bytes(pk, two)));
  const EncryptedSum::Post one{vector_of(1), {vector_of(1)}};
  write("encrypted_sum", "one_of_one", Seed().u8(1).u8(0).raw(EncryptedSum::post_to_bytes(pk, one)));
}

// consensus_messages: [u8 which][bytes]; which 0 a Message, 4 a SafetyRecord.
void consensus_messages() {
  using namespace privfin::consensus;
  const auto keys = SymbolicKeys::make(Prg::Seed{}, 4);
  SymbolicCrypto signer(keys, 0);
  auto vote = [&](VoteType t, Round r) {
    Vote v{t, 3, r, std::nullopt, 0, {}};
    v.signature = signer.sign(v.signed_bytes("fuzz-chain"));
    return Message{v}.to_bytes();
  };
  write("consensus_messages", "vote", Seed().u8(0).raw(vote(VoteType::prevote, 1)));
  SafetyRecord rec;
  rec.height = 3;
  rec.round = 2;
  rec.step = Step::precommit;
  rec.signed_messages = {vote(VoteType::prevote, 2), vote(VoteType::precommit, 2)};
  write("consensus_messages", "safety_record_v1", Seed().u8(4).raw(rec.to_bytes()));
  rec.earlier_votes = {vote(VoteType::prevote, 1), vote(VoteType::precommit, 1)};
  write("consensus_messages", "safety_record_v3", Seed().u8(4).raw(rec.to_bytes()));
  const ValidatorSet set = keys->validator_set();
  write("consensus_messages", "validator_set", Seed().u8(1).raw(set.to_bytes()));
  const Hash32 block{};
  const CommitCertificate plain{3, 1, block, {true, true, false, true}, filled(96, 0x33)};
  write("consensus_messages", "certificate_v1", Seed().u8(2).raw(plain.to_bytes()));
  const CommitCertificate counted{3, 1, block, {true, true, false, true}, filled(96, 0x33), {1, 2, 0, 1}};
  write("consensus_messages", "certificate_v2_counted", Seed().u8(2).raw(counted.to_bytes()));
  Vote first{VoteType::prevote, 3, 1, std::nullopt, 0, {}};
  first.signature = signer.sign(first.signed_bytes("fuzz-chain"));
  Vote second{VoteType::prevote, 3, 1, Hash32{}, 0, {}};
  second.signature = signer.sign(second.signed_bytes("fuzz-chain"));
  write("consensus_messages", "evidence", Seed().u8(3).raw(Evidence{first, second}.to_bytes()));
  SafetyRecord locked;
  locked.height = 3;
  locked.round = 1;
  locked.step = Step::precommit;
  locked.lock_certificate = filled(40, 0x44);
  write("consensus_messages", "safety_record_v2", Seed().u8(4).raw(locked.to_bytes()));
}

// gosig_messages: [u8 which][bytes]; which 0 a GosigMessage. The kinds of
// streamed bodies: a proposal with its manifest, a chunk, a have-map, a
// request and a decided header.
void gosig_messages() {
  using namespace privfin::consensus;
  const auto keys = SymbolicKeys::make(Prg::Seed{}, 4);
  SymbolicCrypto signer(keys, 1);
  Block b;
  b.header.chain_id = "fuzz-chain";
  b.header.height = 2;
  b.header.round = 1;
  b.header.proposer = 1;
  b.body = Bytes(2500, std::byte{0x5A});
  b.header.tx_root = tx_root_of(b.body);
  GosigProposal p{1, 1, to_bytes(std::string_view("ticket")), b, std::nullopt, {}, BodyManifest::of(b.body, 1024)};
  p.signature = signer.sign(p.signed_bytes());
  write("gosig_messages", "streamed_proposal", Seed().u8(0).raw(GosigMessage{p}.to_bytes()));
  write("gosig_messages", "chunk", Seed().u8(0).raw(GosigMessage{BodyChunk{2, 1, b.hash(), 2, Bytes(452, std::byte{0x5A})}}.to_bytes()));
  write("gosig_messages", "have", Seed().u8(0).raw(GosigMessage{ChunkHave{ChunkSet{2, 1, b.hash(), {true, false, true}}}}.to_bytes()));
  write("gosig_messages", "want", Seed().u8(0).raw(GosigMessage{ChunkWant{ChunkSet{2, 1, b.hash(), {false, true, false}}}}.to_bytes()));
  CommitCertificate cert;
  cert.height = 2;
  cert.round = 1;
  cert.block = b.hash();
  cert.signers = {true, true, true, false};
  cert.aggregate = signer.sign(to_bytes(std::string_view("not a real aggregate")));
  write("gosig_messages", "decided_header", Seed().u8(0).raw(GosigMessage{DecidedHeader{b.header, cert}}.to_bytes()));
}

// ledger_safety_store: [u8 which bodies][u16 length][record][body]. A
// record whose locked and valid block is one block with a body, written
// with the body kept apart (bits 0 and 1: stored for both) and inline.
void ledger_safety_store() {
  using namespace privfin::consensus;
  Block b;
  b.header.chain_id = "fuzz-chain";
  b.header.height = 3;
  b.body = transactions_to_bytes(std::vector<Bytes>{to_bytes(std::string_view("tx-one")), to_bytes(std::string_view("tx-two"))});
  b.header.tx_root = tx_root_of(b.body);
  SafetyRecord rec;
  rec.height = 3;
  rec.round = 1;
  rec.step = Step::precommit;
  rec.locked_round = 1;
  rec.locked = b;
  rec.valid_round = 1;
  rec.valid = b;
  write("ledger_safety_store", "bodies_apart", Seed().u8(3).long_piece(rec.to_bytes(false)).raw(b.body));
  write("ledger_safety_store", "bodies_inline", Seed().u8(0).long_piece(rec.to_bytes()));
}

void consensus_app() {
  using namespace privfin::consensus;
  Prg prg(Prg::Seed{std::byte{1}});
  const auto bank = sig::Ed25519SecretKey::generate(prg);  // the harness's funded account
  const auto other = sig::Ed25519SecretKey::generate(prg);
  const Bytes transfer = apps::Payments::transfer(bank, "fuzz", 0, bank.public_key(), 5);
  const Bytes set = apps::KvStore::set(other, "fuzz", 0, to_bytes(std::string_view("k")), to_bytes(std::string_view("v")));
  write("consensus_app", "body", Seed().u8(0).raw(transactions_to_bytes(std::vector<Bytes>{transfer, set})));
  write("consensus_app", "signed_tx", Seed().u8(1).raw(set));
  write("consensus_app", "genesis", Seed().u8(2).raw(apps::Payments::genesis({{bank.public_key(), 100}, {other.public_key(), 5}})));
  write("consensus_app", "check_transfer", Seed().u8(3).raw(transfer));
  write("consensus_app", "check_set", Seed().u8(3).raw(set));
  // A validator change the harness's one member (the bank's key) approves.
  const std::vector<ValidatorChange> changes{{to_bytes(std::string_view("bls-key")), 2}};
  const std::vector<apps::Payments::Approval> approvals{apps::Payments::approve(bank, 0, "fuzz", 0, changes)};
  write("consensus_app", "change_payload", Seed().u8(4).raw(apps::Payments::change_payload(0, changes, approvals)));
  FinalizeResult results;
  results.results = {TxResult{}, TxResult{TxCode::insufficient_funds, "balance 3, needs 5"}};
  write("consensus_app", "results", Seed().u8(5).raw(results_to_bytes(results)));
  write("consensus_app", "check_change",
        Seed().u8(3).raw(apps::Payments::validator_change(bank, "fuzz", 0, 0, changes, approvals)));
}

void ot_messages() {
  ot::Point g{};
  const std::array<unsigned char, 32> one{1};
  crypto_scalarmult_ristretto255_base(reinterpret_cast<unsigned char*>(g.data()), one.data());
  write("ot_base_messages", "setup", Seed().u8(0).raw(ot::BaseOtSetup{128, g}.to_bytes()));
  write("ot_base_messages", "choice", Seed().u8(1).raw(ot::BaseOtChoice{{g, g}}.to_bytes()));
  write("ot_extension_messages", "matrix", Seed().u8(0).raw(ot::ExtensionMatrix{1, filled(16 * ot::extension_rows(1), 0x5a)}.to_bytes()));
  write("ot_extension_messages", "challenge", Seed().u8(1).raw(ot::ConsistencyChallenge{}.to_bytes()));
  write("ot_extension_messages", "response", Seed().u8(2).raw(ot::ConsistencyResponse{}.to_bytes()));
  write("ot_extension_messages", "chosen", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::chosen_blocks, 2, filled(64, 7)}.to_bytes()));
  write("ot_extension_messages", "correlated", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_u64, 3, filled(24, 9)}.to_bytes()));
  write("ot_extension_messages", "correlated_gilboa", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_gilboa, 3, filled(24, 9)}.to_bytes()));
  write("ot_extension_messages", "correlated_bits", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_bits, 9, filled(2, 9)}.to_bytes()));
  write("ot_extension_messages", "choice_flips", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::choice_flips, 9, filled(2, 5)}.to_bytes()));
  write("ot_extension_messages", "choice_random", Seed().u8(3).raw(ot::MaskedMessages{ot::MaskedMessages::Kind::choice_flips, 0, {}}.to_bytes()));
  Bytes trees = ot::PuncturedTreesView::header(2, 2, 100, 3, 106);
  const Bytes tree_blocks = filled(16 * ot::punctured_tree_blocks(2, 3), 0x3c);
  trees.insert(trees.end(), tree_blocks.begin(), tree_blocks.end());
  write("ot_silent_messages", "trees", trees);
}

void ml_files() {
  const ml::IdxArray images{{2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 255, 254, 253, 252, 251, 250, 249, 248, 247}};
  write("ml_idx", "images", images.to_bytes());
  write("ml_idx", "labels", ml::IdxArray{{4}, {9, 0, 3, 1}}.to_bytes());
  write("ml_csv", "numeric", Seed().u8(0).text("a,label,b\n1,0,2.5\n-3,1,4e2\n"));
  write("ml_csv", "text_labels", Seed().u8(1).text("x,label\n0.5,M\n1.5,B\n"));
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <corpus directory, e.g. tests/fuzz/corpus>\n";
    return 2;
  }
  root = argv[1];
  codec_reader();
  consensus_messages();
  gosig_messages();
  tls_records();
  net_stream();
  gmp_field();
  party_config();
  abort_notice();
  bus_frame();
  bls();
  ed25519();
  ecvrf();
  curve_points();
  vdaf_field();
  prio3();
  paillier();
  threshold_paillier();
  beaver_dealer();
  key_file();
  agreement();
  prio3_driver();
  mpc_share_batch();
  spdz2k_clients();
  spdz2k_transcript();
  consensus_step();
  gosig_step();
  encrypted_sum();
  consensus_app();
  ledger_safety_store();
  ot_messages();
  ml_files();
  return 0;
}
