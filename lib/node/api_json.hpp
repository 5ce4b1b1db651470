// Internal to lib/node: the client API's JSON bodies (docs/node.md, "Client
// API") decoded into values, for both sides: the requests a node reads from
// clients (client_api.cpp) and the answers ApiClient reads from a node
// (api_client.cpp). Kept apart from the HTTP code so that one fuzz harness
// (tests/fuzz/node_api_json.cpp) reaches every decoder. Each throws
// DecodeError naming what is wrong (not JSON, a missing or mistyped field,
// bad hex, a result code outside TxCode, a list above its bound); nothing
// else.
#pragma once

#include <optional>
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

}  // namespace privfin::node::api_json
