// Signed, hash-chained Spdz2k transcripts (see spdz2k_transcript.hpp).
#include "privfin/mpc/spdz2k_transcript.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::mpc {

namespace {
void put_u64(Bytes& out, std::uint64_t v) {
  for (std::size_t b = 0; b < 8; ++b) out.push_back(static_cast<std::byte>((v >> (8 * b)) & 0xFF));
}
std::uint64_t get_u64(const std::byte* in) {
  std::uint64_t v = 0;
  for (std::size_t b = 0; b < 8; ++b) v |= std::uint64_t{std::to_integer<std::uint8_t>(in[b])} << (8 * b);
  return v;
}
std::array<std::byte, 32> chain(const std::array<std::byte, 32>& prev, ByteView message) {
  Sha256 h;
  h.update(as_bytes(std::string_view("privfin spdz2k chain")));
  h.update(prev);
  h.update(message);
  return h.finish();
}
}  // namespace

Bytes TranscriptStatement::to_bytes() const {
  Bytes out;
  out.reserve(byte_size);
  put_u64(out, signer);
  put_u64(out, seq);
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

TranscriptStatement TranscriptStatement::from_bytes(ByteView bytes) {
  if (bytes.size() != byte_size) {
    throw DecodeError("mpc::TranscriptStatement: " + std::to_string(bytes.size()) + " bytes, expected " +
                      std::to_string(byte_size));
  }
  TranscriptStatement s;
  s.signer = get_u64(bytes.data());
  s.seq = get_u64(bytes.data() + 8);
  std::memcpy(s.head.data(), bytes.data() + 16, 32);
  std::memcpy(s.signature.data(), bytes.data() + 48, 64);
  return s;
}

Bytes TranscriptStatement::signed_message(ByteView session) const {
  const std::string_view label = "privfin spdz2k statement v1";
  Bytes m(reinterpret_cast<const std::byte*>(label.data()), reinterpret_cast<const std::byte*>(label.data()) + label.size());
  put_u64(m, session.size());
  m.insert(m.end(), session.begin(), session.end());
  put_u64(m, signer);
  put_u64(m, seq);
  m.insert(m.end(), head.begin(), head.end());
  return m;
}

bool TranscriptStatement::verify(ByteView session, ByteView public_key) const {
  return sig::ed25519_verify(public_key, signed_message(session), signature);
}

Bytes EquivocationEvidence::to_bytes() const {
  Bytes out = first.to_bytes();
  const Bytes b = second.to_bytes();
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

EquivocationEvidence EquivocationEvidence::from_bytes(ByteView bytes) {
  constexpr std::size_t one = TranscriptStatement::byte_size;
  if (bytes.size() != 2 * one) {
    throw DecodeError("mpc::EquivocationEvidence: " + std::to_string(bytes.size()) + " bytes, expected " +
                      std::to_string(2 * one));
  }
  return {TranscriptStatement::from_bytes(bytes.subspan(0, one)), TranscriptStatement::from_bytes(bytes.subspan(one))};
}

bool verify_equivocation(const EquivocationEvidence& e, ByteView session, ByteView public_key) {
  return e.first.signer == e.second.signer && e.first.seq == e.second.seq && e.first.seq > 0 &&
         e.first.head != e.second.head && e.first.verify(session, public_key) && e.second.verify(session, public_key);
}

SignedTranscript::SignedTranscript(net::Network& inner, ByteView session, const sig::Ed25519SecretKey& key,
                                   std::vector<Bytes> public_keys)
    : Network(inner.party_id(), inner.party_count()),
      inner_(inner),
      session_(session.begin(), session.end()),
      key_(key),
      keys_(std::move(public_keys)) {
  const std::size_t n = inner.party_count();
  if (keys_.size() != n) {
    throw InvalidArgument("mpc::SignedTranscript: " + std::to_string(keys_.size()) + " public keys for " +
                          std::to_string(n) + " parties");
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (keys_[j].size() != sig::ed25519_public_key_size) {
      throw InvalidArgument("mpc::SignedTranscript: public key of party " + std::to_string(j) + " has " +
                            std::to_string(keys_[j].size()) + " bytes");
    }
  }
  if (key_.public_key() != keys_[party_id()]) {
    throw InvalidArgument("mpc::SignedTranscript: the secret key is not party " + std::to_string(party_id()) + "'s");
  }
  sent_head_.resize(n);
  sent_seq_.resize(n, 0);
  recv_head_.resize(n);
  recv_seq_.resize(n, 0);
  latest_.resize(n);
  for (std::size_t j = 0; j < n; ++j) latest_[j].signer = j;
}

void SignedTranscript::do_send(std::size_t peer, ByteView data) {
  sent_head_[peer] = chain(sent_head_[peer], data);
  ++sent_seq_[peer];
  if (!last_signed_ || last_signed_->seq != sent_seq_[peer] || last_signed_->head != sent_head_[peer]) {
    TranscriptStatement s;
    s.signer = party_id();
    s.seq = sent_seq_[peer];
    s.head = sent_head_[peer];
    const Bytes sig = key_.sign(s.signed_message(session_));
    std::memcpy(s.signature.data(), sig.data(), 64);
    last_signed_ = s;
  }
  inner_.send(peer, data);
  inner_.send(peer, ByteView(last_signed_->signature));
}

void SignedTranscript::do_flush() { inner_.flush(); }

void SignedTranscript::do_receive(std::size_t peer, std::span<std::byte> out) {
  inner_.receive(peer, out);
  TranscriptStatement s;
  s.signer = peer;
  s.seq = recv_seq_[peer] + 1;
  s.head = chain(recv_head_[peer], out);
  inner_.receive(peer, std::span<std::byte>(s.signature));
  if (!s.verify(session_, keys_[peer])) {
    throw ProtocolError(peer, "mpc::SignedTranscript: message " + std::to_string(s.seq) +
                                  " does not carry the sender's signature of its transcript");
  }
  recv_head_[peer] = s.head;
  recv_seq_[peer] = s.seq;
  latest_[peer] = s;
}

void SignedTranscript::audit() {
  const std::size_t n = party_count();
  const std::size_t me = party_id();
  Bytes mine;
  for (std::size_t k = 0; k < n; ++k) {
    if (k == me) continue;
    const Bytes b = latest_[k].to_bytes();
    mine.insert(mine.end(), b.begin(), b.end());
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (j != me) inner_.send(j, mine);
  }
  inner_.flush();
  std::vector<Bytes> theirs(n);
  for (std::size_t j = 0; j < n; ++j) {
    if (j != me) theirs[j] = inner_.receive(j, mine.size());
  }
  constexpr std::size_t one = TranscriptStatement::byte_size;
  for (std::size_t j = 0; j < n; ++j) {
    if (j == me) continue;
    std::size_t at = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (k == j) continue;
      const auto s = TranscriptStatement::from_bytes(ByteView(theirs[j]).subspan(at * one, one));
      ++at;
      if (k == me) continue;  // what j holds from us: we know what we sent
      if (s.signer != k) {
        throw ProtocolError(j, "mpc::SignedTranscript::audit: forwarded a statement of party " +
                                   std::to_string(s.signer) + " in party " + std::to_string(k) + "'s place");
      }
      const TranscriptStatement& own = latest_[k];
      if (s.seq == 0 || s.seq != own.seq || s.head == own.head) continue;
      if (!s.verify(session_, keys_[k])) {
        throw ProtocolError(j, "mpc::SignedTranscript::audit: forwarded a statement of party " + std::to_string(k) +
                                   " with an invalid signature");
      }
      evidence_ = EquivocationEvidence{own, s};
      throw ProtocolError(k, "mpc::SignedTranscript::audit: equivocation: party " + std::to_string(k) +
                                 " signed two different histories of its first " + std::to_string(s.seq) +
                                 " messages (one sent to us, one to party " + std::to_string(j) +
                                 "); the evidence proves it to anyone with its public key");
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (j == me) continue;
    std::size_t at = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (k == j) continue;
      const auto s = TranscriptStatement::from_bytes(ByteView(theirs[j]).subspan(at * one, one));
      ++at;
      if (k != me && s.seq != latest_[k].seq) {
        throw ProtocolError(k, "mpc::SignedTranscript::audit: party " + std::to_string(k) + " sent us " +
                                   std::to_string(latest_[k].seq) + " messages and party " + std::to_string(j) +
                                   " " + std::to_string(s.seq) + " (not provable)");
      }
    }
  }
}

}  // namespace privfin::mpc
