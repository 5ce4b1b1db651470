#include "keygen_consensus.hpp"

std::function<bool()> add_consensus_commands(CLI::App&) {
  return [] { return false; };
}
