#include "privfin/consensus/application.hpp"

#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::consensus {

std::vector<Bytes> Application::prepare_proposal(const BlockContext& context, std::span<const Bytes> mempool,
                                                 std::size_t max_bytes) const {
  (void)context;
  std::vector<Bytes> out;
  std::size_t used = 1 + 10;  // the body's version and count
  for (const auto& tx : mempool) {
    const std::size_t cost = 10 + tx.size();
    if (used + cost > max_bytes) break;  // keep the mempool's order: no later, smaller transaction jumps ahead
    used += cost;
    out.push_back(tx);
  }
  return out;
}

bool Application::process_proposal(const StateReader& state, const BlockContext& context,
                                   std::span<const Bytes> txs) const {
  (void)state;
  (void)context;
  (void)txs;
  return true;
}

Bytes results_to_bytes(const FinalizeResult& results) {
  Writer w;
  w.version(results_format_version).varint(results.results.size());
  for (const auto& r : results.results) {
    w.varint(static_cast<std::uint32_t>(r.code)).string(std::string_view(r.reason).substr(0, 1024));
  }
  return std::move(w).take();
}

std::vector<TxResult> results_from_bytes(ByteView bytes, std::size_t max_count) {
  Reader r(bytes);
  r.expect_version(results_format_version, "block results");
  const std::size_t count = r.length("result count", max_count);
  if (count > r.remaining() / 2) throw DecodeError("block results: count " + std::to_string(count) + " exceeds the bytes left");
  std::vector<TxResult> out(count);
  for (auto& result : out) {
    const auto code = r.varint("result code");
    if (code > 0xFFFFFFFFU) throw DecodeError("block results: a code above 2^32 - 1");
    result.code = static_cast<TxCode>(code);
    result.reason = r.string("result reason", 1024);
  }
  r.expect_end("block results");
  return out;
}

Bytes transactions_to_bytes(std::span<const Bytes> txs) {
  Writer w;
  w.version(transactions_format_version).varint(txs.size());
  for (const auto& tx : txs) w.bytes(tx);
  return std::move(w).take();
}

std::vector<ByteView> transaction_views(ByteView body, std::size_t max_count, std::size_t max_tx) {
  Reader r(body);
  r.expect_version(transactions_format_version, "transactions");
  const std::size_t count = r.length("transaction count", max_count);
  if (count > r.remaining()) throw DecodeError("transactions: count " + std::to_string(count) + " exceeds the bytes left");
  std::vector<ByteView> txs;
  txs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) txs.push_back(r.bytes("transaction", max_tx));
  r.expect_end("transactions");
  return txs;
}

std::vector<Bytes> transactions_from_bytes(ByteView body, std::size_t max_count, std::size_t max_tx) {
  const auto views = transaction_views(body, max_count, max_tx);
  std::vector<Bytes> txs;
  txs.reserve(views.size());
  for (const ByteView tx : views) txs.emplace_back(tx.begin(), tx.end());
  return txs;
}

}  // namespace privfin::consensus
