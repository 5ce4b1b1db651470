// Key pairs and self-signed certificates through OpenSSL 3's EVP and X509
// interfaces.
#include "privfin/net/keygen.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <memory>

#include "privfin/core/error.hpp"

namespace privfin::net {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  while (const unsigned long e = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    detail += std::string(detail.empty() ? ": " : "; ") + buf.data();
  }
  throw InvalidArgument("keygen: " + what + detail);
}

// Opens `file` for writing with the given mode (created or truncated).
std::FILE* open_for_writing(const std::filesystem::path& file, mode_t mode) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot write " + file.string());
  ::fchmod(fd, mode);
  std::FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    ::close(fd);
    fail("cannot write " + file.string());
  }
  return f;
}

}  // namespace

void write_party_credentials(const std::filesystem::path& key_file, const std::filesystem::path& certificate_file,
                             const std::string& common_name, int validity_days) {
  if (validity_days <= 0) throw InvalidArgument("keygen: validity_days must be positive");
  if (common_name.empty()) throw InvalidArgument("keygen: the common name is empty");
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("P-256 key generation failed");

  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new failed");
  X509_set_version(cert.get(), 2);  // v3
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    fail("cannot draw a serial number");
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validity_days) * 86400L);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("privfin"), -1,
                                 -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) != 1) {
    fail("cannot set the subject name");
  }
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                                   std::pair{NID_key_usage, "critical,digitalSignature"},
                                   std::pair{NID_ext_key_usage, "serverAuth,clientAuth"},
                                   std::pair{NID_subject_key_identifier, "hash"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) fail("cannot build a certificate extension");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("cannot sign the certificate");

  std::FILE* kf = open_for_writing(key_file, 0600);
  const bool key_ok = PEM_write_PrivateKey(kf, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  const bool key_closed = std::fclose(kf) == 0;
  if (!key_ok || !key_closed) fail("cannot write the private key to " + key_file.string());
  std::FILE* cf = open_for_writing(certificate_file, 0644);
  const bool cert_ok = PEM_write_X509(cf, cert.get()) == 1;
  const bool cert_closed = std::fclose(cf) == 0;
  if (!cert_ok || !cert_closed) fail("cannot write the certificate to " + certificate_file.string());
}

PartyConfig write_local_cluster(const std::filesystem::path& dir, std::size_t parties, const std::string& host,
                                std::uint16_t base_port, Transport transport) {
  if (parties < 2) throw InvalidArgument("keygen: a cluster needs at least 2 parties");
  if (base_port == 0 || static_cast<std::size_t>(base_port) + parties - 1 > 65535) {
    throw InvalidArgument("keygen: ports " + std::to_string(base_port) + ".." +
                          std::to_string(static_cast<std::size_t>(base_port) + parties - 1) +
                          " are not all in 1..65535");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InvalidArgument("keygen: cannot create " + dir.string() + ": " + ec.message());
  const auto root = std::filesystem::absolute(dir);
  PartyConfig config;
  config.transport = transport;
  for (std::size_t i = 0; i < parties; ++i) {
    PartyEndpoint e;
    e.id = i;
    e.host = host;
    e.port = static_cast<std::uint16_t>(base_port + i);
    e.certificate = root / ("party" + std::to_string(i) + ".crt");
    e.private_key = root / ("party" + std::to_string(i) + ".key");
    write_party_credentials(e.private_key, e.certificate, "privfin party " + std::to_string(i));
    config.parties.push_back(std::move(e));
  }
  config.validate();
  // The file names paths relative to its own folder, so the folder can move.
  PartyConfig relative = config;
  for (auto& p : relative.parties) {
    p.certificate = p.certificate.filename();
    p.private_key = p.private_key.filename();
  }
  relative.save(root / "cluster.json");
  return config;
}

}  // namespace privfin::net
