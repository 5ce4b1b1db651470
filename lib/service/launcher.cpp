// The local launcher: n parties as child processes, credentials in a
// private temporary folder, listening sockets bound here and inherited, and
// abort notices to the survivors when one party fails.
//
// The children are watched through pidfds (Linux 5.3+; a 20 ms poll of
// waitpid where there are none), so the launcher installs no SIGCHLD
// handler and touches no process-wide state: it waits for its own pids only.
#include "privfin/service/launcher.hpp"
#include "privfin/service/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "privfin/core/error.hpp"
#include "privfin/net/abort_notice.hpp"
#include "privfin/net/keygen.hpp"

extern char** environ;

namespace privfin::service {

namespace {

using Clock = std::chrono::steady_clock;

// Collected output beyond this per stream is dropped (and said so).
constexpr std::size_t max_collected = std::size_t{16} << 20;
// After the last party ended, its output pipes are read for at most this
// long (a grandchild may still hold them open).
constexpr std::chrono::milliseconds drain_limit{200};

std::string errno_text(int e) { return std::strerror(e); }

// A private folder (mkdtemp: mode 0700) removed with everything in it.
class PrivateFolder {
 public:
  PrivateFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "privfin-launch-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error("launch: cannot create a temporary folder: " + errno_text(errno));
    }
    path_ = pattern;
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  ~PrivateFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

std::string resolve_program(const std::string& name) { return find_program(name, "launch"); }

std::string substitute(std::string arg, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    for (std::size_t at = arg.find(key); at != std::string::npos; at = arg.find(key, at + value.size())) {
      arg.replace(at, key.size(), value);
    }
  }
  return arg;
}

// One output stream of one party.
struct Stream {
  Fd fd;
  std::string line;       // prefixed mode: the unfinished last line
  std::string* sink = nullptr;  // collect mode
  std::FILE* to = nullptr;      // prefixed mode
  bool truncated = false;
};

struct Child {
  std::size_t id = 0;
  pid_t pid = -1;
  Fd pidfd;
  Fd notice;  // the launcher's end of the notice channel
  Stream out;
  Stream err;
  bool running = false;
};

void emit(Stream& s, std::size_t id, std::string_view data, bool final) {
  if (s.sink != nullptr) {
    const std::size_t room = max_collected - std::min(max_collected, s.sink->size());
    s.sink->append(data.substr(0, room));
    if (data.size() > room && !s.truncated) {
      s.truncated = true;
      s.sink->append("\n[launcher: output beyond 16 MiB dropped]\n");
    }
    return;
  }
  if (s.to == nullptr) return;
  s.line.append(data);
  const std::string prefix = "[party " + std::to_string(id) + "] ";
  std::size_t start = 0;
  for (std::size_t nl = s.line.find('\n'); nl != std::string::npos; nl = s.line.find('\n', start)) {
    std::fputs(prefix.c_str(), s.to);
    std::fwrite(s.line.data() + start, 1, nl + 1 - start, s.to);
    start = nl + 1;
  }
  s.line.erase(0, start);
  if (final && !s.line.empty()) {
    std::fputs(prefix.c_str(), s.to);
    std::fwrite(s.line.data(), 1, s.line.size(), s.to);
    std::fputc('\n', s.to);
    s.line.clear();
  }
  std::fflush(s.to);
}

// Reads what the pipe holds; closes it at end of stream.
void pump(Stream& s, std::size_t id) {
  std::array<char, 64 * 1024> buffer{};
  const ssize_t n = ::read(s.fd.get(), buffer.data(), buffer.size());
  if (n > 0) {
    emit(s, id, std::string_view(buffer.data(), static_cast<std::size_t>(n)), false);
    return;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  emit(s, id, {}, true);
  s.fd.reset();
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Kills and reaps every child still running when launch() leaves early.
struct ChildGuard {
  std::vector<Child>* children;
  ~ChildGuard() {
    for (auto& c : *children) {
      if (!c.running) continue;
      ::kill(c.pid, SIGKILL);
      int status = 0;
      while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
};

}  // namespace

std::string PartyOutcome::describe() const {
  std::string text;
  if (exit_status) {
    text = "exit status " + std::to_string(*exit_status);
  } else if (signal) {
    text = net::AbortNotice{id, net::AbortNotice::How::signaled, *signal}.describe();
  } else {
    text = pid > 0 ? "ended, status unknown (the process ignores SIGCHLD)" : "not started";
  }
  if (killed_at_time_limit) text += " at the time limit";
  return text;
}

bool LaunchResult::all_succeeded() const noexcept {
  return !parties.empty() && std::all_of(parties.begin(), parties.end(), [](const auto& p) { return p.succeeded(); });
}

LaunchResult launch(const LaunchOptions& options) {
  const std::size_t n = options.parties;
  if (n < 2) throw InvalidArgument("launch: a session needs at least 2 parties, got " + std::to_string(n));
  if (options.command.empty()) throw InvalidArgument("launch: the command is empty");
  if (options.time_limit.count() < 0) throw InvalidArgument("launch: negative time limit");
  const std::string program = resolve_program(options.command.front());
  const auto started = Clock::now();

  // Credentials, ports and the configuration.
  PrivateFolder folder;
  net::PartyConfig config;
  config.transport = options.transport;
  config.connect_timeout = options.connect_timeout;
  config.receive_timeout = options.receive_timeout;
  std::vector<net::TcpListener> listeners;
  for (std::size_t i = 0; i < n; ++i) {
    net::PartyEndpoint e;
    e.id = i;
    e.host = options.host;
    listeners.push_back(net::TcpListener::bind(options.host, 0));
    e.port = listeners.back().port();
    if (options.transport == net::Transport::tls) {
      e.certificate = folder.path() / ("party" + std::to_string(i) + ".crt");
      e.private_key = folder.path() / ("party" + std::to_string(i) + ".key");
      net::write_party_credentials(e.private_key, e.certificate, "privfin party " + std::to_string(i));
    }
    config.parties.push_back(std::move(e));
  }
  config.validate();
  const auto config_file = folder.path() / "cluster.json";
  config.save(config_file);

  LaunchResult result;
  result.parties.resize(n);
  std::vector<Child> children(n);
  ChildGuard guard{&children};
  Fd dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null.valid()) throw Error("launch: cannot open /dev/null: " + errno_text(errno));

  // The environment every party shares, minus what we set per party.
  std::vector<std::string> names = {"PRIVFIN_PARTY_ID", "PRIVFIN_PARTIES", "PRIVFIN_CONFIG", "PRIVFIN_LISTEN_FD",
                                    net::abort_channel_variable};
  for (const auto& [name, value] : options.environment) {
    if (name.empty() || name.find('=') != std::string::npos) {
      throw InvalidArgument("launch: bad environment variable name \"" + name + "\"");
    }
    names.push_back(name);
  }
  std::vector<std::string> base_env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (std::find(names.begin(), names.end(), name) == names.end()) base_env.emplace_back(entry);
  }
  for (const auto& [name, value] : options.environment) base_env.push_back(name + "=" + value);

  for (std::size_t i = 0; i < n; ++i) {
    Child& c = children[i];
    c.id = i;
    result.parties[i].id = i;
    int channel[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
      throw Error("launch: cannot create a notice channel: " + errno_text(errno));
    }
    c.notice = Fd(channel[0]);
    Fd child_notice(channel[1]);
    Fd out_write, err_write;
    if (options.output != LaunchOutput::inherit) {
      int out_pipe[2], err_pipe[2];
      if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error("launch: cannot create a pipe: " + errno_text(errno));
      c.out.fd = Fd(out_pipe[0]);
      out_write = Fd(out_pipe[1]);
      if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error("launch: cannot create a pipe: " + errno_text(errno));
      c.err.fd = Fd(err_pipe[0]);
      err_write = Fd(err_pipe[1]);
      if (options.output == LaunchOutput::collect) {
        c.out.sink = &result.parties[i].output;
        c.err.sink = &result.parties[i].error_output;
      } else {
        c.out.to = stdout;
        c.err.to = stderr;
      }
    }
    const int listen_fd = listeners[i].native_handle();
    const std::vector<std::pair<std::string, std::string>> values = {
        {"{id}", std::to_string(i)},
        {"{parties}", std::to_string(n)},
        {"{config}", config_file.string()},
        {"{listen_fd}", std::to_string(listen_fd)}};
    // Everything the child needs is built before fork: between fork and
    // exec only async-signal-safe calls (the caller may have threads).
    std::vector<std::string> args;
    for (const auto& a : options.command) args.push_back(substitute(a, values));
    std::vector<std::string> env = base_env;
    env.push_back("PRIVFIN_PARTY_ID=" + std::to_string(i));
    env.push_back("PRIVFIN_PARTIES=" + std::to_string(n));
    env.push_back("PRIVFIN_CONFIG=" + config_file.string());
    env.push_back("PRIVFIN_LISTEN_FD=" + std::to_string(listen_fd));
    env.push_back(std::string(net::abort_channel_variable) + "=" + std::to_string(child_notice.get()));
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);

    const pid_t pid = ::fork();
    if (pid < 0) throw Error("launch: cannot start party " + std::to_string(i) + ": " + errno_text(errno));
    if (pid == 0) {
      ::dup2(dev_null.get(), STDIN_FILENO);
      if (out_write.valid()) {
        ::dup2(out_write.get(), STDOUT_FILENO);
        ::dup2(err_write.get(), STDERR_FILENO);
      }
      ::fcntl(listen_fd, F_SETFD, 0);
      ::fcntl(child_notice.get(), F_SETFD, 0);
      ::execve(program.c_str(), argv.data(), envp.data());
      constexpr std::string_view failed = "launch: exec failed\n";
      (void)!::write(STDERR_FILENO, failed.data(), failed.size());
      ::_exit(127);
    }
    c.pid = pid;
    c.running = true;
    result.parties[i].pid = pid;
    c.pidfd = Fd(open_pidfd(pid));
    listeners[i] = net::TcpListener{};  // the child holds it now
  }
  dev_null.reset();

  // Watch: output, ends, the time limit.
  auto limit_at = options.time_limit.count() > 0 ? started + options.time_limit : Clock::time_point::max();
  std::optional<Clock::time_point> drain_until;
  const auto reap = [&](Child& c, std::optional<int> status) {
    c.running = false;
    c.pidfd.reset();
    PartyOutcome& o = result.parties[c.id];
    o.ended_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    std::optional<net::AbortNotice> notice;
    if (status && WIFEXITED(*status)) {
      o.exit_status = WEXITSTATUS(*status);
      if (*o.exit_status != 0) notice = net::AbortNotice{c.id, net::AbortNotice::How::exited, *o.exit_status};
    } else if (status && WIFSIGNALED(*status)) {
      o.signal = WTERMSIG(*status);
      const int sig = std::clamp(*o.signal, 1, 64);
      notice = net::AbortNotice{c.id, net::AbortNotice::How::signaled, sig};
    }
    c.notice.reset();
    if (!notice) return;
    if (!result.first_failure) result.first_failure = c.id;
    const Bytes bytes = notice->to_bytes();
    for (auto& other : children) {
      if (!other.running || !other.notice.valid()) continue;
      // Non-blocking: a party that does not read its notices (its buffer
      // full) must not stall the launcher; it is told nothing more.
      (void)::send(other.notice.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  };

  while (true) {
    const bool any_running = std::any_of(children.begin(), children.end(), [](const Child& c) { return c.running; });
    const bool any_open = std::any_of(children.begin(), children.end(),
                                      [](const Child& c) { return c.out.fd.valid() || c.err.fd.valid(); });
    if (!any_running) {
      if (!drain_until) drain_until = Clock::now() + drain_limit;
      if (!any_open || Clock::now() >= *drain_until) break;
    }
    if (any_running && Clock::now() >= limit_at) {
      for (auto& c : children) {
        if (!c.running) continue;
        ::kill(c.pid, SIGKILL);
        result.parties[c.id].killed_at_time_limit = true;
      }
      limit_at = Clock::time_point::max();  // once; their ends are reaped below
    }
    std::vector<pollfd> fds;
    std::vector<std::pair<Child*, int>> what;  // 0 out, 1 err, 2 pidfd
    bool blind = false;                         // a running child without a pidfd
    for (auto& c : children) {
      if (c.out.fd.valid()) {
        fds.push_back({c.out.fd.get(), POLLIN, 0});
        what.emplace_back(&c, 0);
      }
      if (c.err.fd.valid()) {
        fds.push_back({c.err.fd.get(), POLLIN, 0});
        what.emplace_back(&c, 1);
      }
      if (c.running && c.pidfd.valid()) {
        fds.push_back({c.pidfd.get(), POLLIN, 0});
        what.emplace_back(&c, 2);
      }
      if (c.running && !c.pidfd.valid()) blind = true;
    }
    auto wait = std::chrono::milliseconds(blind ? 20 : 1000);
    const auto now = Clock::now();
    if (limit_at != Clock::time_point::max() && any_running) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(limit_at - now) +
                                std::chrono::milliseconds(1));
    }
    if (drain_until) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(*drain_until - now) +
                                std::chrono::milliseconds(1));
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait.count(), 0)));
    if (ready < 0 && errno != EINTR) throw Error("launch: poll failed: " + errno_text(errno));
    // Ends first, so that survivors hear of an abort before we spend time
    // on anyone's output.
    for (auto& c : children) {
      if (!c.running) continue;
      int status = 0;
      const pid_t r = ::waitpid(c.pid, &status, WNOHANG);
      if (r == c.pid) reap(c, status);
      // Reaped by someone else (SIGCHLD ignored in this process): ended,
      // status unknown.
      if (r < 0 && errno == ECHILD) reap(c, std::nullopt);
    }
    if (ready <= 0) continue;
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto [c, kind] = what[k];
      if (kind == 0 && c->out.fd.valid()) pump(c->out, c->id);
      if (kind == 1 && c->err.fd.valid()) pump(c->err, c->id);
    }
  }
  // Output still open after the drain limit: flush what is buffered.
  for (auto& c : children) {
    if (c.out.fd.valid()) emit(c.out, c.id, {}, true);
    if (c.err.fd.valid()) emit(c.err, c.id, {}, true);
  }
  return result;
}

std::filesystem::path this_program() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw InvalidArgument("this_program: cannot read /proc/self/exe: " + error.message());
  return path;
}

LaunchedParty this_party(const std::optional<std::filesystem::path>& config, std::optional<std::size_t> id) {
  if (!config && std::getenv("PRIVFIN_LISTEN_FD") == nullptr) {
    if (id) throw InvalidArgument("a party id was given without the cluster file (config) it refers to");
    throw InvalidArgument("no cluster file and party id given, and not started by privfin-launch");
  }
  if (!config) return launched_party();
  if (!id) throw InvalidArgument("the cluster file " + config->string() + " was given without this party's id");
  LaunchedParty party;
  party.config = net::PartyConfig::load(*config);
  if (*id >= party.config.party_count()) {
    throw InvalidArgument("party id " + std::to_string(*id) + " is out of range for the " +
                          std::to_string(party.config.party_count()) + " parties of " + config->string());
  }
  party.id = *id;
  return party;
}

LaunchedParty launched_party() {
  const auto variable = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
      throw InvalidArgument(std::string("launched_party: ") + name +
                            " is not set; was this program started by privfin-launch (service::launch)?");
    }
    return v;
  };
  const auto number = [&](const char* name) -> std::size_t {
    const std::string text = variable(name);
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
      v = std::stoull(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text[0] == '-') {
      throw InvalidArgument(std::string("launched_party: ") + name + " must be a number, got \"" + text + "\"");
    }
    return static_cast<std::size_t>(v);
  };
  LaunchedParty party;
  party.id = number("PRIVFIN_PARTY_ID");
  const std::size_t fd = number("PRIVFIN_LISTEN_FD");
  party.config = net::PartyConfig::load(variable("PRIVFIN_CONFIG"));
  if (party.id >= party.config.party_count()) {
    throw InvalidArgument("launched_party: PRIVFIN_PARTY_ID " + std::to_string(party.id) + " is out of range for " +
                          std::to_string(party.config.party_count()) + " parties");
  }
  if (fd > 1'000'000) throw InvalidArgument("launched_party: PRIVFIN_LISTEN_FD out of range");
  party.listener = net::TcpListener::adopt(static_cast<int>(fd));
  // Not inherited further: a program the party starts is not the party.
  ::fcntl(party.listener.native_handle(), F_SETFD, FD_CLOEXEC);
  return party;
}

}  // namespace privfin::service
