// The party program of the multi-process test: one process per party.
//
//   privfin_net_test_driver CONFIG.json PARTY_ID [LISTEN_FD]
//
// Loads the cluster configuration, connects (adopting the inherited listening
// socket when LISTEN_FD is given), runs the three-round exercise shared with
// the in-process tests, closes, and exits 0; on any error prints it and exits 1.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "net/exercise.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s CONFIG.json PARTY_ID [LISTEN_FD]\n", argv[0]);
    return 2;
  }
  try {
    const auto config = privfin::net::PartyConfig::load(argv[1]);
    const auto party = static_cast<std::size_t>(std::stoul(argv[2]));
    privfin::net::TcpListener listener;
    if (argc == 4) listener = privfin::net::TcpListener::adopt(std::stoi(argv[3]));
    auto net = privfin::net::TcpNetwork::connect(config, party, std::move(listener));
    privfin::test::exercise(*net);
    net->close();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 1;
  }
}
