// Batched threshold Paillier decryption rounds; see
// privfin/service/threshold_decryption.hpp. The only state across rounds is
// the round counter (it makes a stale or replayed batch message fail) and
// whether the parameters were agreed.
#include "privfin/service/threshold_decryption.hpp"

#include "privfin/core/hash.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::service {

namespace {

constexpr std::size_t varint_max = 10;

std::string list_text(const std::vector<std::size_t>& ids) {
  std::string s;
  for (std::size_t id : ids) {
    if (!s.empty()) s += ",";
    s += std::to_string(id);
  }
  return s;
}

// Sorted, without repeats, inside the network: InvalidArgument otherwise.
void check_list(std::vector<std::size_t>& ids, std::size_t count, const char* what) {
  if (ids.empty()) throw InvalidArgument(std::string("ThresholdDecryption: no ") + what + " parties");
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= count) {
      throw InvalidArgument(std::string("ThresholdDecryption: ") + what + " party " + std::to_string(ids[i]) +
                            " is not in the network of " + std::to_string(count) + " parties");
    }
    if (i > 0 && ids[i] == ids[i - 1]) {
      throw InvalidArgument(std::string("ThresholdDecryption: ") + what + " party " + std::to_string(ids[i]) +
                            " is listed twice");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- DecryptionShareBatch

Bytes DecryptionShareBatch::to_bytes(const he::ThresholdPaillierPublicKey& key) const {
  if (shares.size() > max_batch) {
    throw InvalidArgument("DecryptionShareBatch::to_bytes: " + std::to_string(shares.size()) + " shares exceed " +
                          std::to_string(max_batch));
  }
  Writer w;
  w.version(format_version).raw(key.key_id()).raw(batch_digest).varint(round).varint(shares.size());
  for (const auto& share : shares) w.bytes(key.share_to_bytes(share));
  return std::move(w).take();
}

DecryptionShareBatch DecryptionShareBatch::from_bytes(ByteView bytes, const he::ThresholdPaillierPublicKey& key, std::size_t count) {
  Reader r(bytes);
  r.expect_version(format_version, "share batch");
  const ByteView id = r.raw(key.key_id().size(), "share batch key id");
  if (!std::equal(id.begin(), id.end(), key.key_id().begin())) {
    throw DecodeError("share batch: made under another threshold key (key id differs)");
  }
  DecryptionShareBatch batch;
  const ByteView digest = r.raw(batch.batch_digest.size(), "share batch digest");
  std::copy(digest.begin(), digest.end(), batch.batch_digest.begin());
  batch.round = r.varint("share batch round");
  const std::size_t n = r.length("share batch count", max_batch);
  if (n != count) {
    throw DecodeError("share batch: " + std::to_string(n) + " shares for a batch of " + std::to_string(count) +
                      " ciphertexts");
  }
  // Each share needs at least its length byte and a ciphertext-sized value.
  if (n > r.remaining() / (1 + key.paillier().ciphertext_bytes())) {
    throw DecodeError("share batch: " + std::to_string(n) + " shares need more bytes than remain (" +
                      std::to_string(r.remaining()) + ")");
  }
  batch.shares.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    batch.shares.push_back(key.share_from_bytes(r.bytes("share", key.max_share_size())));
  }
  r.expect_end("share batch");
  return batch;
}

std::size_t DecryptionShareBatch::max_size(const he::ThresholdPaillierPublicKey& key, std::size_t count) {
  return 1 + key.key_id().size() + he::CiphertextDigest{}.size() + 2 * varint_max +
         count * (varint_max + key.max_share_size());
}

he::CiphertextDigest DecryptionShareBatch::digest_of(const he::ThresholdPaillierPublicKey& key,
                                                     std::span<const he::PaillierCiphertext> batch) {
  Sha256 h;
  Writer w;
  w.string("privfin/service/threshold-decryption batch v1").varint(batch.size());
  h.update(w.data());
  for (const auto& c : batch) h.update(key.ciphertext_digest(c));
  return h.finish();
}

// ---------------------------------------------------------------- driver

ThresholdDecryption::ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                                         const he::ThresholdPaillierKeyShare& key_share,
                                         std::vector<std::size_t> decryptors, std::vector<std::size_t> outputs)
    : ThresholdDecryption(net, key, std::move(decryptors), std::move(outputs), &key_share) {}

ThresholdDecryption::ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                                         std::vector<std::size_t> decryptors, std::vector<std::size_t> outputs)
    : ThresholdDecryption(net, key, std::move(decryptors), std::move(outputs), nullptr) {}

ThresholdDecryption::ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                                         std::vector<std::size_t> decryptors, std::vector<std::size_t> outputs,
                                         const he::ThresholdPaillierKeyShare* key_share)
    : net_(net), key_(key), key_share_(key_share), decryptors_(std::move(decryptors)), outputs_(std::move(outputs)) {
  const std::size_t me = net_.party_id();
  check_list(decryptors_, net_.party_count(), "decrypting");
  check_list(outputs_, net_.party_count(), "output");
  for (std::size_t id : decryptors_) {
    if (id >= key_.parties()) {
      throw InvalidArgument("ThresholdDecryption: decrypting party " + std::to_string(id) +
                            " holds no key share: the key has parties 0.." + std::to_string(key_.parties() - 1));
    }
  }
  if (decryptors_.size() < key_.threshold()) {
    throw InvalidArgument("ThresholdDecryption: " + std::to_string(decryptors_.size()) +
                          " decrypting parties, fewer than the threshold t = " + std::to_string(key_.threshold()));
  }
  std::set_union(decryptors_.begin(), decryptors_.end(), outputs_.begin(), outputs_.end(),
                 std::back_inserter(parties_));
  const bool decrypts = std::binary_search(decryptors_.begin(), decryptors_.end(), me);
  is_output_ = std::binary_search(outputs_.begin(), outputs_.end(), me);
  if (!decrypts && !is_output_) {
    throw InvalidArgument("ThresholdDecryption: party " + std::to_string(me) +
                          " is neither a decrypting nor an output party");
  }
  if (key_share_ != nullptr) {
    if (key_share_->party() != me) {
      throw InvalidArgument("ThresholdDecryption: network party " + std::to_string(me) + " was given party " +
                            std::to_string(key_share_->party()) +
                            "'s key share (key share i belongs to network party i: is this another owner's "
                            "key-share file?)");
    }
    if (!decrypts) {
      throw InvalidArgument("ThresholdDecryption: party " + std::to_string(me) +
                            " holds a key share but is not in the decrypting parties " + list_text(decryptors_));
    }
  } else if (decrypts) {
    throw InvalidArgument("ThresholdDecryption: party " + std::to_string(me) +
                          " is a decrypting party but was given no key share");
  }
}

Parameters ThresholdDecryption::parameters() const {
  Parameters params(protocol_name, protocol_version);
  params.set_bytes("key id", key_.key_id())
      .set("threshold", static_cast<std::uint64_t>(key_.threshold()))
      .set("key parties", static_cast<std::uint64_t>(key_.parties()))
      .set("decrypting parties", list_text(decryptors_))
      .set("output parties", list_text(outputs_));
  return params;
}

void ThresholdDecryption::agree_once() {
  if (agreed_) return;
  agree(net_, parameters(), parties_);
  agreed_ = true;
}

DecryptionResult ThresholdDecryption::decrypt(std::span<const he::PaillierCiphertext> batch, Prg& prg) {
  if (batch.size() > DecryptionShareBatch::max_batch) {
    throw InvalidArgument("ThresholdDecryption::decrypt: " + std::to_string(batch.size()) +
                          " ciphertexts exceed the batch limit " + std::to_string(DecryptionShareBatch::max_batch));
  }
  for (const auto& c : batch) key_.paillier().check(c, "ThresholdDecryption::decrypt");
  agree_once();
  const std::size_t me = net_.party_id();
  const std::uint64_t round = round_++;
  const he::CiphertextDigest batch_digest = DecryptionShareBatch::digest_of(key_, batch);

  // 1. Decrypting parties: one message per output party.
  std::optional<DecryptionShareBatch> mine;
  if (key_share_ != nullptr) {
    mine.emplace();
    mine->batch_digest = batch_digest;
    mine->round = round;
    mine->shares.reserve(batch.size());
    for (const auto& c : batch) mine->shares.push_back(key_share_->decrypt_share(key_, c, prg));
    const Bytes wire = mine->to_bytes(key_);
    for (std::size_t out : outputs_) {
      if (out != me) net_.send_message(out, wire);
    }
    net_.flush();
  }
  DecryptionResult result;
  if (!is_output_) return result;

  // 2. Output parties: receive, bind each share to its sender, verify.
  // candidates[k] holds the shares of ciphertext k that passed every check.
  std::vector<std::vector<he::DecryptionShare>> candidates(batch.size());
  // rejections_of[k]: indices into result.rejected of the parties refused for ciphertext k.
  std::vector<std::vector<std::size_t>> rejections_of(batch.size());
  const std::size_t bound = DecryptionShareBatch::max_size(key_, batch.size());
  auto reject = [&](std::uint64_t item, std::size_t from, RejectionCause cause, std::string detail) {
    result.rejected.push_back(
        Rejection{.item = item, .by = me, .from = from, .cause = cause, .detail = std::move(detail)});
    if (item < rejections_of.size()) rejections_of[item].push_back(result.rejected.size() - 1);
  };
  // A message-level defect refuses the sender for every ciphertext (recorded once, as item 0).
  auto reject_batch = [&](std::size_t from, RejectionCause cause, std::string detail) {
    reject(0, from, cause, std::move(detail));
    for (std::size_t k = 1; k < batch.size(); ++k) rejections_of[k].push_back(result.rejected.size() - 1);
  };
  for (std::size_t sender : decryptors_) {
    DecryptionShareBatch received;
    if (sender == me) {
      received = std::move(*mine);
    } else {
      const Bytes wire = net_.receive_message(sender, bound);
      try {
        received = DecryptionShareBatch::from_bytes(wire, key_, batch.size());
      } catch (const DecodeError& e) {
        reject_batch(sender, RejectionCause::malformed, std::string("batch message: ") + e.what());
        continue;
      }
      if (received.round != round) {
        reject_batch(sender, RejectionCause::replayed,
                     "batch message for round " + std::to_string(received.round) + ", expected round " +
                         std::to_string(round));
        continue;
      }
      if (received.batch_digest != batch_digest) {
        reject_batch(sender, RejectionCause::parameters_differ,
                     "party " + std::to_string(sender) +
                         " decrypted another batch than this party (batch digests differ): the parties were "
                         "not given the same ciphertexts");
        continue;
      }
    }
    for (std::size_t k = 0; k < batch.size(); ++k) {
      he::DecryptionShare& share = received.shares[k];
      if (share.party != sender) {
        reject(k, sender, RejectionCause::wrong_sender,
               "party " + std::to_string(sender) + " sent a share claiming party " + std::to_string(share.party) +
                   ": is it using another owner's key-share file?");
        continue;
      }
      if (auto problem = key_.share_problem(batch[k], share, me, k)) {
        reject(k, sender, problem->cause, std::move(problem->detail));
        continue;
      }
      candidates[k].push_back(std::move(share));
    }
  }

  // 3. Combine t valid shares per ciphertext.
  result.plaintexts.reserve(batch.size());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    auto& valid = candidates[k];
    if (valid.size() < key_.threshold()) {
      const std::string why = "ciphertext " + std::to_string(k) + ": only " + std::to_string(valid.size()) +
                              " valid decryption shares, t = " + std::to_string(key_.threshold()) + " needed";
      if (!rejections_of[k].empty()) {
        const Rejection& first = result.rejected[rejections_of[k].front()];
        throw ProtocolError(first.from.value_or(0), std::string(to_string(first.cause)) + ": " + first.detail +
                                                        "; " + why + " (rejected: " + std::to_string(rejections_of[k].size()) +
                                                        " of " + std::to_string(decryptors_.size()) +
                                                        " decrypting parties)");
      }
      throw InvalidArgument("ThresholdDecryption::decrypt: " + why);
    }
    valid.resize(key_.threshold());
    if (k == 0) {
      for (const auto& s : valid) result.used_parties.push_back(s.party);
    }
    result.plaintexts.push_back(key_.combine_verified(batch[k], valid));
  }
  return result;
}

}  // namespace privfin::service
