// AbortNotice: the launcher's 8-byte notice that a party ended abnormally.
#include "privfin/net/abort_notice.hpp"

#include <csignal>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "privfin/core/codec.hpp"

namespace privfin::net {

namespace {

constexpr std::string_view magic = "PA";
constexpr int max_signal = 64;

bool code_in_range(AbortNotice::How how, int code) {
  return code >= 1 && code <= (how == AbortNotice::How::exited ? 255 : max_signal);
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace

std::string AbortNotice::describe() const {
  if (how == How::exited) return "exit status " + std::to_string(code);
  return "killed by signal " + std::to_string(code) + " (" + signal_name(code) + ")";
}

Bytes AbortNotice::to_bytes() const {
  if (party > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument("AbortNotice: party id " + std::to_string(party) + " does not fit 32 bits");
  }
  if ((how != How::exited && how != How::signaled) || !code_in_range(how, code)) {
    throw InvalidArgument("AbortNotice: code " + std::to_string(code) + " is not an abnormal " +
                          (how == How::exited ? "exit status (1..255)" : "signal number (1..64)"));
  }
  Writer w;
  w.raw(as_bytes(magic))
      .u32(static_cast<std::uint32_t>(party))
      .u8(static_cast<std::uint8_t>(how))
      .u8(static_cast<std::uint8_t>(code));
  return std::move(w).take();
}

AbortNotice AbortNotice::from_bytes(ByteView in) {
  Reader r(in);
  const ByteView m = r.raw(magic.size(), "abort notice magic");
  if (std::memcmp(m.data(), magic.data(), magic.size()) != 0) throw DecodeError("abort notice: bad magic");
  AbortNotice n;
  n.party = r.u32("abort notice party");
  const std::uint8_t how = r.u8("abort notice kind");
  if (how != static_cast<std::uint8_t>(How::exited) && how != static_cast<std::uint8_t>(How::signaled)) {
    throw DecodeError("abort notice: unknown kind " + std::to_string(how));
  }
  n.how = static_cast<How>(how);
  n.code = r.u8("abort notice code");
  if (!code_in_range(n.how, n.code)) {
    throw DecodeError("abort notice: code " + std::to_string(n.code) + " out of range for its kind");
  }
  r.expect_end("abort notice");
  return n;
}

}  // namespace privfin::net
