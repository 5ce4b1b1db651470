// Feeds the client API's decoders (lib/node/api_json.hpp), JSON and the
// byte form of a batch of submissions: a node
// reads requests from any client that holds its certificate, and a client
// reads answers from a node it may not trust. Input: [which:u8][text].
// Oracles: no crash, only DecodeError; a transaction list never holds more
// than its bound or an empty transaction; result codes are inside TxCode;
// a block answered as bytes comes back as exactly those bytes; a batch
// in bytes that decodes encodes back to the same bytes.
#include <cstdint>
#include <string_view>

#include "lib/node/api_json.hpp"
#include "privfin/core/error.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
namespace api = privfin::node::api_json;

namespace {

void known(consensus::TxCode c) { fuzz::require(c <= consensus::TxCode::mempool_full); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto which = in.u8();
  const ByteView rest = in.rest();
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  try {
    switch (which % 12) {
      case 0: fuzz::require(!api::tx_request(text).empty()); break;
      case 1:
        for (const auto& tx : api::txs_request(text, 8)) fuzz::require(!tx.empty());
        fuzz::require(api::txs_request(text, 8).size() <= 8);
        break;
      case 2: known(api::submitted(text).verdict.code); break;
      case 3:
        for (const auto& s : api::submitted_batch(text)) known(s.verdict.code);
        break;
      case 4: known(api::committed(text).result.code); break;
      case 5: (void)api::status(text); break;
      case 6: known(api::query(text, (which & 0x10U) != 0).code); break;
      case 7: (void)api::decision(text); break;
      case 8: (void)api::evidence(text); break;
      case 10: {
        const auto txs = api::txs_request_from_bytes(rest, 8);
        fuzz::require(txs.size() <= 8);
        for (const auto& tx : txs) fuzz::require(!tx.empty());
        fuzz::require(equal_bytes(api::txs_request_bytes(txs), rest));
        break;
      }
      case 11:
        for (const auto& s : api::submitted_batch_from_bytes(rest)) {
          known(s.verdict.code);
          fuzz::require(s.hash.size() == 64 && s.verdict.reason.size() <= api::max_reason_bytes);
        }
        break;
      default: {  // a block's answer: bytes kept as they are, or its JSON form
        const bool binary = (which & 0x10U) != 0;
        const Bytes out = api::block_answer(binary ? api::binary_type : "application/json", text);
        if (binary) fuzz::require(equal_bytes(out, rest));
        break;
      }
    }
  } catch (const DecodeError&) {
  }
  return 0;
}
