// Internal to lib/node: the client API's JSON bodies (docs/node.md, "Client
// API") decoded into values, and the byte form of a batch of submissions,
// for both sides: the requests a node reads from clients (client_api.cpp) and the answers ApiClient reads from a node
// (api_client.cpp). Kept apart from the HTTP code so that one fuzz harness
// (tests/fuzz/node_api_json.cpp) reaches every decoder. Each throws
// DecodeError naming what is wrong (not JSON, a missing or mistyped field,
// bad hex, a result code outside TxCode, a list above its bound); nothing
// else.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/consensus/application.hpp"
#include "privfin/node/api_client.hpp"

namespace privfin::node::api_json {

// Requests: POST /v1/tx {"tx": hex} and POST /v1/txs {"txs": [hex, ...]}
// (at most max_txs, none empty).
[[nodiscard]] Bytes tx_request(std::string_view body);
[[nodiscard]] std::vector<Bytes> txs_request(std::string_view body, std::size_t max_txs);

// Answers.
[[nodiscard]] Submitted submitted(std::string_view answer);
[[nodiscard]] std::vector<Submitted> submitted_batch(std::string_view answer);
[[nodiscard]] Committed committed(std::string_view answer);
[[nodiscard]] ApiStatus status(std::string_view answer);
[[nodiscard]] consensus::QueryResult query(std::string_view answer, bool with_proof);
// GET /v1/block/<h>: the decision's encoding (consensus::Message), not yet decoded.
[[nodiscard]] Bytes decision(std::string_view answer);
// The content type of an answer that is bytes, not JSON: a client asks for
// it with Accept (GET /v1/block/<h> answers it).
inline constexpr std::string_view binary_type = "application/octet-stream";
// GET /v1/block/<h> in either form: the body itself when content_type is
// binary_type, else decision(answer).
[[nodiscard]] Bytes block_answer(std::string_view content_type, std::string_view answer);
// GET /v1/evidence: each entry's encoding (consensus::Evidence), not yet decoded.
[[nodiscard]] std::vector<Bytes> evidence(std::string_view answer);

// POST /v1/txs as bytes (docs/formats.md, "Client API batches as bytes"): the request a
// client sends with Content-Type binary_type, and the answer a node sends
// to Accept: binary_type. Varints and lengths as privfin's codec writes
// them (LEB128), so that any language can produce and read them:
//   request  count, then per transaction: length, bytes
//   answer   count, then per transaction: 32-byte SHA-256, code, reason length, reason
// The decoders check every count and length against what remains and
// throw DecodeError (the limit named) for anything else: more than
// max_txs, an empty transaction, an unknown code, a reason above
// max_reason_bytes, bytes after the last entry.
inline constexpr std::size_t max_reason_bytes = 4096;
[[nodiscard]] Bytes txs_request_bytes(std::span<const Bytes> txs);
[[nodiscard]] std::vector<Bytes> txs_request_from_bytes(ByteView body, std::size_t max_txs);
// A reason longer than max_reason_bytes is cut there.
[[nodiscard]] Bytes submitted_batch_bytes(std::span<const Bytes> txs, std::span<const consensus::TxVerdict> verdicts);
[[nodiscard]] std::vector<Submitted> submitted_batch_from_bytes(ByteView answer);

}  // namespace privfin::node::api_json
