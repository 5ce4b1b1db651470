// privfin-launch — runs the n parties of a program on this machine, each as
// its own process, with ephemeral ports and fresh TLS credentials, and
// reports how each one ended (service::launch, privfin/service/launcher.hpp).
//
//   privfin-launch --parties 3 -- ./bank --party {id} --config {config}
//
// Exit status: 0 when every party exited 0, 1 when one failed (the summary
// names the party that failed first), 2 for a usage error.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/service/launcher.hpp"

namespace {

constexpr const char* help_text =
    "usage: privfin-launch --parties N [options] -- PROGRAM [ARGS...]\n"
    "\n"
    "Starts N parties of PROGRAM on this machine, one process each, and waits for them.\n"
    "A private temporary folder (mode 0700, removed at the end) receives a fresh TLS key\n"
    "and certificate per party and cluster.json; each party's listening socket is bound\n"
    "on an ephemeral port here and inherited by the party.\n"
    "\n"
    "In ARGS these placeholders are replaced per party:\n"
    "  {id}         the party's 0-based network id\n"
    "  {parties}    N\n"
    "  {config}     the path of cluster.json\n"
    "  {listen_fd}  the party's inherited listening socket\n"
    "Each party also finds PRIVFIN_PARTY_ID, PRIVFIN_PARTIES, PRIVFIN_CONFIG,\n"
    "PRIVFIN_LISTEN_FD and PRIVFIN_ABORT_FD in its environment; a program calls\n"
    "privfin::service::launched_party() and TcpNetwork::connect(config, id, listener).\n"
    "\n"
    "When a party exits with a non-zero status or is killed by a signal, every party\n"
    "still running is told at once: its TcpNetwork raises\n"
    "  \"party 1: aborted (exit status 2)\"\n"
    "from connect or from a receive in progress, instead of waiting for a timeout.\n"
    "\n"
    "options:\n"
    "  --parties N            number of parties (at least 2)\n"
    "  --plain                plain_insecure transport (no TLS; benchmarks only)\n"
    "  --host HOST            address the parties listen on (default 127.0.0.1)\n"
    "  --time-limit SECONDS   kill the parties still running after this long (default: none)\n"
    "  --connect-timeout-ms MS   written into cluster.json (default 30000)\n"
    "  --receive-timeout-ms MS   written into cluster.json (default 60000)\n"
    "  --output MODE          prefixed (default: each line as \"[party i] ...\"), or\n"
    "                         inherit (the parties write to this terminal directly)\n"
    "  --help                 this text\n"
    "\n"
    "Ctrl-C reaches the parties too; the launcher waits for them to end, then removes\n"
    "the folder (a second Ctrl-C ends the launcher at once).\n"
    "\n"
    "Prints how each party ended, e.g. \"party 1: exit status 2 (failed first)\".\n"
    "Exit status: 0 when every party exited 0, 1 otherwise, 2 for a usage error.\n";

int usage(const std::string& why) {
  std::fprintf(stderr, "privfin-launch: %s\n(see privfin-launch --help)\n", why.c_str());
  return 2;
}

unsigned long number(const std::string& text, const char* what) {
  std::size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-') {
    throw privfin::InvalidArgument(std::string(what) + " must be a number, got \"" + text + "\"");
  }
  return v;
}

// Ctrl-C reaches the whole process group: the parties end on it and the
// launcher, which survives the first one, reaps them and removes the
// credentials folder. A second Ctrl-C ends the launcher at once.
void on_interrupt(int) {}

void survive_first_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = static_cast<int>(SA_RESETHAND);  // not SA_RESTART: poll() returns at once
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  privfin::service::LaunchOptions options;
  try {
    int i = 1;
    for (; i < argc; ++i) {
      const std::string_view arg = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw privfin::InvalidArgument(std::string(arg) + " needs a value");
        return argv[++i];
      };
      if (arg == "--") {
        ++i;
        break;
      }
      if (arg == "--help" || arg == "-h") {
        std::fputs(help_text, stdout);
        return 0;
      }
      if (arg == "--parties") {
        options.parties = number(value(), "--parties");
      } else if (arg == "--plain") {
        options.transport = privfin::net::Transport::plain_insecure;
      } else if (arg == "--host") {
        options.host = value();
      } else if (arg == "--time-limit") {
        options.time_limit = std::chrono::seconds(number(value(), "--time-limit"));
      } else if (arg == "--connect-timeout-ms") {
        options.connect_timeout = std::chrono::milliseconds(number(value(), "--connect-timeout-ms"));
      } else if (arg == "--receive-timeout-ms") {
        options.receive_timeout = std::chrono::milliseconds(number(value(), "--receive-timeout-ms"));
      } else if (arg == "--output") {
        const std::string mode = value();
        if (mode == "prefixed") {
          options.output = privfin::service::LaunchOutput::prefixed;
        } else if (mode == "inherit") {
          options.output = privfin::service::LaunchOutput::inherit;
        } else {
          return usage("--output must be prefixed or inherit, got \"" + mode + "\"");
        }
      } else {
        return usage("unknown option " + std::string(arg));
      }
    }
    for (; i < argc; ++i) options.command.emplace_back(argv[i]);
    if (options.parties < 2 || options.parties > 1000) return usage("--parties must be between 2 and 1000");
    if (options.command.empty()) return usage("no program given after --");

    survive_first_interrupt();  // a handler, not SIG_IGN: the parties get the default back at exec
    const auto result = privfin::service::launch(options);
    for (const auto& p : result.parties) {
      std::fprintf(stderr, "party %zu: %s%s\n", p.id, p.describe().c_str(),
                   result.first_failure == p.id ? " (failed first)" : "");
    }
    return result.all_succeeded() ? 0 : 1;
  } catch (const privfin::InvalidArgument& e) {
    return usage(e.what());
  } catch (const privfin::Error& e) {
    std::fprintf(stderr, "privfin-launch: %s\n", e.what());
    return 1;
  }
}
