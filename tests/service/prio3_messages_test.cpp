// The Prio3 drivers' wire messages: round trips, and every truncation and
// every single-bit flip of a valid encoding is refused (DecodeError) or
// decodes to a different value.
#include "privfin/service/prio3_messages.hpp"

#include <catch2/catch.hpp>

#include <functional>

#include "privfin/core/error.hpp"

using namespace privfin;
using namespace privfin::service;

namespace {

Prio3Limits limits() {
  Prio3Limits l;
  l.max_reports = 16;
  l.max_public_share = 64;
  l.max_input_share = 96;
  l.max_verifier_share = 80;
  l.max_verifier_message = 32;
  l.max_aggregate_share = 48;
  l.max_rejections = 16;
  return l;
}

Bytes filled(std::size_t n, std::uint8_t start) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(start + i);
  return b;
}

Prio3Nonce nonce(std::uint8_t start) {
  Prio3Nonce n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::byte>(start + 3 * i);
  return n;
}

Prio3ReportShare share(std::uint8_t k) { return Prio3ReportShare{nonce(k), filled(64, k), filled(96 - k, k + 1)}; }

Rejection rejection(std::uint64_t item, RejectionCause cause) {
  return Rejection{item, 0, item % 2 == 0 ? std::optional<std::size_t>(3) : std::nullopt, cause, "report: why"};
}

// Every prefix throws DecodeError; every bit flip throws DecodeError or decodes to another value.
template <class T>
void exhaustive(const T& value, const Bytes& wire, const std::function<T(ByteView)>& decode) {
  REQUIRE(decode(wire) == value);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    CAPTURE(n);
    CHECK_THROWS_AS(decode(ByteView(wire).first(n)), DecodeError);
  }
  Bytes longer = wire;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(decode(longer), DecodeError);
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
    CAPTURE(bit);
    bool same = false;
    try {
      same = decode(flipped) == value;
    } catch (const DecodeError&) {
      // refused: fine
    }
    CHECK_FALSE(same);
  }
}

}  // namespace

TEST_CASE("prio3 messages: report share and upload", "[service][prio3][formats]") {
  const auto s = share(1);
  exhaustive<Prio3ReportShare>(s, s.to_bytes(), [](ByteView b) { return Prio3ReportShare::from_bytes(b, limits()); });
  const Prio3Upload up{{share(1), share(2), share(3)}};
  exhaustive<Prio3Upload>(up, up.to_bytes(), [](ByteView b) { return Prio3Upload::from_bytes(b, limits()); });
  const Prio3Upload empty{};
  exhaustive<Prio3Upload>(empty, empty.to_bytes(), [](ByteView b) { return Prio3Upload::from_bytes(b, limits()); });

  // Limits: a longer share or more reports than allowed are malformed.
  Prio3ReportShare big = share(1);
  big.public_share.push_back(std::byte{0});
  CHECK_THROWS_AS(Prio3ReportShare::from_bytes(big.to_bytes(), limits()), DecodeError);
  Prio3Upload many;
  for (std::uint8_t i = 0; i < 17; ++i) many.reports.push_back(share(i));
  CHECK_THROWS_AS(Prio3Upload::from_bytes(many.to_bytes(), limits()), DecodeError);
}

TEST_CASE("prio3 messages: batch init, statuses, commit", "[service][prio3][formats]") {
  const Prio3BatchInit init{7, 300, true, {nonce(1), nonce(2)}};
  exhaustive<Prio3BatchInit>(init, init.to_bytes(), [](ByteView b) { return Prio3BatchInit::from_bytes(b, limits()); });

  using Kind = Prio3BatchStatus::Kind;
  for (const Kind kind : {Kind::prep_shares, Kind::prep_messages, Kind::finish}) {
    CAPTURE(static_cast<int>(kind));
    Prio3BatchStatus m{kind, 4, {}};
    Prio3Status ok;
    if (kind != Kind::finish) ok.payload = filled(kind == Kind::prep_shares ? 80 : 32, 9);
    m.statuses.push_back(ok);
    m.statuses.push_back(Prio3Status{7, {}, "proof 0 of 1 did not verify"});
    m.statuses.push_back(ok);
    exhaustive<Prio3BatchStatus>(m, m.to_bytes(), [kind](ByteView b) { return Prio3BatchStatus::from_bytes(b, kind, limits()); });
    // Another kind of message is refused, and an unknown reason.
    const Kind other = kind == Kind::finish ? Kind::prep_shares : Kind::finish;
    CHECK_THROWS_AS(Prio3BatchStatus::from_bytes(m.to_bytes(), other, limits()), DecodeError);
    Prio3BatchStatus unknown{kind, 4, {Prio3Status{11, {}, "x"}}};
    CHECK_THROWS_AS(Prio3BatchStatus::from_bytes(unknown.to_bytes(), kind, limits()), DecodeError);
  }

  const Prio3Commit commit{3, {rejection(12, RejectionCause::invalid_proof), rejection(15, RejectionCause::replayed)}};
  exhaustive<Prio3Commit>(commit, commit.to_bytes(), [](ByteView b) { return Prio3Commit::from_bytes(b, limits()); });
  const Prio3Commit none{4, {}};
  exhaustive<Prio3Commit>(none, none.to_bytes(), [](ByteView b) { return Prio3Commit::from_bytes(b, limits()); });
}

TEST_CASE("prio3 messages: aggregate share", "[service][prio3][formats]") {
  const Prio3AggregateShare m{10, 8, {rejection(2, RejectionCause::malformed), rejection(5, RejectionCause::other)}, filled(48, 4)};
  exhaustive<Prio3AggregateShare>(m, m.to_bytes(), [](ByteView b) { return Prio3AggregateShare::from_bytes(b, limits()); });
  // The counts must add up.
  Prio3AggregateShare wrong = m;
  wrong.accepted = 9;
  CHECK_THROWS_AS(Prio3AggregateShare::from_bytes(wrong.to_bytes(), limits()), DecodeError);
  wrong.accepted = 11;
  CHECK_THROWS_AS(Prio3AggregateShare::from_bytes(wrong.to_bytes(), limits()), DecodeError);
  wrong = m;
  wrong.aggregate_share.push_back(std::byte{0});
  CHECK_THROWS_AS(Prio3AggregateShare::from_bytes(wrong.to_bytes(), limits()), DecodeError);
}
