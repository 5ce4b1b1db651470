// privfin/node/client_api.hpp — the client API of a node: HTTP/JSON over
// TLS (cpp-httplib), so that a bank's service in any language can submit
// transactions, wait for their commit, query state with proofs, and fetch
// the certified blocks a light client needs. Protocol: docs/node.md,
// "Client API".
//
//   ClientApi api(node, {.host = "127.0.0.1", .port = 26700, .certificate = "api.crt", .key = "api.key"});
//   api.start();                        // serves on its own threads
//   while (running) node.poll(50ms);    // requests are answered from the node's poll thread
//   api.stop();
//
// Endpoints (JSON unless said otherwise; bytes as lowercase hex):
//   POST /v1/tx            {"tx": hex} -> {"hash", "code", "reason"}; admitted (code 0) or why not
//   POST /v1/txs           {"txs": [hex, ...]} (at most 10,000) -> {"results": [{"hash", "code", "reason"}, ...]}
//   GET  /v1/tx/<hash>     -> {"committed": bool, "height", "index", "code", "reason"}
//   GET  /v1/status        -> {"chain_id", "node", "height", "app_hash", "mempool", "peers_connected", ...}
//   GET  /v1/query?path=P&key=HEX[&height=H][&prove=1] -> {"code", "reason", "height", "value", "proof"}
//   GET  /v1/block/<h>     -> {"height", "decision": hex of consensus::Message{Decision}}; with
//                             "Accept: application/octet-stream", those bytes as the body
//   GET  /metrics          Prometheus text format
// A malformed request gets 400 with {"error": why}; an unknown height or
// transaction 404; a node that does not answer within 10 s 503.
//
// Why HTTP/JSON and not gRPC: Debian's cpp-httplib is one small library
// with OpenSSL support, curl can call it, and every language has an HTTP
// client; the API is a handful of calls, not a stream.
//
// Costs: the server's threads only parse and wait; every request becomes a
// task on the node's poll thread (Node::post), answered at its next turn
// (within the poll's max_wait). Throws from start(): InvalidArgument for
// unreadable certificate/key files or an address that cannot be bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "privfin/node/node.hpp"

namespace privfin::node {

struct ClientApiOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see port())
  std::filesystem::path certificate;  // PEM, the server's certificate
  std::filesystem::path key;          // PEM, its private key
  // Requests one connection may carry before the server closes it (the
  // client then opens a new one, with a new TLS handshake). cpp-httplib's
  // default of 5 had a busy client spend 18% of its CPU on handshakes, and
  // the node its share too. A connection holds one of the server's threads
  // while it stays open; an idle one is closed after 5 s either way.
  std::size_t keep_alive_requests = 1000;
};

class ClientApi {
 public:
  ClientApi(Node& node, ClientApiOptions options);
  ~ClientApi();
  ClientApi(const ClientApi&) = delete;
  ClientApi& operator=(const ClientApi&) = delete;

  void start();
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace privfin::node
