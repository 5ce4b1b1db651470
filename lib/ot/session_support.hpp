// What the OT layer's sessions share inside the library (not installed):
// decoding a peer's message so that an error names the peer, and the guard
// that leaves a session aborted unless a call completes.
#pragma once

#include <cstddef>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin::ot::support {

// Runs Message::from_bytes and names the peer in a DecodeError.
template <class Message>
Message decode_from(std::size_t peer, ByteView wire) {
  try {
    return Message::from_bytes(wire);
  } catch (const DecodeError& e) {
    throw DecodeError("party " + std::to_string(peer) + ": " + e.what());
  }
}

// Sets `aborted` for the scope and clears it only at done(): a call that
// throws halfway leaves its session unusable (a session that aborted must
// not continue, or a receiver could learn Delta bit by bit from which of its
// guesses abort).
class AbortGuard {
 public:
  explicit AbortGuard(bool& aborted) : aborted_(aborted) { aborted_ = true; }
  void done() { aborted_ = false; }
  AbortGuard(const AbortGuard&) = delete;
  AbortGuard& operator=(const AbortGuard&) = delete;
  ~AbortGuard() = default;

 private:
  bool& aborted_;
};

}  // namespace privfin::ot::support
