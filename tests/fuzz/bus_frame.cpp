// Feeds the message bus's frame decoder (privfin/net/bus_frame.hpp), which
// sees every plaintext byte a peer sends on a bus connection. Input:
// [limit:u16][chunk:u8][stream]. The stream is decoded with a limit of
// `limit` bytes two ways: whole by bus_frame_from_bytes (one frame), and in
// chunks of `chunk` + 1 bytes by BusFrameReader. Oracles: no crash and only
// DecodeError; every message either way respects the limit; a frame that
// decodes whole re-encodes to the same bytes and is the one message the
// reader yields for the same bytes; the reader holds at most 64 KiB, or
// twice the bytes it was given, for a message in progress.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/bus_frame.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::size_t limit = in.u16();
  const std::size_t chunk = std::size_t{in.u8()} + 1;
  const ByteView stream = in.rest();

  bool whole_ok = false;
  Bytes whole;
  try {
    whole = net::bus_frame_from_bytes(stream, limit);
    whole_ok = true;
    fuzz::require(whole.size() <= limit);
    const Bytes again = net::bus_frame_to_bytes(whole);
    fuzz::require(ByteView(again).size() == stream.size() && std::equal(again.begin(), again.end(), stream.begin()));
  } catch (const DecodeError&) {
  }

  net::BusFrameReader reader(limit);
  std::vector<Bytes> messages;
  bool reader_ok = true;
  try {
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      const std::size_t n = std::min(chunk, stream.size() - at);
      reader.feed(stream.subspan(at, n), messages);
      fuzz::require(reader.buffered_capacity() <= std::max<std::size_t>(2 * (at + n), std::size_t{64} << 10));
    }
  } catch (const DecodeError&) {
    reader_ok = false;
  }
  for (const auto& m : messages) fuzz::require(m.size() <= limit);
  if (whole_ok) {
    fuzz::require(reader_ok && messages.size() == 1 && messages[0] == whole);
  }
  return 0;
}
