// AES-GCM with VAES and VPCLMULQDQ: see aes_gcm_vaes.hpp.
//
// GHASH works on byte-reversed blocks, in which GF(2^128) multiplication is
// a 256-bit carry-less product shifted left by one bit and reduced modulo
// x^128 + x^127 + x^126 + x^121 + 1 (Gueron and Kounavis, "Intel
// Carry-Less Multiplication Instruction and its Usage for Computing the GCM
// Mode"). Sixteen blocks X_1..X_16 are absorbed as
//   Y' = (Y + X_1) H^16 + X_2 H^15 + ... + X_16 H
// with the sixteen products summed before one reduction.
//
// Only the functions inside the target region (a "#pragma GCC target" under
// GCC, a "#pragma clang attribute" under clang, which ignores the GCC form)
// use AVX-512; they run only after vaes_gcm_supported() said yes, so the
// rest of the program stays portable.
#include "aes_gcm_vaes.hpp"

#include "privfin/core/detail/avx512_intrinsics.hpp"

#include <cstring>

#include "privfin/core/detail/cpu.hpp"
#include "privfin/core/error.hpp"

namespace privfin::net::detail {

// Everything between here and "pop_options" may use AVX-512, VAES and
// VPCLMULQDQ; it runs only behind vaes_gcm_supported(). The functions after
// it are compiled for the baseline CPU, so the check itself is safe.
// Clang ignores "#pragma GCC target"; its own pragma attaches the same
// target attribute to every function defined in the region.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,vaes,vpclmulqdq,aes,pclmul,ssse3"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,vaes,vpclmulqdq,aes,pclmul,ssse3")
#endif

namespace {

// memcpy that accepts the null pointers of empty spans (memcpy itself may not
// be given null, even for zero bytes).
void copy_bytes(unsigned char* to, const unsigned char* from, std::size_t n) {
  if (n != 0) std::memcpy(to, from, n);
}

// One byte order for everything: blocks are reversed end to end, which also
// turns GCM's big-endian 32-bit counter into the low dword.
inline __m128i reverse128(__m128i x) {
  return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

inline __m512i reverse512(__m512i x) {
  const __m512i mask = _mm512_broadcast_i32x4(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  return _mm512_shuffle_epi8(x, mask);
}

// The 256-bit product <hi:lo> shifted left by one bit and reduced: the
// byte-reversed GF(2^128) product.
inline __m128i shift_and_reduce(
    __m128i lo, __m128i hi) {
  // Shift <hi:lo> left by one: each dword's top bit moves to the next dword.
  const __m128i lo_carry = _mm_srli_epi32(lo, 31);
  const __m128i hi_carry = _mm_srli_epi32(hi, 31);
  lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(lo_carry, 4));
  hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi32(hi, 1), _mm_slli_si128(hi_carry, 4)), _mm_srli_si128(lo_carry, 12));
  // Fold the low half into the high half in two phases (the polynomial's
  // terms x^127, x^126 and x^121 are shifts by 31, 30 and 25 within dwords).
  const __m128i a = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31), _mm_slli_epi32(lo, 30)), _mm_slli_epi32(lo, 25));
  lo = _mm_xor_si128(lo, _mm_slli_si128(a, 12));
  const __m128i carried = _mm_srli_si128(a, 4);
  const __m128i b = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2)), _mm_srli_epi32(lo, 7));
  return _mm_xor_si128(hi, _mm_xor_si128(lo, _mm_xor_si128(b, carried)));
}

// Schoolbook 128x128 carry-less product, split into <hi:lo> after folding
// the middle terms.
inline __m128i gf_mul(__m128i a,
                                                                                                       __m128i b) {
  __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
  __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
  const __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10));
  lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
  hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
  return shift_and_reduce(lo, hi);
}

inline __m128i xor_lanes(__m512i x) {
  const __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(x), _mm512_extracti64x4_epi64(x, 1));
  return _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

struct Keys {
  const std::array<std::array<unsigned char, 16>, 15>& round;
  int rounds;
  __m128i key(int i) const {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(round[static_cast<std::size_t>(i)].data()));
  }
  __m128i encrypt(__m128i x) const {
    x = _mm_xor_si128(x, key(0));
    for (int i = 1; i < rounds; ++i) x = _mm_aesenc_si128(x, key(i));
    return _mm_aesenclast_si128(x, key(rounds));
  }
};

template <int Rcon>
__m128i next_key(__m128i prev,
                                                                                                 __m128i other,
                                                                                                 bool odd) {
  // Odd AES-256 steps use SubWord without rotation and no round constant.
  const __m128i assist = _mm_aeskeygenassist_si128(other, Rcon);
  const __m128i t = odd ? _mm_shuffle_epi32(assist, 0xaa) : _mm_shuffle_epi32(assist, 0xff);
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  return _mm_xor_si128(prev, t);
}

void expand_key(
    ByteView key, std::array<std::array<unsigned char, 16>, 15>& out) {
  __m128i k[15] = {};
  k[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key.data()));
  if (key.size() == 16) {
    k[1] = next_key<0x01>(k[0], k[0], false);
    k[2] = next_key<0x02>(k[1], k[1], false);
    k[3] = next_key<0x04>(k[2], k[2], false);
    k[4] = next_key<0x08>(k[3], k[3], false);
    k[5] = next_key<0x10>(k[4], k[4], false);
    k[6] = next_key<0x20>(k[5], k[5], false);
    k[7] = next_key<0x40>(k[6], k[6], false);
    k[8] = next_key<0x80>(k[7], k[7], false);
    k[9] = next_key<0x1b>(k[8], k[8], false);
    k[10] = next_key<0x36>(k[9], k[9], false);
  } else {
    k[1] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key.data() + 16));
    k[2] = next_key<0x01>(k[0], k[1], false);
    k[3] = next_key<0x00>(k[1], k[2], true);
    k[4] = next_key<0x02>(k[2], k[3], false);
    k[5] = next_key<0x00>(k[3], k[4], true);
    k[6] = next_key<0x04>(k[4], k[5], false);
    k[7] = next_key<0x00>(k[5], k[6], true);
    k[8] = next_key<0x08>(k[6], k[7], false);
    k[9] = next_key<0x00>(k[7], k[8], true);
    k[10] = next_key<0x10>(k[8], k[9], false);
    k[11] = next_key<0x00>(k[9], k[10], true);
    k[12] = next_key<0x20>(k[10], k[11], false);
    k[13] = next_key<0x00>(k[11], k[12], true);
    k[14] = next_key<0x40>(k[12], k[13], false);
  }
  for (std::size_t i = 0; i < 15; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(out[i].data()), k[i]);
  secure_wipe(std::span(reinterpret_cast<std::byte*>(k), sizeof k));
}

// Counter-mode encryption plus GHASH of 16 * blocks16 blocks; `decrypting`
// selects whether GHASH reads the input (ciphertext) or the output.
void bulk(
    const Keys& keys, const std::array<std::array<unsigned char, 16>, 16>& h_desc, __m128i counter0_rev,
    std::uint32_t first_counter, const unsigned char* in, unsigned char* out, std::size_t blocks16, bool decrypting,
    __m128i& y) {
  const int rounds = keys.rounds;
  __m512i rk[15] = {};
  for (int i = 0; i <= rounds; ++i) rk[i] = _mm512_broadcast_i32x4(keys.key(i));
  __m512i hp[4] = {};
  for (std::size_t j = 0; j < 4; ++j) hp[j] = _mm512_loadu_si512(h_desc[4 * j].data());
  // Lane l of counter vector j holds counter first + 4j + l (reversed).
  const __m512i base = _mm512_broadcast_i32x4(counter0_rev);
  __m512i ctr = _mm512_add_epi32(base, _mm512_set_epi32(0, 0, 0, static_cast<int>(first_counter + 3), 0, 0, 0,
                                                        static_cast<int>(first_counter + 2), 0, 0, 0,
                                                        static_cast<int>(first_counter + 1), 0, 0, 0,
                                                        static_cast<int>(first_counter)));
  const __m512i four = _mm512_set_epi32(0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4);
  for (std::size_t b = 0; b < blocks16; ++b) {
    const unsigned char* src = in + 256 * b;
    unsigned char* dst = out + 256 * b;
    __m512i x[4] = {};
    for (std::size_t j = 0; j < 4; ++j) {
      x[j] = _mm512_xor_si512(reverse512(ctr), rk[0]);
      ctr = _mm512_add_epi32(ctr, four);
    }
    for (int r = 1; r < rounds; ++r) {
      for (std::size_t j = 0; j < 4; ++j) x[j] = _mm512_aesenc_epi128(x[j], rk[r]);
    }
    __m512i text[4] = {};
    for (std::size_t j = 0; j < 4; ++j) {
      const __m512i data = _mm512_loadu_si512(src + 64 * j);
      const __m512i result = _mm512_xor_si512(_mm512_aesenclast_epi128(x[j], rk[rounds]), data);
      _mm512_storeu_si512(dst + 64 * j, result);
      text[j] = reverse512(decrypting ? data : result);
    }
    text[0] = _mm512_xor_si512(text[0], _mm512_zextsi128_si512(y));
    __m512i lo = _mm512_setzero_si512();
    __m512i hi = _mm512_setzero_si512();
    __m512i mid = _mm512_setzero_si512();
    for (std::size_t j = 0; j < 4; ++j) {
      lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(text[j], hp[j], 0x00));
      hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(text[j], hp[j], 0x11));
      mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(text[j], hp[j], 0x01));
      mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(text[j], hp[j], 0x10));
    }
    const __m128i m = xor_lanes(mid);
    y = shift_and_reduce(_mm_xor_si128(xor_lanes(lo), _mm_slli_si128(m, 8)),
                         _mm_xor_si128(xor_lanes(hi), _mm_srli_si128(m, 8)));
  }
  secure_wipe(std::span(reinterpret_cast<std::byte*>(rk), sizeof rk));
}

// Up to `size` bytes (any length) one block at a time: counter mode and
// GHASH, with the last partial block zero-padded for GHASH.
void blockwise(
    const Keys& keys, __m128i h, __m128i counter0_rev, std::uint32_t first_counter, const unsigned char* in,
    unsigned char* out, std::size_t size, bool decrypting, __m128i& y) {
  std::uint32_t counter = first_counter;
  for (std::size_t at = 0; at < size; at += 16, ++counter) {
    const std::size_t n = std::min<std::size_t>(16, size - at);
    alignas(16) std::array<unsigned char, 16> data{};
    std::memcpy(data.data(), in + at, n);
    const __m128i ks =
        keys.encrypt(reverse128(_mm_add_epi32(counter0_rev, _mm_cvtsi32_si128(static_cast<int>(counter)))));
    alignas(16) std::array<unsigned char, 16> result{};
    _mm_store_si128(reinterpret_cast<__m128i*>(result.data()),
                    _mm_xor_si128(ks, _mm_load_si128(reinterpret_cast<const __m128i*>(data.data()))));
    std::memset(result.data() + n, 0, 16 - n);  // ciphertext is zero-padded for GHASH
    std::memcpy(out + at, result.data(), n);
    const auto& cipher = decrypting ? data : result;
    y = gf_mul(_mm_xor_si128(y, reverse128(_mm_load_si128(reinterpret_cast<const __m128i*>(cipher.data())))), h);
  }
}



// Round keys, then H^16..H^1 (descending: out[k] = H^(16 - k)), reversed.
void init_keys(
    ByteView key, int rounds, std::array<std::array<unsigned char, 16>, 15>& round_keys,
    std::array<std::array<unsigned char, 16>, 16>& h_desc) {
  expand_key(key, round_keys);
  const Keys keys{round_keys, rounds};
  const __m128i h = reverse128(keys.encrypt(_mm_setzero_si128()));
  __m128i power = h;
  for (std::size_t i = 0; i < h_desc.size(); ++i) {
    _mm_store_si128(reinterpret_cast<__m128i*>(h_desc[h_desc.size() - 1 - i].data()), power);
    power = gf_mul(power, h);
  }
}


// Shared by encrypt and decrypt: the text is `first` (bulk, then block by
// block) followed by `second` (at most 16 bytes, block by block, joined with
// the end of `first` through a small buffer). Returns the tag.
VaesGcm::Tag run_gcm(
    const Keys& keys, const std::array<std::array<unsigned char, 16>, 16>& h_desc, const VaesGcm::Nonce& nonce,
    ByteView aad, const unsigned char* first_in, unsigned char* first_out, std::size_t first_size,
    const unsigned char* second_in, unsigned char* second_out, std::size_t second_size, bool decrypting) {
  alignas(16) std::array<unsigned char, 16> j0{};
  std::memcpy(j0.data(), nonce.data(), 12);
  j0[15] = 1;
  const __m128i j0_block = _mm_load_si128(reinterpret_cast<const __m128i*>(j0.data()));
  const __m128i counter0_rev = _mm_and_si128(reverse128(j0_block), _mm_set_epi32(-1, -1, -1, 0));
  const __m128i h = _mm_load_si128(reinterpret_cast<const __m128i*>(h_desc[15].data()));
  __m128i y = _mm_setzero_si128();
  if (!aad.empty()) {
    alignas(16) std::array<unsigned char, 16> a{};
    std::memcpy(a.data(), aad.data(), aad.size());
    y = gf_mul(reverse128(_mm_load_si128(reinterpret_cast<const __m128i*>(a.data()))), h);
  }
  std::uint32_t counter = 2;
  const std::size_t blocks16 = first_size / 256;
  bulk(keys, h_desc, counter0_rev, counter, first_in, first_out, blocks16, decrypting, y);
  counter += static_cast<std::uint32_t>(16 * blocks16);
  std::size_t done = 256 * blocks16;
  const std::size_t whole = (first_size - done) / 16 * 16;
  blockwise(keys, h, counter0_rev, counter, first_in + done, first_out + done, whole, decrypting, y);
  counter += static_cast<std::uint32_t>(whole / 16);
  done += whole;
  // The rest of `first` (under 16 bytes) and all of `second`, joined.
  std::array<unsigned char, 32> joined_in{};
  std::array<unsigned char, 32> joined_out{};
  const std::size_t rest = first_size - done;
  copy_bytes(joined_in.data(), first_in + done, rest);
  copy_bytes(joined_in.data() + rest, second_in, second_size);
  blockwise(keys, h, counter0_rev, counter, joined_in.data(), joined_out.data(), rest + second_size, decrypting, y);
  copy_bytes(first_out + done, joined_out.data(), rest);
  copy_bytes(second_out, joined_out.data() + rest, second_size);
  secure_wipe(std::as_writable_bytes(std::span(joined_in)));
  secure_wipe(std::as_writable_bytes(std::span(joined_out)));

  const std::uint64_t text_bits = 8 * static_cast<std::uint64_t>(first_size + second_size);
  const std::uint64_t aad_bits = 8 * static_cast<std::uint64_t>(aad.size());
  y = gf_mul(_mm_xor_si128(y, _mm_set_epi64x(static_cast<long long>(aad_bits), static_cast<long long>(text_bits))),
             h);
  VaesGcm::Tag tag{};
  _mm_storeu_si128(reinterpret_cast<__m128i*>(tag.data()), _mm_xor_si128(reverse128(y), keys.encrypt(j0_block)));
  return tag;
}

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// AES-NI, PCLMULQDQ, VAES, VPCLMULQDQ and AVX-512 F/BW/VL, with the OS
// saving the AVX-512 state (core/detail/cpu.hpp asks CPUID once: every TLS
// key, each connection and each KeyUpdate, asks here again).
bool vaes_gcm_supported() noexcept {
  const ::privfin::detail::CpuFeatures& cpu = ::privfin::detail::cpu_features();
  return cpu.ssse3 && cpu.pclmul && cpu.aes && cpu.avx512_usable() && cpu.avx512vl && cpu.vaes && cpu.vpclmulqdq;
}

// Not compiled for AVX-512 itself: the CPU check must come first.
VaesGcm::VaesGcm(ByteView key) {
  if (key.size() != 16 && key.size() != 32) throw InvalidArgument("VaesGcm: key must be 16 or 32 bytes");
  if (!vaes_gcm_supported()) throw Error("VaesGcm: this CPU lacks VAES/VPCLMULQDQ/AVX-512");
  rounds_ = key.size() == 16 ? 10 : 14;
  init_keys(key, rounds_, round_keys_, h_powers_);
}

VaesGcm::~VaesGcm() {
  secure_wipe(std::as_writable_bytes(std::span(round_keys_)));
  secure_wipe(std::as_writable_bytes(std::span(h_powers_)));
}

VaesGcm::Tag VaesGcm::encrypt(const Nonce& nonce, ByteView aad, ByteView body, ByteView extra, std::byte* out) const {
  if (aad.size() > 16 || extra.size() > 16) throw InvalidArgument("VaesGcm::encrypt: aad or extra too long");
  const Keys keys{round_keys_, rounds_};
  auto* o = reinterpret_cast<unsigned char*>(out);
  return run_gcm(keys, h_powers_, nonce, aad, reinterpret_cast<const unsigned char*>(body.data()), o, body.size(),
                 reinterpret_cast<const unsigned char*>(extra.data()), o + body.size(), extra.size(), false);
}

bool VaesGcm::decrypt(const Nonce& nonce, ByteView aad, ByteView in, std::byte* out, std::span<std::byte> tail_out,
                      const Tag& tag) const {
  if (aad.size() > 16 || tail_out.size() > 16 || tail_out.size() > in.size()) {
    throw InvalidArgument("VaesGcm::decrypt: aad or tail too long");
  }
  const Keys keys{round_keys_, rounds_};
  const std::size_t first = in.size() - tail_out.size();
  const auto* i = reinterpret_cast<const unsigned char*>(in.data());
  const Tag computed = run_gcm(keys, h_powers_, nonce, aad, i, reinterpret_cast<unsigned char*>(out), first, i + first,
                               reinterpret_cast<unsigned char*>(tail_out.data()), tail_out.size(), true);
  return constant_time_equal(std::as_bytes(std::span(computed)), std::as_bytes(std::span(tag)));
}

}  // namespace privfin::net::detail
