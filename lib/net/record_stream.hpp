// The TLS record layer of a connection as two streams over byte buffers,
// shared by the lockstep TcpNetwork and the MessageBus: a RecordWriter
// seals application data into blocks of records ready for the socket (with
// KeyUpdates when due), a RecordReader holds the ciphertext read from the
// socket and opens whole records straight into the caller's buffer.
//
//   RecordWriter out(std::move(keys.sealer), config.tls_key_update_records);
//   out.seal(data, tls_content_application_data, sink);  // sink gets blocks
//   out.finish_block(sink);                              // the partial one too
//
//   RecordReader in;  in.set_opener(std::move(keys.opener));
//   std::size_t n = in.read(out_span);      // 0: no whole record buffered
//   if (n == 0) { n = socket.read_some(in.room()); in.filled(n); }
//
// The writer starts a record at every seal() call, so a receiver that asks
// for the same sizes opens every record straight into its own buffer. The
// reader accepts application data and KeyUpdates only; anything else (an
// alert, a ticket, an unknown type, a record that fails authentication)
// throws RecordError, after which the connection must be dropped.
//
// Internal to lib/net. One thread at a time per object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "privfin/core/bytes.hpp"
#include "tls_records.hpp"

namespace privfin::net::detail {

// Wire bytes queued for a socket: the first `size` bytes of `bytes` (a
// recycled buffer may be larger than what it carries).
struct Block {
  Bytes bytes;
  std::size_t size = 0;
};

// Where a RecordWriter's blocks go.
class BlockSink {
 public:
  // A buffer of at least `size` bytes (recycled or new).
  virtual Bytes take_buffer(std::size_t size) = 0;
  // A block of sealed records; `full`: it reached the target size during a
  // seal(), so the socket should start writing it now.
  virtual void emit(Block&& block, bool full) = 0;

 protected:
  ~BlockSink() = default;
};

class RecordWriter {
 public:
  // A block is handed on once it holds this many bytes.
  static constexpr std::size_t block_target = std::size_t{64} << 10;
  static constexpr std::size_t block_capacity = block_target + 2 * (tls_max_plaintext + tls_record_overhead);

  RecordWriter(std::unique_ptr<TlsRecordSealer> sealer, std::uint64_t key_update_records);

  // Seals `data` as records of the given type (at most 16 KiB of content
  // each, the first starting with data[0]) into the open block.
  void seal(ByteView data, std::uint8_t content_type, BlockSink& sink);
  // Hands the open block, if it holds anything, to the sink.
  void finish_block(BlockSink& sink);
  // The peer asked for our KeyUpdate: the next record goes under new keys.
  void request_key_update() noexcept { key_update_owed_ = true; }
  void discard() noexcept { open_ = Block{}; }
  [[nodiscard]] std::uint64_t sequence() const noexcept { return sealer_->sequence(); }

 private:
  void seal_one(ByteView content, std::uint8_t content_type, BlockSink& sink);

  std::unique_ptr<TlsRecordSealer> sealer_;
  std::uint64_t key_update_records_;
  bool key_update_owed_ = false;
  Block open_;
};

// What the reader refuses; `close_notify` for the peer's orderly goodbye.
class RecordError : public std::runtime_error {
 public:
  explicit RecordError(const std::string& what, bool close_notify = false)
      : std::runtime_error(what), close_notify_(close_notify) {}
  [[nodiscard]] bool close_notify() const noexcept { return close_notify_; }

 private:
  bool close_notify_;
};

class RecordReader {
 public:
  // Ciphertext read from the socket per call, at most.
  static constexpr std::size_t inbox_size = std::size_t{512} << 10;

  void set_opener(std::unique_ptr<TlsRecordOpener> opener) { opener_ = std::move(opener); }
  [[nodiscard]] bool has_opener() const noexcept { return opener_ != nullptr; }

  // Ciphertext received and not yet used (e.g. by the handshake).
  [[nodiscard]] ByteView unread() const noexcept { return ByteView(inbox_).subspan(pos_, len_ - pos_); }
  void consume(std::size_t n) noexcept { pos_ += n; }
  // Free space for the next socket read (moves what is unread to the front;
  // never empty: a record is far smaller than the buffer). Then filled(n).
  [[nodiscard]] std::span<std::byte> room();
  void filled(std::size_t n) noexcept { len_ += n; }

  // Delivers plaintext into `out` (non-empty): what is left of the last
  // record, or the content of the next whole buffered record (KeyUpdates
  // are applied on the way). 0 when no whole record is buffered. Throws
  // RecordError.
  [[nodiscard]] std::size_t read(std::span<std::byte> out);
  // Whether the peer asked for our KeyUpdate since the last call.
  [[nodiscard]] bool take_key_update_request() noexcept { return std::exchange(key_update_requested_, false); }

 private:
  std::size_t take_spill(std::span<std::byte> out) noexcept;
  [[nodiscard]] std::size_t buffered_record() const;
  [[nodiscard]] std::optional<std::size_t> open_record(std::size_t record_size, std::span<std::byte> out);

  std::unique_ptr<TlsRecordOpener> opener_;
  bool key_update_requested_ = false;
  Bytes inbox_;  // ciphertext from the socket; unread: inbox_[pos_, len_)
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  Bytes spill_;  // content of an opened record beyond what the caller asked for
  std::size_t spill_pos_ = 0;
  std::size_t spill_len_ = 0;
};

}  // namespace privfin::net::detail
