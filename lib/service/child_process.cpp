// A child process with its output in a log file (see child_process.hpp).
#include "privfin/service/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::service {

namespace {

using Clock = std::chrono::steady_clock;

ChildExit exit_of(int status) {
  ChildExit out;
  if (WIFEXITED(status)) out.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  return out;
}

}  // namespace

std::string ChildExit::describe() const {
  std::string text;
  if (exit_status) {
    text = "exit status " + std::to_string(*exit_status);
  } else if (signal) {
    const char* name = ::sigabbrev_np(*signal);
    text = "killed by signal " + std::to_string(*signal) + (name != nullptr ? " (SIG" + std::string(name) + ")" : "");
  } else {
    text = "no process";
  }
  if (killed_after_grace) text += " after the grace period";
  return text;
}

std::string find_program(const std::string& name, std::string_view who) {
  const std::string prefix(who);
  if (name.empty()) throw InvalidArgument(prefix + ": the command is empty");
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) != 0) {
      throw InvalidArgument(prefix + ": program " + name + " cannot be run: " + std::strerror(errno));
    }
    return name;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path == nullptr ? "/usr/local/bin:/usr/bin:/bin" : path;
  while (true) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  throw InvalidArgument(prefix + ": program " + name + " not found on PATH");
}

ChildProcess ChildProcess::start(const std::vector<std::string>& command, const std::filesystem::path& log) {
  if (command.empty()) throw InvalidArgument("service::ChildProcess: the command is empty");
  const std::string program = find_program(command.front(), "service::ChildProcess");
  // Everything the child needs is made before fork: only async-signal-safe
  // calls between fork and exec.
  std::vector<std::string> copy = command;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw Error("service::ChildProcess: cannot open " + log.string() + ": " + std::strerror(errno));
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (in >= 0) ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(out);
  if (in >= 0) ::close(in);
  if (pid < 0) throw Error(std::string("service::ChildProcess: fork failed: ") + std::strerror(fork_errno));
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, 0)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    (void)kill();
    pid_ = std::exchange(other.pid_, 0);
  }
  return *this;
}

ChildProcess::~ChildProcess() { (void)kill(); }

std::optional<ChildExit> ChildProcess::poll() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  const pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == 0) return std::nullopt;
  pid_ = 0;
  // got < 0: not our child any more (SIGCHLD ignored): ended, status unknown.
  return got == static_cast<pid_t>(-1) ? ChildExit{} : exit_of(status);
}

bool ChildProcess::signal(int sig) const noexcept { return pid_ > 0 && ::kill(pid_, sig) == 0; }

ChildExit ChildProcess::kill() {
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGKILL);
  int status = 0;
  const pid_t got = ::waitpid(pid_, &status, 0);
  pid_ = 0;
  return got < 0 ? ChildExit{} : exit_of(status);
}

std::optional<ChildExit> ChildProcess::wait(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (pid_ > 0) {
    if (auto ended = poll()) return ended;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

ChildExit ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return {};
  // A stopped process would hold SIGTERM until it is continued.
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);
  if (auto ended = wait(grace)) return *ended;
  ChildExit out = kill();
  out.killed_after_grace = true;
  return out;
}

}  // namespace privfin::service
