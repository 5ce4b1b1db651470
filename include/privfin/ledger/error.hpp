// privfin/ledger/error.hpp — the error types the ledger adds.
// StoreCorruption: committed data that fails its checks when read back (a
// torn or flipped record, a missing Merkle node, a block whose hash does not
// match its certificate). StoreError: the storage engine failed (I/O, a
// locked or unreadable database), with corruption() set when the engine
// itself found damaged data (a checksum mismatch).
//
//   try { auto ledger = Ledger::open(store); }
//   catch (const StoreCorruption& e) { log(e.height(), e.column(), e.key_hex()); }   // refuse to start
//
// It is a DecodeError (bad bytes from a file), so code that handles
// DecodeError for any input keeps working; it adds where: the height, the
// column family and the key. Never carries stored values (they may be
// confidential application state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin::ledger {

class StoreError : public Error {
 public:
  StoreError(const std::string& what, bool corruption) : Error("ledger store: " + what), corruption_(corruption) {}
  [[nodiscard]] bool corruption() const noexcept { return corruption_; }

 private:
  bool corruption_;
};

class StoreCorruption : public DecodeError {
 public:
  StoreCorruption(std::uint64_t height, std::string column, ByteView key, const std::string& why)
      : DecodeError("ledger store: corrupt committed data at height " + std::to_string(height) + ", column " +
                    column + ", key " + to_hex(key) + ": " + why),
        height_(height),
        column_(std::move(column)),
        key_hex_(to_hex(key)) {}
  [[nodiscard]] std::uint64_t height() const noexcept { return height_; }
  [[nodiscard]] const std::string& column() const noexcept { return column_; }
  [[nodiscard]] const std::string& key_hex() const noexcept { return key_hex_; }

 private:
  std::uint64_t height_;
  std::string column_;
  std::string key_hex_;
};

// A snapshot (snapshot.hpp) refused during state sync: its manifest, one
// of its chunks (chunk() names it), or the state it restores. A
// DecodeError: the bytes came from a peer.
class SnapshotError : public DecodeError {
 public:
  SnapshotError(std::optional<std::uint32_t> chunk, const std::string& why)
      : DecodeError("ledger snapshot: " + (chunk ? "chunk " + std::to_string(*chunk) + ": " : std::string()) + why),
        chunk_(chunk) {}
  [[nodiscard]] std::optional<std::uint32_t> chunk() const noexcept { return chunk_; }

 private:
  std::optional<std::uint32_t> chunk_;
};

}  // namespace privfin::ledger
