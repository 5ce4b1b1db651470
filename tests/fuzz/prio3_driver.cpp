// Feeds the decoders of the Prio3 drivers' messages
// (service/prio3_messages.hpp), which bytes from clients, the leader, the
// helpers and the aggregators reach. Input: [mode][bytes].
//   mode 0: Prio3ReportShare    mode 1: Prio3Upload     mode 2: Prio3BatchInit
//   mode 3..5: Prio3BatchStatus (prep shares, prep messages, finish)
//   mode 6: Prio3Commit         mode 7: Prio3AggregateShare
// Limits: those of a Histogram(8, 3) session with 3 aggregators (the
// leader's view), batches of 16. Oracle: what decodes re-encodes to exactly
// the input (every format is canonical) and respects the limits.
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/service/prio3_messages.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::service;

namespace {

Prio3Limits limits() {
  Prio3Limits l;
  l.max_reports = 16;
  l.max_public_share = 96;
  l.max_input_share = 1024;
  l.max_verifier_share = 160;
  l.max_verifier_message = 32;
  l.max_aggregate_share = 128;
  l.max_rejections = 64;
  return l;
}

template <class T>
void round_trip(const T& value, ByteView bytes) {
  fuzz::require(fuzz::same(value.to_bytes(), bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto mode = in.u8() % 8;
  const ByteView bytes = in.rest();
  const Prio3Limits l = limits();
  try {
    switch (mode) {
      case 0: {
        const auto s = Prio3ReportShare::from_bytes(bytes, l);
        fuzz::require(s.public_share.size() <= l.max_public_share && s.input_share.size() <= l.max_input_share);
        round_trip(s, bytes);
        break;
      }
      case 1: {
        const auto up = Prio3Upload::from_bytes(bytes, l);
        fuzz::require(up.reports.size() <= l.max_reports);
        round_trip(up, bytes);
        break;
      }
      case 2: {
        const auto init = Prio3BatchInit::from_bytes(bytes, l);
        fuzz::require(init.nonces.size() <= l.max_reports);
        round_trip(init, bytes);
        break;
      }
      case 3:
      case 4:
      case 5: {
        const auto kind = static_cast<Prio3BatchStatus::Kind>(mode);
        const auto m = Prio3BatchStatus::from_bytes(bytes, kind, l);
        fuzz::require(m.kind == kind && m.statuses.size() <= l.max_reports);
        for (const auto& s : m.statuses) fuzz::require(s.reason <= 10 && (s.ok() || s.payload.empty()));
        round_trip(m, bytes);
        break;
      }
      case 6: {
        const auto c = Prio3Commit::from_bytes(bytes, l);
        fuzz::require(c.rejections.size() <= l.max_reports);
        round_trip(c, bytes);
        break;
      }
      default: {
        const auto a = Prio3AggregateShare::from_bytes(bytes, l);
        fuzz::require(a.accepted <= a.reports && a.rejections.size() == a.reports - a.accepted);
        fuzz::require(a.aggregate_share.size() <= l.max_aggregate_share);
        round_trip(a, bytes);
        break;
      }
    }
  } catch (const DecodeError&) {
  }
  return 0;
}
