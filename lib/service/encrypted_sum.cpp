#include "privfin/service/encrypted_sum.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::service {

EncryptedSum::EncryptedSum(net::Network& net, const he::PaillierPublicKey& key, std::vector<std::size_t> contributors,
                           std::size_t aggregator, std::size_t length)
    : net_(net), key_(key), contributors_(std::move(contributors)), aggregator_(aggregator), length_(length) {
  const std::set<std::size_t> distinct(contributors_.begin(), contributors_.end());
  if (contributors_.empty() || distinct.size() != contributors_.size()) {
    throw InvalidArgument("EncryptedSum: the contributors must be a non-empty list of distinct parties");
  }
  if (distinct.contains(aggregator_)) throw InvalidArgument("EncryptedSum: the aggregator cannot also contribute");
  if (std::max(*distinct.rbegin(), aggregator_) >= net_.party_count()) {
    throw InvalidArgument("EncryptedSum: party " + std::to_string(std::max(*distinct.rbegin(), aggregator_)) +
                          " is outside the network of " + std::to_string(net_.party_count()));
  }
  if (net_.party_id() != aggregator_ && !distinct.contains(net_.party_id())) {
    throw InvalidArgument("EncryptedSum: party " + std::to_string(net_.party_id()) +
                          " is neither a contributor nor the aggregator");
  }
  if (length_ == 0 || length_ > max_length) {
    throw InvalidArgument("EncryptedSum: the vector length must be in 1..2^20, got " + std::to_string(length_));
  }
}

Parameters EncryptedSum::parameters() const {
  Parameters p(protocol_name, protocol_version);
  std::string who;
  for (const auto c : contributors_) who.append(who.empty() ? "" : ",").append(std::to_string(c));
  p.set_bytes("key id", key_.key_id())
      .set("contributors", who)
      .set("aggregator", std::uint64_t{aggregator_})
      .set("length", std::uint64_t{length_});
  return p;
}

void EncryptedSum::agree_once() {
  if (agreed_) return;
  std::vector<std::size_t> everyone = contributors_;
  everyone.push_back(aggregator_);
  agree(net_, parameters(), everyone);
  agreed_ = true;
}

std::size_t EncryptedSum::vector_bytes() const {
  return 1 + he::PaillierPublicKey::key_id_size + 10 + length_ * key_.ciphertext_bytes();
}

namespace {

// Exactly `length` valid ciphertexts; DecodeError naming `what` otherwise.
EncryptedSum::Ciphertexts read_vector(const he::PaillierPublicKey& key, ByteView bytes, std::size_t length,
                                      const std::string& what) {
  auto v = key.ciphertexts_from_bytes(bytes, length);
  if (v.size() != length) {
    throw DecodeError(what + ": " + std::to_string(v.size()) + " ciphertexts, expected " + std::to_string(length));
  }
  for (const auto& c : v) {
    if (!key.is_valid(c)) throw DecodeError(what + ": a ciphertext is not a unit mod n^2");
  }
  return v;
}

}  // namespace

Bytes EncryptedSum::post_to_bytes(const he::PaillierPublicKey& key, const Post& post) {
  Writer w;
  w.bytes(key.ciphertexts_to_bytes(post.sum));
  for (const auto& v : post.contributions) w.bytes(key.ciphertexts_to_bytes(v));
  return std::move(w).take();
}

EncryptedSum::Post EncryptedSum::post_from_bytes(const he::PaillierPublicKey& key, ByteView bytes,
                                                 std::size_t contributors, std::size_t length) {
  Reader r(bytes);
  Post post;
  post.sum = read_vector(key, r.bytes("posted sum"), length, "posted sum");
  if (contributors > r.remaining()) throw DecodeError("post: more contributions announced than bytes remain");
  for (std::size_t i = 0; i < contributors; ++i) {
    post.contributions.push_back(read_vector(key, r.bytes("posted contribution"), length, "posted contribution"));
  }
  r.expect_end("post");
  return post;
}

EncryptedSum::Ciphertexts EncryptedSum::add_all(const std::vector<Ciphertexts>& vectors) const {
  Ciphertexts sum = vectors.at(0);
  for (std::size_t i = 1; i < vectors.size(); ++i) {
    for (std::size_t k = 0; k < length_; ++k) key_.add_inplace(sum[k], vectors[i][k]);
  }
  return sum;
}

EncryptedSum::Ciphertexts EncryptedSum::aggregate() {
  if (net_.party_id() != aggregator_) throw InvalidArgument("EncryptedSum::aggregate: this party is not the aggregator");
  agree_once();
  std::vector<Ciphertexts> contributions;
  for (const auto c : contributors_) {
    try {
      contributions.push_back(read_vector(key_, net_.receive_message(c, vector_bytes()), length_, "contribution"));
    } catch (const DecodeError& e) {
      throw ProtocolError(c, std::string("malformed contribution: ") + e.what());
    }
  }
  Post post{add_all(contributions), std::move(contributions)};
  const Bytes message = post_to_bytes(key_, post);
  for (const auto c : contributors_) net_.send_message(c, message);
  net_.flush();
  return std::move(post.sum);
}

EncryptedSum::Ciphertexts EncryptedSum::contribute(std::span<const he::PaillierCiphertext> mine) {
  const auto me = std::find(contributors_.begin(), contributors_.end(), net_.party_id());
  if (me == contributors_.end()) throw InvalidArgument("EncryptedSum::contribute: this party is not a contributor");
  if (mine.size() != length_) {
    throw InvalidArgument("EncryptedSum::contribute: " + std::to_string(mine.size()) + " ciphertexts, expected " +
                          std::to_string(length_));
  }
  for (const auto& c : mine) key_.check(c, "EncryptedSum::contribute");
  agree_once();
  net_.send_message(aggregator_, key_.ciphertexts_to_bytes(mine));
  const Bytes message_from_aggregator =
      net_.receive_message(aggregator_, (contributors_.size() + 1) * (10 + vector_bytes()));
  Post post;
  try {
    post = post_from_bytes(key_, message_from_aggregator, contributors_.size(), length_);
  } catch (const DecodeError& e) {
    throw ProtocolError(aggregator_, std::string("malformed post: ") + e.what());
  }
  const auto index = static_cast<std::size_t>(me - contributors_.begin());
  if (!std::equal(mine.begin(), mine.end(), post.contributions[index].begin())) {
    throw ProtocolError(aggregator_, "our contribution is missing from the post or altered");
  }
  if (add_all(post.contributions) != post.sum) {
    throw ProtocolError(aggregator_, "the posted sum is not the sum of the posted contributions");
  }
  return std::move(post.sum);
}

}  // namespace privfin::service
