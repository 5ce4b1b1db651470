// Clients of an SPDZ2k computation; see privfin/service/spdz2k_clients.hpp.
#include "privfin/service/spdz2k_clients.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/detail/reveal_digest.hpp"
#include "privfin/service/mpc_session.hpp"  // detail::id_list

namespace privfin::service {

using mpc::spdz2k::Word;
using Kind = Spdz2kClientMessage::Kind;

namespace {

constexpr std::size_t word_bytes = 16;
// version, kind, and a varint of at most 10 bytes.
constexpr std::size_t header_bytes = 12;

// Values are written and read in bulk: a message carries up to 48 bytes per
// item, and byte-wise codec calls would dominate a client's round trip.
void store_words(std::span<const Word> values, std::span<std::byte> out) {
  for (std::size_t j = 0; j < values.size(); ++j) {
    Word v = values[j];
    for (std::size_t b = 0; b < word_bytes; ++b, v >>= 8) {
      out[j * word_bytes + b] = static_cast<std::byte>(static_cast<unsigned>(v & 0xFF));
    }
  }
}

void load_words(ByteView in, std::span<Word> values) {
  for (std::size_t j = 0; j < values.size(); ++j) {
    Word v = 0;
    for (std::size_t b = word_bytes; b-- > 0;) v = (v << 8) | Word{std::to_integer<unsigned>(in[j * word_bytes + b])};
    values[j] = v;
  }
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::masks: return "masks";
    case Kind::input: return "masked inputs";
    case Kind::output: return "masked outputs";
  }
  return "?";
}

}  // namespace

Bytes Spdz2kClientMessage::to_bytes() const {
  if (values.size() % width(kind) != 0) {
    throw InvalidArgument(std::string("Spdz2kClientMessage::to_bytes: ") + std::to_string(values.size()) +
                          " values do not make whole " + kind_name(kind));
  }
  Writer w;
  w.version(format_version).u8(static_cast<std::uint8_t>(kind)).varint(count());
  Bytes out = std::move(w).take();
  const std::size_t header = out.size();
  out.resize(header + values.size() * word_bytes);
  store_words(values, std::span(out).subspan(header));
  return out;
}

Spdz2kClientMessage Spdz2kClientMessage::from_bytes(ByteView bytes, std::uint64_t max_count) {
  Reader r(bytes);
  r.expect_version(format_version, "spdz2k client message");
  const std::uint8_t kind = r.u8("spdz2k client message kind");
  if (kind < static_cast<std::uint8_t>(Kind::masks) || kind > static_cast<std::uint8_t>(Kind::output)) {
    throw DecodeError("spdz2k client message: unknown kind " + std::to_string(kind));
  }
  Spdz2kClientMessage out;
  out.kind = static_cast<Kind>(kind);
  const std::uint64_t count = r.varint("spdz2k client message count");
  if (count > max_count) {
    throw DecodeError("spdz2k client message: " + std::to_string(count) + " values (at most " +
                      std::to_string(max_count) + " allowed)");
  }
  // Checked before allocating: exactly count * width values must remain.
  const std::size_t per_value = width(out.kind) * word_bytes;
  if (count > r.remaining() / per_value || r.remaining() != count * per_value) {
    throw DecodeError("spdz2k client message: " + std::to_string(r.remaining()) + " bytes remain for " +
                      std::to_string(count) + " " + kind_name(out.kind));
  }
  out.values.resize(static_cast<std::size_t>(count) * width(out.kind));
  load_words(r.raw(out.values.size() * word_bytes, "spdz2k client values"), out.values);
  r.expect_end("spdz2k client message");
  return out;
}

Spdz2kClients::Spdz2kClients(net::Network& net, std::vector<std::size_t> compute, std::uint64_t max_values)
    : net_(net), compute_(std::move(compute)), max_values_(max_values) {
  if (compute_.size() < 2) {
    throw InvalidArgument("Spdz2kClients: " + std::to_string(compute_.size()) +
                          " compute parties (SPDZ2k needs at least 2)");
  }
  std::vector<std::size_t> sorted = compute_;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    throw InvalidArgument("Spdz2kClients: a compute party is listed twice (" + detail::id_list(compute_) + ")");
  }
  if (sorted.back() >= net_.party_count()) {
    throw InvalidArgument("Spdz2kClients: compute party " + std::to_string(sorted.back()) + " is outside the " +
                          std::to_string(net_.party_count()) + "-party network");
  }
  if (max_values_ == 0 || max_values_ > (std::numeric_limits<std::uint32_t>::max)()) {
    throw InvalidArgument("Spdz2kClients: max_values must be in 1..2^32-1");
  }
}

bool Spdz2kClients::computes() const noexcept {
  return std::find(compute_.begin(), compute_.end(), net_.party_id()) != compute_.end();
}

void Spdz2kClients::check_compute_call(const mpc::Spdz2k& p, const mpc::Spdz2kPreprocessing& pre,
                                       std::size_t client, std::size_t count, const char* what) const {
  const std::string where = std::string("Spdz2kClients::") + what + ": ";
  if (!computes()) {
    throw InvalidArgument(where + "party " + std::to_string(net_.party_id()) + " is not a compute party");
  }
  if (client >= net_.party_count() || std::find(compute_.begin(), compute_.end(), client) != compute_.end()) {
    throw InvalidArgument(where + "party " + std::to_string(client) + " is not a client of this network");
  }
  if (count > max_values_) {
    throw InvalidArgument(where + std::to_string(count) + " values exceed max_values " +
                          std::to_string(max_values_));
  }
  const auto me = static_cast<std::size_t>(std::find(compute_.begin(), compute_.end(), net_.party_id()) -
                                           compute_.begin());
  if (p.party_count() != compute_.size() || pre.party_count() != compute_.size() || p.party_id() != me ||
      pre.party_id() != me) {
    throw InvalidArgument(where + "the protocol or its preprocessing is not compute party " + std::to_string(me) +
                          " of " + std::to_string(compute_.size()));
  }
}

void Spdz2kClients::check_client_call(std::size_t count, const char* what) const {
  const std::string where = std::string("Spdz2kClients::") + what + ": ";
  if (computes()) {
    throw InvalidArgument(where + "party " + std::to_string(net_.party_id()) + " computes, so it is no client");
  }
  if (count > max_values_) {
    throw InvalidArgument(where + std::to_string(count) + " values exceed max_values " +
                          std::to_string(max_values_));
  }
}

Spdz2kClientMessage Spdz2kClients::receive(std::size_t from, Kind kind, std::size_t count) {
  const std::size_t limit = header_bytes + static_cast<std::size_t>(max_values_) * word_bytes * 3;
  const Bytes bytes = net_.receive_message(from, limit);
  Spdz2kClientMessage message;
  try {
    message = Spdz2kClientMessage::from_bytes(bytes, max_values_);
  } catch (const DecodeError& e) {
    throw DecodeError("party " + std::to_string(from) + ": " + e.what());
  }
  if (message.kind != kind) {
    throw ProtocolError(from, std::string("sent ") + kind_name(message.kind) + " where " + kind_name(kind) +
                                  " were expected");
  }
  if (message.count() != count) {
    throw ProtocolError(from, "sent " + std::to_string(message.count()) + " " + kind_name(kind) + ", expected " +
                                  std::to_string(count));
  }
  return message;
}

mpc::Spdz2k::Arith Spdz2kClients::send_masks(mpc::Spdz2kPreprocessing& pre, std::size_t client, std::size_t n) {
  mpc::spdz2k::Triples t = pre.triples(n);
  Spdz2kClientMessage masks{Kind::masks, {}};
  masks.values.reserve(3 * n);
  for (std::size_t j = 0; j < n; ++j) {
    masks.values.push_back(t.a.x[j]);
    masks.values.push_back(t.b.x[j]);
    masks.values.push_back(t.c.x[j]);
  }
  net_.send_message(client, masks.to_bytes());
  net_.flush();
  return std::move(t.a);
}

std::vector<Word> Spdz2kClients::receive_masks(std::size_t n) {
  std::vector<Word> a(n), b(n), c(n);
  for (const std::size_t from : compute_) {
    const Spdz2kClientMessage m = receive(from, Kind::masks, n);
    for (std::size_t j = 0; j < n; ++j) {
      a[j] += m.values[3 * j];
      b[j] += m.values[3 * j + 1];
      c[j] += m.values[3 * j + 2];
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (a[j] * b[j] != c[j]) {
      // Which compute party changed its shares cannot be told: name them all.
      throw ProtocolError(compute_.front(), "Spdz2kClients: the masks of compute parties " + detail::id_list(compute_) +
                                                " fail the triple check at value " + std::to_string(j) +
                                                " (a compute party sent a wrong share)");
    }
  }
  return a;
}

mpc::Spdz2k::Arith Spdz2kClients::receive_input(mpc::Spdz2k& p, mpc::Spdz2kPreprocessing& pre, std::size_t client,
                                                std::size_t count) {
  check_compute_call(p, pre, client, count, "receive_input");
  mpc::Spdz2k::Arith x = send_masks(pre, client, count);
  const Spdz2kClientMessage d = receive(client, Kind::input, count);

  // Every compute party must hold the same d: the digest comparison of
  // Rep3's reveal check (every digest is received before any is judged, so
  // all compute parties get to compare and name the same culprit).
  const Bytes wire = d.to_bytes();
  mpc::detail::RevealDigest digest;
  digest.record(mpc::detail::RevealDigest::arith, count, wire);
  std::vector<std::size_t> peers;
  for (const std::size_t peer : compute_) {
    if (peer != net_.party_id()) peers.push_back(peer);
  }
  try {
    digest.check(net_, peers, "Spdz2kClients::receive_input");
  } catch (const ProtocolError& e) {
    throw ProtocolError(e.party(), "received other masked inputs from client " + std::to_string(client) +
                                       " than party " + std::to_string(net_.party_id()) + " (client " +
                                       std::to_string(client) + " sent different values, or party " +
                                       std::to_string(e.party()) + " misreports them)");
  }

  // <x> = <a> + d: the constant enters compute party 0's value share and
  // every party's MAC share (as mpc::Spdz2k adds constants).
  const Word alpha = pre.mac_key_share();
  const bool first = p.party_id() == 0;
  for (std::size_t j = 0; j < count; ++j) {
    if (first) x.x[j] += d.values[j];
    x.m[j] += alpha * d.values[j];
  }
  return x;
}

void Spdz2kClients::send_output(mpc::Spdz2k& p, mpc::Spdz2kPreprocessing& pre, std::size_t client,
                                const mpc::Spdz2k::Arith& x) {
  check_compute_call(p, pre, client, x.size(), "send_output");
  const mpc::Spdz2k::Arith a = send_masks(pre, client, x.size());
  mpc::Spdz2k::Arith masked = p.add(x, a);
  std::vector<Word> y = p.open_values(masked, "output to a client");
  // Nothing leaves before every pending opening, y included, is checked.
  p.check();
  net_.send_message(client, Spdz2kClientMessage{Kind::output, std::move(y)}.to_bytes());
  net_.flush();
}

void Spdz2kClients::send_input(std::span<const Ring> values) {
  check_client_call(values.size(), "send_input");
  const std::vector<Word> a = receive_masks(values.size());
  Spdz2kClientMessage d{Kind::input, std::vector<Word>(values.size())};
  for (std::size_t j = 0; j < values.size(); ++j) d.values[j] = Word{values[j].value()} - a[j];
  const Bytes wire = d.to_bytes();
  for (const std::size_t to : compute_) net_.send_message(to, wire);
  net_.flush();
}

std::vector<Ring> Spdz2kClients::receive_output(std::size_t count) {
  check_client_call(count, "receive_output");
  const std::vector<Word> a = receive_masks(count);
  std::vector<Word> y;
  for (std::size_t i = 0; i < compute_.size(); ++i) {
    Spdz2kClientMessage m = receive(compute_[i], Kind::output, count);
    if (i == 0) {
      y = std::move(m.values);
    } else if (m.values != y) {
      throw ProtocolError(compute_[i], "sent another output than compute party " + std::to_string(compute_[0]) +
                                           " (one of them deviated; the result is refused)");
    }
  }
  std::vector<Ring> out(count);
  for (std::size_t j = 0; j < count; ++j) out[j] = Ring{static_cast<std::uint64_t>(y[j] - a[j])};
  return out;
}

}  // namespace privfin::service
