// Key files (service/key_file.hpp): the format of docs/formats.md ("Key
// files"), scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT", AES-256-GCM
// through EVP, and POSIX calls for the atomic, mode-0600 write.
#include "privfin/service/key_file.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::service {

namespace {

constexpr std::uint8_t protection_clear = 0;
constexpr std::uint8_t protection_scrypt_aes256gcm = 1;
constexpr std::size_t key_size = 32;                   // AES-256
constexpr std::size_t max_file_size = std::size_t{1} << 20;

std::string errno_text(int err) { return std::strerror(err); }

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

bool known_type(std::uint8_t value) { return value >= 1 && value <= 6; }

void check_passphrase(ByteView passphrase) {
  if (passphrase.empty()) throw InvalidArgument("key file: the passphrase is empty");
  // scrypt's PBKDF2-HMAC zero-pads a short key, so "pw" and "pw\0" would
  // open the same file: a NUL byte is refused rather than silently ignored.
  if (std::find(passphrase.begin(), passphrase.end(), std::byte{0}) != passphrase.end()) {
    throw InvalidArgument("key file: the passphrase holds a NUL byte");
  }
}

// scrypt(passphrase, salt, N, r, p) -> 32 bytes. The cost must be in bounds.
SecretBytes derive_key(ByteView passphrase, const ScryptCost& cost, ByteView salt) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr), &EVP_KDF_free);
  if (!kdf) throw Error("key file: OpenSSL has no SCRYPT KDF");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
  if (!ctx) throw Error("key file: EVP_KDF_CTX_new failed");
  auto octets = [](ByteView v) { return const_cast<void*>(static_cast<const void*>(v.data())); };
  std::uint64_t n = std::uint64_t{1} << cost.log2_n;
  std::uint32_t r = cost.r;
  std::uint32_t p = cost.p;
  // OpenSSL counts 128 r (N + 2) + 128 r p bytes; the slack covers the terms
  // beyond 128 r N, which ScryptCost bounds.
  std::uint64_t max_memory = ScryptCost::max_memory + (std::uint64_t{1} << 20);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, octets(passphrase), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, octets(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory),
      OSSL_PARAM_construct_end()};
  SecretBytes key(key_size);
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(key.data()), key.size(), params) != 1) {
    throw Error("key file: scrypt derivation failed");
  }
  return key;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_cipher_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw Error("key file: EVP_CIPHER_CTX_new failed");
  return ctx;
}

const unsigned char* uchars(ByteView v) { return reinterpret_cast<const unsigned char*>(v.data()); }
unsigned char* uchars(std::span<std::byte> v) { return reinterpret_cast<unsigned char*>(v.data()); }
int int_size(std::size_t size) { return static_cast<int>(size); }  // sizes are bounded by max_body_size

// AES-256-GCM: ciphertext || tag into `out` (plaintext.size() + tag_size).
void seal(ByteView key, ByteView nonce, ByteView aad, ByteView plaintext, std::span<std::byte> out) {
  auto ctx = new_cipher_ctx();
  int len = 0;
  const bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int_size(nonce.size()), nullptr) == 1 &&
                  EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, uchars(key), uchars(nonce)) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &len, uchars(aad), int_size(aad.size())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), uchars(out), &len, uchars(plaintext), int_size(plaintext.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), uchars(out) + len, &len) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int_size(KeyFileHeader::tag_size),
                                      uchars(out.subspan(plaintext.size()))) == 1;
  if (!ok) throw Error("key file: AES-256-GCM encryption failed");
}

// The plaintext, or DecodeError("wrong passphrase or altered file").
SecretBytes open_sealed(ByteView key, ByteView nonce, ByteView aad, ByteView sealed) {
  const ByteView ciphertext = sealed.first(sealed.size() - KeyFileHeader::tag_size);
  std::array<std::byte, KeyFileHeader::tag_size> tag{};
  std::memcpy(tag.data(), sealed.data() + ciphertext.size(), tag.size());
  SecretBytes plaintext(ciphertext.size());
  auto ctx = new_cipher_ctx();
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int_size(nonce.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, uchars(key), uchars(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, uchars(aad), int_size(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), uchars(plaintext.span()), &len, uchars(ciphertext), int_size(ciphertext.size())) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int_size(tag.size()), tag.data()) != 1) {
    throw Error("key file: AES-256-GCM decryption failed");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), uchars(plaintext.span()) + len, &len) != 1) {
    secure_wipe(plaintext.span());
    throw DecodeError("key file: wrong passphrase or altered file");
  }
  return plaintext;
}

// The header's bytes (the AEAD's associated data).
Bytes encode_header(const KeyFileHeader& header) {
  Writer w;
  w.raw(as_bytes(std::string_view(KeyFileHeader::magic.data(), KeyFileHeader::magic.size())))
      .version(KeyFileHeader::format_version)
      .u8(static_cast<std::uint8_t>(header.type))
      .u8(header.encrypted ? protection_scrypt_aes256gcm : protection_clear);
  if (header.encrypted) {
    w.u8(header.cost.log2_n).u32(header.cost.r).u32(header.cost.p).raw(header.salt).raw(header.nonce);
  }
  return std::move(w).take();
}

// Parses the header; `r` is left at the body.
KeyFileHeader read_header(Reader& r) {
  const ByteView magic = r.raw(KeyFileHeader::magic.size(), "magic");
  if (!std::equal(magic.begin(), magic.end(), KeyFileHeader::magic.begin(), KeyFileHeader::magic.end(),
                  [](std::byte a, char b) { return a == static_cast<std::byte>(b); })) {
    throw DecodeError("key file: not a privfin key file (no \"PRIVFKEY\" magic)");
  }
  const std::uint8_t version = r.u8("format version");
  if (version != KeyFileHeader::format_version) {
    throw DecodeError("key file: format version " + std::to_string(version) + ", this reader supports version " +
                      std::to_string(KeyFileHeader::format_version));
  }
  KeyFileHeader header;
  const std::uint8_t type = r.u8("key type");
  if (!known_type(type)) throw DecodeError("key file: unknown key type " + std::to_string(type));
  header.type = static_cast<KeyType>(type);
  const std::uint8_t protection = r.u8("protection");
  if (protection != protection_clear && protection != protection_scrypt_aes256gcm) {
    throw DecodeError("key file: unknown protection " + std::to_string(protection) +
                      " (0 = clear, 1 = scrypt + AES-256-GCM)");
  }
  header.encrypted = protection == protection_scrypt_aes256gcm;
  if (header.encrypted) {
    header.cost.log2_n = r.u8("scrypt log2 N");
    header.cost.r = r.u32("scrypt r");
    header.cost.p = r.u32("scrypt p");
    if (const auto problem = header.cost.problem(); !problem.empty()) {
      throw DecodeError("key file: scrypt cost refused: " + problem);
    }
    const ByteView salt = r.raw(KeyFileHeader::salt_size, "salt");
    std::copy(salt.begin(), salt.end(), header.salt.begin());
    const ByteView nonce = r.raw(KeyFileHeader::nonce_size, "nonce");
    std::copy(nonce.begin(), nonce.end(), header.nonce.begin());
  }
  return header;
}

// The body of a key of `type`, checked for its type.
void expect_type(const KeyFileHeader& header, KeyType expected) {
  if (header.type != expected) {
    throw DecodeError("key file: holds key type '" + key_type_name(header.type) + "', expected '" +
                      key_type_name(expected) + "'");
  }
}

SecretBytes load_body(const std::filesystem::path& path, KeyType expected, std::optional<ByteView> passphrase) {
  const SecretBytes file = read_key_file(path);
  try {
    return decode_key_file(file.view(), expected, passphrase);
  } catch (const DecodeError& e) {
    throw DecodeError(std::string(e.what()) + " (" + path.string() + ")");
  }
}

[[noreturn]] void bad_key(KeyType type, const std::string& why) {
  throw DecodeError("key file: the " + key_type_name(type) + " does not parse: " + why);
}

bool valid_vrf_suite(std::uint8_t value) { return value >= 1 && value <= 4; }

// u8 suite || 32-byte secret key.
SecretBytes vrf_body(const VrfSecretKey& key) {
  if (!valid_vrf_suite(static_cast<std::uint8_t>(key.suite))) {
    throw InvalidArgument("key file: unknown VRF suite " + std::to_string(static_cast<unsigned>(key.suite)));
  }
  if (key.secret_key.size() != sig::Ecvrf::secret_key_size) {
    throw InvalidArgument("key file: an ECVRF secret key has 32 bytes, not " + std::to_string(key.secret_key.size()));
  }
  (void)sig::Ecvrf(key.suite).public_key(key.secret_key.view());  // InvalidArgument for a bad P-256 scalar
  SecretBytes body(1 + sig::Ecvrf::secret_key_size);
  body.span()[0] = static_cast<std::byte>(key.suite);
  std::memcpy(body.data() + 1, key.secret_key.data(), sig::Ecvrf::secret_key_size);
  return body;
}

void save(const std::filesystem::path& path, KeyType type, ByteView body, const KeyFileOptions& options, Prg& prg) {
  const SecretBytes file = encode_key_file(type, body, options, prg);
  write_key_file(path, file.view());
}

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

std::string key_type_name(KeyType type) {
  switch (type) {
    case KeyType::bls12_381_secret_key:
      return "BLS12-381 secret key";
    case KeyType::ed25519_secret_key:
      return "Ed25519 secret key";
    case KeyType::ecvrf_secret_key:
      return "ECVRF secret key";
    case KeyType::paillier_secret_key:
      return "Paillier secret key";
    case KeyType::threshold_paillier_key_share:
      return "threshold Paillier key share";
    case KeyType::prio3_verify_key:
      return "Prio3 verify key";
  }
  return "unknown key type " + std::to_string(static_cast<unsigned>(type));
}

std::string ScryptCost::problem() const {
  if (log2_n < min_log2_n || log2_n > max_log2_n) {
    return "log2 N = " + std::to_string(log2_n) + " is outside [" + std::to_string(min_log2_n) + ", " +
           std::to_string(max_log2_n) + "]";
  }
  if (r < 1 || r > max_r) return "r = " + std::to_string(r) + " is outside [1, " + std::to_string(max_r) + "]";
  if (p < 1 || p > max_p) return "p = " + std::to_string(p) + " is outside [1, " + std::to_string(max_p) + "]";
  const std::uint64_t n = std::uint64_t{1} << log2_n;
  if (128 * std::uint64_t{r} * n > max_memory) {
    return "memory 128 r N = " + std::to_string(128 * std::uint64_t{r} * n) + " bytes is above the bound " +
           std::to_string(max_memory);
  }
  if (std::uint64_t{r} * p * n > max_work) {
    return "work r p N = " + std::to_string(std::uint64_t{r} * p * n) + " is above the bound " +
           std::to_string(max_work);
  }
  return {};
}

SecretBytes encode_key_file(KeyType type, ByteView key, const KeyFileOptions& options, Prg& prg) {
  KeyFileHeader header;
  header.type = type;
  header.encrypted = options.passphrase.has_value();
  if (header.encrypted) {
    header.cost = options.cost;
    prg.fill(std::span<std::byte>(header.salt));
    prg.fill(std::span<std::byte>(header.nonce));
  }
  return encode_key_file(header, key, options.passphrase);
}

SecretBytes encode_key_file(const KeyFileHeader& header, ByteView key, std::optional<ByteView> passphrase) {
  if (!known_type(static_cast<std::uint8_t>(header.type))) {
    throw InvalidArgument("key file: unknown key type " + std::to_string(static_cast<unsigned>(header.type)));
  }
  if (key.empty()) throw InvalidArgument("key file: the key is empty");
  if (key.size() > KeyFileHeader::max_body_size) {
    throw InvalidArgument("key file: the key has " + std::to_string(key.size()) + " bytes, more than " +
                          std::to_string(KeyFileHeader::max_body_size));
  }
  if (header.encrypted != passphrase.has_value()) {
    throw InvalidArgument(header.encrypted ? "key file: an encrypted header needs a passphrase"
                                           : "key file: a header in the clear takes no passphrase");
  }
  if (header.encrypted) {
    check_passphrase(*passphrase);
    if (const auto problem = header.cost.problem(); !problem.empty()) {
      throw InvalidArgument("key file: scrypt cost refused: " + problem);
    }
  }
  const Bytes head = encode_header(header);
  const std::size_t body_size = key.size() + (header.encrypted ? KeyFileHeader::tag_size : 0);
  Writer length;
  length.varint(body_size);
  SecretBytes out(head.size() + length.size() + body_size);
  std::memcpy(out.data(), head.data(), head.size());
  std::memcpy(out.data() + head.size(), length.data().data(), length.size());
  const auto body = out.span().subspan(head.size() + length.size());
  if (header.encrypted) {
    const SecretBytes aead_key = derive_key(*passphrase, header.cost, header.salt);
    seal(aead_key.view(), header.nonce, head, key, body);
  } else {
    std::memcpy(body.data(), key.data(), key.size());
  }
  return out;
}

KeyFileHeader decode_key_file_header(ByteView file) {
  Reader r(file);
  return read_header(r);
}

SecretBytes decode_key_file(ByteView file, KeyType expected, std::optional<ByteView> passphrase) {
  Reader r(file);
  const KeyFileHeader header = read_header(r);
  const ByteView aad = file.first(r.offset());
  expect_type(header, expected);
  const ByteView body =
      r.bytes("key body", KeyFileHeader::max_body_size + (header.encrypted ? KeyFileHeader::tag_size : 0));
  r.expect_end("key file");
  if (!header.encrypted) {
    if (passphrase) {
      throw DecodeError("key file: stored in the clear, but a passphrase was given (refusing a file that may have "
                        "been swapped for an unprotected one)");
    }
    if (body.empty()) throw DecodeError("key file: the key body is empty");
    return SecretBytes(body);
  }
  if (!passphrase) throw InvalidArgument("key file: the file is encrypted; a passphrase is needed");
  check_passphrase(*passphrase);
  if (body.size() <= KeyFileHeader::tag_size) {
    throw DecodeError("key file: the encrypted body has " + std::to_string(body.size()) +
                      " bytes, too short for a key and its 16-byte tag");
  }
  const SecretBytes aead_key = derive_key(*passphrase, header.cost, header.salt);
  return open_sealed(aead_key.view(), header.nonce, aad, body);
}

namespace {
// Temporary file (O_EXCL, `mode`), fsync, rename over the target, fsync the
// directory: a reader sees the old file or the new one, never a part.
void write_atomically(const std::filesystem::path& path, ByteView file, mode_t mode, const std::string& what) {
  const std::string target = path.string();
  if (!path.has_filename()) throw InvalidArgument(what + ": " + target + " names no file");
  struct stat st {};
  if (::lstat(target.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) throw InvalidArgument(what + ": refusing to write through the symbolic link " + target);
    if (!S_ISREG(st.st_mode)) throw InvalidArgument(what + ": " + target + " exists and is not a regular file");
  } else if (errno != ENOENT) {
    throw InvalidArgument(what + ": cannot inspect " + target + ": " + errno_text(errno));
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::array<std::byte, 8> tag{};
  secure_random(tag);
  std::string temp_name(".");  // built by appending: g++ 12 warns (-Wrestrict) on "." + std::string&&
  temp_name.append(path.filename().string()).append(".tmp-").append(to_hex(tag));
  const std::string temp = (dir / temp_name).string();

  Fd fd(::open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) throw InvalidArgument(what + ": cannot create " + temp + ": " + errno_text(errno));
  auto fail = [&](const std::string& step) {
    const int err = errno;
    ::close(fd.release());
    ::unlink(temp.c_str());
    throw Error(what + ": " + step + " " + temp + ": " + errno_text(err));
  };
  if (::fchmod(fd.get(), mode) != 0) fail("cannot set the mode of");  // the umask may have removed bits
  std::size_t done = 0;
  while (done < file.size()) {
    const ssize_t n = ::write(fd.get(), file.data() + done, file.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) fail("cannot fsync");
  if (::close(fd.release()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw Error(what + ": cannot close " + temp + ": " + errno_text(err));
  }
  // rename() replaces a directory entry and never follows a link at the
  // target, so a link planted after the check above is replaced, not used.
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw Error(what + ": cannot rename " + temp + " to " + target + ": " + errno_text(err));
  }
  Fd dir_fd(::open(dir.string().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
    throw Error(what + ": cannot fsync the directory " + dir.string() + ": " + errno_text(errno));
  }
}
}  // namespace

void write_key_file(const std::filesystem::path& path, ByteView file) { write_atomically(path, file, 0600, "key file"); }

SecretBytes read_passphrase_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw InvalidArgument("cannot read a passphrase from " + path.string());
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    throw InvalidArgument("the first line of " + path.string() + " is empty: no passphrase");
  }
  SecretBytes out(as_bytes(std::string_view(line)));
  secure_wipe(std::as_writable_bytes(std::span(line.data(), line.size())));
  return out;
}

void write_public_file(const std::filesystem::path& path, ByteView bytes) {
  write_atomically(path, bytes, 0644, "public file");
}

Bytes read_public_file(const std::filesystem::path& path, std::size_t max_size) {
  const std::string name = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InvalidArgument("public file: cannot read " + name + ": " + ec.message());
  if (size > max_size) {
    throw DecodeError("public file: " + name + " has " + std::to_string(size) + " bytes, more than the " +
                      std::to_string(max_size) + " expected");
  }
  std::ifstream in(path, std::ios::binary);
  Bytes out(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size())) ||
      in.peek() != std::char_traits<char>::eof()) {
    throw InvalidArgument("public file: cannot read " + name + " (it changed while being read?)");
  }
  return out;
}

SecretBytes read_key_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  Fd fd(::open(name.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw InvalidArgument("key file: cannot open " + name + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw InvalidArgument("key file: cannot stat " + name + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) throw InvalidArgument("key file: " + name + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    throw InvalidArgument("key file: " + name + " may be read by group or others (mode " + octal_mode(st.st_mode) +
                          "); chmod 600 " + name);
  }
  if (st.st_size < 0 || static_cast<std::uint64_t>(st.st_size) > max_file_size) {
    throw DecodeError("key file: " + name + " has " + std::to_string(st.st_size) + " bytes, more than a key file's " +
                      std::to_string(max_file_size));
  }
  SecretBytes out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InvalidArgument("key file: cannot read " + name + ": " + errno_text(errno));
    if (n == 0) throw DecodeError("key file: " + name + " shrank while being read");
    done += static_cast<std::size_t>(n);
  }
  return out;
}

void save_key_file(const std::filesystem::path& path, const sig::bls12_381::SecretKey& key,
                   const KeyFileOptions& options, Prg& prg) {
  save(path, KeyType::bls12_381_secret_key, key.to_bytes().view(), options, prg);
}

void save_key_file(const std::filesystem::path& path, const sig::Ed25519SecretKey& key, const KeyFileOptions& options,
                   Prg& prg) {
  save(path, KeyType::ed25519_secret_key, key.seed().view(), options, prg);
}

void save_key_file(const std::filesystem::path& path, const VrfSecretKey& key, const KeyFileOptions& options,
                   Prg& prg) {
  save(path, KeyType::ecvrf_secret_key, vrf_body(key).view(), options, prg);
}

void save_key_file(const std::filesystem::path& path, const he::PaillierSecretKey& key, const KeyFileOptions& options,
                   Prg& prg) {
  save(path, KeyType::paillier_secret_key, key.to_bytes().view(), options, prg);
}

void save_key_file(const std::filesystem::path& path, const he::ThresholdPaillierKeyShare& share,
                   const he::ThresholdPaillierPublicKey& public_key, const KeyFileOptions& options, Prg& prg) {
  save(path, KeyType::threshold_paillier_key_share, share.to_bytes(public_key).view(), options, prg);
}

void save_prio3_verify_key_file(const std::filesystem::path& path, ByteView verify_key, const KeyFileOptions& options,
                                Prg& prg) {
  if (verify_key.size() != 16 && verify_key.size() != 32) {
    throw InvalidArgument("key file: a Prio3 verify key has 16 or 32 bytes, not " + std::to_string(verify_key.size()));
  }
  save(path, KeyType::prio3_verify_key, verify_key, options, prg);
}

sig::bls12_381::SecretKey load_bls12_381_secret_key(const std::filesystem::path& path,
                                                    std::optional<ByteView> passphrase) {
  const auto body = load_body(path, KeyType::bls12_381_secret_key, passphrase);
  try {
    return sig::bls12_381::SecretKey::from_bytes(body.view());
  } catch (const InvalidArgument& e) {
    bad_key(KeyType::bls12_381_secret_key, e.what());
  }
}

sig::Ed25519SecretKey load_ed25519_secret_key(const std::filesystem::path& path, std::optional<ByteView> passphrase) {
  const auto body = load_body(path, KeyType::ed25519_secret_key, passphrase);
  if (body.size() != sig::ed25519_seed_size) {
    bad_key(KeyType::ed25519_secret_key, std::to_string(body.size()) + " bytes, a seed has 32");
  }
  return sig::Ed25519SecretKey::from_seed(body.view());
}

VrfSecretKey load_vrf_secret_key(const std::filesystem::path& path, std::optional<ByteView> passphrase) {
  const auto body = load_body(path, KeyType::ecvrf_secret_key, passphrase);
  if (body.size() != 1 + sig::Ecvrf::secret_key_size) {
    bad_key(KeyType::ecvrf_secret_key, std::to_string(body.size()) + " bytes, expected 33 (suite and key)");
  }
  const auto suite = static_cast<std::uint8_t>(body.view()[0]);
  if (!valid_vrf_suite(suite)) bad_key(KeyType::ecvrf_secret_key, "unknown suite " + std::to_string(suite));
  VrfSecretKey key{static_cast<sig::VrfSuite>(suite), SecretBytes(body.view().subspan(1))};
  try {
    (void)sig::Ecvrf(key.suite).public_key(key.secret_key.view());
  } catch (const InvalidArgument& e) {
    bad_key(KeyType::ecvrf_secret_key, e.what());
  }
  return key;
}

he::PaillierSecretKey load_paillier_secret_key(const std::filesystem::path& path, std::optional<ByteView> passphrase) {
  const auto body = load_body(path, KeyType::paillier_secret_key, passphrase);
  return he::PaillierSecretKey::from_bytes(body.view());
}

he::ThresholdPaillierKeyShare load_threshold_paillier_key_share(const std::filesystem::path& path,
                                                                const he::ThresholdPaillierPublicKey& public_key,
                                                                std::optional<ByteView> passphrase) {
  const auto body = load_body(path, KeyType::threshold_paillier_key_share, passphrase);
  return he::ThresholdPaillierKeyShare::from_bytes(body.view(), public_key);
}

SecretBytes load_prio3_verify_key(const std::filesystem::path& path, std::optional<ByteView> passphrase) {
  auto body = load_body(path, KeyType::prio3_verify_key, passphrase);
  if (body.size() != 16 && body.size() != 32) {
    bad_key(KeyType::prio3_verify_key, std::to_string(body.size()) + " bytes, expected 16 or 32");
  }
  return body;
}

}  // namespace privfin::service
