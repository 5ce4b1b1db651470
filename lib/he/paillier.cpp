// The Paillier cryptosystem with g = n + 1; see privfin/he/paillier.hpp.
#include "privfin/he/paillier.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::he {

namespace {
constexpr int prime_test_rounds = 32;

mpz_class gcd(const mpz_class& a, const mpz_class& b) {
  mpz_class g;
  mpz_gcd(g.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
  return g;
}

mpz_class mulmod(const mpz_class& a, const mpz_class& b, const mpz_class& m) {
  mpz_class r;
  mpz_mul(r.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
  mpz_mod(r.get_mpz_t(), r.get_mpz_t(), m.get_mpz_t());
  return r;
}

// (1 + m n) mod n^2 for 0 <= m < n (no reduction needed: 1 + m n < n^2).
mpz_class plaintext_power(const mpz_class& m, const mpz_class& n) {
  mpz_class g = m * n;
  g += 1;
  return g;
}
}  // namespace

// ---------------------------------------------------------------- public key

PaillierPublicKey::PaillierPublicKey(mpz_class n) : n_(std::move(n)) {
  if (n_ < 3 || mpz_even_p(n_.get_mpz_t()) != 0) {
    throw InvalidArgument("PaillierPublicKey: the modulus n must be odd and at least 3");
  }
  n2_ = n_ * n_;
  bits_ = bigint::bit_length(n_);
  bytes_ = bigint::byte_length(n_);
  Sha256 h;
  h.update(as_bytes("privfin paillier key id v1"));
  h.update(to_bytes());
  const auto digest = h.finish();
  std::copy_n(digest.begin(), key_id_size, key_id_.begin());
}

bool PaillierPublicKey::is_valid(const PaillierCiphertext& c) const {
  const mpz_class& v = c.value();
  return v >= 1 && v < n2_ && gcd(v, n_) == 1;
}

void PaillierPublicKey::check(const PaillierCiphertext& c, const char* where) const {
  if (!is_valid(c)) throw InvalidArgument(std::string(where) + ": the ciphertext is not in Z*_{n^2} for this key");
}

void PaillierPublicKey::check_range(const PaillierCiphertext& c, const char* where) const {
  if (c.value() < 1 || c.value() >= n2_) {
    throw InvalidArgument(std::string(where) + ": the ciphertext is not in [1, n^2) for this key");
  }
}

mpz_class PaillierPublicKey::random_nonce_power(Prg& prg) const {
  mpz_class r = bigint::random_unit(n_, prg);
  mpz_class rn = bigint::powm(r, n_, n2_);
  bigint::wipe(r);
  return rn;
}

PaillierCiphertext PaillierPublicKey::encrypt(const mpz_class& m, Prg& prg) const {
  if (m < 0 || m >= n_) throw InvalidArgument("PaillierPublicKey::encrypt: the plaintext is not in [0, n)");
  return PaillierCiphertext(mulmod(plaintext_power(m, n_), random_nonce_power(prg), n2_));
}

PaillierCiphertext PaillierPublicKey::encrypt_with_nonce(const mpz_class& m, const mpz_class& r) const {
  if (m < 0 || m >= n_) throw InvalidArgument("PaillierPublicKey::encrypt_with_nonce: the plaintext is not in [0, n)");
  if (r < 1 || r >= n_ || gcd(r, n_) != 1) {
    throw InvalidArgument("PaillierPublicKey::encrypt_with_nonce: the nonce is not in Z*_n");
  }
  return PaillierCiphertext(mulmod(plaintext_power(m, n_), bigint::powm(r, n_, n2_), n2_));
}

PaillierCiphertext PaillierPublicKey::encrypt_public(const mpz_class& m) const {
  if (m < 0 || m >= n_) throw InvalidArgument("PaillierPublicKey::encrypt_public: the plaintext is not in [0, n)");
  return PaillierCiphertext(plaintext_power(m, n_));
}

PaillierCiphertext PaillierPublicKey::add(const PaillierCiphertext& a, const PaillierCiphertext& b) const {
  check_range(a, "PaillierPublicKey::add");
  check_range(b, "PaillierPublicKey::add");
  return PaillierCiphertext(mulmod(a.value(), b.value(), n2_));
}

void PaillierPublicKey::add_inplace(PaillierCiphertext& a, const PaillierCiphertext& b) const {
  check_range(a, "PaillierPublicKey::add_inplace");
  check_range(b, "PaillierPublicKey::add_inplace");
  a = PaillierCiphertext(mulmod(a.value(), b.value(), n2_));
}

PaillierCiphertext PaillierPublicKey::sub(const PaillierCiphertext& a, const PaillierCiphertext& b) const {
  check_range(a, "PaillierPublicKey::sub");
  check_range(b, "PaillierPublicKey::sub");
  return PaillierCiphertext(mulmod(a.value(), bigint::invert(b.value(), n2_), n2_));
}

PaillierCiphertext PaillierPublicKey::add_plain(const PaillierCiphertext& a, const mpz_class& k) const {
  check_range(a, "PaillierPublicKey::add_plain");
  mpz_class km = k % n_;
  if (sgn(km) < 0) km += n_;
  return PaillierCiphertext(mulmod(a.value(), plaintext_power(km, n_), n2_));
}

PaillierCiphertext PaillierPublicKey::mul_plain(const PaillierCiphertext& a, const mpz_class& k) const {
  check_range(a, "PaillierPublicKey::mul_plain");
  mpz_class km = k % n_;
  if (sgn(km) < 0) km += n_;
  return PaillierCiphertext(bigint::powm(a.value(), km, n2_));
}

PaillierCiphertext PaillierPublicKey::negate(const PaillierCiphertext& a) const {
  check_range(a, "PaillierPublicKey::negate");
  return PaillierCiphertext(bigint::invert(a.value(), n2_));
}

PaillierCiphertext PaillierPublicKey::rerandomize(const PaillierCiphertext& a, Prg& prg) const {
  check_range(a, "PaillierPublicKey::rerandomize");
  return PaillierCiphertext(mulmod(a.value(), random_nonce_power(prg), n2_));
}

void PaillierPublicKey::write(Writer& w) const { w.version(format_version).bigint(n_); }

Bytes PaillierPublicKey::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

PaillierPublicKey PaillierPublicKey::read(Reader& r) {
  r.expect_version(format_version, "Paillier public key");
  mpz_class n = r.bigint("Paillier modulus n", max_modulus_bits / 8);
  const std::size_t bits = bigint::bit_length(n);
  if (bits < min_modulus_bits || bits > max_modulus_bits) {
    throw DecodeError("Paillier public key: the modulus has " + std::to_string(bits) + " bits, outside [" +
                      std::to_string(min_modulus_bits) + ", " + std::to_string(max_modulus_bits) + "]");
  }
  if (mpz_even_p(n.get_mpz_t()) != 0) throw DecodeError("Paillier public key: the modulus is even");
  return PaillierPublicKey(std::move(n));
}

PaillierPublicKey PaillierPublicKey::from_bytes(ByteView bytes) {
  Reader r(bytes);
  PaillierPublicKey pk = read(r);
  r.expect_end("Paillier public key");
  return pk;
}

void PaillierPublicKey::write_ciphertext_value(Writer& w, const PaillierCiphertext& c) const {
  check(c, "PaillierPublicKey::ciphertext_to_bytes");
  w.raw(bigint::to_bytes_le(c.value(), ciphertext_bytes()));
}

PaillierCiphertext PaillierPublicKey::read_ciphertext_value(Reader& r, std::string_view field) const {
  const std::size_t at = r.offset();
  PaillierCiphertext c(bigint::from_bytes_le(r.raw(ciphertext_bytes(), field)));
  if (!is_valid(c)) {
    throw DecodeError(std::string(field) + " at byte " + std::to_string(at) + ": the value is not in Z*_{n^2}");
  }
  return c;
}

namespace {
void read_key_id(Reader& r, const std::array<std::byte, PaillierPublicKey::key_id_size>& expected,
                 std::string_view what) {
  const std::size_t at = r.offset();
  const ByteView id = r.raw(PaillierPublicKey::key_id_size, "key id");
  if (!std::equal(id.begin(), id.end(), expected.begin())) {
    throw DecodeError(std::string(what) + " at byte " + std::to_string(at) +
                      ": key id mismatch (encrypted under a different public key)");
  }
}
}  // namespace

Bytes PaillierPublicKey::ciphertext_to_bytes(const PaillierCiphertext& c) const {
  Writer w;
  w.version(ciphertext_format_version).raw(key_id_);
  write_ciphertext_value(w, c);
  return std::move(w).take();
}

PaillierCiphertext PaillierPublicKey::ciphertext_from_bytes(ByteView bytes) const {
  Reader r(bytes);
  r.expect_version(ciphertext_format_version, "Paillier ciphertext");
  read_key_id(r, key_id_, "Paillier ciphertext");
  PaillierCiphertext c = read_ciphertext_value(r, "Paillier ciphertext");
  r.expect_end("Paillier ciphertext");
  return c;
}

Bytes PaillierPublicKey::ciphertexts_to_bytes(std::span<const PaillierCiphertext> cs) const {
  Writer w;
  w.version(ciphertext_format_version).raw(key_id_).varint(cs.size());
  for (const auto& c : cs) write_ciphertext_value(w, c);
  return std::move(w).take();
}

std::vector<PaillierCiphertext> PaillierPublicKey::ciphertexts_from_bytes(ByteView bytes, std::size_t max_count) const {
  Reader r(bytes);
  r.expect_version(ciphertext_format_version, "Paillier ciphertext vector");
  read_key_id(r, key_id_, "Paillier ciphertext vector");
  const std::size_t count = r.length("ciphertext count", max_count);
  if (count > r.remaining() / ciphertext_bytes()) {
    throw DecodeError("Paillier ciphertext vector: count " + std::to_string(count) +
                      " needs more bytes than remain (" + std::to_string(r.remaining()) + ")");
  }
  std::vector<PaillierCiphertext> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(read_ciphertext_value(r, "Paillier ciphertext"));
  r.expect_end("Paillier ciphertext vector");
  return out;
}

// ---------------------------------------------------------------- secret key

PaillierSecretKey::PaillierSecretKey(const mpz_class& p, const mpz_class& q)
    : pk_(p * q), p_(p < q ? p : q), q_(p < q ? q : p) {
  p2_ = p_ * p_;
  q2_ = q_ * q_;
  hp_ = bigint::invert(p_ - q_ % p_, p_);  // (-q)^-1 mod p
  hq_ = bigint::invert(q_ - p_ % q_, q_);  // (-p)^-1 mod q
  q_inv_p_ = bigint::invert(q_ % p_, p_);
  n_mod_phi_p2_ = pk_.n() % (p_ * (p_ - 1));
  n_mod_phi_q2_ = pk_.n() % (q_ * (q_ - 1));
}

PaillierSecretKey::~PaillierSecretKey() { wipe(); }

PaillierSecretKey& PaillierSecretKey::operator=(const PaillierSecretKey& other) {
  if (this != &other) {
    wipe();
    PaillierSecretKey copy(other);
    *this = std::move(copy);
  }
  return *this;
}

PaillierSecretKey& PaillierSecretKey::operator=(PaillierSecretKey&& other) noexcept {
  if (this != &other) {
    wipe();
    pk_ = std::move(other.pk_);
    p_ = std::move(other.p_);
    q_ = std::move(other.q_);
    p2_ = std::move(other.p2_);
    q2_ = std::move(other.q2_);
    hp_ = std::move(other.hp_);
    hq_ = std::move(other.hq_);
    q_inv_p_ = std::move(other.q_inv_p_);
    n_mod_phi_p2_ = std::move(other.n_mod_phi_p2_);
    n_mod_phi_q2_ = std::move(other.n_mod_phi_q2_);
  }
  return *this;
}

void PaillierSecretKey::wipe() noexcept {
  for (mpz_class* x : {&p_, &q_, &p2_, &q2_, &hp_, &hq_, &q_inv_p_, &n_mod_phi_p2_, &n_mod_phi_q2_}) bigint::wipe(*x);
}

PaillierSecretKey PaillierSecretKey::from_primes(const mpz_class& p, const mpz_class& q) {
  if (p < 3 || q < 3 || mpz_even_p(p.get_mpz_t()) != 0 || mpz_even_p(q.get_mpz_t()) != 0 ||
      !bigint::is_probable_prime(p, prime_test_rounds) || !bigint::is_probable_prime(q, prime_test_rounds)) {
    throw InvalidArgument("PaillierSecretKey::from_primes: p and q must be odd primes");
  }
  if (p == q) throw InvalidArgument("PaillierSecretKey::from_primes: p and q must differ");
  if (gcd(p * q, (p - 1) * (q - 1)) != 1) {
    throw InvalidArgument("PaillierSecretKey::from_primes: gcd(pq, (p-1)(q-1)) must be 1");
  }
  return PaillierSecretKey(p, q);
}

PaillierSecretKey PaillierSecretKey::generate(std::size_t bits, Prg& prg) {
  if (bits % 2 != 0 || bits < PaillierPublicKey::min_modulus_bits || bits > PaillierPublicKey::max_modulus_bits) {
    throw InvalidArgument("PaillierSecretKey::generate: bits must be even and in [" +
                          std::to_string(PaillierPublicKey::min_modulus_bits) + ", " +
                          std::to_string(PaillierPublicKey::max_modulus_bits) + "], got " + std::to_string(bits));
  }
  for (;;) {
    mpz_class p = bigint::random_prime(bits / 2, prg);
    mpz_class q = bigint::random_prime(bits / 2, prg);
    // Equal primes or a common factor of n and phi(n) are astronomically
    // unlikely at these sizes; retry rather than fail.
    const bool usable = p != q && gcd(p * q, (p - 1) * (q - 1)) == 1;
    if (usable) {
      PaillierSecretKey sk(p, q);
      bigint::wipe(p);
      bigint::wipe(q);
      return sk;
    }
  }
}

mpz_class PaillierSecretKey::decrypt(const PaillierCiphertext& c) const {
  pk_.check(c, "PaillierSecretKey::decrypt");
  // m_p = L_p(c^(p-1) mod p^2) * (-q)^-1 mod p, L_p(x) = (x - 1) / p.
  // Every intermediate depends on p or q and is wiped (named, so that no
  // unwiped temporary holds p - 1 or c mod p^2).
  auto half = [&c](const mpz_class& prime, const mpz_class& square, const mpz_class& h) {
    mpz_class reduced = c.value() % square;
    mpz_class exponent = prime - 1;
    mpz_class x = bigint::powm_sec(reduced, exponent, square);
    x -= 1;
    mpz_divexact(x.get_mpz_t(), x.get_mpz_t(), prime.get_mpz_t());
    mpz_class out = mulmod(x, h, prime);
    bigint::wipe(reduced);
    bigint::wipe(exponent);
    bigint::wipe(x);
    return out;
  };
  mpz_class mp = half(p_, p2_, hp_);
  mpz_class mq = half(q_, q2_, hq_);
  // m = m_q + q * ((m_p - m_q) q^-1 mod p).
  mpz_class difference = mp - mq;
  mpz_class t = mulmod(difference, q_inv_p_, p_);
  if (sgn(t) < 0) t += p_;
  mpz_class m = mq + q_ * t;
  bigint::wipe(mp);
  bigint::wipe(mq);
  bigint::wipe(difference);
  bigint::wipe(t);
  return m;
}

PaillierCiphertext PaillierSecretKey::encrypt(const mpz_class& m, Prg& prg) const {
  const mpz_class& n = pk_.n();
  if (m < 0 || m >= n) throw InvalidArgument("PaillierSecretKey::encrypt: the plaintext is not in [0, n)");
  mpz_class r = bigint::random_unit(n, prg);
  // r^n mod p^2 = r^(n mod p(p-1)) since phi(p^2) = p(p-1); likewise mod q^2.
  mpz_class r_mod_p2 = r % p2_;
  mpz_class r_mod_q2 = r % q2_;
  std::array<mpz_class, 2> residues{bigint::powm_sec(r_mod_p2, n_mod_phi_p2_, p2_),
                                    bigint::powm_sec(r_mod_q2, n_mod_phi_q2_, q2_)};
  std::array<mpz_class, 2> moduli{p2_, q2_};
  mpz_class rn = bigint::crt(residues, moduli);
  PaillierCiphertext c(mulmod(plaintext_power(m, n), rn, pk_.n_squared()));
  for (mpz_class* x : {&r, &r_mod_p2, &r_mod_q2, &residues[0], &residues[1], &moduli[0], &moduli[1], &rn}) {
    bigint::wipe(*x);
  }
  return c;
}

SecretBytes PaillierSecretKey::to_bytes() const {
  Writer w;
  w.version(format_version).bigint(p_).bigint(q_);
  Bytes raw = std::move(w).take();
  SecretBytes out(raw);
  secure_wipe(raw);
  return out;
}

PaillierSecretKey PaillierSecretKey::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "Paillier secret key");
  const std::size_t max_bytes = PaillierPublicKey::max_modulus_bits / 16;
  mpz_class p = r.bigint("Paillier prime p", max_bytes);
  mpz_class q = r.bigint("Paillier prime q", max_bytes);
  r.expect_end("Paillier secret key");
  if (p >= q) throw DecodeError("Paillier secret key: the primes must be in increasing order");
  const std::size_t bits = bigint::bit_length(p * q);
  if (bits < PaillierPublicKey::min_modulus_bits) {
    throw DecodeError("Paillier secret key: the modulus has " + std::to_string(bits) + " bits, below the minimum " +
                      std::to_string(PaillierPublicKey::min_modulus_bits));
  }
  try {
    PaillierSecretKey sk = from_primes(p, q);
    bigint::wipe(p);
    bigint::wipe(q);
    return sk;
  } catch (const InvalidArgument& e) {
    bigint::wipe(p);
    bigint::wipe(q);
    throw DecodeError(std::string("Paillier secret key: inconsistent primes (") + e.what() + ")");
  }
}

// ---------------------------------------------------------------- encryptor

PaillierEncryptor::PaillierEncryptor(const PaillierPublicKey& pk, Prg& prg, Exponent exponent, std::size_t window_bits)
    : pk_(pk), window_bits_(window_bits) {
  if (window_bits < 1 || window_bits > 10) throw InvalidArgument("PaillierEncryptor: window_bits must be in [1, 10]");
  exponent_bits_ = exponent == Exponent::full ? pk.modulus_bits() + 128 : (pk.modulus_bits() + 1) / 2;
  windows_ = (exponent_bits_ + window_bits_ - 1) / window_bits_;
  const mpz_class& n = pk_.n();
  const mpz_class& n2 = pk_.n_squared();
  // h = -x^2 mod n, h_s = h^n mod n^2.
  mpz_class x = bigint::random_unit(n, prg);
  mpz_class h = n - mulmod(x, x, n);
  mpz_class base = bigint::powm(h, n, n2);
  bigint::wipe(x);
  bigint::wipe(h);
  const std::size_t row = (std::size_t{1} << window_bits_) - 1;
  table_.resize(windows_ * row);
  for (std::size_t i = 0; i < windows_; ++i) {
    mpz_class* entries = &table_[i * row];
    entries[0] = base;
    for (std::size_t d = 1; d < row; ++d) entries[d] = mulmod(entries[d - 1], base, n2);
    base = mulmod(entries[row - 1], base, n2);  // base^(2^w): the next row's base
  }
  bigint::wipe(base);
}

mpz_class PaillierEncryptor::random_nonce_power(Prg& prg) const {
  mpz_class a = bigint::random_bits(exponent_bits_, prg);
  const std::size_t row = (std::size_t{1} << window_bits_) - 1;
  mpz_class acc = 1;
  mpz_class tmp;
  const mpz_class& n2 = pk_.n_squared();
  for (std::size_t i = 0; i < windows_; ++i) {
    std::size_t digit = 0;
    for (std::size_t j = 0; j < window_bits_; ++j) {
      digit |= static_cast<std::size_t>(mpz_tstbit(a.get_mpz_t(), i * window_bits_ + j)) << j;
    }
    if (digit == 0) continue;
    mpz_mul(tmp.get_mpz_t(), acc.get_mpz_t(), table_[i * row + digit - 1].get_mpz_t());
    mpz_mod(acc.get_mpz_t(), tmp.get_mpz_t(), n2.get_mpz_t());
  }
  bigint::wipe(a);
  bigint::wipe(tmp);
  return acc;
}

PaillierCiphertext PaillierEncryptor::encrypt(const mpz_class& m, Prg& prg) const {
  if (m < 0 || m >= pk_.n()) throw InvalidArgument("PaillierEncryptor::encrypt: the plaintext is not in [0, n)");
  return PaillierCiphertext(mulmod(plaintext_power(m, pk_.n()), random_nonce_power(prg), pk_.n_squared()));
}

PaillierCiphertext PaillierEncryptor::rerandomize(const PaillierCiphertext& c, Prg& prg) const {
  pk_.check_range(c, "PaillierEncryptor::rerandomize");
  return PaillierCiphertext(mulmod(c.value(), random_nonce_power(prg), pk_.n_squared()));
}

}  // namespace privfin::he
