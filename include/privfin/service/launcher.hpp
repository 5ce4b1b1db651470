// privfin/service/launcher.hpp — start the n parties of a program on this
// machine as separate processes, with ephemeral ports and fresh
// credentials, and tell every party promptly, by name, when one aborts.
//
//   service::LaunchOptions options;
//   options.parties = 3;
//   options.command = {"./bank", "--party", "{id}", "--config", "{config}"};
//   const service::LaunchResult result = service::launch(options);
//   for (const auto& p : result.parties) std::printf("party %zu: %s\n", p.id, p.describe().c_str());
//
//   // in ./bank (or any program started this way):
//   auto party = service::launched_party();            // from the environment
//   auto net = net::TcpNetwork::connect(party.config, party.id, std::move(party.listener));
//
// What launch() does: creates a private temporary folder (mode 0700), writes
// a P-256 key and self-signed certificate per party into it (net/keygen)
// unless the transport is plain_insecure, binds one listening socket per
// party on host:0 (the kernel picks free ports, so nothing races for them),
// writes cluster.json naming those ports, and starts the command once per
// party. Each child gets, in its arguments, the placeholders {id} (its
// 0-based network id), {parties}, {config} (the cluster.json path) and
// {listen_fd} replaced (other text is left alone); in its environment PRIVFIN_PARTY_ID, PRIVFIN_PARTIES,
// PRIVFIN_CONFIG, PRIVFIN_LISTEN_FD (its inherited listening socket) and
// PRIVFIN_ABORT_FD (its end of the notice channel, net/abort_notice.hpp).
// Standard input is /dev/null; output is forwarded line by line with a
// "[party i] " prefix, collected, or passed through (LaunchOptions::output).
// When a party exits with a non-zero status or is killed by a signal, the
// launcher sends an AbortNotice to every party still running: their
// TcpNetwork raises net::PeerAborted ("party 1: aborted (exit status 2)")
// from connect() or from a receive in progress, within milliseconds. After
// the time limit, the parties still running are killed (SIGKILL). launch()
// returns once every party has ended; the folder is removed (also when
// launch() throws, after killing and reaping what it started).
//
// Costs: one key pair per party (about a millisecond each), one process
// per party, and a poll loop in the calling thread.
//
// Throws InvalidArgument for fewer than 2 parties, an empty command or a
// program not found; NetworkError if a port
// cannot be bound; Error if a process cannot be started. A party that fails
// is not an exception: it is in the result (LaunchResult::all_succeeded()).
// Thread safety: launch() may run on several threads at once (no shared
// state); it waits for its own children only (by pid).
#pragma once

#include <chrono>
#include <filesystem>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

namespace privfin::service {

enum class LaunchOutput {
  prefixed,  // each line of a party's stdout/stderr goes to ours, prefixed "[party i] "
  collect,   // kept in PartyOutcome::output / error_output, not printed
  inherit,   // the parties write to our stdout/stderr directly
};

struct LaunchOptions {
  std::size_t parties = 0;
  // The program and its arguments; see the placeholders above. A program
  // name without '/' is looked up on PATH.
  std::vector<std::string> command;
  net::Transport transport = net::Transport::tls;
  std::string host = "127.0.0.1";
  // Written into cluster.json for the parties' TcpNetwork.
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds receive_timeout{60'000};
  // Parties still running after this long are killed; zero: no limit.
  std::chrono::milliseconds time_limit{0};
  LaunchOutput output = LaunchOutput::prefixed;
  // Extra environment variables for every party (name, value).
  std::vector<std::pair<std::string, std::string>> environment;
};

struct PartyOutcome {
  std::size_t id = 0;
  int pid = 0;
  std::optional<int> exit_status;  // set when the party exited
  std::optional<int> signal;       // set when a signal ended it
  bool killed_at_time_limit = false;
  // When it ended, from the start of launch().
  std::chrono::milliseconds ended_after{0};
  // With LaunchOutput::collect: what it wrote.
  std::string output;
  std::string error_output;

  [[nodiscard]] bool succeeded() const noexcept { return exit_status == 0; }
  // "exit status 0", "exit status 2", "killed by signal 9 (SIGKILL) at the time limit".
  [[nodiscard]] std::string describe() const;
};

struct LaunchResult {
  std::vector<PartyOutcome> parties;  // by id
  // The party that failed first (non-zero exit or signal), if any: the
  // cause; the others usually fail after it because it aborted.
  std::optional<std::size_t> first_failure;

  [[nodiscard]] bool all_succeeded() const noexcept;
};

[[nodiscard]] LaunchResult launch(const LaunchOptions& options);

// What a program started by launch() finds in its environment.
struct LaunchedParty {
  std::size_t id = 0;
  net::PartyConfig config;
  net::TcpListener listener;  // its listening socket (port already in config)
};

// Reads PRIVFIN_PARTY_ID, PRIVFIN_CONFIG and PRIVFIN_LISTEN_FD. Throws
// InvalidArgument when the process was not started by a launcher (the
// variables are missing or malformed), plus what PartyConfig::load and
// TcpListener::adopt throw. Call it once: the listener is handed over.
[[nodiscard]] LaunchedParty launched_party();

// The party this process plays, for a program run either way: from a
// cluster file and an id given by hand (`config` set: both needed; the
// listener is left empty and TcpNetwork::connect binds the port), else
// from privfin-launch (launched_party()). Throws InvalidArgument for a
// config without an id, an id out of range, or neither a config nor a
// launcher, plus what PartyConfig::load throws.
[[nodiscard]] LaunchedParty this_party(const std::optional<std::filesystem::path>& config,
                                       std::optional<std::size_t> id);

// The path of the running program (Linux: /proc/self/exe), for a program
// that launches copies of itself as its parties:
//   options.command = {service::this_program().string(), "party"};
// Throws InvalidArgument if the path cannot be read.
[[nodiscard]] std::filesystem::path this_program();

}  // namespace privfin::service
