// libFuzzer harness for the OT-extension messages (ot::ExtensionMatrix and
// its view, ConsistencyChallenge, ConsistencyResponse, MaskedMessages and
// its view): the first
// byte picks the decoder; any input either throws DecodeError or decodes to
// a message that re-encodes to the same bytes, with a payload exactly as
// long as its count says.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ot/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace privfin::ot;
  privfin::fuzz::Splitter split(privfin::fuzz::as_view(data, size));
  const std::uint8_t which = split.u8();
  const privfin::ByteView in = split.take(size);
  try {
    switch (which % 4) {
      case 0: {
        const auto view = ExtensionMatrixView::from_bytes(in);  // what the extension's hot path reads
        const auto m = ExtensionMatrix::from_bytes(in);
        privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
        privfin::fuzz::require(m.columns.size() == 16 * extension_rows(m.count));
        privfin::fuzz::require(view.count == m.count && privfin::fuzz::same(m.columns, view.columns));
        break;
      }
      case 1: {
        const auto m = ConsistencyChallenge::from_bytes(in);
        privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
        break;
      }
      case 2: {
        const auto m = ConsistencyResponse::from_bytes(in);
        privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
        break;
      }
      default: {
        const auto view = MaskedMessagesView::from_bytes(in);
        const auto m = MaskedMessages::from_bytes(in);
        privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
        privfin::fuzz::require(view.kind == m.kind && view.count == m.count &&
                               privfin::fuzz::same(m.payload, view.payload));
        privfin::fuzz::require(m.payload.size() == masked_payload_bytes(m.kind, m.count));
        break;
      }
    }
  } catch (const privfin::DecodeError&) {
  }
  return 0;
}
