// The TLS 1.3 handshake over byte buffers (tls_handshake.hpp).
#include "tls_handshake.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <optional>

#include "privfin/core/error.hpp"

namespace privfin::net::detail {

std::string openssl_error() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    if (!out.empty()) out += "; ";
    out += buf.data();
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string pin_mismatch_message(std::size_t peer) {
  return "TLS handshake failed: the certificate presented does not match the one pinned for party " +
         std::to_string(peer);
}

namespace {

// The DER SubjectPublicKeyInfo of a certificate: what we pin.
Bytes public_key_der(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return {};
  const int len = i2d_PUBKEY(key, nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<std::size_t>(len));
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_PUBKEY(key, &p);
  return out;
}

Bytes load_pin(const std::filesystem::path& file, std::size_t party, std::string_view who_prefix) {
  const std::string who =
      std::string(who_prefix) + ": party " + std::to_string(party) + " certificate " + file.string();
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) throw InvalidArgument(who + ": cannot be read: " + std::strerror(errno));
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) throw InvalidArgument(who + ": not a PEM certificate: " + openssl_error());
  Bytes pin = public_key_der(cert);
  X509_free(cert);
  if (pin.empty()) throw InvalidArgument(who + ": no usable public key");
  return pin;
}

// OpenSSL's verify callback: at depth 0 the peer's public key must equal the
// pinned one; the chain must verify only when a CA is configured.
int verify_pinned(int preverified, X509_STORE_CTX* ctx) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* check = ssl == nullptr ? nullptr : static_cast<TlsHandshake::State*>(SSL_get_app_data(ssl));
  if (check == nullptr) return 0;
  if (X509_STORE_CTX_get_error_depth(ctx) > 0) return check->has_ca ? preverified : 1;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const bool match = cert != nullptr && public_key_der(cert) == *check->pin;
  if (!match) check->mismatch = true;
  return match && (preverified != 0 || !check->has_ca) ? 1 : 0;
}

// OpenSSL's key-log callback, the one interface through which OpenSSL 3.0
// hands out TLS 1.3 traffic secrets: "LABEL <client random> <secret>" in hex.
// Only the first application traffic secrets are kept; nothing is logged.
void capture_traffic_secret(const SSL* ssl, const char* line) {
  auto* state = static_cast<TlsHandshake::State*>(SSL_get_app_data(ssl));
  if (state == nullptr || line == nullptr) return;
  const std::string_view text(line);
  SecretBytes* target = nullptr;
  if (text.starts_with("CLIENT_TRAFFIC_SECRET_0 ")) target = &state->client_secret;
  if (text.starts_with("SERVER_TRAFFIC_SECRET_0 ")) target = &state->server_secret;
  if (target == nullptr) return;
  const std::string_view hex = text.substr(text.rfind(' ') + 1);
  if (hex.size() > 2 * 64) return;
  try {
    Bytes secret = from_hex(hex);
    *target = SecretBytes(secret);
    secure_wipe(secret);
  } catch (...) {  // nothing may propagate into OpenSSL's C code;
  }                // a missing secret is reported after the handshake
}

// The BIO between OpenSSL and the handshake's buffers: reads take from the
// current input, writes collect in the output.
int bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  auto* s = static_cast<TlsHandshake::State*>(BIO_get_data(bio));
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  s->output.insert(s->output.end(), bytes, bytes + size);
  *written = size;
  return 1;
}

int bio_read(BIO* bio, char* out, std::size_t size, std::size_t* read) {
  auto* s = static_cast<TlsHandshake::State*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const std::size_t available = s->input.size() - s->consumed;
  if (available == 0) {
    BIO_set_retry_read(bio);  // "want more", not end of stream
    *read = 0;
    return 0;
  }
  const std::size_t n = std::min(available, size);
  std::memcpy(out, s->input.data() + s->consumed, n);
  s->consumed += n;
  *read = n;
  return 1;
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING: {
      const auto* s = static_cast<const TlsHandshake::State*>(BIO_get_data(bio));
      return static_cast<long>(s->input.size() - s->consumed);
    }
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// The method table, built once and kept for the life of the process.
BIO_METHOD* bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "privfin link");
    if (m != nullptr) {
      BIO_meth_set_write_ex(m, bio_write);
      BIO_meth_set_read_ex(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
    }
    return m;
  }();
  return method;
}

}  // namespace

TlsContext::TlsContext(const PartyConfig& config, std::size_t self, std::string_view who_prefix) {
  const std::string prefix(who_prefix);
  ctx_ = SSL_CTX_new(TLS_method());
  if (ctx_ == nullptr) throw NetworkError(prefix + ": cannot create a TLS context: " + openssl_error());
  try {
    SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, TLS1_3_VERSION);
    // AES-GCM first: AES-NI makes it the fastest on servers.
    if (SSL_CTX_set_ciphersuites(ctx_, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") !=
        1) {
      throw InvalidArgument(prefix + ": cannot set the TLS 1.3 cipher suites: " + openssl_error());
    }
    SSL_CTX_set_num_tickets(ctx_, 0);  // no resumption: no post-handshake messages
    // No read-ahead: OpenSSL must not consume bytes past the handshake, which
    // belong to our record layer.
    SSL_CTX_set_read_ahead(ctx_, 0);
    SSL_CTX_set_keylog_callback(ctx_, capture_traffic_secret);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_pinned);
    const auto& me = config.parties[self];
    const std::string who = prefix + ": party " + std::to_string(self);
    if (me.private_key.empty()) throw InvalidArgument(who + ": no private_key configured for the local party");
    if (SSL_CTX_use_certificate_chain_file(ctx_, me.certificate.c_str()) != 1) {
      throw InvalidArgument(who + ": certificate " + me.certificate.string() + " cannot be loaded: " +
                            openssl_error());
    }
    if (std::FILE* f = std::fopen(me.private_key.c_str(), "rb"); f == nullptr) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " cannot be read: " +
                            std::strerror(errno));
    } else {
      std::fclose(f);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx_, me.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " cannot be loaded: " +
                            openssl_error());
    }
    if (SSL_CTX_check_private_key(ctx_) != 1) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " does not match certificate " +
                            me.certificate.string());
    }
    has_ca_ = !config.ca_certificate.empty();
    if (has_ca_ && SSL_CTX_load_verify_locations(ctx_, config.ca_certificate.c_str(), nullptr) != 1) {
      throw InvalidArgument(prefix + ": CA certificate " + config.ca_certificate.string() + " cannot be loaded: " +
                            openssl_error());
    }
    pins_.resize(config.party_count());
    for (const auto& p : config.parties) pins_[p.id] = load_pin(p.certificate, p.id, prefix);
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

TlsHandshake::TlsHandshake(const TlsContext& context, std::size_t peer, bool as_client)
    : peer_(peer), as_client_(as_client) {
  ssl_ = SSL_new(context.native());
  state_.pin = &context.pin(peer);
  state_.has_ca = context.has_ca();
  BIO_METHOD* method = bio_method();
  BIO* bio = method == nullptr ? nullptr : BIO_new(method);
  if (ssl_ == nullptr || bio == nullptr) {
    if (bio != nullptr) BIO_free(bio);
    throw NetworkError(peer, "cannot create a TLS session: " + openssl_error());
  }
  BIO_set_data(bio, &state_);
  SSL_set_bio(ssl_, bio, bio);  // the SSL owns the BIO now
  SSL_set_app_data(ssl_, &state_);
  if (as_client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

TlsHandshake::~TlsHandshake() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees the BIO
  state_.wipe();
}

TlsHandshake::Step TlsHandshake::step(ByteView input, std::size_t& consumed) {
  if (ssl_ == nullptr) return {Step::failed, "TLS handshake failed: the session is finished"};
  state_.input = input;
  state_.consumed = 0;
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_);
  const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, r);
  consumed = state_.consumed;
  state_.input = {};
  if (r == 1) return {Step::done, {}};
  if (err == SSL_ERROR_WANT_READ) return {Step::want_read, {}};
  return {Step::failed, "TLS handshake failed: " + openssl_error()};
}

Bytes TlsHandshake::take_output() { return std::exchange(state_.output, Bytes{}); }

// Takes over the application data from OpenSSL: our sealer and opener with
// the negotiated suite and the application traffic secrets. OpenSSL sends
// nothing after the handshake (no tickets), so both directions start at
// sequence number 0; key updates are the record layer's.
RecordKeys TlsHandshake::finish() {
  if (ssl_ == nullptr) throw NetworkError(peer_, "TLS session is not established");
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (cert == nullptr || public_key_der(cert) != *state_.pin) throw NetworkError(peer_, pin_mismatch_message(peer_));
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  const auto suite = cipher == nullptr ? std::nullopt : tls_suite_from_code(SSL_CIPHER_get_protocol_id(cipher));
  if (SSL_version(ssl_) != TLS1_3_VERSION || !suite || state_.client_secret.size() == 0 ||
      state_.server_secret.size() == 0) {
    state_.wipe();
    throw NetworkError(peer_, "TLS handshake did not yield TLS 1.3 application traffic keys");
  }
  const ByteView mine = as_client_ ? state_.client_secret.view() : state_.server_secret.view();
  const ByteView theirs = as_client_ ? state_.server_secret.view() : state_.client_secret.view();
  RecordKeys keys;
  keys.sealer = std::make_unique<TlsRecordSealer>(*suite, mine);
  keys.opener = std::make_unique<TlsRecordOpener>(*suite, theirs);
  state_.wipe();
  SSL_free(ssl_);  // and its BIO
  ssl_ = nullptr;
  return keys;
}

}  // namespace privfin::net::detail
