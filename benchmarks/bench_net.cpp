// Network layer: bulk throughput between two parties (LocalNetwork, TCP
// plain, TCP + TLS 1.3) for 1 KiB to 64 MiB messages, and round-trip latency;
// the message bus (TcpMessageBus): messages per second one way for small
// messages (a 1,000-message burst, then an acknowledgement), and round trips.
// Party 0 runs in the benchmark thread, party 1 in a helper thread; over TCP
// both ends are in this process on 127.0.0.1.
// Run: build/release/benchmarks/bench_net --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// One iteration of a bulk benchmark sends max(1, 8 MiB / size) messages of
// `size` bytes and waits for a 1-byte acknowledgement, so bytes/second is the
// one-way goodput including the copy into the send buffer.
#include <benchmark/benchmark.h>

#include <privfin/net/keygen.hpp>
#include <privfin/net/local_network.hpp>
#include <privfin/net/tcp_message_bus.hpp>
#include <privfin/net/tcp_network.hpp>

#include "net/tls_records.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <unistd.h>
#include <utility>

namespace {
using namespace privfin;

enum class Kind { local, plain, tls };

// Credentials for two parties, written once into a scratch folder.
const net::PartyConfig& credentials() {
  struct Scratch {
    std::filesystem::path dir;
    net::PartyConfig config;
    Scratch() {
      std::string pattern = (std::filesystem::temp_directory_path() / "privfin-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) std::abort();
      dir = pattern;
      config = net::write_local_cluster(dir, 2, "127.0.0.1", 40000);
    }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.config;
}

std::pair<std::unique_ptr<net::Network>, std::unique_ptr<net::Network>> connect_pair(Kind kind) {
  if (kind == Kind::local) {
    auto nets = net::LocalNetwork::create(2);
    return {std::move(nets[0]), std::move(nets[1])};
  }
  net::PartyConfig config = credentials();
  config.transport = kind == Kind::tls ? net::Transport::tls : net::Transport::plain_insecure;
  net::TcpListener listener = net::TcpListener::bind("127.0.0.1", 0);
  config.parties[0].port = listener.port();
  config.parties[1].port = static_cast<std::uint16_t>(listener.port() == 65535 ? 65534 : listener.port() + 1);
  std::unique_ptr<net::Network> second;
  std::thread t([&] { second = net::TcpNetwork::connect(config, 1); });
  std::unique_ptr<net::Network> first = net::TcpNetwork::connect(config, 0, std::move(listener));
  t.join();
  return {std::move(first), std::move(second)};
}

void bulk(benchmark::State& state, Kind kind) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::size_t reps = std::max<std::size_t>(1, (std::size_t{8} << 20) / size);
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Bytes buffer(size);
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      for (std::size_t r = 0; r < reps; ++r) b->receive(0, buffer);
      b->send(0, ByteView(&flag, 1));
      b->flush();
    }
  });
  const Bytes message(size, std::byte{0x5a});
  const std::byte go{1};
  std::byte ack{};
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    for (std::size_t r = 0; r < reps; ++r) a->send(1, message);
    a->receive(1, std::span(&ack, 1));
  }
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(reps * size));
  state.counters["messages/iter"] = static_cast<double>(reps);
}

void round_trip(benchmark::State& state, Kind kind) {
  const auto size = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Bytes buffer(size);
    for (;;) {
      b->receive(0, buffer);
      if (buffer[0] == std::byte{0}) break;
      b->send(0, ByteView(buffer));
      b->flush();
    }
  });
  Bytes ping(size, std::byte{1});
  Bytes pong(size);
  for (auto _ : state) {
    a->send(1, ByteView(ping));
    a->receive(1, pong);
  }
  ping[0] = std::byte{0};
  a->send(1, ByteView(ping));
  a->flush();
  peer.join();
  state.counters["round_trips"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}

std::pair<std::unique_ptr<net::TcpMessageBus>, std::unique_ptr<net::TcpMessageBus>> bus_pair(Kind kind) {
  net::PartyConfig config = credentials();
  config.transport = kind == Kind::tls ? net::Transport::tls : net::Transport::plain_insecure;
  net::TcpListener listener = net::TcpListener::bind("127.0.0.1", 0);
  config.parties[0].port = listener.port();
  config.parties[1].port = static_cast<std::uint16_t>(listener.port() == 65535 ? 65534 : listener.port() + 1);
  auto first = net::TcpMessageBus::start(config, 0, {}, std::move(listener));
  auto second = net::TcpMessageBus::start(config, 1);
  if (!second->wait_connected(0, std::chrono::seconds(10))) std::abort();
  return {std::move(first), std::move(second)};
}

// Party 0 queues 1,000 messages of `size` bytes for party 1, which answers
// with one message once all have arrived.
void bus_burst(benchmark::State& state, Kind kind) {
  const auto size = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t burst = 1000;
  auto [a, b] = bus_pair(kind);
  std::thread peer([&, &b = b] {
    for (;;) {
      std::size_t got = 0;
      while (got < burst) {
        auto in = b->receive(std::chrono::seconds(10));
        if (!in) std::abort();
        if (in->message.empty()) return;
        ++got;
      }
      if (b->send(0, Bytes(1)) != net::SendStatus::queued) std::abort();
    }
  });
  for (auto _ : state) {
    for (std::size_t r = 0; r < burst; ++r) {
      if (a->send(1, Bytes(size, std::byte{0x5a})) != net::SendStatus::queued) std::abort();
    }
    if (!a->receive(std::chrono::seconds(10))) std::abort();
  }
  (void)a->send(1, Bytes{});
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(burst));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(burst * size));
}

void bus_round_trip(benchmark::State& state, Kind kind) {
  const auto size = static_cast<std::size_t>(state.range(0));
  auto [a, b] = bus_pair(kind);
  std::thread peer([&, &b = b] {
    for (;;) {
      auto in = b->receive(std::chrono::seconds(10));
      if (!in || in->message.empty()) return;
      (void)b->send(0, std::move(in->message));
    }
  });
  for (auto _ : state) {
    (void)a->send(1, Bytes(size, std::byte{1}));
    if (!a->receive(std::chrono::seconds(10))) std::abort();
  }
  (void)a->send(1, Bytes{});
  peer.join();
  state.counters["round_trips"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (const long s : {1L << 10, 16L << 10, 256L << 10, 1L << 20, 4L << 20, 16L << 20, 64L << 20}) b->Arg(s);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

}  // namespace

// TLS record protection of 16 KiB records, our VAES AES-GCM against
// OpenSSL's (the record layer's two engines), one core, no network.
void tls_records(benchmark::State& state, net::detail::TlsAead aead, bool seal) {
  using namespace net::detail;
  if (aead == TlsAead::fastest && !vaes_gcm_supported()) {
    state.SkipWithError("no VAES on this CPU");
    return;
  }
  const Bytes secret(32, std::byte{1});
  TlsRecordSealer sealer(TlsSuite::aes_128_gcm_sha256, secret, aead);
  TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
  const Bytes content(tls_max_plaintext, std::byte{0x5a});
  Bytes record(tls_max_plaintext + tls_record_overhead);
  Bytes plain(tls_max_plaintext);
  for (auto _ : state) {
    sealer.seal(content, tls_content_application_data, record);
    if (!seal && !opener.open(record, plain)) state.SkipWithError("record did not open");
    benchmark::DoNotOptimize(record.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(content.size()));
}

BENCHMARK_CAPTURE(tls_records, seal_vaes, net::detail::TlsAead::fastest, true);
BENCHMARK_CAPTURE(tls_records, seal_openssl, net::detail::TlsAead::openssl, true);
BENCHMARK_CAPTURE(tls_records, seal_and_open_vaes, net::detail::TlsAead::fastest, false);
BENCHMARK_CAPTURE(tls_records, seal_and_open_openssl, net::detail::TlsAead::openssl, false);

BENCHMARK_CAPTURE(bulk, local, Kind::local)->Apply(sizes);
BENCHMARK_CAPTURE(bulk, tcp_plain, Kind::plain)->Apply(sizes);
BENCHMARK_CAPTURE(bulk, tcp_tls, Kind::tls)->Apply(sizes);
BENCHMARK_CAPTURE(round_trip, local, Kind::local)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(round_trip, tcp_plain, Kind::plain)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(round_trip, tcp_tls, Kind::tls)->Arg(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bus_burst, tcp_plain, Kind::plain)->Arg(250)->Arg(4096)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bus_burst, tcp_tls, Kind::tls)->Arg(250)->Arg(4096)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bus_round_trip, tcp_tls, Kind::tls)->Arg(250)->UseRealTime()->Unit(benchmark::kMicrosecond);
