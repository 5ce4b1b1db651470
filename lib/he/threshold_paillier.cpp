// Threshold Paillier with verifiable decryption shares; see
// privfin/he/threshold_paillier.hpp. Follows Damgård–Jurik (PKC 2001) §4.1
// with s = 1: shares c^(2 Delta s_i), proofs of log_{c^4}(c_i^2) =
// log_v(v_i), and combination with the integer Lagrange coefficients
// lambda_i = Delta prod_{j != i} j / (j - i) over the evaluation points
// (party + 1: parties are 0-based network ids, f(0) is the secret).
#include "privfin/he/threshold_paillier.hpp"

#include <algorithm>
#include <utility>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/zk/transcript.hpp"

namespace privfin::he {

namespace {
constexpr std::string_view share_protocol_label = "privfin/he/threshold-paillier/decryption-share v2";

mpz_class factorial(std::size_t l) {
  mpz_class f;
  mpz_fac_ui(f.get_mpz_t(), static_cast<unsigned long>(l));
  return f;
}

// Where party i's share polynomial is evaluated: f(0) is the secret.
unsigned long evaluation_point(std::size_t party) { return static_cast<unsigned long>(party) + 1; }

bool in_unit_group(const mpz_class& x, const PaillierPublicKey& pk) {
  return pk.is_valid(PaillierCiphertext(x));
}

zk::DleqGroup make_group(const PaillierPublicKey& pk, const mpz_class& delta) {
  return zk::DleqGroup::hidden_order(pk.n_squared(), 2 * pk.modulus_bits() + bigint::bit_length(delta));
}

// The transcript both prover and verifier build before the DLEQ part.
zk::Transcript share_transcript(const ThresholdPaillierPublicKey& pk, std::size_t party, const PaillierCiphertext& c,
                                const mpz_class& value) {
  zk::Transcript t(share_protocol_label);
  t.append("key id", pk.key_id());
  t.append_u64("party", party);
  t.append("ciphertext", bigint::to_bytes_le(c.value(), pk.paillier().ciphertext_bytes()));
  t.append("share", bigint::to_bytes_le(value, pk.paillier().ciphertext_bytes()));
  return t;
}

zk::DleqStatement share_statement(const ThresholdPaillierPublicKey& pk, std::size_t party,
                                  const PaillierCiphertext& c, const mpz_class& value) {
  const mpz_class& n2 = pk.paillier().n_squared();
  const mpz_class c2 = (c.value() * c.value()) % n2;
  return zk::DleqStatement{(c2 * c2) % n2, pk.v(), (value * value) % n2, pk.verification_key(party)};
}
}  // namespace

// ---------------------------------------------------------------- public key

ThresholdPaillierPublicKey::ThresholdPaillierPublicKey(PaillierPublicKey paillier, std::size_t threshold,
                                                       std::size_t parties, mpz_class v,
                                                       std::vector<mpz_class> verification_keys)
    : pk_(std::move(paillier)),
      threshold_(threshold),
      parties_(parties),
      v_(std::move(v)),
      verification_keys_(std::move(verification_keys)),
      delta_(factorial(parties <= max_parties ? parties : 1)),
      group_(make_group(pk_, delta_)) {
  if (threshold < 1 || threshold > parties || parties > max_parties) {
    throw InvalidArgument("ThresholdPaillierPublicKey: need 1 <= t <= l <= " + std::to_string(max_parties) +
                          ", got t = " + std::to_string(threshold) + ", l = " + std::to_string(parties));
  }
  if (verification_keys_.size() != parties) {
    throw InvalidArgument("ThresholdPaillierPublicKey: expected " + std::to_string(parties) +
                          " verification keys, got " + std::to_string(verification_keys_.size()));
  }
  if (!in_unit_group(v_, pk_)) throw InvalidArgument("ThresholdPaillierPublicKey: v is not in Z*_{n^2}");
  for (std::size_t i = 0; i < parties; ++i) {
    if (!in_unit_group(verification_keys_[i], pk_)) {
      throw InvalidArgument("ThresholdPaillierPublicKey: verification key of party " + std::to_string(i) +
                            " is not in Z*_{n^2}");
    }
  }
  mpz_class four_delta_squared = 4 * delta_ * delta_;
  if (mpz_class g = gcd(four_delta_squared, pk_.n()); g != 1) {
    throw InvalidArgument("ThresholdPaillierPublicKey: l! shares a factor with n");
  }
  four_delta_squared_inv_ = bigint::invert(four_delta_squared % pk_.n(), pk_.n());
  Sha256 h;
  h.update(as_bytes("privfin threshold paillier key id v1"));
  h.update(to_bytes());
  const auto digest = h.finish();
  std::copy_n(digest.begin(), key_id_.size(), key_id_.begin());
}

const mpz_class& ThresholdPaillierPublicKey::verification_key(std::size_t party) const {
  if (party >= parties_) {
    throw InvalidArgument("ThresholdPaillierPublicKey: party " + std::to_string(party) + " is not in [0, " +
                          std::to_string(parties_) + ")");
  }
  return verification_keys_[party];
}

CiphertextDigest ThresholdPaillierPublicKey::ciphertext_digest(const PaillierCiphertext& c) const {
  pk_.check(c, "ThresholdPaillierPublicKey::ciphertext_digest");
  Sha256 h;
  h.update(as_bytes("privfin threshold paillier ciphertext v1"));
  h.update(bigint::to_bytes_le(c.value(), pk_.ciphertext_bytes()));
  return h.finish();
}

std::optional<Rejection> ThresholdPaillierPublicKey::share_problem(const PaillierCiphertext& c,
                                                                   const DecryptionShare& share, std::size_t by,
                                                                   std::uint64_t item) const {
  auto reject = [&](RejectionCause cause, std::string detail) {
    return Rejection{.item = item, .by = by, .from = share.party, .cause = cause, .detail = std::move(detail)};
  };
  if (share.party >= parties_) {
    return reject(RejectionCause::out_of_range, "unknown party id " + std::to_string(share.party) +
                                                    " (the key has parties 0.." + std::to_string(parties_ - 1) + ")");
  }
  if (share.key_id != key_id_) {
    return reject(RejectionCause::wrong_key, "the share was made under a different threshold key");
  }
  if (share.ciphertext_digest != ciphertext_digest(c)) {
    return reject(RejectionCause::wrong_key, "the share is for a different ciphertext");
  }
  if (!in_unit_group(share.value, pk_)) return reject(RejectionCause::malformed, "the share value is not in Z*_{n^2}");
  zk::Transcript t = share_transcript(*this, share.party, c, share.value);
  if (!zk::dleq_verify(t, group_, share_statement(*this, share.party, c, share.value), share.proof)) {
    return reject(RejectionCause::invalid_proof, "the proof of correct decryption does not verify");
  }
  return std::nullopt;
}

CombineResult ThresholdPaillierPublicKey::combine(const PaillierCiphertext& c,
                                                  std::span<const DecryptionShare> shares, std::size_t by,
                                                  std::uint64_t item) const {
  pk_.check(c, "ThresholdPaillierPublicKey::combine");
  if (shares.size() < threshold_) {
    throw InvalidArgument("ThresholdPaillierPublicKey::combine: fewer than t = " + std::to_string(threshold_) +
                          " shares (got " + std::to_string(shares.size()) + ")");
  }
  CombineResult result;
  std::vector<const DecryptionShare*> accepted;
  for (const DecryptionShare& share : shares) {
    const bool duplicate = std::any_of(accepted.begin(), accepted.end(),
                                       [&](const DecryptionShare* a) { return a->party == share.party; });
    if (duplicate) {
      result.rejected.push_back(Rejection{.item = item,
                                         .by = by,
                                         .from = share.party,
                                         .cause = RejectionCause::duplicate,
                                         .detail = "duplicate party id " + std::to_string(share.party) +
                                                   " (a valid share from this party was already accepted)"});
      continue;
    }
    if (auto problem = share_problem(c, share, by, item)) {
      result.rejected.push_back(std::move(*problem));
      continue;
    }
    accepted.push_back(&share);
  }
  if (accepted.size() < threshold_) {
    const std::string why = "only " + std::to_string(accepted.size()) + " valid shares, t = " +
                            std::to_string(threshold_) + " needed";
    if (!result.rejected.empty()) {
      throw ProtocolError(result.rejected.front().from.value_or(0),
                          result.rejected.front().detail + "; " + why + " (" +
                              std::to_string(result.rejected.size()) + " shares rejected)");
    }
    throw InvalidArgument("ThresholdPaillierPublicKey::combine: " + why);
  }
  std::vector<DecryptionShare> chosen;
  chosen.reserve(threshold_);
  for (std::size_t i = 0; i < threshold_; ++i) {
    chosen.push_back(*accepted[i]);
    result.used_parties.push_back(accepted[i]->party);
  }
  result.plaintext = combine_verified(c, chosen);
  return result;
}

mpz_class ThresholdPaillierPublicKey::combine_verified(const PaillierCiphertext& c,
                                                       std::span<const DecryptionShare> shares) const {
  pk_.check(c, "ThresholdPaillierPublicKey::combine_verified");
  if (shares.size() != threshold_) {
    throw InvalidArgument("ThresholdPaillierPublicKey::combine_verified: need exactly t = " +
                          std::to_string(threshold_) + " shares, got " + std::to_string(shares.size()));
  }
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].party >= parties_) {
      throw InvalidArgument("ThresholdPaillierPublicKey::combine_verified: unknown party id " +
                            std::to_string(shares[i].party));
    }
    if (!in_unit_group(shares[i].value, pk_)) {
      throw InvalidArgument("ThresholdPaillierPublicKey::combine_verified: a share value is not in Z*_{n^2}");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (shares[j].party == shares[i].party) {
        throw InvalidArgument("ThresholdPaillierPublicKey::combine_verified: duplicate party id " +
                              std::to_string(shares[i].party));
      }
    }
  }
  const mpz_class& n = pk_.n();
  const mpz_class& n2 = pk_.n_squared();
  mpz_class acc = 1;
  for (const DecryptionShare& si : shares) {
    // lambda_i = Delta prod_{j != i} j / (j - i): an integer because Delta = l!.
    mpz_class num = delta_;
    mpz_class den = 1;
    const auto i = static_cast<long>(evaluation_point(si.party));
    for (const DecryptionShare& sj : shares) {
      if (sj.party == si.party) continue;
      const auto j = static_cast<long>(evaluation_point(sj.party));
      num *= j;
      den *= (j - i);
    }
    mpz_class lambda;
    mpz_divexact(lambda.get_mpz_t(), num.get_mpz_t(), den.get_mpz_t());
    mpz_class base = si.value;
    if (sgn(lambda) < 0) {
      base = bigint::invert(base, n2);
      lambda = -lambda;
    }
    acc = (acc * bigint::powm(base, 2 * lambda, n2)) % n2;
  }
  // acc = (1 + n)^(4 Delta^2 m) = 1 + 4 Delta^2 m n mod n^2.
  mpz_class l = acc - 1;
  if (mpz_divisible_p(l.get_mpz_t(), n.get_mpz_t()) == 0) {
    throw Error("ThresholdPaillierPublicKey::combine_verified: the shares do not combine (an invalid share?)");
  }
  mpz_divexact(l.get_mpz_t(), l.get_mpz_t(), n.get_mpz_t());
  return (l * four_delta_squared_inv_) % n;
}

void ThresholdPaillierPublicKey::write(Writer& w) const {
  w.version(format_version);
  pk_.write(w);
  w.varint(threshold_).varint(parties_);
  w.raw(bigint::to_bytes_le(v_, pk_.ciphertext_bytes()));
  for (const auto& vk : verification_keys_) w.raw(bigint::to_bytes_le(vk, pk_.ciphertext_bytes()));
}

Bytes ThresholdPaillierPublicKey::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

ThresholdPaillierPublicKey ThresholdPaillierPublicKey::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "threshold Paillier public key");
  PaillierPublicKey pk = PaillierPublicKey::read(r);
  const std::size_t t = r.length("threshold t", max_parties);
  const std::size_t l = r.length("parties l", max_parties);
  if (t < 1 || t > l) {
    throw DecodeError("threshold Paillier public key: need 1 <= t <= l, got t = " + std::to_string(t) +
                      ", l = " + std::to_string(l));
  }
  // v and l verification keys follow, each ciphertext_bytes() long.
  if (l + 1 > r.remaining() / pk.ciphertext_bytes()) {
    throw DecodeError("threshold Paillier public key: " + std::to_string(l) + " parties need " +
                      std::to_string(l + 1) + " group elements, but only " + std::to_string(r.remaining()) +
                      " bytes remain");
  }
  mpz_class v = pk.read_ciphertext_value(r, "verification base v").value();
  std::vector<mpz_class> vks;
  vks.reserve(l);
  for (std::size_t i = 0; i < l; ++i) {
    vks.push_back(pk.read_ciphertext_value(r, "verification key " + std::to_string(i)).value());
  }
  r.expect_end("threshold Paillier public key");
  try {
    return ThresholdPaillierPublicKey(std::move(pk), t, l, std::move(v), std::move(vks));
  } catch (const InvalidArgument& e) {
    throw DecodeError(std::string("threshold Paillier public key: ") + e.what());
  }
}

Bytes ThresholdPaillierPublicKey::share_to_bytes(const DecryptionShare& share) const {
  Writer w;
  w.version(DecryptionShare::format_version).raw(share.key_id).raw(share.ciphertext_digest).varint(share.party);
  if (!in_unit_group(share.value, pk_)) {
    throw InvalidArgument("ThresholdPaillierPublicKey::share_to_bytes: the share value is not in Z*_{n^2}");
  }
  w.raw(bigint::to_bytes_le(share.value, pk_.ciphertext_bytes()));
  share.proof.write(w);
  return std::move(w).take();
}

DecryptionShare ThresholdPaillierPublicKey::share_from_bytes(ByteView bytes) const {
  Reader r(bytes);
  r.expect_version(DecryptionShare::format_version, "decryption share");
  DecryptionShare share;
  const ByteView id = r.raw(share.key_id.size(), "share key id");
  std::copy(id.begin(), id.end(), share.key_id.begin());
  const ByteView digest = r.raw(share.ciphertext_digest.size(), "share ciphertext digest");
  std::copy(digest.begin(), digest.end(), share.ciphertext_digest.begin());
  share.party = r.length("share party id", parties_ - 1);
  share.value = pk_.read_ciphertext_value(r, "share value").value();
  share.proof = zk::DleqProof::read(r, group_);
  r.expect_end("decryption share");
  return share;
}

std::size_t ThresholdPaillierPublicKey::max_share_size() const noexcept {
  // version, key id, digest, varint party (< 2^14: 2 bytes), value, then the
  // proof: version and two bigints, each a varint length (<= 10 bytes) and
  // its bytes.
  constexpr std::size_t varint_max = 10;
  return 1 + key_id_.size() + CiphertextDigest{}.size() + 2 + pk_.ciphertext_bytes() + 1 + 2 * varint_max +
         (zk::DleqGroup::challenge_bits + 7) / 8 + (group_.response_bits() + 7) / 8;
}

// ---------------------------------------------------------------- key share

ThresholdPaillierKeyShare::ThresholdPaillierKeyShare(std::size_t party, mpz_class secret)
    : party_(party), secret_(std::move(secret)) {
  if (party >= ThresholdPaillierPublicKey::max_parties) {
    throw InvalidArgument("ThresholdPaillierKeyShare: party id " + std::to_string(party) + " is not below " +
                          std::to_string(ThresholdPaillierPublicKey::max_parties));
  }
  if (sgn(secret_) < 0) throw InvalidArgument("ThresholdPaillierKeyShare: negative secret share");
}

ThresholdPaillierKeyShare::~ThresholdPaillierKeyShare() { bigint::wipe(secret_); }

DecryptionShare ThresholdPaillierKeyShare::decrypt_share(const ThresholdPaillierPublicKey& pk,
                                                         const PaillierCiphertext& c, Prg& prg) const {
  pk.paillier().check(c, "ThresholdPaillierKeyShare::decrypt_share");
  (void)pk.verification_key(party_);  // throws for a party outside the key
  const mpz_class& n2 = pk.paillier().n_squared();
  mpz_class x = pk.delta() * secret_;  // Delta s_i
  DecryptionShare share;
  share.party = party_;
  share.key_id = pk.key_id();
  share.ciphertext_digest = pk.ciphertext_digest(c);
  if (sgn(x) == 0) {
    share.value = 1;  // s_i = 0 happens with negligible probability
  } else {
    mpz_class exponent = 2 * x;
    share.value = bigint::powm_sec(c.value(), exponent, n2);
    bigint::wipe(exponent);
  }
  zk::Transcript t = share_transcript(pk, party_, c, share.value);
  share.proof = zk::dleq_prove(t, pk.proof_group(), share_statement(pk, party_, c, share.value), x, prg);
  bigint::wipe(x);
  return share;
}

SecretBytes ThresholdPaillierKeyShare::to_bytes(const ThresholdPaillierPublicKey& pk) const {
  Writer w;
  w.version(format_version).raw(pk.key_id()).varint(party_).bigint(secret_);
  Bytes raw = std::move(w).take();
  SecretBytes out(raw);
  secure_wipe(raw);
  return out;
}

ThresholdPaillierKeyShare ThresholdPaillierKeyShare::from_bytes(ByteView bytes, const ThresholdPaillierPublicKey& pk) {
  Reader r(bytes);
  r.expect_version(format_version, "threshold Paillier key share");
  const ByteView id = r.raw(pk.key_id().size(), "key share key id");
  if (!std::equal(id.begin(), id.end(), pk.key_id().begin())) {
    throw DecodeError("threshold Paillier key share: key id mismatch (the share belongs to another key)");
  }
  const std::size_t party = r.length("key share party id", pk.parties() - 1);
  mpz_class secret = r.bigint("key share secret", (2 * pk.paillier().modulus_bits() + 7) / 8);
  r.expect_end("threshold Paillier key share");
  ThresholdPaillierKeyShare share(party, std::move(secret));
  const mpz_class x = pk.delta() * share.secret_;
  const bool matches = sgn(x) == 0 ? pk.verification_key(party) == 1
                                   : bigint::powm_sec(pk.v(), x, pk.paillier().n_squared()) ==
                                         pk.verification_key(party);
  if (!matches) throw DecodeError("threshold Paillier key share: the share does not match its verification key");
  return share;
}

// ---------------------------------------------------------------- dealer

ThresholdPaillierKeys ThresholdPaillierDealer::from_safe_primes(const mpz_class& p, const mpz_class& q,
                                                                std::size_t threshold, std::size_t parties, Prg& prg) {
  auto is_safe = [](const mpz_class& x) {
    return x > 5 && bigint::is_probable_prime(x, 32) && bigint::is_probable_prime((x - 1) / 2, 32);
  };
  if (!is_safe(p) || !is_safe(q) || p == q) {
    throw InvalidArgument("ThresholdPaillierDealer: p and q must be distinct safe primes");
  }
  if (threshold < 1 || threshold > parties || parties > ThresholdPaillierPublicKey::max_parties) {
    throw InvalidArgument("ThresholdPaillierDealer: need 1 <= t <= l <= " +
                          std::to_string(ThresholdPaillierPublicKey::max_parties));
  }
  PaillierPublicKey pk(p * q);
  const mpz_class& n = pk.n();
  const mpz_class& n2 = pk.n_squared();
  mpz_class m = ((p - 1) / 2) * ((q - 1) / 2);
  const mpz_class nm = n * m;
  // d = 0 mod m, d = 1 mod n.
  mpz_class d = m * bigint::invert(m % n, n);
  std::vector<mpz_class> coefficients{d};
  for (std::size_t k = 1; k < threshold; ++k) coefficients.push_back(bigint::random_below(nm, prg));
  const mpz_class delta = [&] {
    mpz_class f;
    mpz_fac_ui(f.get_mpz_t(), static_cast<unsigned long>(parties));
    return f;
  }();
  // v: a random square in Z*_{n^2}; it generates the squares with
  // overwhelming probability.
  mpz_class r = bigint::random_unit(n2, prg);
  mpz_class v = (r * r) % n2;
  std::vector<ThresholdPaillierKeyShare> shares;
  std::vector<mpz_class> vks;
  for (std::size_t i = 0; i < parties; ++i) {
    mpz_class s = 0;  // Horner: f(i + 1) mod nm
    for (std::size_t k = coefficients.size(); k-- > 0;) s = (s * evaluation_point(i) + coefficients[k]) % nm;
    mpz_class x = delta * s;
    vks.push_back(sgn(x) == 0 ? mpz_class(1) : bigint::powm_sec(v, x, n2));
    bigint::wipe(x);
    shares.emplace_back(i, std::move(s));
  }
  for (auto& a : coefficients) bigint::wipe(a);
  bigint::wipe(d);
  bigint::wipe(m);
  bigint::wipe(r);
  ThresholdPaillierPublicKey tpk(std::move(pk), threshold, parties, std::move(v), std::move(vks));
  return ThresholdPaillierKeys{std::move(tpk), std::move(shares)};
}

ThresholdPaillierKeys ThresholdPaillierDealer::generate(std::size_t bits, std::size_t threshold, std::size_t parties,
                                                        Prg& prg) {
  if (bits % 2 != 0 || bits < PaillierPublicKey::min_modulus_bits || bits > PaillierPublicKey::max_modulus_bits) {
    throw InvalidArgument("ThresholdPaillierDealer::generate: bits must be even and in [" +
                          std::to_string(PaillierPublicKey::min_modulus_bits) + ", " +
                          std::to_string(PaillierPublicKey::max_modulus_bits) + "]");
  }
  if (threshold < 1 || threshold > parties || parties > ThresholdPaillierPublicKey::max_parties) {
    throw InvalidArgument("ThresholdPaillierDealer::generate: need 1 <= t <= l <= " +
                          std::to_string(ThresholdPaillierPublicKey::max_parties));
  }
  mpz_class p = bigint::random_safe_prime(bits / 2, prg);
  mpz_class q = bigint::random_safe_prime(bits / 2, prg);
  while (q == p) q = bigint::random_safe_prime(bits / 2, prg);
  ThresholdPaillierKeys keys = from_safe_primes(p, q, threshold, parties, prg);
  bigint::wipe(p);
  bigint::wipe(q);
  return keys;
}

}  // namespace privfin::he
