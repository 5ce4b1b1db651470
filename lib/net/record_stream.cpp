// The record streams of a connection (record_stream.hpp).
#include "record_stream.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace privfin::net::detail {

RecordWriter::RecordWriter(std::unique_ptr<TlsRecordSealer> sealer, std::uint64_t key_update_records)
    : sealer_(std::move(sealer)), key_update_records_(key_update_records) {}

void RecordWriter::seal(ByteView data, std::uint8_t content_type, BlockSink& sink) {
  for (std::size_t at = 0; at < data.size(); at += tls_max_plaintext) {
    const std::size_t chunk = std::min(tls_max_plaintext, data.size() - at);
    if (key_update_owed_ || sealer_->sequence() >= key_update_records_) {
      // Fresh sending keys (RFC 8446 §4.6.3): the KeyUpdate goes out under
      // the old keys, everything after it under the new ones.
      const Bytes key_update = tls_key_update_message(false);
      seal_one(key_update, tls_content_handshake, sink);
      sealer_->update();
      key_update_owed_ = false;
    }
    seal_one(data.subspan(at, chunk), content_type, sink);
    if (open_.size >= block_target) sink.emit(std::exchange(open_, Block{}), true);
  }
}

void RecordWriter::seal_one(ByteView content, std::uint8_t content_type, BlockSink& sink) {
  if (open_.bytes.size() - open_.size < content.size() + tls_record_overhead) {
    finish_block(sink);
    open_.bytes = sink.take_buffer(block_capacity);
  }
  open_.size += sealer_->seal(content, content_type, std::span(open_.bytes).subspan(open_.size));
}

void RecordWriter::finish_block(BlockSink& sink) {
  if (open_.size == 0) return;
  sink.emit(std::exchange(open_, Block{}), false);
}

std::span<std::byte> RecordReader::room() {
  if (inbox_.empty()) inbox_.resize(inbox_size);
  const std::size_t available = len_ - pos_;
  if (pos_ > 0) {
    std::memmove(inbox_.data(), inbox_.data() + pos_, available);
    pos_ = 0;
    len_ = available;
  }
  return std::span(inbox_).subspan(len_);
}

std::size_t RecordReader::read(std::span<std::byte> out) {
  if (spill_pos_ < spill_len_) return take_spill(out);
  if (!opener_) throw RecordError("TLS session is not established");
  for (;;) {
    const std::size_t size = buffered_record();
    if (size == 0) return 0;
    if (const auto n = open_record(size, out)) return *n;
    // a KeyUpdate: nothing to deliver
  }
}

std::size_t RecordReader::take_spill(std::span<std::byte> out) noexcept {
  const std::size_t n = std::min(out.size(), spill_len_ - spill_pos_);
  std::memcpy(out.data(), spill_.data() + spill_pos_, n);
  spill_pos_ += n;
  return n;
}

// The size of the record at the front of the inbox once all of it has
// arrived; 0 before.
std::size_t RecordReader::buffered_record() const {
  const std::size_t available = len_ - pos_;
  if (available < tls_record_header_size) return 0;
  const auto body = TlsRecordOpener::body_length(ByteView(inbox_).subspan(pos_));
  if (!body) throw RecordError("TLS error: malformed record header");
  const std::size_t size = tls_record_header_size + *body;
  return available >= size ? size : 0;
}

// Opens the record at the front of the inbox: straight into `out` when its
// content fits there, else into the spill. Returns the bytes delivered, or
// nullopt for a KeyUpdate (applied here, delivers nothing).
std::optional<std::size_t> RecordReader::open_record(std::size_t record_size, std::span<std::byte> out) {
  const ByteView record = ByteView(inbox_).subspan(pos_, record_size);
  const std::size_t most = record_size - tls_record_header_size - tls_tag_size - 1;
  const bool direct = out.size() >= most;
  if (!direct && spill_.size() < most) spill_.resize(tls_max_body);
  const std::span<std::byte> into = direct ? out.first(most) : std::span<std::byte>(spill_);
  const auto opened = opener_->open(record, into);
  if (!opened) throw RecordError("TLS error: a record failed authentication (data altered in transit)");
  pos_ += record_size;
  const ByteView content = ByteView(into).first(opened->length);
  switch (opened->content_type) {
    case tls_content_application_data:
      break;
    case tls_content_handshake: {
      // The one post-handshake message we accept.
      const auto requested = parse_tls_key_update(content);
      if (!requested) {
        throw RecordError("TLS error: unexpected post-handshake message (only KeyUpdate is accepted; no tickets are used)");
      }
      opener_->update();
      if (*requested) key_update_requested_ = true;
      return std::nullopt;
    }
    case tls_content_alert: {
      if (opened->length == 2 && content[1] == std::byte{0}) throw RecordError("disconnected (TLS close_notify)", true);
      const int description = opened->length == 2 ? static_cast<int>(content[1]) : -1;
      throw RecordError("TLS alert " + std::to_string(description) + " from the peer");
    }
    default:
      throw RecordError("TLS error: record of unknown content type " + std::to_string(opened->content_type));
  }
  if (direct) return opened->length;
  spill_pos_ = 0;
  spill_len_ = opened->length;
  return take_spill(out);
}

}  // namespace privfin::net::detail
