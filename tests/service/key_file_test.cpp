// Tests for privfin/service/key_file.hpp: a round trip of every key type in
// the clear and under a passphrase, the file mode, the atomic replace, and
// the refusals: another key type, another format version, a wrong
// passphrase, every truncation and every single-bit flip of a small
// encrypted file, a file readable by others, a symbolic link as target, and
// a scrypt cost above the bounds (refused before any work).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include <privfin/core/error.hpp>
#include <privfin/service/key_file.hpp>

#include "he/test_keys.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::service;

namespace {

Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x4B}, std::byte{s}}); }

// The lowest cost the bounds allow: keeps the many scrypt runs below fast.
constexpr ScryptCost fast_cost{10, 8, 1};
const std::string passphrase_text = "correct horse battery staple";
const ByteView passphrase = as_bytes(passphrase_text);

KeyFileOptions encrypted() {
  KeyFileOptions options;
  options.passphrase = passphrase;
  options.cost = fast_cost;
  return options;
}

mode_t file_mode(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

bool message_has(const Error& e, const std::string& part) { return std::string(e.what()).find(part) != std::string::npos; }

}  // namespace

TEST_CASE("key files: every key type round-trips, in the clear and encrypted", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(1);
  for (const bool with_passphrase : {false, true}) {
    INFO("encrypted: " << with_passphrase);
    const KeyFileOptions options = with_passphrase ? encrypted() : KeyFileOptions{};
    const std::optional<ByteView> pass = with_passphrase ? std::optional(passphrase) : std::nullopt;
    const std::string suffix = with_passphrase ? ".enc" : ".clear";

    const auto bls = sig::bls12_381::SecretKey::key_gen(prg.bytes(32));
    save_key_file(dir.path() / ("bls" + suffix), bls, options, prg);
    CHECK(same(load_bls12_381_secret_key(dir.path() / ("bls" + suffix), pass).to_bytes().view(),
               bls.to_bytes().view()));

    const auto ed = sig::Ed25519SecretKey::generate(prg);
    save_key_file(dir.path() / ("ed" + suffix), ed, options, prg);
    const auto ed_back = load_ed25519_secret_key(dir.path() / ("ed" + suffix), pass);
    CHECK(same(ed_back.seed().view(), ed.seed().view()));
    CHECK(ed_back.public_key() == ed.public_key());

    for (const auto suite : {sig::VrfSuite::p256_sha256_tai, sig::VrfSuite::p256_sha256_sswu,
                             sig::VrfSuite::edwards25519_sha512_tai, sig::VrfSuite::edwards25519_sha512_ell2}) {
      const sig::Ecvrf vrf(suite);
      auto keys = vrf.generate(prg);
      const auto path = dir.path() / ("vrf" + std::to_string(static_cast<int>(suite)) + suffix);
      save_key_file(path, VrfSecretKey{suite, keys.secret_key}, options, prg);
      const auto back = load_vrf_secret_key(path, pass);
      CHECK(back.suite == suite);
      CHECK(same(back.secret_key.view(), keys.secret_key.view()));
      CHECK(vrf.public_key(back.secret_key.view()) == keys.public_key);
    }

    const auto& paillier = test::test_paillier_key();
    save_key_file(dir.path() / ("paillier" + suffix), paillier, options, prg);
    const auto paillier_back = load_paillier_secret_key(dir.path() / ("paillier" + suffix), pass);
    CHECK(paillier_back.p() == paillier.p());
    CHECK(paillier_back.q() == paillier.q());

    const auto& threshold = test::test_threshold_keys(2, 3);
    for (const auto& share : threshold.shares) {
      const auto path = dir.path() / ("share" + std::to_string(share.party()) + suffix);
      save_key_file(path, share, threshold.public_key, options, prg);
      const auto back = load_threshold_paillier_key_share(path, threshold.public_key, pass);
      CHECK(back.party() == share.party());
      CHECK(same(back.to_bytes(threshold.public_key).view(), share.to_bytes(threshold.public_key).view()));
    }

    for (const std::size_t size : {16U, 32U}) {
      const Bytes verify_key = prg.bytes(size);
      const auto path = dir.path() / ("prio3-" + std::to_string(size) + suffix);
      save_prio3_verify_key_file(path, verify_key, options, prg);
      CHECK(same(load_prio3_verify_key(path, pass).view(), verify_key));
    }
  }
}

TEST_CASE("key files: the default scrypt cost works", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(2);
  KeyFileOptions options;
  options.passphrase = passphrase;
  const auto ed = sig::Ed25519SecretKey::generate(prg);
  save_key_file(dir.path() / "ed.key", ed, options, prg);
  const SecretBytes file = read_key_file(dir.path() / "ed.key");
  const auto header = decode_key_file_header(file.view());
  CHECK(header.encrypted);
  CHECK(header.cost == ScryptCost{15, 8, 1});
  CHECK(load_ed25519_secret_key(dir.path() / "ed.key", passphrase).public_key() == ed.public_key());
}

TEST_CASE("key files: written with mode 0600, replaced atomically, no temporary left", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(3);
  const auto path = dir.path() / "verify.key";
  const mode_t old_umask = ::umask(0);  // a permissive umask must not widen the mode
  save_prio3_verify_key_file(path, prg.bytes(32), {}, prg);
  ::umask(old_umask);
  CHECK(file_mode(path) == 0600);
  const Bytes second = prg.bytes(32);
  save_prio3_verify_key_file(path, second, encrypted(), prg);
  CHECK(file_mode(path) == 0600);
  CHECK(same(load_prio3_verify_key(path, passphrase).view(), second));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("key files: another key type, another version, a wrong passphrase", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(4);
  const auto path = dir.path() / "ed.key";
  const auto ed = sig::Ed25519SecretKey::generate(prg);
  save_key_file(path, ed, encrypted(), prg);

  try {
    (void)load_bls12_381_secret_key(path, passphrase);
    FAIL("loaded an Ed25519 key file as a BLS key");
  } catch (const DecodeError& e) {
    CHECK(message_has(e, "holds key type 'Ed25519 secret key', expected 'BLS12-381 secret key'"));
  }
  CHECK_THROWS_AS(load_prio3_verify_key(path, passphrase), DecodeError);

  try {
    (void)load_ed25519_secret_key(path, as_bytes("Correct horse battery staple"));
    FAIL("opened under a wrong passphrase");
  } catch (const DecodeError& e) {
    CHECK(message_has(e, "wrong passphrase or altered file"));
  }
  CHECK_THROWS_AS(load_ed25519_secret_key(path), InvalidArgument);                   // encrypted, no passphrase
  CHECK_THROWS_AS(load_ed25519_secret_key(path, as_bytes("")), InvalidArgument);     // empty passphrase
  {
    // The right passphrase and a NUL: scrypt's HMAC would ignore a trailing
    // NUL and open the file, so a NUL byte is refused outright.
    Bytes with_nul(passphrase.begin(), passphrase.end());
    with_nul.push_back(std::byte{0});
    CHECK_THROWS_AS(load_ed25519_secret_key(path, ByteView(with_nul)), InvalidArgument);
  }

  SecretBytes file = read_key_file(path);
  file.span()[8] = std::byte{2};  // the format version
  try {
    (void)decode_key_file(file.view(), KeyType::ed25519_secret_key, passphrase);
    FAIL("decoded format version 2");
  } catch (const DecodeError& e) {
    CHECK(message_has(e, "format version 2"));
  }

  // A file in the clear where a passphrase is expected: refused (a swapped file).
  const auto clear = dir.path() / "clear.key";
  save_key_file(clear, ed, {}, prg);
  CHECK_THROWS_AS(load_ed25519_secret_key(clear, passphrase), DecodeError);
  CHECK(load_ed25519_secret_key(clear).public_key() == ed.public_key());

  // A share under another threshold key is refused by the share's parser.
  const auto& keys = test::test_threshold_keys(2, 3);
  const auto share_path = dir.path() / "share.key";
  save_key_file(share_path, keys.shares[0], keys.public_key, {}, prg);
  CHECK_THROWS_AS(load_threshold_paillier_key_share(share_path, test::test_threshold_keys(2, 3, 2).public_key),
                  DecodeError);
  // The loaded share is the owner's: party i's file holds key share i (network party i).
  save_key_file(share_path, keys.shares[2], keys.public_key, {}, prg);
  CHECK(load_threshold_paillier_key_share(share_path, keys.public_key).party() == 2);
  // A version 1 share (1-based party ids) is refused with its version, not read as another party's.
  const SecretBytes current = keys.shares[2].to_bytes(keys.public_key);
  Bytes old(current.view().begin(), current.view().end());
  old[0] = std::byte{1};
  write_key_file(share_path, encode_key_file(KeyType::threshold_paillier_key_share, old, {}, prg).view());
  try {
    (void)load_threshold_paillier_key_share(share_path, keys.public_key);
    FAIL("a version 1 key share was loaded");
  } catch (const DecodeError& e) {
    CHECK(message_has(e, "version 1"));
  }
}

TEST_CASE("key files: every truncation and every bit flip of an encrypted file is refused", "[service][key_file]") {
  auto prg = seeded(5);
  const Bytes verify_key = prg.bytes(16);
  const SecretBytes file = encode_key_file(KeyType::prio3_verify_key, verify_key, encrypted(), prg);
  REQUIRE(same(decode_key_file(file.view(), KeyType::prio3_verify_key, passphrase).view(), verify_key));
  // Re-encoding the decoded key under the decoded header gives the same bytes.
  const auto header = decode_key_file_header(file.view());
  CHECK(same(encode_key_file(header, verify_key, passphrase).view(), file.view()));

  for (std::size_t length = 0; length < file.size(); ++length) {
    INFO("prefix of " << length << " bytes");
    CHECK_THROWS_AS(decode_key_file(file.view().first(length), KeyType::prio3_verify_key, passphrase), DecodeError);
  }
  Bytes longer(file.view().begin(), file.view().end());
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(decode_key_file(longer, KeyType::prio3_verify_key, passphrase), DecodeError);

  Bytes flipped(file.view().begin(), file.view().end());
  for (std::size_t bit = 0; bit < 8 * flipped.size(); ++bit) {
    INFO("bit " << bit);
    flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
    CHECK_THROWS_AS(decode_key_file(flipped, KeyType::prio3_verify_key, passphrase), DecodeError);
    flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
  }
}

TEST_CASE("key files: a file readable by group or others is refused", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(6);
  const auto path = dir.path() / "verify.key";
  save_prio3_verify_key_file(path, prg.bytes(32), {}, prg);
  for (const mode_t mode : {0644U, 0640U, 0604U, 0660U}) {
    INFO("mode " << std::oct << mode);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    try {
      (void)load_prio3_verify_key(path);
      FAIL("loaded a key file readable by others");
    } catch (const InvalidArgument& e) {
      CHECK(message_has(e, "chmod 600"));
    }
  }
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(load_prio3_verify_key(path).size() == 32);
  CHECK_THROWS_AS(load_prio3_verify_key(dir.path() / "missing.key"), InvalidArgument);
}

TEST_CASE("key files: a symbolic link as target is refused", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(7);
  const auto victim = dir.path() / "victim";
  save_prio3_verify_key_file(victim, prg.bytes(32), {}, prg);
  const SecretBytes before = read_key_file(victim);
  const auto link = dir.path() / "link.key";
  std::filesystem::create_symlink(victim, link);
  CHECK_THROWS_AS(save_prio3_verify_key_file(link, prg.bytes(32), {}, prg), InvalidArgument);
  CHECK(std::filesystem::is_symlink(link));
  CHECK(same(read_key_file(victim).view(), before.view()));
  // A dangling link too.
  const auto dangling = dir.path() / "dangling.key";
  std::filesystem::create_symlink(dir.path() / "nowhere", dangling);
  CHECK_THROWS_AS(save_prio3_verify_key_file(dangling, prg.bytes(32), {}, prg), InvalidArgument);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "nowhere"));
  // A directory is not a key file.
  CHECK_THROWS_AS(save_prio3_verify_key_file(dir.path(), prg.bytes(32), {}, prg), InvalidArgument);
}

TEST_CASE("key files: a scrypt cost out of bounds is refused before any work", "[service][key_file]") {
  auto prg = seeded(8);
  const Bytes key = prg.bytes(32);
  for (const ScryptCost cost : {ScryptCost{9, 8, 1}, ScryptCost{21, 1, 1}, ScryptCost{15, 0, 1}, ScryptCost{15, 33, 1},
                                ScryptCost{15, 8, 0}, ScryptCost{15, 8, 17}, ScryptCost{20, 2, 1},
                                ScryptCost{17, 8, 5}}) {
    INFO("log2 N " << int{cost.log2_n} << " r " << cost.r << " p " << cost.p);
    CHECK_FALSE(cost.problem().empty());
    KeyFileOptions options = encrypted();
    options.cost = cost;
    CHECK_THROWS_AS(encode_key_file(KeyType::prio3_verify_key, key, options, prg), InvalidArgument);
  }
  CHECK(ScryptCost{}.problem().empty());
  CHECK(ScryptCost{20, 1, 1}.problem().empty());  // 128 MiB, the memory bound
  CHECK(ScryptCost{16, 8, 8}.problem().empty());  // 2^22, the work bound

  // A file that asks for N = 2^20, r = 32, p = 16 (4 GiB, minutes of work) is
  // refused at once, without a passphrase check or a KDF run.
  SecretBytes file = encode_key_file(KeyType::prio3_verify_key, key, encrypted(), prg);
  file.span()[11] = std::byte{20};  // log2 N
  file.span()[12] = std::byte{32};  // r (u32 little-endian)
  file.span()[16] = std::byte{16};  // p
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)decode_key_file(file.view(), KeyType::prio3_verify_key, passphrase);
    FAIL("accepted a scrypt cost above the bounds");
  } catch (const DecodeError& e) {
    CHECK(message_has(e, "scrypt cost refused"));
  }
  CHECK_THROWS_AS(decode_key_file_header(file.view()), DecodeError);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
}

TEST_CASE("key files: bad keys and options are refused when saving", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(9);
  KeyFileOptions empty_passphrase;
  empty_passphrase.passphrase = ByteView{};
  CHECK_THROWS_AS(save_prio3_verify_key_file(dir.path() / "a", prg.bytes(32), empty_passphrase, prg), InvalidArgument);
  CHECK_THROWS_AS(save_prio3_verify_key_file(dir.path() / "b", prg.bytes(20), {}, prg), InvalidArgument);
  // 0 and the group order are not P-256 VRF keys.
  CHECK_THROWS_AS(save_key_file(dir.path() / "c", VrfSecretKey{sig::VrfSuite::p256_sha256_tai, SecretBytes(32)}, {}, prg),
                  InvalidArgument);
  CHECK_THROWS_AS(encode_key_file(KeyType::prio3_verify_key, ByteView{}, {}, prg), InvalidArgument);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("key files: a clear file with a key that does not parse is refused", "[service][key_file]") {
  test::TempDir dir;
  auto prg = seeded(10);
  // A BLS key of zero, and an ECVRF key with an unknown suite.
  write_key_file(dir.path() / "bls", encode_key_file(KeyType::bls12_381_secret_key, Bytes(32), {}, prg).view());
  CHECK_THROWS_AS(load_bls12_381_secret_key(dir.path() / "bls"), DecodeError);
  Bytes vrf(33, std::byte{1});
  vrf[0] = std::byte{9};
  write_key_file(dir.path() / "vrf", encode_key_file(KeyType::ecvrf_secret_key, vrf, {}, prg).view());
  CHECK_THROWS_AS(load_vrf_secret_key(dir.path() / "vrf"), DecodeError);
  write_key_file(dir.path() / "ed", encode_key_file(KeyType::ed25519_secret_key, Bytes(31), {}, prg).view());
  CHECK_THROWS_AS(load_ed25519_secret_key(dir.path() / "ed"), DecodeError);
  write_key_file(dir.path() / "paillier", encode_key_file(KeyType::paillier_secret_key, Bytes(5), {}, prg).view());
  CHECK_THROWS_AS(load_paillier_secret_key(dir.path() / "paillier"), DecodeError);
}

TEST_CASE("public files: written atomically with mode 0644, read with a size bound", "[service][key_file]") {
  test::TempDir dir;
  const auto path = dir.path() / "threshold.pub";
  const Bytes first = to_bytes(std::string_view("a public key")), second = to_bytes(std::string_view("another"));
  write_public_file(path, first);
  CHECK(file_mode(path) == 0644);
  CHECK(read_public_file(path) == first);
  write_public_file(path, second);  // replaced, no temporary left
  CHECK(read_public_file(path) == second);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
  CHECK_THROWS_AS(read_public_file(path, second.size() - 1), DecodeError);
  CHECK_THROWS_AS(read_public_file(dir.path() / "missing.pub"), InvalidArgument);
  std::filesystem::create_symlink(path, dir.path() / "link.pub");
  CHECK_THROWS_AS(write_public_file(dir.path() / "link.pub", first), InvalidArgument);
  CHECK(read_public_file(path) == second);
}
