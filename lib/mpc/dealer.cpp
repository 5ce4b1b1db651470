// The Beaver dealer and its client (see dealer.hpp for the wire format).
#include "privfin/mpc/dealer.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::mpc {

namespace {
constexpr std::size_t seed_message_size = 1 + 4 + 4 + Prg::seed_size;
constexpr std::size_t request_message_size = 1 + 1 + 8 + 1;
}  // namespace

DealerStats run_dealer(net::Network& net, std::size_t parties, Prg& seed_source) {
  if (parties < 2 || net.party_id() < parties || net.party_count() <= parties) {
    throw InvalidArgument("mpc::run_dealer: dealer id " + std::to_string(net.party_id()) + " with " +
                          std::to_string(parties) + " compute parties in a network of " +
                          std::to_string(net.party_count()) + " (need 2 or more parties below the dealer's id)");
  }
  std::vector<Prg::Seed> seeds(parties);
  for (std::size_t i = 0; i < parties; ++i) {
    seeds[i] = seed_source.next_seed();
    Writer w;
    w.version(dealer_wire_version).u32(static_cast<std::uint32_t>(parties)).u32(static_cast<std::uint32_t>(i));
    w.raw(ByteView(seeds[i].data(), seeds[i].size()));
    Bytes msg = std::move(w).take();
    net.send_message(i, msg);
    secure_wipe(std::span<std::byte>(msg));
  }
  net.flush();
  detail::CorrelationGenerator gen(std::move(seeds));
  const std::size_t last = parties - 1;
  DealerStats st;
  for (;;) {
    const Bytes msg = net.receive_message(last, request_message_size);
    std::uint8_t kind = 0;
    std::uint64_t size = 0;
    std::uint8_t shift = 0;
    try {
      Reader r(msg);
      r.expect_version(dealer_wire_version, "dealer request");
      kind = r.u8("kind");
      size = r.u64("size");
      shift = r.u8("shift");
      r.expect_end("dealer request");
    } catch (const DecodeError& e) {
      throw ProtocolError(last, std::string("malformed dealer request: ") + e.what());
    }
    if (kind == 0) break;
    if (size == 0 || size > dealer_max_request) {
      throw ProtocolError(last, "dealer request of " + std::to_string(size) + " values (allowed: 1 to " +
                                    std::to_string(dealer_max_request) + ")");
    }
    const auto n = static_cast<std::size_t>(size);
    switch (kind) {
      // Each correction is the last party's share: wiped once it is sent.
      case static_cast<std::uint8_t>(CorrelationKind::arith_triples): {
        auto c = gen.arith_correction(n);
        net.send_elements<Ring>(last, c);
        secure_wipe(std::as_writable_bytes(std::span(c)));
        st.arith_triples += size;
        break;
      }
      case static_cast<std::uint8_t>(CorrelationKind::bool_triples): {
        auto c = gen.bool_correction(n);
        net.send(last, std::as_bytes(std::span(c)));
        secure_wipe(std::as_writable_bytes(std::span(c)));
        st.bool_triple_words += size;
        break;
      }
      case static_cast<std::uint8_t>(CorrelationKind::trunc_masks): {
        if (shift < 1 || shift > 62) {
          throw ProtocolError(last, "dealer request for truncation by " + std::to_string(shift) + " bits");
        }
        auto c = gen.trunc_correction(n, shift);
        net.send_elements<Ring>(last, c);
        secure_wipe(std::as_writable_bytes(std::span(c)));
        st.trunc_masks += size;
        break;
      }
      default:
        throw ProtocolError(last, "unknown dealer request kind " + std::to_string(kind));
    }
    ++st.requests;
    net.flush();
  }
  return st;
}

DealerPreprocessing::DealerPreprocessing(net::Network& net, std::size_t dealer, std::size_t parties)
    : net_(net), dealer_(dealer) {
  if (parties < 2 || net.party_id() >= parties || dealer < parties || dealer >= net.party_count()) {
    throw InvalidArgument("mpc::DealerPreprocessing: party " + std::to_string(net.party_id()) + ", dealer " +
                          std::to_string(dealer) + ", " + std::to_string(parties) + " compute parties, network of " +
                          std::to_string(net.party_count()));
  }
  Bytes msg = net.receive_message(dealer, seed_message_size);
  Prg::Seed seed{};
  try {
    Reader r(msg);
    r.expect_version(dealer_wire_version, "dealer seed");
    const std::uint32_t count = r.u32("parties");
    const std::uint32_t id = r.u32("party");
    const ByteView s = r.raw(Prg::seed_size, "seed");
    r.expect_end("dealer seed");
    if (count != parties || id != net.party_id()) {
      throw ProtocolError(dealer, "dealer seed addressed to party " + std::to_string(id) + " of " +
                                      std::to_string(count) + ", expected party " + std::to_string(net.party_id()) +
                                      " of " + std::to_string(parties));
    }
    std::copy(s.begin(), s.end(), seed.begin());
  } catch (const DecodeError& e) {
    secure_wipe(std::span<std::byte>(msg));
    throw ProtocolError(dealer, std::string("malformed dealer seed message: ") + e.what());
  }
  secure_wipe(std::span<std::byte>(msg));
  shares_ = std::make_unique<detail::SeededShares>(seed, net.party_id(), parties);
  secure_wipe(std::span<std::byte>(seed));
}

DealerPreprocessing::~DealerPreprocessing() {
  try {
    finish();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the dealer sees a disconnect instead
  }
}

void DealerPreprocessing::request(CorrelationKind kind, std::size_t size, unsigned shift) {
  Writer w;
  w.version(dealer_wire_version).u8(static_cast<std::uint8_t>(kind)).u64(size).u8(static_cast<std::uint8_t>(shift));
  net_.send_message(dealer_, w.data());
}

void DealerPreprocessing::finish() {
  if (finished_ || !shares_ || !shares_->is_last()) {
    finished_ = true;
    return;
  }
  finished_ = true;
  Writer w;
  w.version(dealer_wire_version).u8(0).u64(0).u8(0);
  net_.send_message(dealer_, w.data());
  net_.flush();
}

namespace {
template <class T>
void append(std::vector<T>& to, std::vector<T>&& from) {
  if (to.empty()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), from.begin(), from.end());
  }
}
}  // namespace

// Large requests are split into chunks of dealer_max_request on every party
// alike (the non-last parties' PRG draws depend on the chunking).
ArithTriples DealerPreprocessing::arith_triples(std::size_t n) {
  ArithTriples out;
  for (std::size_t lo = 0; lo < n; lo += dealer_max_request) {
    const std::size_t len = std::min<std::size_t>(n - lo, dealer_max_request);
    ArithTriples t;
    if (shares_->is_last()) {
      request(CorrelationKind::arith_triples, len, 0);
      const auto c = net_.receive_elements<Ring>(dealer_, len);
      t = shares_->arith_triples(len, c);
    } else {
      t = shares_->arith_triples(len, {});
    }
    append(out.a, std::move(t.a));
    append(out.b, std::move(t.b));
    append(out.c, std::move(t.c));
  }
  return out;
}

BoolTriples DealerPreprocessing::bool_triples(std::size_t words) {
  BoolTriples out;
  for (std::size_t lo = 0; lo < words; lo += dealer_max_request) {
    const std::size_t len = std::min<std::size_t>(words - lo, dealer_max_request);
    BoolTriples t;
    if (shares_->is_last()) {
      request(CorrelationKind::bool_triples, len, 0);
      std::vector<std::uint64_t> c(len);
      net_.receive(dealer_, std::span<std::byte>(reinterpret_cast<std::byte*>(c.data()), len * 8));
      t = shares_->bool_triples(len, c);
    } else {
      t = shares_->bool_triples(len, {});
    }
    append(out.a, std::move(t.a));
    append(out.b, std::move(t.b));
    append(out.c, std::move(t.c));
  }
  return out;
}

TruncMasks DealerPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::DealerPreprocessing::trunc_masks", d);
  TruncMasks out;
  for (std::size_t lo = 0; lo < n; lo += dealer_max_request) {
    const std::size_t len = std::min<std::size_t>(n - lo, dealer_max_request);
    TruncMasks t;
    if (shares_->is_last()) {
      request(CorrelationKind::trunc_masks, len, d);
      const auto c = net_.receive_elements<Ring>(dealer_, 2 * len);
      t = shares_->trunc_masks(len, c);
    } else {
      t = shares_->trunc_masks(len, {});
    }
    append(out.r, std::move(t.r));
    append(out.r_high, std::move(t.r_high));
    append(out.r_msb, std::move(t.r_msb));
  }
  return out;
}

}  // namespace privfin::mpc
