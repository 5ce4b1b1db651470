// privfin/service/child_process.hpp — one child process of this program,
// for tools that run a local cluster of long-lived nodes (example 04, the
// node tests): started with its output appended to a log file, signalled,
// stopped with a grace period, and never left behind: destroying a
// ChildProcess that still runs kills (SIGKILL) and reaps it.
//
//   auto node = service::ChildProcess::start({"privfin-node", "run", "--config", "node0.json"}, "node0.log");
//   node.signal(SIGSTOP); ... node.signal(SIGCONT);
//   const auto how = node.stop(std::chrono::seconds(20));   // SIGTERM, SIGKILL after 20 s
//   if (!how.succeeded()) std::printf("node 0: %s\n", how.describe().c_str());
//
// service::launch (launcher.hpp) is for the other shape: the n parties of
// one computation, started together with fresh credentials, that end by
// themselves. A ChildProcess is one process whose life the caller steers.
//
// Standard input is /dev/null; standard output and error are appended to
// the log file (created with mode 0644 if missing). A program name without
// '/' is looked up on PATH before forking (find_program), so a missing
// program is an exception here, not an exit status 127 later.
// Costs: one fork/exec; stop() polls every 20 ms while it waits.
// Throws InvalidArgument for an empty command or a program that is missing
// or not executable, Error when the log file cannot be opened or fork
// fails. Thread safety: one thread at a time per object; it waits for its
// own pid only.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace privfin::service {

// How a child ended.
struct ChildExit {
  std::optional<int> exit_status;  // set when it exited
  std::optional<int> signal;       // set when a signal ended it
  bool killed_after_grace = false;  // stop() had to send SIGKILL

  [[nodiscard]] bool succeeded() const noexcept { return exit_status == 0 && !killed_after_grace; }
  // "exit status 0", "killed by signal 9 (SIGKILL)", "... after the grace period".
  [[nodiscard]] std::string describe() const;
};

class ChildProcess {
 public:
  ChildProcess() = default;  // no process
  [[nodiscard]] static ChildProcess start(const std::vector<std::string>& command, const std::filesystem::path& log);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // The process id while it runs or has not been reaped, else 0.
  [[nodiscard]] int pid() const noexcept { return pid_; }
  // Without waiting: how it ended, if it has (then it is reaped and pid() is 0).
  [[nodiscard]] std::optional<ChildExit> poll();
  // Sends `sig` if the process has not been reaped; false otherwise.
  bool signal(int sig) const noexcept;
  // SIGKILL and reap (nothing when there is no process).
  ChildExit kill();
  // SIGTERM, then waits up to `grace` for it to end, then SIGKILL.
  ChildExit stop(std::chrono::milliseconds grace);
  // Waits up to `limit` for it to end by itself; nullopt if it still runs.
  [[nodiscard]] std::optional<ChildExit> wait(std::chrono::milliseconds limit);

 private:
  explicit ChildProcess(int pid) noexcept : pid_(pid) {}
  int pid_ = 0;
};

// The path of `name` as execv needs it: itself when it contains '/' (it
// must be executable), else the first executable match on PATH. Throws
// InvalidArgument naming `who` and the program otherwise.
[[nodiscard]] std::string find_program(const std::string& name, std::string_view who);

}  // namespace privfin::service
