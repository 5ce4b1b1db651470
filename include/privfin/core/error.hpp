// privfin/core/error.hpp — the exception types every privfin module throws.
//
// Catch `privfin::Error` to handle anything privfin raises; catch a subclass
// to react to one kind of failure:
//   InvalidArgument  the caller passed a value outside the documented domain
//   DecodeError      bytes from a file or a peer are malformed
//   ProtocolError    a check on what a peer sent failed (carries its party id)
//   NetworkError     a peer could not be reached, vanished, or timed out
// Messages name the value and the place, never a secret.
//
// A ProtocolError is raised only where a module checks something: a
// malformed or oversized request, a proof or share that does not verify, a
// reveal digest that differs (mpc::Rep3/Beaver::check_reveals). Deviation
// that no check covers raises nothing. In particular the semi-honest MPC
// engines (mpc::Rep3, mpc::Beaver and its dealer) do not detect a peer that
// sends well-formed but wrong values: outputs are then silently wrong,
// unless the opt-in reveal check catches the parties disagreeing. See
// docs/security.md for what each module checks.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace privfin {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InvalidArgument : public Error {
 public:
  using Error::Error;
};

class DecodeError : public Error {
 public:
  using Error::Error;
};

// A check on a peer's message failed. `party()` names that peer so that the
// caller can exclude or report it. Where a check compares views (a reveal
// digest), the named peer is the one whose view differs from this party's,
// which is not always the one that cheated; each check's header says.
class ProtocolError : public Error {
 public:
  ProtocolError(std::size_t party, const std::string& what)
      : Error("party " + std::to_string(party) + ": " + what), party_(party) {}
  [[nodiscard]] std::size_t party() const noexcept { return party_; }

 private:
  std::size_t party_;
};

// A transport failure. When one peer is to blame, `party()` holds its id.
class NetworkError : public Error {
 public:
  explicit NetworkError(const std::string& what) : Error(what) {}
  NetworkError(std::size_t party, const std::string& what)
      : Error("party " + std::to_string(party) + ": " + what), party_(party) {}
  [[nodiscard]] std::optional<std::size_t> party() const noexcept { return party_; }

 private:
  std::optional<std::size_t> party_;
};

}  // namespace privfin
