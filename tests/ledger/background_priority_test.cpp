// set_background_priority (ledger/rocksdb_store.hpp): after it, RocksDB's
// compaction threads run at the asked priority (SCHED_IDLE for idle, nice
// 19 for low), and the store still writes, compacts and reads. The setting
// is process-wide and only goes down, so each case runs in a child: this
// test binary again (a hidden case), not a bare fork, whose copy of
// RocksDB's thread pools would count threads that did not follow it into
// the child (a compaction there waited forever once another test had
// opened a store in the parent).
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "privfin/ledger/rocksdb_store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

// In the child: 0 when every RocksDB compaction thread ("rocksdb:low...")
// runs as asked, 2 when there is none, 3 when one does not, 4 when the
// store misbehaves.
int child(BackgroundPriority priority, const std::filesystem::path& dir) {
  if (!set_background_priority(priority)) return 5;
  auto store = RocksDbStore::open(dir);
  for (std::uint64_t round = 0; round < 3; ++round) {
    WriteBatch b;
    for (std::uint64_t i = 0; i < 200; ++i) b.put(Column::blocks, height_key(round * 1000 + i), Bytes(100, std::byte{7}));
    store->write(b);
    store->compact(Column::blocks, {}, {});  // a manual compaction: a job for the compaction pool
  }
  if (!store->get(Column::blocks, height_key(2005))) return 4;
  std::size_t seen = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("rocksdb:low", 0) != 0) continue;
    ++seen;
    const auto tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
    const int policy = ::sched_getscheduler(tid);
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
    const bool as_asked = priority == BackgroundPriority::idle ? policy == SCHED_IDLE
                                                               : policy != SCHED_IDLE && errno == 0 && nice == 19;
    if (!as_asked) return 3;
  }
  return seen > 0 ? 0 : 2;
}

}  // namespace

TEST_CASE("rocksdb store: compaction threads at idle or low priority, and the store still works", "[ledger][store]") {
  for (const char* priority : {"idle", "low"}) {
    INFO(priority);
    test::TempDir dir;
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::setenv("PRIVFIN_PRIORITY_CHILD", priority, 1);
      ::setenv("PRIVFIN_PRIORITY_DIR", (dir.path() / "db").c_str(), 1);
      const char* argv[] = {"privfin_ledger_tests", "rocksdb store: the priority child", nullptr};
      ::execv("/proc/self/exe", const_cast<char* const*>(argv));
      ::_exit(127);
    }
    const auto codes = test::wait_all({pid}, std::chrono::seconds(60));
    CHECK(codes[0] == 0);
  }
  // The default leaves them alone: nothing to lower, nothing refused.
  CHECK(set_background_priority(BackgroundPriority::normal));
}

// Run only by the case above, in its child process.
TEST_CASE("rocksdb store: the priority child", "[.][child]") {
  const char* which = std::getenv("PRIVFIN_PRIORITY_CHILD");
  const char* dir = std::getenv("PRIVFIN_PRIORITY_DIR");
  REQUIRE(which != nullptr);
  REQUIRE(dir != nullptr);
  const auto priority = std::string(which) == "idle" ? BackgroundPriority::idle : BackgroundPriority::low;
  CHECK(child(priority, dir) == 0);
}
