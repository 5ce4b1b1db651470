// privfin/net/detail/outgoing_queue.hpp — one peer's bounded outgoing queue
// of the message bus, shared by TcpMessageBus and the simulated bus so that
// both apply the same policy (message_bus.hpp): FIFO; a keyed message
// replaces a queued one with the same key in place; when full, a keyed
// message drops the oldest queued keyed messages to make room, an unkeyed
// one is refused.
//
//   OutgoingQueue q(4096, 64 << 20);
//   auto r = q.push(std::move(bytes), key);   // r.status, r.dropped
//   while (auto m = q.pop()) write(*m);
//
// Costs: O(1) per push and pop, O(queue) for the drop-oldest scan. Not
// thread-safe: the bus holds its lock around it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <list>
#include <optional>
#include <unordered_map>

#include "privfin/core/bytes.hpp"
#include "privfin/net/message_bus.hpp"

namespace privfin::net::detail {

class OutgoingQueue {
 public:
  OutgoingQueue(std::size_t max_messages, std::size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  struct PushResult {
    SendStatus status = SendStatus::queued;
    std::size_t dropped = 0;  // keyed messages dropped (oldest first) to make room
  };

  PushResult push(Bytes&& message, std::optional<std::uint64_t> key) {
    PushResult result;
    bool replaced_old = false;
    if (key) {
      if (const auto found = by_key_.find(*key); found != by_key_.end()) {
        Entry& e = *found->second;
        if (bytes_ - e.message.size() + message.size() <= max_bytes_) {
          bytes_ = bytes_ - e.message.size() + message.size();
          e.message = std::move(message);
          result.status = SendStatus::replaced;
          return result;
        }
        erase(found->second);  // the newer one does not fit in its place: it queues at the back
        result.status = SendStatus::replaced;
        replaced_old = true;
      }
      while (!fits(message.size())) {
        const auto oldest = std::find_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.key.has_value(); });
        if (oldest == entries_.end()) break;
        erase(oldest);
        ++result.dropped;
      }
    }
    if (!fits(message.size())) {
      result.status = SendStatus::refused;
      if (replaced_old) ++result.dropped;  // the old value left and the new one did not fit
      return result;
    }
    bytes_ += message.size();
    entries_.push_back(Entry{std::move(message), key});
    if (key) by_key_[*key] = std::prev(entries_.end());
    return result;
  }

  [[nodiscard]] std::optional<Bytes> pop() {
    if (entries_.empty()) return std::nullopt;
    Bytes out = std::move(entries_.front().message);
    if (entries_.front().key) by_key_.erase(*entries_.front().key);
    entries_.pop_front();
    bytes_ -= out.size();
    return out;
  }

  // Discards everything; returns how many messages were queued.
  std::size_t clear() noexcept {
    const std::size_t n = entries_.size();
    entries_.clear();
    by_key_.clear();
    bytes_ = 0;
    return n;
  }

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  struct Entry {
    Bytes message;
    std::optional<std::uint64_t> key;
  };

  [[nodiscard]] bool fits(std::size_t size) const noexcept {
    return entries_.size() < max_messages_ && size <= max_bytes_ && bytes_ <= max_bytes_ - size;
  }

  void erase(std::list<Entry>::iterator it) {
    bytes_ -= it->message.size();
    if (it->key) by_key_.erase(*it->key);
    entries_.erase(it);
  }

  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::list<Entry> entries_;
  std::unordered_map<std::uint64_t, std::list<Entry>::iterator> by_key_;
};

}  // namespace privfin::net::detail
