// Feeds the TLS 1.3 record layer's receiving side (lib/net/tls_records.hpp):
// TlsRecordOpener::body_length, TlsRecordOpener::open and
// parse_tls_key_update, which see every byte a peer sends after the
// handshake. Input: [selector][rest]; the selector picks the cipher suite and
// one of three modes:
//   0  rest is a record from a peer: body_length must agree with a direct
//      reading of the header (type 23, version 0303, 17 <= length <=
//      2^14 + 256); the record is opened by our VAES AES-GCM (where the CPU
//      has it) and by OpenSSL, which must agree byte for byte.
//   1  rest is [type][padding][flags][content]: an honest record is sealed
//      (padding as extra zero bytes, optionally after a KeyUpdate on both
//      sides) and must open to the same type and content under both AEAD
//      implementations; then one bit chosen by the input is flipped and the
//      record must no longer open.
//   2  rest is a handshake message: parse_tls_key_update must return the
//      flag exactly for the two canonical KeyUpdate messages.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "lib/net/tls_records.hpp"
#include "privfin/core/error.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::net::detail;

namespace {

constexpr std::array<TlsSuite, 3> suites = {TlsSuite::aes_128_gcm_sha256, TlsSuite::aes_256_gcm_sha384,
                                            TlsSuite::chacha20_poly1305_sha256};

Bytes traffic_secret(TlsSuite suite) {
  Bytes s(suite == TlsSuite::aes_256_gcm_sha384 ? 48 : 32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::byte>(0x40 + i);
  return s;
}

struct Result {
  std::optional<TlsRecordOpener::Opened> opened;
  Bytes content;
};

Result open_with(TlsRecordOpener& opener, ByteView record) {
  Result r;
  const std::size_t room = record.size() > tls_tag_size ? record.size() : tls_tag_size;
  Bytes out(room);
  r.opened = opener.open(record, out);
  if (r.opened) r.content.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.opened->length));
  return r;
}

bool agree(const Result& a, const Result& b) {
  if (a.opened.has_value() != b.opened.has_value()) return false;
  if (!a.opened) return true;
  return a.opened->content_type == b.opened->content_type && a.content == b.content;
}

void peer_record(TlsSuite suite, ByteView record) {
  const auto body = TlsRecordOpener::body_length(record);
  if (record.size() >= tls_record_header_size) {
    const auto h = [&](std::size_t i) { return static_cast<unsigned>(record[i]); };
    const std::size_t announced = (h(3) << 8U) | h(4);
    const bool legal = h(0) == 23 && h(1) == 3 && h(2) == 3 && announced >= 17 && announced <= tls_max_body;
    fuzz::require(body.has_value() == legal);
    if (body) fuzz::require(*body == announced);
  } else {
    fuzz::require(!body);
  }
  const Bytes secret = traffic_secret(suite);
  TlsRecordOpener fast(suite, secret, TlsAead::fastest);
  TlsRecordOpener reference(suite, secret, TlsAead::openssl);
  const Result a = open_with(fast, record);
  const Result b = open_with(reference, record);
  fuzz::require(agree(a, b));
  if (a.opened && a.opened->content_type == tls_content_handshake) (void)parse_tls_key_update(a.content);
}

void honest_record(TlsSuite suite, fuzz::Splitter& in) {
  const std::uint8_t type = in.u8();
  const std::size_t padding = in.u8();
  const std::uint8_t flags = in.u8();
  const ByteView content = in.take(tls_max_plaintext - padding - 1);
  if (type == 0) return;  // no content type: such a record is illegal, not honest
  // With padding the inner plaintext is sealed as content || type || zeros
  // under the "type" 0, as a peer that pads would send it.
  Bytes inner(content.begin(), content.end());
  std::uint8_t sealed_type = type;
  if (padding > 0) {
    inner.push_back(std::byte{type});
    inner.resize(inner.size() + padding - 1);
    sealed_type = 0;
  }
  const Bytes secret = traffic_secret(suite);
  TlsRecordSealer sealer(suite, secret, (flags & 1U) != 0 ? TlsAead::openssl : TlsAead::fastest);
  TlsRecordOpener fast(suite, secret, TlsAead::fastest);
  TlsRecordOpener reference(suite, secret, TlsAead::openssl);
  if ((flags & 2U) != 0) {  // both sides past one KeyUpdate
    sealer.update();
    fast.update();
    reference.update();
  }
  Bytes record(inner.size() + tls_record_overhead);
  record.resize(sealer.seal(inner, sealed_type, record));
  fuzz::require(TlsRecordOpener::body_length(record) == record.size() - tls_record_header_size);
  for (TlsRecordOpener* opener : {&fast, &reference}) {
    const Result r = open_with(*opener, record);
    fuzz::require(r.opened.has_value() && r.opened->content_type == type && fuzz::same(r.content, content));
  }
  // Tampering anywhere must be caught (a header change by body_length or the
  // tag, a body change by the tag); fresh openers, as the sequence moved on.
  const std::size_t bit = (static_cast<std::size_t>(flags) << 8U | padding) % (record.size() * 8);
  record[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
  TlsRecordOpener fast2(suite, secret, TlsAead::fastest);
  TlsRecordOpener reference2(suite, secret, TlsAead::openssl);
  if ((flags & 2U) != 0) {
    fast2.update();
    reference2.update();
  }
  fuzz::require(!open_with(fast2, record).opened && !open_with(reference2, record).opened);
}

void key_update(ByteView message) {
  const auto parsed = parse_tls_key_update(message);
  const Bytes no = tls_key_update_message(false);
  const Bytes yes = tls_key_update_message(true);
  if (fuzz::same(message, no)) {
    fuzz::require(parsed == false);
  } else if (fuzz::same(message, yes)) {
    fuzz::require(parsed == true);
  } else {
    fuzz::require(!parsed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t selector = in.u8();
  const TlsSuite suite = suites[selector % 3];
  switch ((selector / 3) % 3) {
    case 0: peer_record(suite, in.rest()); break;
    case 1: honest_record(suite, in); break;
    default: key_update(in.rest()); break;
  }
  return 0;
}
