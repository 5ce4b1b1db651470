// Feeds what a peer's socket delivers before and after the TLS handshake,
// below the message layer: the plaintext hello (lib/net/socket_io.hpp), the
// record stream a RecordReader reassembles from arbitrary socket reads
// (lib/net/record_stream.hpp), and the 8-byte length prefix of
// Network::receive_message(_into). Input: [mode][rest]:
//   0  rest is a hello: decode_hello accepts it exactly when it is 21 bytes
//      starting with the magic, and then encode_hello gives the same bytes.
//   1  rest is [suite][key update every][flip][message count][read sizes
//      piece][chunk sizes piece][messages...][garbage]: the messages are
//      sealed by a RecordWriter (with KeyUpdates every few records), the
//      garbage appended, one bit flipped when asked, and the stream handed
//      to a RecordReader in chunks of the given sizes and read into buffers
//      of the given sizes. Untouched, the plaintext must come out whole and
//      in order; altered, the reader may only deliver a prefix of it and
//      must refuse the rest with RecordError.
//   2  rest is [max size u16][into][stream]: a peer sends `stream`;
//      receive_message (or receive_message_into) with that maximum returns
//      exactly the announced bytes, or throws DecodeError for a length over
//      the maximum, or the transport's NetworkError when the stream ends
//      early. Nothing else may escape.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "lib/net/record_stream.hpp"
#include "lib/net/socket_io.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::net;
using namespace privfin::net::detail;

namespace {

void hello(ByteView in) {
  constexpr HelloMagic other = {'F', 'U', 'Z', 'Z', 'M', 'A', 'G', 'C'};
  for (const HelloMagic& magic : {network_hello_magic, other}) {
    const auto h = decode_hello(magic, in);
    const bool well_formed =
        in.size() == hello_size && fuzz::same(in.first(magic.size()), as_bytes(std::string_view(magic.data(), magic.size())));
    fuzz::require(h.has_value() == well_formed);
    if (h) {
      const auto again = encode_hello(magic, *h);
      fuzz::require(fuzz::same(again, in));
    }
  }
}

constexpr std::array<TlsSuite, 3> suites = {TlsSuite::aes_128_gcm_sha256, TlsSuite::aes_256_gcm_sha384,
                                            TlsSuite::chacha20_poly1305_sha256};

Bytes traffic_secret(TlsSuite suite) {
  Bytes s(suite == TlsSuite::aes_256_gcm_sha384 ? 48 : 32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::byte>(0x21 + i);
  return s;
}

class Collect final : public BlockSink {
 public:
  Bytes take_buffer(std::size_t size) override { return Bytes(size); }
  void emit(Block&& block, bool) override {
    wire.insert(wire.end(), block.bytes.begin(), block.bytes.begin() + static_cast<std::ptrdiff_t>(block.size));
  }
  Bytes wire;
};

// A size from a list of input bytes, cycling; at least 1.
std::size_t cycle(ByteView sizes, std::size_t& at, std::size_t scale) {
  if (sizes.empty()) return scale;
  const auto v = static_cast<std::size_t>(sizes[at++ % sizes.size()]);
  return 1 + v * scale;
}

void record_stream(fuzz::Splitter& in) {
  const TlsSuite suite = suites[in.u8() % suites.size()];
  const std::uint64_t key_update_every = 1 + in.u8() % 8;
  const std::uint8_t flip = in.u8();
  const std::size_t message_count = in.u8() % 6;
  const ByteView read_sizes = in.piece();
  const ByteView chunk_sizes = in.piece();
  const Bytes secret = traffic_secret(suite);

  Bytes plaintext;
  Collect sink;
  RecordWriter writer(std::make_unique<TlsRecordSealer>(suite, secret), key_update_every);
  for (std::size_t m = 0; m < message_count; ++m) {
    // Short pieces repeated up to past one record's 16 KiB.
    const ByteView piece = in.piece();
    const std::size_t repeat = 1 + in.u8() % 32;
    Bytes message;
    for (std::size_t r = 0; r < repeat && !piece.empty(); ++r) message.insert(message.end(), piece.begin(), piece.end());
    if (message.empty()) continue;  // the writer never seals nothing
    writer.seal(message, tls_content_application_data, sink);
    plaintext.insert(plaintext.end(), message.begin(), message.end());
  }
  writer.finish_block(sink);
  Bytes wire = std::move(sink.wire);
  const std::size_t honest_size = wire.size();
  const ByteView garbage = in.rest();
  wire.insert(wire.end(), garbage.begin(), garbage.end());
  const bool flipped = flip != 0 && !wire.empty();
  if (flipped) wire[(flip * 131U) % wire.size()] ^= std::byte{static_cast<std::uint8_t>(1U << (flip % 8))};

  RecordReader reader;
  reader.set_opener(std::make_unique<TlsRecordOpener>(suite, secret));
  Bytes delivered;
  std::size_t fed = 0;
  std::size_t read_at = 0;
  std::size_t chunk_at = 0;
  bool refused = false;
  // Each step delivers or feeds at least one byte: this bound is never hit.
  const std::size_t most_steps = wire.size() + plaintext.size() + 2;
  try {
    for (std::size_t steps = 0; steps < most_steps; ++steps) {
      Bytes out(cycle(read_sizes, read_at, 97));
      const std::size_t n = reader.read(out);
      if (n > 0) {
        fuzz::require(n <= out.size());
        delivered.insert(delivered.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
        continue;
      }
      if (fed == wire.size()) break;
      const auto room = reader.room();
      fuzz::require(!room.empty());
      const std::size_t k = std::min({room.size(), wire.size() - fed, cycle(chunk_sizes, chunk_at, 257)});
      std::copy_n(wire.begin() + static_cast<std::ptrdiff_t>(fed), k, room.begin());
      reader.filled(k);
      fed += k;
    }
  } catch (const RecordError&) {
    refused = true;
  }
  // Never more than was sent, and only what was sent, in order.
  fuzz::require(delivered.size() <= plaintext.size());
  fuzz::require(fuzz::same(delivered, ByteView(plaintext).first(delivered.size())));
  if (!flipped && garbage.empty()) {
    fuzz::require(!refused);
    fuzz::require(delivered.size() == plaintext.size());
    fuzz::require(reader.unread().empty() && fed == honest_size);
  }
}

// A peer whose socket delivers `stream` and then reports it closed.
class StreamNetwork final : public Network {
 public:
  explicit StreamNetwork(ByteView stream) : Network(0, 2), stream_(stream) {}

 protected:
  void do_send(std::size_t, ByteView) override {}
  void do_flush() override {}
  void do_receive(std::size_t peer, std::span<std::byte> out) override {
    if (out.size() > stream_.size() - at_) throw NetworkError(peer, "disconnected (End of file)");
    std::copy_n(stream_.begin() + static_cast<std::ptrdiff_t>(at_), out.size(), out.begin());
    at_ += out.size();
  }

 private:
  ByteView stream_;
  std::size_t at_ = 0;
};

void framing(fuzz::Splitter& in) {
  // Maxima from 0 up to 2^30 (a lying prefix below it must not allocate it).
  const std::uint16_t raw_max = in.u16();
  const std::size_t max_size = (raw_max & 0x8000U) != 0 ? std::size_t{raw_max & 0x7FFFU} << 15 : raw_max;
  const bool into = (in.u8() & 1U) != 0;
  const ByteView stream = in.rest();
  std::uint64_t announced = 0;
  for (std::size_t i = 0; i < 8 && i < stream.size(); ++i) announced |= static_cast<std::uint64_t>(stream[i]) << (8 * i);
  const bool whole_prefix = stream.size() >= 8;
  StreamNetwork net(stream);
  try {
    Bytes buffer;
    const ByteView got = into ? net.receive_message_into(1, max_size, buffer)
                              : ByteView(buffer = net.receive_message(1, max_size));
    fuzz::require(whole_prefix && announced <= max_size && stream.size() - 8 >= announced);
    fuzz::require(fuzz::same(got, stream.subspan(8, static_cast<std::size_t>(announced))));
  } catch (const DecodeError&) {
    fuzz::require(whole_prefix && announced > max_size);
  } catch (const NetworkError&) {
    fuzz::require(!whole_prefix || (announced <= max_size && stream.size() - 8 < announced));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  switch (in.u8() % 3) {
    case 0: hello(in.rest()); break;
    case 1: record_stream(in); break;
    default: framing(in); break;
  }
  return 0;
}
