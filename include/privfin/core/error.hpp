// privfin/core/error.hpp — the exception types every privfin module throws.
//
// Catch `privfin::Error` to handle anything privfin raises; catch a subclass
// to react to one kind of failure:
//   InvalidArgument  the caller passed a value outside the documented domain
//   DecodeError      bytes from a file or a peer are malformed
//   ProtocolError    a peer deviated from the protocol (carries its party id)
//   NetworkError     a peer could not be reached, vanished, or timed out
// Messages name the value and the place, never a secret.
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

// A peer sent something the protocol does not allow. `party()` names it so
// that the caller can exclude or report it.
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
