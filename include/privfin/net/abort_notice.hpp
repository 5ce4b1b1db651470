// privfin/net/abort_notice.hpp — how a launcher tells the parties of a
// session that one of them has ended abnormally, and the error a party
// raises when it learns it.
//
//   // the launcher (service::launch does this), per child k, after fork:
//   //   environment PRIVFIN_ABORT_FD=<its end of a socketpair>
//   // when party 1 exits with status 2, to every other party:
//   send(fd, AbortNotice{1, AbortNotice::How::exited, 2}.to_bytes())
//   // the party: TcpNetwork::connect and every wait in receive raise
//   //   PeerAborted: "party 1: aborted (exit status 2)"
//
// A process whose environment names a descriptor in abort_channel_variable
// (a stream socket it inherited; or a socket passed to TcpNetwork::connect
// explicitly) has every TcpNetwork watch it while it waits (in connect, in receive, and before reporting a peer's disconnect),
// so a notice interrupts the wait at once instead of letting it run into a
// timeout. Without the variable, or when it does not name an inherited
// socket, nothing changes. The first notice is kept: once a network has
// raised PeerAborted, every later wait of that network raises it again.
// The launcher is trusted (it is the parent); a malformed notice ends the
// watching, never the program.
//
// Wire form (8 bytes): "PA", u32 party (little-endian, 0-based network id),
// u8 how (1 exited, 2 killed by a signal), u8 code (exit status 1..255 or
// signal number 1..64). from_bytes throws DecodeError for anything else.
// Values only: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin::net {

// The environment variable that names the inherited notice socket.
inline constexpr const char* abort_channel_variable = "PRIVFIN_ABORT_FD";

struct AbortNotice {
  static constexpr std::size_t encoded_size = 8;
  enum class How : std::uint8_t { exited = 1, signaled = 2 };

  std::size_t party = 0;  // the 0-based id of the party that ended
  How how = How::exited;
  int code = 1;  // exit status (1..255) or signal number (1..64)

  // "exit status 2", "killed by signal 9 (SIGKILL)".
  [[nodiscard]] std::string describe() const;
  // InvalidArgument for a party id above 2^32-1 or a code out of range.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static AbortNotice from_bytes(ByteView in);
  friend bool operator==(const AbortNotice&, const AbortNotice&) = default;
};

// Raised by TcpNetwork when the launcher reports that a party ended
// abnormally: party() is that party, the message says how, e.g.
// "party 1: aborted (exit status 2)". A NetworkError, so code that handles
// transport failures handles this too.
class PeerAborted : public NetworkError {
 public:
  explicit PeerAborted(const AbortNotice& notice)
      : NetworkError(notice.party, "aborted (" + notice.describe() + ")"), notice_(notice) {}
  [[nodiscard]] const AbortNotice& notice() const noexcept { return notice_; }

 private:
  AbortNotice notice_;
};

}  // namespace privfin::net
