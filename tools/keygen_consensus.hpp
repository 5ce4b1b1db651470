// The consensus part of privfin-keygen (validator keys and cards, account
// keys, a genesis from cards). Built only with the ledger (RocksDB), whose
// library holds the node layer; keygen_consensus_absent.cpp stands in
// otherwise.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

// Registers the subcommands on `app`; the returned function runs the one
// that was parsed and returns true, or returns false when none was.
[[nodiscard]] std::function<bool()> add_consensus_commands(CLI::App& app);
