#include "api_json.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::node::api_json {
namespace {

using nlohmann::json;

json parse(std::string_view text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    throw DecodeError(std::string(what) + ": not JSON");
  }
}

// Runs `f` on the parsed body; a missing or mistyped field is a DecodeError naming `what`.
template <class F>
auto decode(std::string_view text, const char* what, F f) {
  const json j = parse(text, what);
  try {
    return f(j);
  } catch (const json::exception& e) {
    throw DecodeError(std::string(what) + ": unexpected content: " + e.what());
  }
}

Bytes hex(const json& j, const char* what) {
  try {
    return from_hex(j.get<std::string>());
  } catch (const DecodeError&) {
    throw DecodeError(std::string(what) + " is not hex");
  }
}

// A whole number in T's range: nlohmann's get<unsigned>() would wrap a
// negative number or truncate a large one without a word.
template <class T>
T whole(const json& j, const char* field) {
  const auto& v = j.at(field);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max()) {
    throw DecodeError(std::string("\"") + field + "\" must be a whole number up to " +
                      std::to_string(std::numeric_limits<T>::max()));
  }
  return static_cast<T>(v.get<std::uint64_t>());
}

consensus::TxCode code_of(const json& j) {
  const auto code = whole<std::uint32_t>(j, "code");
  if (code > static_cast<std::uint32_t>(consensus::TxCode::mempool_full)) {
    throw DecodeError("unknown result code " + std::to_string(code));
  }
  return static_cast<consensus::TxCode>(code);
}

consensus::TxVerdict verdict_of(const json& j) { return {code_of(j), j.value("reason", std::string())}; }

}  // namespace

Bytes tx_request(std::string_view body) {
  return decode(body, "tx request", [](const json& j) {
    Bytes tx = hex(j.at("tx"), "tx");
    if (tx.empty()) throw DecodeError("empty transaction");
    return tx;
  });
}

std::vector<Bytes> txs_request(std::string_view body, std::size_t max_txs) {
  return decode(body, "txs request", [&](const json& j) {
    const auto& list = j.at("txs");
    if (!list.is_array() || list.size() > max_txs) {
      throw DecodeError("txs must be a list of at most " + std::to_string(max_txs) + " transactions");
    }
    std::vector<Bytes> txs;
    for (const auto& t : list) {
      txs.push_back(hex(t, "tx"));
      if (txs.back().empty()) throw DecodeError("empty transaction");
    }
    return txs;
  });
}

Submitted submitted(std::string_view answer) {
  return decode(answer, "submit", [](const json& j) { return Submitted{j.at("hash").get<std::string>(), verdict_of(j)}; });
}

std::vector<Submitted> submitted_batch(std::string_view answer) {
  return decode(answer, "submit", [](const json& j) {
    std::vector<Submitted> out;
    for (const auto& r : j.at("results")) out.push_back(Submitted{r.at("hash").get<std::string>(), verdict_of(r)});
    return out;
  });
}

Committed committed(std::string_view answer) {
  return decode(answer, "transaction", [](const json& j) {
    return Committed{whole<consensus::Height>(j, "height"), whole<std::size_t>(j, "index"), verdict_of(j)};
  });
}

ApiStatus status(std::string_view answer) {
  return decode(answer, "status", [](const json& j) {
    ApiStatus s;
    s.chain_id = j.at("chain_id").get<std::string>();
    s.node = whole<consensus::NodeId>(j, "node");
    s.height = whole<consensus::Height>(j, "height");
    s.round = whole<consensus::Round>(j, "round");
    s.app_hash = j.at("app_hash").get<std::string>();
    s.mempool = whole<std::size_t>(j, "mempool");
    s.peers_connected = whole<std::size_t>(j, "peers_connected");
    s.evidence = whole<std::uint64_t>(j, "evidence");
    s.synced = whole<std::uint64_t>(j, "synced");
    return s;
  });
}

consensus::QueryResult query(std::string_view answer, bool with_proof) {
  return decode(answer, "query", [&](const json& j) {
    consensus::QueryResult q;
    q.code = code_of(j);
    q.reason = j.value("reason", std::string());
    q.height = whole<consensus::Height>(j, "height");
    if (!j.at("value").is_null()) q.value = hex(j.at("value"), "value");
    if (with_proof) q.proof = hex(j.at("proof"), "proof");
    return q;
  });
}

Bytes decision(std::string_view answer) {
  return decode(answer, "block", [](const json& j) { return hex(j.at("decision"), "decision"); });
}

Bytes block_answer(std::string_view content_type, std::string_view answer) {
  if (content_type != binary_type) return decision(answer);
  const ByteView body = as_bytes(answer);
  return Bytes(body.begin(), body.end());
}

std::vector<Bytes> evidence(std::string_view answer) {
  return decode(answer, "evidence", [](const json& j) {
    std::vector<Bytes> out;
    for (const auto& e : j.at("evidence")) out.push_back(hex(e.at("evidence"), "evidence"));
    return out;
  });
}

Bytes txs_request_bytes(std::span<const Bytes> txs) {
  Writer w;
  w.varint(txs.size());
  for (const auto& tx : txs) w.bytes(tx);
  return std::move(w).take();
}

std::vector<Bytes> txs_request_from_bytes(ByteView body, std::size_t max_txs) {
  Reader r(body);
  const std::size_t count = r.length("txs request: count", max_txs);
  std::vector<Bytes> txs;
  // Each entry takes at least two bytes (a length and one byte), so the
  // count is checked against what remains before anything is reserved.
  if (count > r.remaining() / 2) throw DecodeError("txs request: " + std::to_string(count) + " transactions in " +
                                                   std::to_string(r.remaining()) + " bytes");
  txs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const ByteView tx = r.bytes("txs request: transaction");
    if (tx.empty()) throw DecodeError("txs request: empty transaction");
    txs.emplace_back(tx.begin(), tx.end());
  }
  if (!r.at_end()) throw DecodeError("txs request: " + std::to_string(r.remaining()) + " bytes after the last transaction");
  return txs;
}

Bytes submitted_batch_bytes(std::span<const Bytes> txs, std::span<const consensus::TxVerdict> verdicts) {
  if (txs.size() != verdicts.size()) throw InvalidArgument("submitted_batch_bytes: one verdict per transaction");
  Writer w;
  w.varint(txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    w.raw(Sha256::hash(txs[i]));
    w.varint(static_cast<std::uint64_t>(verdicts[i].code));
    const std::string_view reason = verdicts[i].reason;
    w.string(reason.substr(0, max_reason_bytes));
  }
  return std::move(w).take();
}

std::vector<Submitted> submitted_batch_from_bytes(ByteView answer) {
  Reader r(answer);
  // 34 bytes at least per entry: the hash, a code and an empty reason.
  constexpr std::size_t min_entry = 34;
  const std::size_t count = r.length("submit answer: count", r.remaining() / min_entry);
  std::vector<Submitted> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Submitted s;
    s.hash = to_hex(r.raw(32, "submit answer: hash"));
    const auto code = r.varint("submit answer: code");
    if (code > static_cast<std::uint64_t>(consensus::TxCode::mempool_full)) {
      throw DecodeError("submit answer: unknown result code " + std::to_string(code));
    }
    s.verdict.code = static_cast<consensus::TxCode>(code);
    s.verdict.reason = r.string("submit answer: reason", max_reason_bytes);
    out.push_back(std::move(s));
  }
  if (!r.at_end()) throw DecodeError("submit answer: " + std::to_string(r.remaining()) + " bytes after the last entry");
  return out;
}

}  // namespace privfin::node::api_json
