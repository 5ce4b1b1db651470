// The TLS 1.3 handshake of lib/net's transports, free of any socket: OpenSSL
// runs it over byte buffers, pins the peer's key and hands back the traffic
// secrets, from which our own record layer (tls_records.hpp,
// record_stream.hpp) protects the application data.
//
//   detail::TlsContext tls(config, self, "MessageBus");  // once per party
//   detail::TlsHandshake hs(tls, peer, /*as_client=*/true);
//   for (;;) {
//     std::size_t used = 0;
//     auto step = hs.step(received_bytes, used);   // consumes what it needs
//     write(hs.take_output());                     // alerts included
//     if (step.state == TlsHandshake::Step::done) break;  ...
//   }
//   detail::RecordKeys keys = hs.finish();          // sealer + opener
//
// Both sides present their certificate; the peer's public key must equal
// the one configured for the party expected (with a CA configured the chain
// must verify too). No session tickets, no resumption, no read-ahead: bytes
// after the handshake stay unconsumed for the record layer.
//
// Throws: TlsContext: InvalidArgument for unreadable or mismatched
// certificate/key files, NetworkError if OpenSSL fails; TlsHandshake and
// finish(): NetworkError(peer). One handshake per thread at a time; a
// TlsContext may be shared by handshakes on one thread.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/net/party_config.hpp"
#include "tls_records.hpp"

namespace privfin::net::detail {

// OpenSSL's queued errors as one line (and clears the queue).
[[nodiscard]] std::string openssl_error();

// "TLS handshake failed: the certificate presented does not match ..."
[[nodiscard]] std::string pin_mismatch_message(std::size_t peer);

// One party's TLS configuration: its certificate and key, and every party's
// pinned public key (DER SubjectPublicKeyInfo).
class TlsContext {
 public:
  // `who` starts error messages ("TcpNetwork", "MessageBus").
  TlsContext(const PartyConfig& config, std::size_t self, std::string_view who);
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ~TlsContext();

  [[nodiscard]] SSL_CTX* native() const noexcept { return ctx_; }
  [[nodiscard]] const Bytes& pin(std::size_t party) const { return pins_.at(party); }
  [[nodiscard]] bool has_ca() const noexcept { return has_ca_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  std::vector<Bytes> pins_;
  bool has_ca_ = false;
};

// The record layer's keys for one connection, in both directions.
struct RecordKeys {
  std::unique_ptr<TlsRecordSealer> sealer;
  std::unique_ptr<TlsRecordOpener> opener;
};

class TlsHandshake {
 public:
  TlsHandshake(const TlsContext& context, std::size_t peer, bool as_client);
  TlsHandshake(const TlsHandshake&) = delete;
  TlsHandshake& operator=(const TlsHandshake&) = delete;
  ~TlsHandshake();

  struct Step {
    enum State { done, want_read, failed } state;
    std::string error;  // for failed
  };

  // Advances the handshake with the peer's bytes in `input`; `consumed`
  // says how many it used (all of them unless it is done). What OpenSSL
  // wrote for the peer waits in take_output().
  Step step(ByteView input, std::size_t& consumed);
  [[nodiscard]] Bytes take_output();
  // The peer presented a certificate whose key is not the pinned one.
  [[nodiscard]] bool pin_mismatch() const noexcept { return state_.mismatch; }
  // After Step::done: checks the peer's key once more and derives the
  // record layer's keys; frees OpenSSL's session (wiping its secrets).
  [[nodiscard]] RecordKeys finish();

  // Internal state reached from OpenSSL's callbacks.
  struct State {
    const Bytes* pin = nullptr;
    bool has_ca = false;
    bool mismatch = false;
    SecretBytes client_secret;
    SecretBytes server_secret;
    ByteView input;
    std::size_t consumed = 0;
    Bytes output;
    void wipe() {
      client_secret = SecretBytes{};
      server_secret = SecretBytes{};
    }
  };

 private:
  SSL* ssl_ = nullptr;
  std::size_t peer_;
  bool as_client_;
  State state_;
};

}  // namespace privfin::net::detail
