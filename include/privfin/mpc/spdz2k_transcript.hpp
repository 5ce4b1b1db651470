// privfin/mpc/spdz2k_transcript.hpp — accountability for Spdz2k: every
// message signed (Ed25519) and hash-chained per session, so that a party
// that sent conflicting messages to different peers can be proved to have
// done so, to anyone holding its public key.
//
//   mpc::SignedTranscript signed_net(net, session_id, my_key, all_public_keys);
//   mpc::Spdz2k p(signed_net, pre, prg);
//   p.set_audit([&] { signed_net.audit(); });   // at the start of every check
//   try { ... } catch (const ProtocolError& e) {
//     if (signed_net.evidence()) publish(signed_net.evidence()->to_bytes());
//   }
//   // anyone: mpc::verify_equivocation(evidence, session_id, public_key_of_signer)
//
// Why it works for Spdz2k: every message Spdz2k sends is a broadcast (the
// same bytes to every peer: shares in openings, the owner's x - r, the
// check's commitments and openings). The wrapper keeps, per peer, a chain
// head_0 = 0, head_s = SHA-256("privfin spdz2k chain" || head_{s-1} ||
// message_s) over the messages sent to that peer, and appends to each
// message the signature of the statement (session, signer, s, head_s). An
// honest party's chains to all peers are equal. Each receiver recomputes
// the chain from what it received and refuses (ProtocolError naming the
// sender) a message whose signature does not match. audit() (one round)
// has every party forward to every peer the latest statement it holds from
// each other party; two valid statements by party k for the same s with
// different heads are an EquivocationEvidence: k signed two different
// histories of its broadcast, which only k can have done.
//
// What it attributes and what not: equivocation (different messages to
// different peers) is proved. A message whose signature fails at its
// receiver is refused and blamed on the sender, but the receiver cannot
// prove it (it could be lying, or the channel faulty). Consistent wrong
// values (the same wrong share to everyone) carry valid signatures and
// are caught by the MAC check, which cannot say who (spdz2k.hpp); the
// signed transcript then shows what each party sent, but not which one was
// wrong. A party that stops sending is not provable either.
//
// Use only under protocols whose every message is one send and one
// receive of the same size (Spdz2k's own messages); the preprocessing's OT
// traffic must use the inner network. Costs: 64 bytes and one signature
// per message sent (one per broadcast: the signature is reused across
// peers), one verification per message received; audit(): one round,
// 112 (n - 1) bytes per peer. Errors: InvalidArgument for a key list of the
// wrong size, a secret key that is not this party's or a malformed public
// key; ProtocolError(k, ...) for an invalid signature or an equivocation by
// k; DecodeError from TranscriptStatement::from_bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/net/network.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::mpc {

// Party `signer` says: the first `seq` messages I sent in `session` chain to
// `head`. Wire form: u64le signer, u64le seq, raw(32) head, raw(64)
// signature = Ed25519 over "privfin spdz2k statement v1" || u64le
// session length || session || u64le signer || u64le seq || head.
struct TranscriptStatement {
  static constexpr std::size_t byte_size = 8 + 8 + 32 + 64;
  std::uint64_t signer = 0;
  std::uint64_t seq = 0;
  std::array<std::byte, 32> head{};
  std::array<std::byte, 64> signature{};
  [[nodiscard]] Bytes to_bytes() const;
  // DecodeError unless exactly byte_size bytes.
  [[nodiscard]] static TranscriptStatement from_bytes(ByteView bytes);
  [[nodiscard]] Bytes signed_message(ByteView session) const;
  [[nodiscard]] bool verify(ByteView session, ByteView public_key) const;
  friend bool operator==(const TranscriptStatement&, const TranscriptStatement&) = default;
};

// Two statements by one signer about the same number of messages with
// different heads. Wire form: the two statements, 224 bytes.
struct EquivocationEvidence {
  TranscriptStatement first;
  TranscriptStatement second;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static EquivocationEvidence from_bytes(ByteView bytes);  // DecodeError unless 224 bytes
};

// True when the evidence proves that the owner of `public_key` equivocated
// in `session`: same signer, same seq, different heads, both signatures valid.
[[nodiscard]] bool verify_equivocation(const EquivocationEvidence& evidence, ByteView session, ByteView public_key);

class SignedTranscript final : public net::Network {
 public:
  // public_keys[j]: party j's 32-byte Ed25519 key (one per party of `inner`).
  SignedTranscript(net::Network& inner, ByteView session, const sig::Ed25519SecretKey& key,
                   std::vector<Bytes> public_keys);
  // One round; ProtocolError on an equivocation (evidence() then set) or a
  // forwarded statement with a bad signature (blames the forwarder).
  void audit();
  [[nodiscard]] const std::optional<EquivocationEvidence>& evidence() const noexcept { return evidence_; }
  // The latest statement received from `party` (seq 0: none yet).
  [[nodiscard]] const TranscriptStatement& latest_from(std::size_t party) const { return latest_.at(party); }

 protected:
  void do_send(std::size_t peer, ByteView data) override;
  void do_flush() override;
  void do_receive(std::size_t peer, std::span<std::byte> out) override;

 private:
  net::Network& inner_;
  Bytes session_;
  const sig::Ed25519SecretKey& key_;
  std::vector<Bytes> keys_;
  std::vector<std::array<std::byte, 32>> sent_head_;
  std::vector<std::uint64_t> sent_seq_;
  std::vector<std::array<std::byte, 32>> recv_head_;
  std::vector<std::uint64_t> recv_seq_;
  std::vector<TranscriptStatement> latest_;
  // The last statement signed (reused while the chains to all peers agree).
  std::optional<TranscriptStatement> last_signed_;
  std::optional<EquivocationEvidence> evidence_;
};

}  // namespace privfin::mpc
