// The party program the launcher tests start: one process per party, its
// id, configuration and listening socket from service::launched_party().
//
//   privfin_launch_test_party exchange
//       connect, agree on the parameters, exchange a message with every
//       peer, close; exit 0.
//   privfin_launch_test_party before-connect K CODE
//       party K exits with CODE before connecting; the others connect.
//   privfin_launch_test_party mid-protocol K CODE|kill [from-dead]
//       all connect and exchange once; then party K exits with CODE (or
//       kills itself with SIGKILL) 200 ms later, while the others wait in a
//       receive from a live peer that never sends (with from-dead: from
//       party K itself).
//
// A surviving party that is told of the abort prints
// "party I caught: <message>" and exits 3 when the error names party K
// (PeerAborted), 4 for any other error, 0 if nothing went wrong.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>

#include "privfin/net/abort_notice.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/launcher.hpp"

using namespace privfin;

namespace {

void exchange(net::Network& net, const std::string& round) {
  const std::size_t me = net.party_id();
  for (std::size_t peer = 0; peer < net.party_count(); ++peer) {
    if (peer != me) net.send_message(peer, to_bytes(round + " from " + std::to_string(me)));
  }
  for (std::size_t peer = 0; peer < net.party_count(); ++peer) {
    if (peer == me) continue;
    const Bytes got = net.receive_message(peer);
    if (got != to_bytes(round + " from " + std::to_string(peer))) {
      throw std::runtime_error("wrong message from party " + std::to_string(peer));
    }
  }
}

[[noreturn]] void die(const std::string& how) {
  std::fflush(stdout);
  if (how == "kill") ::raise(SIGKILL);
  std::_Exit(std::atoi(how.c_str()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::size_t culprit = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
  const std::string how = argc > 3 ? argv[3] : "1";
  const bool from_dead = argc > 4 && std::string(argv[4]) == "from-dead";
  std::size_t me = 0;
  try {
    auto party = service::launched_party();
    me = party.id;
    if (mode == "exchange") {
      // Where the credentials are, and who may read them (the test checks
      // the mode, and that the folder is gone afterwards).
      const auto folder = std::filesystem::path(std::getenv("PRIVFIN_CONFIG")).parent_path();
      struct stat st {};
      ::stat(folder.c_str(), &st);
      std::printf("folder %s mode %o\n", folder.c_str(), static_cast<unsigned>(st.st_mode & 0777));
    }
    if (mode == "before-connect" && me == culprit) die(how);
    auto net = net::TcpNetwork::connect(party.config, party.id, std::move(party.listener));
    service::Parameters params("launcher test", 1);
    params.set("mode", mode);
    service::agree(*net, params);
    exchange(*net, "first");
    if (mode == "mid-protocol") {
      if (me == culprit) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        die(how);
      }
      // Wait for a message nobody sends: only the abort notice ends this.
      std::size_t peer = culprit;
      if (!from_dead) {
        peer = 0;
        while (peer == me || peer == culprit) ++peer;
      }
      (void)net->receive_message(peer);
    }
    net->close();
    std::printf("party %zu done\n", me);
    return 0;
  } catch (const net::PeerAborted& e) {
    std::printf("party %zu caught: %s\n", me, e.what());
    return e.party() == culprit ? 3 : 4;
  } catch (const std::exception& e) {
    std::printf("party %zu caught: %s\n", me, e.what());
    return 4;
  }
}
