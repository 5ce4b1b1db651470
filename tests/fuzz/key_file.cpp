// Feeds the key file decoder (service/key_file.hpp): decode_key_file_header
// and decode_key_file, what a loader runs on a file's bytes. Input:
// [mode][...]:
//   mode even: [passphrase piece][file]. An empty piece means no
//      passphrase. Oracle: a file that decodes re-encodes, under its own
//      header and the same passphrase, to exactly the input (the format is
//      canonical and the header is what the AEAD authenticates). Files whose
//      scrypt work r p N is above 2^14 are skipped to keep runs fast (the
//      bounds themselves are tested in tests/service/key_file_test.cpp).
//   mode odd: [passphrase]. A fixed honest encrypted file opens only under
//      its own passphrase, and then gives back its key; any other
//      passphrase is refused with DecodeError (InvalidArgument if empty).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/service/key_file.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::service;

namespace {

constexpr std::string_view honest_passphrase = "privfin fuzz passphrase";
constexpr std::uint64_t max_fuzz_work = std::uint64_t{1} << 14;

const Bytes& honest_key() {
  static const Bytes key(32, std::byte{0x5A});
  return key;
}

// A Prio3 verify key under honest_passphrase at the lowest cost, from a
// fixed seed.
const SecretBytes& honest_file() {
  static const SecretBytes file = [] {
    Prg prg(Prg::Seed{std::byte{0x4B}, std::byte{0x46}});
    KeyFileOptions options;
    options.passphrase = as_bytes(honest_passphrase);
    options.cost = ScryptCost{ScryptCost::min_log2_n, 8, 1};
    return encode_key_file(KeyType::prio3_verify_key, honest_key(), options, prg);
  }();
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t mode = in.u8();
  if ((mode & 1U) == 0) {
    const ByteView piece = in.piece();
    const std::optional<ByteView> passphrase = piece.empty() ? std::nullopt : std::optional(piece);
    const ByteView file = in.rest();
    try {
      const KeyFileHeader header = decode_key_file_header(file);
      if (header.encrypted &&
          std::uint64_t{header.cost.r} * header.cost.p * (std::uint64_t{1} << header.cost.log2_n) > max_fuzz_work) {
        return 0;
      }
      const SecretBytes key = decode_key_file(file, header.type, passphrase);
      fuzz::require(fuzz::same(encode_key_file(header, key.view(), passphrase).view(), file));
    } catch (const DecodeError&) {
    } catch (const InvalidArgument&) {
      // Only an encrypted file without a passphrase, or with one holding a
      // NUL byte, gets here (the piece is never empty when given).
      fuzz::require(!passphrase.has_value() || std::find(passphrase->begin(), passphrase->end(), std::byte{0}) != passphrase->end());
    }
    return 0;
  }
  const ByteView passphrase = in.rest();
  const bool right = fuzz::same(passphrase, as_bytes(honest_passphrase));
  try {
    const SecretBytes key = decode_key_file(honest_file().view(), KeyType::prio3_verify_key, passphrase);
    fuzz::require(right && fuzz::same(key.view(), honest_key()));
  } catch (const DecodeError&) {
    fuzz::require(!right && !passphrase.empty());
  } catch (const InvalidArgument&) {
    fuzz::require(passphrase.empty() || std::find(passphrase.begin(), passphrase.end(), std::byte{0}) != passphrase.end());
  }
  return 0;
}
