// Chou-Orlandi "Simplest OT" over ristretto255, batched; see
// include/privfin/ot/base_ot.hpp for the protocol, the fixes relied on and
// the security statement.
#include "privfin/ot/base_ot.hpp"

#include <sodium.h>

#include <string>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ot/messages.hpp"
#include "session_support.hpp"

namespace privfin::ot {
namespace {

using Scalar = std::array<unsigned char, crypto_core_ristretto255_SCALARBYTES>;

void check_sodium() {
  if (sodium_init() < 0) throw Error("ot: libsodium failed to initialise");
}

// A uniform scalar from 64 PRG bytes reduced mod the group order (bias 2^-260).
Scalar random_scalar(Prg& prg) {
  std::array<unsigned char, crypto_core_ristretto255_NONREDUCEDSCALARBYTES> wide{};
  prg.fill(std::as_writable_bytes(std::span(wide)));
  Scalar s{};
  crypto_core_ristretto255_scalar_reduce(s.data(), wide.data());
  sodium_memzero(wide.data(), wide.size());
  return s;
}

// A scalar wiped when it goes out of scope, however the function ends.
struct WipedScalar {
  Scalar v;
  explicit WipedScalar(const Scalar& s) : v(s) {}
  WipedScalar(const WipedScalar&) = delete;
  WipedScalar& operator=(const WipedScalar&) = delete;
  ~WipedScalar() { sodium_memzero(v.data(), v.size()); }
};

const unsigned char* u(const Point& p) { return reinterpret_cast<const unsigned char*>(p.data()); }
unsigned char* u(Point& p) { return reinterpret_cast<unsigned char*>(p.data()); }

bool is_identity(const Point& p) { return sodium_is_zero(u(p), p.size()) == 1; }

// k = SHA-256("privfin ot base v1" || sender id || receiver id || i || A || B || P)[0..16).
Block derive_key(std::size_t sender, std::size_t receiver, std::size_t i, const Point& a, const Point& b,
                 const Point& shared) {
  Sha256 h;
  h.update(as_bytes("privfin ot base v1"));
  std::array<std::byte, 24> ids{};
  for (std::size_t k = 0; k < 8; ++k) {
    ids[k] = static_cast<std::byte>((static_cast<std::uint64_t>(sender) >> (8 * k)) & 0xFFU);
    ids[8 + k] = static_cast<std::byte>((static_cast<std::uint64_t>(receiver) >> (8 * k)) & 0xFFU);
    ids[16 + k] = static_cast<std::byte>((static_cast<std::uint64_t>(i) >> (8 * k)) & 0xFFU);
  }
  h.update(ids).update(a).update(b).update(shared);
  auto d = h.finish();
  const Block k = Block::from_bytes(ByteView(d).first(16));
  secure_wipe(d);
  return k;
}

void check_count(std::size_t count, const char* where) {
  if (count == 0 || count > max_base_ots) {
    throw InvalidArgument(std::string(where) + ": count " + std::to_string(count) + " is not in 1.." +
                          std::to_string(max_base_ots));
  }
}

}  // namespace

std::vector<std::array<Block, 2>> base_ot_send(net::Network& net, std::size_t peer, std::size_t count, Prg& prg) {
  check_sodium();
  check_count(count, "ot::base_ot_send");
  if (peer == net.party_id() || peer >= net.party_count()) {
    throw InvalidArgument("ot::base_ot_send: bad peer " + std::to_string(peer));
  }
  const WipedScalar a{random_scalar(prg)};
  BaseOtSetup setup{static_cast<std::uint32_t>(count), {}};
  crypto_scalarmult_ristretto255_base(u(setup.a), a.v.data());
  net.send_message(peer, setup.to_bytes());
  const auto choice = support::decode_from<BaseOtChoice>(peer, net.receive_message(peer, 16 + 32 * max_base_ots));
  if (choice.b.size() != count) {
    throw ProtocolError(peer, "base OT: receiver sent " + std::to_string(choice.b.size()) + " points, expected " +
                                  std::to_string(count));
  }
  std::vector<std::array<Block, 2>> keys(count);
  Point shared{};
  Point diff{};
  for (std::size_t i = 0; i < count; ++i) {
    const Point& b = choice.b[i];
    // a*B is the identity only for B = identity (prime order), which no honest receiver sends.
    crypto_core_ristretto255_sub(u(diff), u(b), u(setup.a));
    if (is_identity(b) || crypto_scalarmult_ristretto255(u(shared), a.v.data(), u(b)) != 0 ||
        (is_identity(diff) ? false : crypto_scalarmult_ristretto255(u(diff), a.v.data(), u(diff)) != 0)) {
 throw ProtocolError(peer, "base OT: receiver point " + std::to_string(i) + " is the identity");
    }
    keys[i][0] = derive_key(net.party_id(), peer, i, setup.a, b, shared);
    // B = A gives B - A = identity: then k^1 = H(..., identity), which the receiver knows anyway.
    keys[i][1] = derive_key(net.party_id(), peer, i, setup.a, b, diff);
  }
  sodium_memzero(u(shared), shared.size());
  sodium_memzero(u(diff), diff.size());
  return keys;
}

std::vector<Block> base_ot_receive(net::Network& net, std::size_t peer, std::span<const bool> choices, Prg& prg) {
  check_sodium();
  check_count(choices.size(), "ot::base_ot_receive");
  if (peer == net.party_id() || peer >= net.party_count()) {
    throw InvalidArgument("ot::base_ot_receive: bad peer " + std::to_string(peer));
  }
  const auto setup = support::decode_from<BaseOtSetup>(peer, net.receive_message(peer, 64));
  if (setup.count != choices.size()) {
    throw ProtocolError(peer, "base OT: sender offers " + std::to_string(setup.count) + " OTs, expected " +
                                  std::to_string(choices.size()));
  }
  if (is_identity(setup.a)) throw ProtocolError(peer, "base OT: sender point A is the identity");
  BaseOtChoice msg;
  msg.b.resize(choices.size());
  // The b_i, wiped however this function ends.
  struct Secrets {
    std::vector<Scalar> s;
    explicit Secrets(std::size_t n) : s(n) {}
    Secrets(const Secrets&) = delete;
    Secrets& operator=(const Secrets&) = delete;
    ~Secrets() { sodium_memzero(s.data(), s.size() * sizeof(Scalar)); }
  } held(choices.size());
  auto& secrets = held.s;
  Point plain{};
  for (std::size_t i = 0; i < choices.size(); ++i) {
    secrets[i] = random_scalar(prg);
    crypto_scalarmult_ristretto255_base(u(plain), secrets[i].data());
    Point with_a{};
    crypto_core_ristretto255_add(u(with_a), u(plain), u(setup.a));
    // Constant-time select of plain (choice 0) or A + plain (choice 1).
    const auto m = static_cast<unsigned char>(0 - static_cast<unsigned>(choices[i]));
    for (std::size_t k = 0; k < 32; ++k) {
      msg.b[i][k] = static_cast<std::byte>((static_cast<unsigned char>(plain[k]) & ~m) |
                                           (static_cast<unsigned char>(with_a[k]) & m));
    }
  }
  net.send_message(peer, msg.to_bytes());
  net.flush();  // our last message: the sender waits for it
  std::vector<Block> keys(choices.size());
  Point shared{};
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (crypto_scalarmult_ristretto255(u(shared), secrets[i].data(), u(setup.a)) != 0) {
      throw ProtocolError(peer, "base OT: sender point A is the identity");
    }
    keys[i] = derive_key(peer, net.party_id(), i, setup.a, msg.b[i], shared);
  }
  sodium_memzero(u(shared), shared.size());
  return keys;
}

}  // namespace privfin::ot
