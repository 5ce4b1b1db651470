// privfin/node/api_client.hpp — the client side of a node's client API
// (client_api.hpp): HTTP/JSON over TLS, the node's certificate checked
// against a given PEM file (its subject must name the host).
//
//   ApiClient api("127.0.0.1:26700", "testnet/api0.crt");
//   auto admitted = api.submit(tx);                 // code 0: in the mempool
//   auto where = api.transaction(admitted.hash);    // nullopt until committed
//   ApiStatus s = api.status();
//   s = api.wait_for_height_above(s.height, 1s);   // at the next commit (a long poll)
//   auto q = api.query("balance", account, h, true);
//   consensus::Decision d = api.block(h);           // block h with its certificate
//   for (const auto& e : api.evidence()) ...        // who equivocated, with the signed votes
//
// Costs: one HTTPS request per call over a kept-alive connection. Throws:
// NetworkError naming the node when it cannot be reached or the TLS check
// fails; Error with the HTTP status and the node's reason for an error
// answer; DecodeError for an answer that does not parse. Not thread-safe:
// one client per thread. A program using it should ignore SIGPIPE
// (std::signal(SIGPIPE, SIG_IGN)): a TLS write to a node that just closed
// the connection raises it otherwise, and SIGPIPE ends a process.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <vector>
#include <string>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/types.hpp"

namespace privfin::node {

struct ApiStatus {
  std::string chain_id;
  consensus::NodeId node = 0;
  consensus::Height height = 0;
  consensus::Round round = 0;
  std::string app_hash;  // hex
  std::size_t mempool = 0;
  std::size_t peers_connected = 0;
  std::uint64_t evidence = 0;
  std::uint64_t synced = 0;
};

struct Submitted {
  std::string hash;  // hex SHA-256 of the transaction
  consensus::TxVerdict verdict;
};

struct Committed {
  consensus::Height height = 0;
  std::size_t index = 0;
  consensus::TxVerdict result;
};

class ApiClient {
 public:
  // `node`: host:port; `certificate`: the node's API certificate (PEM).
  ApiClient(const std::string& node, const std::string& certificate);
  ~ApiClient();
  ApiClient(ApiClient&&) noexcept;
  ApiClient& operator=(ApiClient&&) noexcept;

  [[nodiscard]] Submitted submit(ByteView tx);
  // Many at once (POST /v1/txs, at most 10,000, sent and answered as bytes:
  // docs/formats.md, "Client API batches as bytes"): one verdict per transaction.
  [[nodiscard]] std::vector<Submitted> submit_batch(std::span<const Bytes> txs);
  [[nodiscard]] std::optional<Committed> transaction(const std::string& hash_hex);
  [[nodiscard]] ApiStatus status();
  // The status once the node's committed height exceeds `height`, or after
  // `max_wait` (at most 5 s) with the height still at or below it: a long
  // poll (GET /v1/status?wait_above=H&wait_ms=W).
  [[nodiscard]] ApiStatus wait_for_height_above(consensus::Height height, std::chrono::milliseconds max_wait);
  [[nodiscard]] consensus::QueryResult query(const std::string& path, ByteView key, consensus::Height h, bool prove);
  // Block h with its commit certificate (Error if the node does not have it).
  [[nodiscard]] consensus::Decision block(consensus::Height h);
  // The evidence of equivocation the node kept, from height `from` on (at
  // most 100 per call), each with its two signed votes: check them with
  // consensus::verify_evidence against the validator set.
  [[nodiscard]] std::vector<consensus::Evidence> evidence(consensus::Height from = 0);
  // The node's Prometheus text.
  [[nodiscard]] std::string metrics();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace privfin::node
