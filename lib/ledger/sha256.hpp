// Internal to lib/ledger: SHA-256 of a contiguous buffer through OpenSSL's
// low-level calls (state_tree.cpp says why), for the Merkle trees' many
// small hashes.
#pragma once

#include "privfin/consensus/types.hpp"
#include "privfin/core/bytes.hpp"

namespace privfin::ledger {
[[nodiscard]] consensus::Hash32 sha256_one_shot(ByteView data);
}  // namespace privfin::ledger
