// privfin/service/key_file.hpp — key files: save and load every privfin
// secret key type, written with mode 0600 and atomically replaced, optionally
// encrypted under a passphrase (scrypt, then AES-256-GCM; format in
// docs/formats.md, guide in docs/key-files.md).
//
//   Prg prg(random_seed());
//   KeyFileOptions options;
//   options.passphrase = as_bytes(passphrase);            // omit: stored in the clear
//   save_key_file("party1.key", ed25519_key, options, prg);
//   auto key = load_ed25519_secret_key("party1.key", as_bytes(passphrase));
//
// Types: BLS12-381 and Ed25519 secret keys, ECVRF secret keys (with their
// suite), Paillier secret keys, threshold Paillier key shares (loading needs
// the threshold public key, as its parser does) and Prio3 verify keys.
// Each file names its key type; a loader refuses a file of another type.
//
// Costs: an encrypted file costs one scrypt derivation to save and one to
// load. The default N = 2^15, r = 8, p = 1 takes 32 MiB and about 0.1 s; the
// cost is a parameter (ScryptCost) and a loader refuses a file whose cost is
// outside ScryptCost's bounds before it derives anything, so a file cannot
// make a loader spend more than 128 MiB and 16 times the default work.
// A file in the clear is protected by its file mode alone.
//
// Files: save_key_file writes a temporary file in the target's directory
// (O_CREAT | O_EXCL, mode 0600), fsyncs it, renames it over the target and
// fsyncs the directory; it refuses a target that is a symbolic link or not a
// regular file. Loaders refuse a key file that group or others may read
// (mode & 077 != 0), as ssh does: chmod 600 it.
//
// Errors: InvalidArgument for the caller's mistakes and the file system
// (an empty passphrase, a cost out of bounds on save, a missing file, a
// symbolic link as target, a key file readable by group or others, an
// encrypted file loaded without a passphrase); DecodeError for a file's
// content (not a key file, another format version, another key type, a cost
// out of bounds, a file in the clear where a passphrase was given, a key
// that does not parse, and "wrong passphrase or altered file" when the AEAD
// tag does not verify); Error when the operating system fails a write.
// Secrets: decrypted bytes and derived keys live in SecretBytes and are
// wiped; the passphrase is borrowed, never copied outside OpenSSL's KDF
// context (which clears it). Thread safety: the functions share no state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::service {

// The key type stored in a file's header (one byte).
enum class KeyType : std::uint8_t {
  bls12_381_secret_key = 1,          // 32 bytes big-endian (SecretKey::to_bytes)
  ed25519_secret_key = 2,            // the 32-byte RFC 8032 seed
  ecvrf_secret_key = 3,              // u8 VrfSuite, then the 32-byte secret key
  paillier_secret_key = 4,           // PaillierSecretKey::to_bytes
  threshold_paillier_key_share = 5,  // ThresholdPaillierKeyShare::to_bytes
  prio3_verify_key = 6,              // the raw verify key, 16 or 32 bytes
};

// "BLS12-381 secret key" and so on; "unknown key type N" for other values.
[[nodiscard]] std::string key_type_name(KeyType type);

// scrypt's cost (RFC 7914): N = 2^log2_n, block size r, parallelism p. It
// takes 128 * r * N bytes of memory and time proportional to r * p * N.
struct ScryptCost {
  std::uint8_t log2_n = 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;

  // The bounds save and load enforce: log2_n in [10, 20], r in [1, 32],
  // p in [1, 16], memory 128 * r * N at most 128 MiB, and r * p * N at most
  // 2^22 (16 times the default).
  static constexpr std::uint8_t min_log2_n = 10;
  static constexpr std::uint8_t max_log2_n = 20;
  static constexpr std::uint32_t max_r = 32;
  static constexpr std::uint32_t max_p = 16;
  static constexpr std::uint64_t max_memory = std::uint64_t{128} << 20;
  static constexpr std::uint64_t max_work = std::uint64_t{1} << 22;

  // Empty when within the bounds, else what is wrong ("r = 0 ...").
  [[nodiscard]] std::string problem() const;
  friend bool operator==(const ScryptCost&, const ScryptCost&) = default;
};

// How save_key_file writes: in the clear (no passphrase) or encrypted.
struct KeyFileOptions {
  std::optional<ByteView> passphrase;  // borrowed; must not be empty when set
  ScryptCost cost{};
};

// A file's header: everything before the key body, authenticated as the
// AEAD's associated data when the file is encrypted.
struct KeyFileHeader {
  static constexpr std::array<char, 8> magic = {'P', 'R', 'I', 'V', 'F', 'K', 'E', 'Y'};
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t salt_size = 16;
  static constexpr std::size_t nonce_size = 12;
  static constexpr std::size_t tag_size = 16;
  static constexpr std::size_t max_body_size = 64 * 1024;

  KeyType type = KeyType::ed25519_secret_key;
  bool encrypted = false;
  // Only for an encrypted file:
  ScryptCost cost{};
  std::array<std::byte, salt_size> salt{};
  std::array<std::byte, nonce_size> nonce{};
};

// An ECVRF secret key and the suite it is for (see sig/ecvrf.hpp).
struct VrfSecretKey {
  sig::VrfSuite suite = sig::VrfSuite::edwards25519_sha512_ell2;
  SecretBytes secret_key;  // 32 bytes
};

// ---------------------------------------------------------------- bytes
// The codec level: no file system. encode with a fresh salt and nonce from
// `prg`; the second form takes a given header (to re-encode a decoded file:
// never reuse a header's salt and nonce for another key under the same
// passphrase). Throws InvalidArgument for an empty passphrase or one with
// a NUL byte (scrypt's HMAC would ignore trailing NULs), a cost out of
// bounds, a key body over max_body_size, or a passphrase that does not match
// header.encrypted.
[[nodiscard]] SecretBytes encode_key_file(KeyType type, ByteView key, const KeyFileOptions& options, Prg& prg);
[[nodiscard]] SecretBytes encode_key_file(const KeyFileHeader& header, ByteView key, std::optional<ByteView> passphrase);
// The header alone, checked (magic, version, type, cost bounds); no KDF runs.
[[nodiscard]] KeyFileHeader decode_key_file_header(ByteView file);
// The key body of a file of type `expected`. DecodeError as described above;
// InvalidArgument for an encrypted file without a passphrase, an empty one,
// or one with a NUL byte.
[[nodiscard]] SecretBytes decode_key_file(ByteView file, KeyType expected, std::optional<ByteView> passphrase);

// ---------------------------------------------------------------- files
// Writes `file` (encoded bytes) to `path` as described above; reads back a
// key file's bytes after the mode check (DecodeError above 1 MiB). Both
// return SecretBytes: a file in the clear holds the key itself. Reading
// follows a symbolic link and checks the mode of the file it reaches.
void write_key_file(const std::filesystem::path& path, ByteView file);
[[nodiscard]] SecretBytes read_key_file(const std::filesystem::path& path);

// A passphrase kept in a file (for programs started unattended): its first
// line, without the line end. InvalidArgument for a missing file or an
// empty first line. Keep the file mode 0600, like a key file.
[[nodiscard]] SecretBytes read_passphrase_file(const std::filesystem::path& path);

// Public values (a threshold public key, a verification key) need no
// secrecy but the same care in writing: write_public_file writes
// atomically as above, with mode 0644; read_public_file refuses a file
// over max_size bytes (DecodeError) before reading it, InvalidArgument when
// it cannot read it. Parse the bytes with the type's from_bytes.
void write_public_file(const std::filesystem::path& path, ByteView bytes);
[[nodiscard]] Bytes read_public_file(const std::filesystem::path& path, std::size_t max_size = std::size_t{1} << 20);

void save_key_file(const std::filesystem::path& path, const sig::bls12_381::SecretKey& key,
                   const KeyFileOptions& options, Prg& prg);
void save_key_file(const std::filesystem::path& path, const sig::Ed25519SecretKey& key, const KeyFileOptions& options,
                   Prg& prg);
// InvalidArgument unless the secret key is valid for its suite.
void save_key_file(const std::filesystem::path& path, const VrfSecretKey& key, const KeyFileOptions& options,
                   Prg& prg);
void save_key_file(const std::filesystem::path& path, const he::PaillierSecretKey& key, const KeyFileOptions& options,
                   Prg& prg);
void save_key_file(const std::filesystem::path& path, const he::ThresholdPaillierKeyShare& share,
                   const he::ThresholdPaillierPublicKey& public_key, const KeyFileOptions& options, Prg& prg);
// InvalidArgument unless the verify key has 16 or 32 bytes.
void save_prio3_verify_key_file(const std::filesystem::path& path, ByteView verify_key, const KeyFileOptions& options,
                                Prg& prg);

// Loaders: pass the passphrase for an encrypted file, nothing for one in the
// clear. A key that does not parse as its type throws DecodeError.
[[nodiscard]] sig::bls12_381::SecretKey load_bls12_381_secret_key(const std::filesystem::path& path,
                                                                  std::optional<ByteView> passphrase = std::nullopt);
[[nodiscard]] sig::Ed25519SecretKey load_ed25519_secret_key(const std::filesystem::path& path,
                                                            std::optional<ByteView> passphrase = std::nullopt);
[[nodiscard]] VrfSecretKey load_vrf_secret_key(const std::filesystem::path& path,
                                               std::optional<ByteView> passphrase = std::nullopt);
[[nodiscard]] he::PaillierSecretKey load_paillier_secret_key(const std::filesystem::path& path,
                                                             std::optional<ByteView> passphrase = std::nullopt);
[[nodiscard]] he::ThresholdPaillierKeyShare load_threshold_paillier_key_share(
    const std::filesystem::path& path, const he::ThresholdPaillierPublicKey& public_key,
    std::optional<ByteView> passphrase = std::nullopt);
[[nodiscard]] SecretBytes load_prio3_verify_key(const std::filesystem::path& path,
                                                std::optional<ByteView> passphrase = std::nullopt);

}  // namespace privfin::service
