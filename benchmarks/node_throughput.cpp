// node_throughput — the load generator of benchmarks/compare/consensus_vs_libhotstuff:
// committed transfers per second and commit latency of a running chain of
// `privfin-node` processes (payments application), measured from outside
// through the nodes' client APIs, as a bank's service would see them.
//
//   privfin-node init --validators 4 --out net && (start the 4 nodes: privfin-node run ...)
//   node_throughput --dir net --nodes 4 --transfers 8000 [--batch 100] [--max-batch 10000] [--window 2000] [--command-bytes 8]
//                   [--transfer-bytes 250] [--json]
//
// With the commands application (`init --app commands`: unsigned opaque
// commands, the like-for-like load beside libhotstuff's dummy commands)
// sender k sends random commands of --command-bytes (8) through node k;
// otherwise bank k sends its transfers through node k (k < nodes; the chain must have
// one bank per node, `init --banks N`), in nonce order, in batches of
// what the window has room for, --batch (100) to --max-batch (10,000, the
// API's limit: a window's refill in one request)
// (POST /v1/txs), all banks at once, with at most --window
// transfers of all banks together sent and not yet committed (the closed
// loop of libhotstuff's client, whose --max-async is the same window). Transfers are signed
// before the clock starts: a bank's signing is not the chain's cost. A
// watcher per node waits for that node's next commit (GET /v1/status?wait_above=H);
// the first to see a height reads its block, and each transfer is timed
// from the submission of its batch to the moment the first node shows it
// committed (a BFT commit is final at any honest node).
// Steady throughput: transfers committed between the first and the last
// commit of the run, divided by that time.
//
// Costs: the transfers in memory (about 150 bytes each) and one HTTPS
// connection per node for the submissions, one per node for its watcher. Throws (exit 1, reason on
// stderr): NetworkError when a node cannot be reached, Error when a
// transfer is refused at admission or the run does not finish within
// --timeout seconds. Exit 2 for a usage error.
#include <sys/resource.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "privfin/consensus/apps/commands.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/apps/signed_tx.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/hash32_map.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/node/api_client.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/service/key_file.hpp"

namespace {

namespace fs = std::filesystem;
using namespace privfin;
using Clock = std::chrono::steady_clock;

struct Options {
  fs::path dir;
  std::size_t nodes = 4, transfers = 8000, batch = 100, window = 2000;
  // A POST carries what the window has room for, from --batch up to this
  // (fewer only at the end of a bank's transfers). The API's limit by
  // default: a refill in one request reaches the proposer in one piece, so
  // a short quiet (privfin-node init's 1 ms for commands) ends the wait for
  // it without cutting the block before the refill is in.
  std::size_t max_batch = 10'000;
  std::size_t command_bytes = 8;  // the commands application's command size
  std::size_t transfer_bytes = 0;  // payments: pad each transfer to this size with a reference (0: none)
  unsigned timeout_s = 300;
  std::uint16_t api_base_port = 26700;
  bool json = false;
};

struct Result {
  std::size_t committed = 0, submitted = 0, tx_bytes = 0;
  double seconds = 0, tx_per_s = 0, p50_ms = 0, p99_ms = 0, p90_ms = 0, mean_ms = 0;
  // Of the committed transactions, the share whose block was the first,
  // second, third, or a later one the watchers saw after the transaction
  // was sent: a transaction that misses the next block waits a whole
  // height more, and with a closed window that lowers the throughput.
  std::array<double, 4> in_block = {};
  // This program's CPU (all threads, user + system) from the first
  // submission to the end, per committed transaction: on a machine that
  // also runs the nodes, it is load they do not get.
  double client_cpu_us = 0;
  // Transactions a node refused for a full mempool (TxCode::mempool_full)
  // and this client sent again once the chain had moved: a node behind the
  // others holds the window's transactions longer than they do.
  std::size_t resent = 0;
};

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

std::string api_address(const Options& o, std::size_t i) {
  return "127.0.0.1:" + std::to_string(o.api_base_port + i);
}

Result run(const Options& o) {
  if (o.nodes < 2 || o.batch == 0 || o.window < o.batch || o.max_batch < o.batch || o.max_batch > 10'000) {
    throw InvalidArgument("need --nodes >= 2, --batch >= 1, --window >= --batch and --batch <= --max-batch <= 10000");
  }
  const auto genesis =
      node::GenesisDocument::from_bytes(service::read_public_file(o.dir / "genesis.bin", std::size_t{32} << 20));
  // The commands application (apps/commands.hpp): unsigned opaque commands
  // of --command-bytes, sent through every node alike; else signed transfers.
  const bool commands = genesis.app == "commands";
  if (commands && (o.command_bytes == 0 || o.command_bytes > consensus::apps::Commands::max_command)) {
    throw InvalidArgument("--command-bytes must be in [1, 256]");
  }
  std::vector<sig::Ed25519SecretKey> banks;
  for (std::size_t k = 0; k < o.nodes && !commands; ++k) {
    banks.push_back(service::load_ed25519_secret_key(o.dir / ("bank" + std::to_string(k) + ".key")));
  }
  const std::size_t senders = o.nodes;
  auto api_for = [&](std::size_t i) {
    return node::ApiClient(api_address(o, i), (o.dir / ("api" + std::to_string(i) + ".crt")).string());
  };

  // Pre-signed transfers, bank k's in nonce order, split into batches; each
  // of 1, so that no bank overdraws whatever the order (a random amount
  // does not change a transfer's size).
  // Commands are random bytes (distinct with overwhelming probability).
  Prg prg(random_seed());
  // The reference length that makes a transfer exactly --transfer-bytes
  // long (the 250-byte transfers: remittance information).
  std::size_t reference_bytes = 0;
  if (!commands && o.transfer_bytes > 0) {
    auto size_with = [&](std::size_t n) {
      return consensus::apps::Payments::transfer(banks[0], genesis.chain_id, 0, banks[1].public_key(), 1, Bytes(n))
          .size();
    };
    while (reference_bytes < consensus::apps::Payments::max_reference && size_with(reference_bytes + 1) <= o.transfer_bytes) {
      ++reference_bytes;
    }
    if (reference_bytes == 0 || size_with(reference_bytes) != o.transfer_bytes) {
      throw InvalidArgument("--transfer-bytes " + std::to_string(o.transfer_bytes) + ": no reference length gives exactly that size");
    }
  }
  std::vector<std::vector<Bytes>> queues(senders);  // each bank's, in nonce order
  std::vector<std::uint64_t> nonce(senders, 0);
  Result r;
  for (std::size_t sent = 0, b = 0; sent < o.transfers; ++b) {
    const std::size_t from = b % senders;
    auto& txs = queues[from];
    for (std::size_t k = 0; k < o.batch && sent < o.transfers; ++k, ++sent) {
      if (commands) {
        txs.push_back(prg.bytes(o.command_bytes));
      } else {
        const std::size_t to = (from + 1 + prg.next_u64() % (senders - 1)) % senders;
        txs.push_back(consensus::apps::Payments::transfer(banks[from], genesis.chain_id, nonce[from]++,
                                                          banks[to].public_key(), 1, prg.bytes(reference_bytes)));
      }
      r.tx_bytes = std::max(r.tx_bytes, txs.back().size());
    }
  }

  std::mutex mutex;
  std::condition_variable progress;
  struct Sent {
    Clock::time_point at;
    consensus::Height seen;  // the watchers' last block read when the batch was sent
  };
  consensus::Hash32Map<Sent> pending;  // hash -> when its batch was sent
  std::array<std::size_t, 4> in_block_count = {};
  std::size_t in_flight = 0;  // all banks together: the window is the client's, as libhotstuff's
  std::vector<double> latency_ms;
  std::vector<Clock::time_point> commit_times;
  std::atomic<bool> stop{false};
  std::string failure;

  const double cpu_at_start = process_cpu_seconds();  // signing done
  const consensus::Height start_height = api_for(0).status().height + 1;
  consensus::Height seen_height = start_height - 1;  // the last block any watcher read, under the mutex
  consensus::Height claimed = start_height - 1;      // the last block a watcher took to read, under the mutex
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);

  // One watcher per node, each waiting for its node's next commit (a long
  // poll: GET /v1/status?wait_above=H): a transaction counts as committed
  // when the first node shows it (a BFT commit is final at any honest
  // node), and the watcher that sees a height first reads its block.
  const auto watch = [&](std::size_t node_index) {
    try {
      node::ApiClient api = api_for(node_index);
      consensus::Height known = start_height - 1;
      while (!stop && Clock::now() < deadline) {
        known = api.wait_for_height_above(known, std::chrono::milliseconds(500)).height;
        consensus::Height from = 0;
        {
          const std::lock_guard lock(mutex);
          if (known <= claimed) continue;
          from = claimed + 1;
          claimed = known;
        }
        for (consensus::Height h = from; h <= known; ++h) {
          const auto d = api.block(h);
          const auto seen = Clock::now();
          const std::lock_guard lock(mutex);
          for (const auto& tx : consensus::transactions_from_bytes(d.block.body)) {
            const consensus::Hash32 hash{Sha256::hash(tx)};
            const Sent* sent = pending.find(hash);
            if (sent == nullptr) continue;
            latency_ms.push_back(std::chrono::duration<double, std::milli>(seen - sent->at).count());
            const consensus::Height after = h - std::min(h, sent->seen);  // 1: the next block
            ++in_block_count[std::min<std::size_t>(std::max<consensus::Height>(after, 1) - 1, 3)];
            commit_times.push_back(seen);
            --in_flight;
            pending.erase(hash);
          }
          seen_height = std::max(seen_height, h);
          progress.notify_all();
        }
      }
    } catch (const std::exception& e) {
      const std::lock_guard lock(mutex);
      if (failure.empty()) failure = "watching node " + std::to_string(node_index) + ": " + e.what();
      progress.notify_all();
    }
  };
  std::vector<std::thread> watchers;
  for (std::size_t i = 0; i < o.nodes; ++i) watchers.emplace_back(watch, i);

  std::vector<std::thread> submitters;
  for (std::size_t from = 0; from < senders; ++from) {
    submitters.emplace_back([&, from] {
      try {
        node::ApiClient api = api_for(from);
        const std::span<const Bytes> queue = queues[from];
        for (std::size_t at = 0; at < queue.size();) {
          std::span<const Bytes> txs;
          {
            std::unique_lock lock(mutex);
            // The closed loop: wait until the window has room for a batch
            // (or for what this bank has left), then take what it has room
            // for, up to --max-batch: as libhotstuff's client sends every
            // command the window frees at once.
            const std::size_t least = std::min(o.batch, queue.size() - at);
            progress.wait_until(lock, deadline, [&] {
              return !failure.empty() || in_flight + least <= o.window;
            });
            if (!failure.empty()) return;
            if (Clock::now() >= deadline) throw Error("timed out waiting for commits");
            txs = queue.subspan(at, std::min({o.window - in_flight, queue.size() - at, o.max_batch}));
            const auto now = Clock::now();  // recorded before the node may commit them
            for (const auto& tx : txs) {
              (void)pending.try_emplace(consensus::Hash32{Sha256::hash(tx)}, Sent{now, seen_height});
            }
            in_flight += txs.size();
            r.submitted += txs.size();
          }
          at += txs.size();
          // Refused for a full mempool: sent again after the next block any
          // watcher sees (or 50 ms), as a client of a busy node does; any
          // other refusal ends the run.
          std::vector<Bytes> again;
          const auto keep_full = [&](std::span<const Bytes> sent, const std::vector<node::Submitted>& answers) {
            std::vector<Bytes> full;
            for (std::size_t i = 0; i < answers.size(); ++i) {
              const auto& v = answers[i].verdict;
              if (v.code == consensus::TxCode::mempool_full) full.push_back(sent[i]);
              else if (!v.ok()) throw Error("node " + std::to_string(from) + " refused a transfer: " + v.reason);
            }
            return full;
          };
          again = keep_full(txs, api.submit_batch(txs));
          while (!again.empty()) {
            {
              std::unique_lock lock(mutex);
              const consensus::Height before = seen_height;
              progress.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(50)),
                                  [&] { return !failure.empty() || seen_height > before; });
              if (!failure.empty()) return;
              if (Clock::now() >= deadline) throw Error("timed out sending again what a full mempool refused");
              r.resent += again.size();
            }
            again = keep_full(again, api.submit_batch(again));
          }
        }
      } catch (const std::exception& e) {
        const std::lock_guard lock(mutex);
        if (failure.empty()) failure = std::string("bank ") + std::to_string(from) + ": " + e.what();
        progress.notify_all();
      }
    });
  }
  for (auto& t : submitters) t.join();
  {
    std::unique_lock lock(mutex);
    progress.wait_until(lock, deadline, [&] { return !failure.empty() || pending.empty(); });
  }
  stop = true;
  for (auto& t : watchers) t.join();
  if (!failure.empty()) throw Error(failure);
  if (!pending.empty()) {
    throw Error(std::to_string(pending.size()) + " transfers not committed within " + std::to_string(o.timeout_s) + " s");
  }
  r.committed = latency_ms.size();
  if (r.committed > 0) r.client_cpu_us = (process_cpu_seconds() - cpu_at_start) * 1e6 / static_cast<double>(r.committed);
  std::sort(latency_ms.begin(), latency_ms.end());
  std::sort(commit_times.begin(), commit_times.end());
  const auto pct = [&](double p) {
    return latency_ms[std::min(latency_ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latency_ms.size())))];
  };
  if (!latency_ms.empty()) {
    r.p50_ms = pct(0.5);
    r.p99_ms = pct(0.99);
    r.p90_ms = pct(0.9);
    double sum = 0;
    for (const double ms : latency_ms) sum += ms;
    r.mean_ms = sum / static_cast<double>(latency_ms.size());
    for (std::size_t k = 0; k < 4; ++k) {
      r.in_block[k] = static_cast<double>(in_block_count[k]) / static_cast<double>(latency_ms.size());
    }
    // Steady: from the first commit to the last (start-up excluded, as
    // libhotstuff's per-second histogram excludes it).
    r.seconds = std::chrono::duration<double>(commit_times.back() - commit_times.front()).count();
    if (r.seconds > 0) r.tx_per_s = static_cast<double>(r.committed) / r.seconds;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"node_throughput: committed tx/s and commit latency of running privfin-node processes"};
  Options o;
  cli.add_option("--dir", o.dir, "the folder privfin-node init wrote")->required();
  cli.add_option("--nodes", o.nodes, "nodes running (one bank per node)");
  cli.add_option("--transfers", o.transfers, "signed transfers to send");
  cli.add_option("--batch", o.batch, "transfers per POST /v1/txs, at least (fewer only at the end)");
  cli.add_option("--max-batch", o.max_batch, "transfers per POST /v1/txs, at most: what the window has room for");
  cli.add_option("--window", o.window, "transfers sent and not yet committed, all banks together, at most");
  cli.add_option("--api-base-port", o.api_base_port, "node i's client API listens on this + i");
  cli.add_option("--command-bytes", o.command_bytes,
                 "bytes per command when the chain runs the commands application (init --app commands)");
  cli.add_option("--transfer-bytes", o.transfer_bytes,
                 "payments: each transfer this many bytes, padded with a random reference (0: no reference, 147 bytes)");
  cli.add_option("--timeout", o.timeout_s, "seconds before giving up");
  cli.add_flag("--json", o.json, "one JSON line instead of text");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  // A node that hangs up fails a write (NetworkError), not the program:
  // the client API's TLS writes would otherwise raise SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const Result r = run(o);
    if (o.json) {
      std::printf("{\"committed\": %zu, \"submitted\": %zu, \"tx_bytes\": %zu, \"seconds\": %.3f, "
                  "\"tx_per_s\": %.1f, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"p90_ms\": %.1f, \"mean_ms\": %.1f, "
                  "\"in_block\": [%.3f, %.3f, %.3f, %.3f], \"client_cpu_us\": %.1f, \"resent\": %zu}\n",
                  r.committed, r.submitted, r.tx_bytes, r.seconds, r.tx_per_s, r.p50_ms, r.p99_ms, r.p90_ms, r.mean_ms,
                  r.in_block[0], r.in_block[1], r.in_block[2], r.in_block[3], r.client_cpu_us, r.resent);
    } else {
      std::printf("committed %zu of %zu transfers (%zu bytes) in %.2f s: %.0f tx/s, latency p50 %.0f ms, p99 %.0f ms; "
                  "this client's CPU %.1f us per transfer\n",
                  r.committed, r.submitted, r.tx_bytes, r.seconds, r.tx_per_s, r.p50_ms, r.p99_ms, r.client_cpu_us);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "node_throughput: %s\n", e.what());
    return 1;
  }
}
