// OT extension (IKNP + KOS): outputs against the ideal functionality, a
// cheating receiver caught by the consistency check, malformed messages
// refused, and the internal transpose and carry-less sum against naive code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bitset>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ot/ot_test_support.hpp"
#include "privfin/ot/extension.hpp"
#include "privfin/ot/messages.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using namespace std::chrono_literals;

TEST_CASE("OT extension: transpose_128 matches the bit-by-bit definition", "[ot][extension]") {
  // Whole 8-byte words, and tails of 2 and 6 bytes after them.
  const std::size_t col_bytes = GENERATE(std::size_t{2}, std::size_t{6}, std::size_t{18}, std::size_t{48});
  INFO("bytes per column " << col_bytes);
  Prg prg(test::seed_of(11 + col_bytes));
  const Bytes cols = prg.bytes(128 * col_bytes);
  std::vector<ot::Block> rows(col_bytes * 8);
  ot::detail::transpose_128(cols, col_bytes, rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < 128; ++j) {
      const bool want = ((static_cast<unsigned>(cols[j * col_bytes + i / 8]) >> (i % 8)) & 1U) != 0;
      if (rows[i].bit(j) != want) FAIL("row " << i << " column " << j);
    }
  }
  CHECK_THROWS_AS(ot::detail::transpose_128(cols, col_bytes + 2, rows), InvalidArgument);
}

TEST_CASE("OT extension: clmul_sum is the carry-less product sum", "[ot][extension]") {
  // 1 to 9 rows: the vector path's four rows per step and its tails.
  const std::size_t rows = GENERATE(std::size_t{1}, std::size_t{4}, std::size_t{5}, std::size_t{9});
  INFO(rows << " rows");
  Prg prg(test::seed_of(12 + rows));
  std::vector<ot::Block> a(rows), b(rows);
  prg.fill(std::span(a));
  prg.fill(std::span(b));
  std::bitset<256> want;
  for (std::size_t k = 0; k < a.size(); ++k) {
    for (std::size_t i = 0; i < 128; ++i) {
      for (std::size_t j = 0; j < 128; ++j) {
        if (a[k].bit(i) && b[k].bit(j)) want.flip(i + j);
      }
    }
  }
  const auto got = ot::detail::clmul_sum(a, b);
  for (std::size_t i = 0; i < 256; ++i) {
    if (got[i / 128].bit(i % 128) != want[i]) FAIL("bit " << i);
  }
  // x * 1 = x
  const std::array<ot::Block, 1> one{ot::Block{1, 0}};
  const auto same = ot::detail::clmul_sum(std::span(a).first(1), one);
  CHECK(same[0] == a[0]);
  CHECK(same[1] == ot::Block{});
}

TEST_CASE("OT extension: random, correlated and chosen OTs match the ideal functionality", "[ot][extension]") {
  const std::size_t count = GENERATE(std::size_t{1}, std::size_t{127}, std::size_t{1000}, std::size_t{20000}, std::size_t{70000});
  INFO("count " << count);
  Prg prg(test::seed_of(count));
  const test::Choices c1(prg, count), c2(prg, count), c3(prg, count), c4(prg, count);
  std::vector<std::uint64_t> deltas(count);
  prg.fill(std::span(deltas));
  std::vector<std::array<ot::Block, 2>> messages(count);
  prg.fill(std::span(messages));

  std::vector<std::array<ot::Block, 2>> pairs, pairs2;
  std::vector<ot::Block> got, got2, chosen;
  std::vector<std::uint64_t> m0, words;
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(1000 + i));
    if (i == 0) {
      ot::ExtensionSender s(net, 1, p);
      pairs = s.random_ot(count);
      m0 = s.correlated_ot(deltas);
      s.chosen_ot(messages);
      pairs2 = s.random_ot(count);  // a second batch from the same base OTs
    } else {
      ot::ExtensionReceiver r(net, 0, p);
      got = r.random_ot(c1.span());
      words = r.correlated_ot(c2.span());
      chosen = r.chosen_ot(c3.span());
      got2 = r.random_ot(c4.span());
    }
  });
  test::rethrow_first(errors);
  REQUIRE(got.size() == count);
  std::size_t ones = 0;
  int bad = 0;
  for (std::size_t k = 0; k < count; ++k) {
    bad += got[k] == pairs[k][c1[k] ? 1 : 0] ? 0 : 1;
    bad += got[k] != pairs[k][c1[k] ? 0 : 1] ? 0 : 1;
    bad += words[k] == m0[k] + (c2[k] ? deltas[k] : 0) ? 0 : 1;
    bad += chosen[k] == messages[k][c3[k] ? 1 : 0] ? 0 : 1;
    bad += got2[k] == pairs2[k][c4[k] ? 1 : 0] ? 0 : 1;
    bad += pairs2[k][0] != pairs[k][0] ? 0 : 1;  // batches do not repeat
    // The message the receiver did not choose: count its bits (it should look uniform).
    const ot::Block other = pairs[k][c1[k] ? 0 : 1];
    ones += static_cast<std::size_t>(std::popcount(other.lo) + std::popcount(other.hi));
  }
  CHECK(bad == 0);
  if (count >= 1000) {
    const double fraction = static_cast<double>(ones) / static_cast<double>(128 * count);
    CHECK(fraction > 0.49);
    CHECK(fraction < 0.51);
  }
}

TEST_CASE("OT extension: a receiver with inconsistent choice bits is caught by the KOS check", "[ot][extension]") {
  // The receiver's sends: calls 0-1 the base-OT setup, then per protocol
  // batch the matrix (length, bytes) and the check response. A call for
  // 70,000 OTs runs batches of 65,536 and 4,464: cheat in the second one.
  struct Where {
    std::size_t count;
    std::size_t call;
    std::size_t batch;  // OTs in the tampered batch
  };
  const Where where = GENERATE(Where{1000, 3, 1000}, Where{70000, 7, 70000 - 65536});
  enum class Cheat { half_the_columns, one_row_everywhere };
  const Cheat cheat = GENERATE(Cheat::half_the_columns, Cheat::one_row_everywhere);
  INFO("count " << where.count << ", cheat " << static_cast<int>(cheat));
  const std::size_t col_bytes = ot::extension_rows(where.batch) / 8;
  Prg prg(test::seed_of(21));
  const test::Choices choices(prg, where.count);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(2000 + i));
    if (i == 0) {
      ot::ExtensionSender s(net, 1, p);
      (void)s.random_ot(where.count);
    } else {
      test::TamperingNetwork cheating(net, [&](std::size_t call, Bytes& data) {
        if (call != where.call) return;
        const std::size_t header = 1 + 2;  // version, a two-byte varint count
        if (data.size() != header + 128 * col_bytes) throw std::logic_error("not the matrix");
        // Row 5's choice bit differs between columns: flip it in half of them
        // (or in all, which is a choice bit the receiver's x does not match).
        for (std::size_t j = 0; j < 128; j += (cheat == Cheat::half_the_columns ? 2 : 1)) {
          data[header + j * col_bytes] ^= std::byte{1U << 5};
        }
      });
      ot::ExtensionReceiver r(cheating, 0, p);
      (void)r.random_ot(choices.span());
    }
  });
  REQUIRE(errors[0]);
  CHECK_THROWS_WITH(std::rethrow_exception(errors[0]), Catch::Contains("KOS consistency check failed"));
  CHECK_THROWS_MATCHES(std::rethrow_exception(errors[0]), ProtocolError,
                       Catch::Predicate<ProtocolError>([](const ProtocolError& e) { return e.party() == 1; }));
}

TEST_CASE("OT extension: the honest run through the tampering wrapper passes (the cheat test can fail)",
          "[ot][extension]") {
  const std::size_t count = 1000;
  Prg prg(test::seed_of(22));
  const test::Choices choices(prg, count);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(2000 + i));
    if (i == 0) {
      ot::ExtensionSender s(net, 1, p);
      (void)s.random_ot(count);
    } else {
      test::TamperingNetwork honest(net, [](std::size_t, Bytes&) {});
      ot::ExtensionReceiver r(honest, 0, p);
      (void)r.random_ot(choices.span());
    }
  });
  test::rethrow_first(errors);
}

TEST_CASE("OT extension: after an abort the session refuses further use", "[ot][extension]") {
  Prg prg(test::seed_of(23));
  const test::Choices choices(prg, 100);
  std::string second_error;
  const auto errors = test::run_local_parties(
      2,
      [&](std::size_t i, net::Network& net) {
        Prg p(test::seed_of(3000 + i));
        if (i == 0) {
          ot::ExtensionSender s(net, 1, p);
          try {
            (void)s.random_ot(99);  // the receiver asks for 100
          } catch (const ProtocolError&) {
            try {
              (void)s.random_ot(100);
            } catch (const ProtocolError& e) {
              second_error = e.what();
            }
            throw;
          }
        } else {
          ot::ExtensionReceiver r(net, 0, p);
          (void)r.random_ot(choices.span());
        }
      },
      {.receive_timeout = 5'000ms});
  REQUIRE(errors[0]);
  CHECK_THROWS_WITH(std::rethrow_exception(errors[0]), Catch::Contains("party 1") && Catch::Contains("100"));
  CHECK_THAT(second_error, Catch::Contains("aborted earlier"));
}

TEST_CASE("OT extension: malformed messages are refused naming the peer", "[ot][extension]") {
  SECTION("a garbage matrix, seen by the sender") {
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t i, net::Network& net) {
          Prg p(test::seed_of(4000 + i));
          if (i == 0) {
            ot::ExtensionSender s(net, 1, p);
            (void)s.random_ot(10);
          } else {
            test::TamperingNetwork bad(net, [](std::size_t call, Bytes& data) {
              if (call == 3) data[0] = std::byte{9};  // an unknown version
            });
            ot::ExtensionReceiver r(bad, 0, p);
            const std::array<bool, 10> c{};
            (void)r.random_ot(c);
          }
        },
        {.receive_timeout = 5'000ms});
    REQUIRE(errors[0]);
    CHECK_THROWS_AS(std::rethrow_exception(errors[0]), DecodeError);
    CHECK_THROWS_WITH(std::rethrow_exception(errors[0]), Catch::Contains("party 1"));
  }
  SECTION("masked messages of the wrong kind, seen by the receiver") {
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t i, net::Network& net) {
          Prg p(test::seed_of(5000 + i));
          const std::array<bool, 10> c{true};
          if (i == 0) {
            ot::ExtensionSender s(net, 1, p);
            const std::array<std::uint64_t, 10> d{};
            (void)s.correlated_ot(d);
          } else {
            ot::ExtensionReceiver r(net, 0, p);
            (void)r.chosen_ot(c);
          }
        },
        {.receive_timeout = 5'000ms});
    REQUIRE(errors[1]);
    CHECK_THROWS_MATCHES(std::rethrow_exception(errors[1]), ProtocolError,
                         Catch::Predicate<ProtocolError>([](const ProtocolError& e) { return e.party() == 0; }));
  }
  SECTION("bad counts and peers") {
    auto nets = net::LocalNetwork::create(2);
    Prg p(test::seed_of(1));
    CHECK_THROWS_AS(ot::ExtensionSender(*nets[0], 0, p), InvalidArgument);
    CHECK_THROWS_AS(ot::ExtensionReceiver(*nets[0], 2, p), InvalidArgument);
  }
}

namespace {

// Party `self`'s correlations towards `peer` and its choices from `peer`,
// drawn from one generator per ordered pair so that every run sees the same.
struct PairInputs {
  std::vector<std::uint64_t> correlations;
  std::unique_ptr<bool[]> choices;
  std::size_t choice_count = 0;
  [[nodiscard]] std::span<const bool> choice_span() const { return {choices.get(), choice_count}; }
};

// How many OTs `from` offers to `to`: different per direction, one of them
// above one protocol batch (65,536).
std::size_t offered(std::size_t from, std::size_t to) { return from < to ? 70000 + 10 * to : 1000 + 7 * from; }

PairInputs inputs_of(std::size_t self, std::size_t peer) {
  Prg prg(test::seed_of(9000 + 10 * self + peer));
  PairInputs in;
  in.correlations.resize(offered(self, peer));
  prg.fill(std::span(in.correlations));
  Prg choice_prg(test::seed_of(9500 + 10 * peer + self));
  in.choice_count = offered(peer, self);
  in.choices = std::make_unique<bool[]>(in.choice_count);
  for (std::size_t i = 0; i < in.choice_count; ++i) in.choices[i] = (choice_prg.next_u64() & 1U) != 0;
  return in;
}

struct PairOutputs {
  std::vector<std::uint64_t> m0;      // offered to the peer
  std::vector<std::uint64_t> chosen;  // chosen from the peer
};

// Every party's outputs with every peer, by correlated_ot_exchange or by
// the one-way calls (the lower id's sender first).
std::vector<std::vector<PairOutputs>> run_correlated(std::size_t parties, bool exchange,
                                                     ot::CorrelationWidth width = ot::CorrelationWidth::full) {
  std::vector<std::vector<PairOutputs>> out(parties, std::vector<PairOutputs>(parties));
  const auto errors = test::run_local_parties(parties, [&](std::size_t self, net::Network& net) {
    Prg p(test::seed_of(7000 + self));
    auto sessions = ot::open_pairwise(net, parties, p);
    std::vector<PairInputs> in(parties);
    std::vector<ot::CorrelatedExchange> jobs;
    for (std::size_t peer = 0; peer < parties; ++peer) {
      if (peer == self) continue;
      in[peer] = inputs_of(self, peer);
      out[self][peer].m0.resize(in[peer].correlations.size());
      out[self][peer].chosen.resize(in[peer].choice_count);
      jobs.push_back({sessions.senders[peer].get(), in[peer].correlations, out[self][peer].m0,
                      sessions.receivers[peer].get(), in[peer].choice_span(), out[self][peer].chosen, width});
    }
    if (exchange) {
      ot::correlated_ot_exchange(jobs);
      return;
    }
    for (const auto& job : jobs) {
      if (self < job.sender->peer()) {
        job.sender->correlated_ot(job.correlations, job.m0, width);
        job.receiver->correlated_ot(job.choices, job.chosen, width);
      } else {
        job.receiver->correlated_ot(job.choices, job.chosen, width);
        job.sender->correlated_ot(job.correlations, job.m0, width);
      }
    }
  });
  test::rethrow_first(errors);
  return out;
}

}  // namespace

TEST_CASE("OT extension: correlated_ot_exchange gives the one-way calls' outputs, which match the ideal functionality "
          "- full, Gilboa and one-bit widths",
          "[ot][extension][exchange]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  const auto width = GENERATE(ot::CorrelationWidth::full, ot::CorrelationWidth::gilboa, ot::CorrelationWidth::bits);
  INFO(parties << " parties, width " << static_cast<int>(width));
  // OT k of a call is mod 2^bits(k).
  const auto bits = [&](std::size_t k) {
    return width == ot::CorrelationWidth::full     ? 64U
           : width == ot::CorrelationWidth::bits ? 1U
                                                   : 64U - static_cast<unsigned>(k % 64);
  };
  const auto reduce = [](std::uint64_t v, unsigned b) { return b == 64 ? v : v & ((std::uint64_t{1} << b) - 1); };
  const auto both = run_correlated(parties, true, width);
  const auto one_way = run_correlated(parties, false, width);
  int bad = 0;
  int wide = 0;  // narrow outputs that are not reduced
  for (std::size_t i = 0; i < parties; ++i) {
    for (std::size_t j = 0; j < parties; ++j) {
      if (i == j) continue;
      const auto in = inputs_of(i, j);  // i offers to j, j chooses
      const auto choices = inputs_of(j, i);
      REQUIRE(both[i][j].m0.size() == offered(i, j));
      REQUIRE(both[j][i].chosen.size() == offered(i, j));
      for (std::size_t k = 0; k < offered(i, j); ++k) {
        const std::uint64_t want = reduce(both[i][j].m0[k] + (choices.choices[k] ? in.correlations[k] : 0), bits(k));
        bad += both[j][i].chosen[k] == want ? 0 : 1;
        wide += reduce(both[i][j].m0[k], bits(k)) == both[i][j].m0[k] ? 0 : 1;
      }
      bad += both[i][j].m0 == one_way[i][j].m0 ? 0 : 1;
      bad += both[i][j].chosen == one_way[i][j].chosen ? 0 : 1;
    }
  }
  CHECK(bad == 0);
  CHECK(wide == 0);
}

TEST_CASE("OT extension: correlated_ot_exchange refuses bad jobs, and a count the peer does not mirror aborts",
          "[ot][extension][exchange]") {
  SECTION("bad jobs, refused before anything is sent") {
    std::vector<std::string> what;
    const auto errors = test::run_local_parties(3, [&](std::size_t self, net::Network& net) {
      Prg p(test::seed_of(7100 + self));
      auto s = ot::open_pairwise(net, 3, p);
      if (self != 0) return;
      std::vector<std::uint64_t> words(10), out(10), short_out(9);
      const std::array<bool, 10> c{};
      const auto refused = [&](std::vector<ot::CorrelatedExchange> jobs) {
        try {
          ot::correlated_ot_exchange(jobs);
        } catch (const InvalidArgument& e) {
          what.emplace_back(e.what());
          return;
        }
        what.emplace_back("accepted");
      };
      refused({{nullptr, words, out, s.receivers[1].get(), c, out}});
      refused({{s.senders[1].get(), words, out, s.receivers[2].get(), c, out}});
      refused({{s.senders[1].get(), words, short_out, s.receivers[1].get(), c, out}});
      refused({{s.senders[1].get(), words, out, s.receivers[1].get(), c, out},
               {s.senders[1].get(), words, out, s.receivers[1].get(), c, out}});
      refused({{s.senders[1].get(), {}, {}, s.receivers[1].get(), c, out}});
      // random_ot_exchange checks its own outputs against the choices.
      std::vector<std::array<ot::Block, 2>> pairs(10);
      std::vector<ot::Block> short_chosen(9);
      const ot::RandomExchange bad_random{s.senders[1].get(), pairs, s.receivers[1].get(), c, short_chosen};
      try {
        ot::random_ot_exchange(std::span(&bad_random, 1));
        what.emplace_back("accepted");
      } catch (const InvalidArgument& e) {
        what.emplace_back(e.what());
      }
      // The sessions are still usable: nothing was sent.
      CHECK_THROWS_AS(s.senders[1]->correlated_ot(words, short_out), InvalidArgument);
      CHECK_THROWS_AS(s.receivers[2]->correlated_ot(c, short_out), InvalidArgument);
    });
    test::rethrow_first(errors);
    REQUIRE(what.size() == 6);
    CHECK_THAT(what[0], Catch::Contains("null session"));
    CHECK_THAT(what[1], Catch::Contains("different peers"));
    CHECK_THAT(what[2], Catch::Contains("sizes"));
    CHECK_THAT(what[3], Catch::Contains("two jobs with peer 1"));
    CHECK_THAT(what[4], Catch::Contains("count 0"));
    CHECK_THAT(what[5], Catch::Contains("random_ot_exchange") && Catch::Contains("sizes"));
  }
  SECTION("party 0 offers Gilboa-width correlations, party 1 expects full words") {
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t self, net::Network& net) {
          Prg p(test::seed_of(7250 + self));
          auto s = ot::open_pairwise(net, 2, p);
          std::vector<std::uint64_t> words(128), out(128);
          const std::array<bool, 128> c{};
          if (self == 0) {
            s.senders[1]->correlated_ot(words, out, ot::CorrelationWidth::gilboa);
          } else {
            s.receivers[0]->correlated_ot(c, out);
          }
        },
        {.receive_timeout = 5'000ms});
    REQUIRE(errors[1]);
    CHECK_THROWS_MATCHES(std::rethrow_exception(errors[1]), ProtocolError,
                         Catch::Predicate<ProtocolError>([](const ProtocolError& e) { return e.party() == 0; }));
    CHECK_THROWS_WITH(std::rethrow_exception(errors[1]), Catch::Contains("another kind"));
  }
  SECTION("party 0 offers 100, party 1 chooses 99 times") {
    std::string second_error;
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t self, net::Network& net) {
          Prg p(test::seed_of(7200 + self));
          auto s = ot::open_pairwise(net, 2, p);
          const std::size_t peer = 1 - self;
          std::vector<std::uint64_t> words(100), m0(100), chosen(100);
          const std::array<bool, 100> c{};
          const std::size_t choices = self == 1 ? 99 : 100;
          const ot::CorrelatedExchange job{s.senders[peer].get(),  words, m0, s.receivers[peer].get(),
                                           std::span(c).first(choices), std::span(chosen).first(choices)};
          try {
            ot::correlated_ot_exchange(std::span(&job, 1));
          } catch (const ProtocolError&) {
            if (self == 0) {
              try {
                ot::correlated_ot_exchange(std::span(&job, 1));
              } catch (const ProtocolError& e) {
                second_error = e.what();
              }
            }
            throw;
          }
        },
        {.receive_timeout = 5'000ms});
    REQUIRE(errors[0]);
    CHECK_THROWS_MATCHES(std::rethrow_exception(errors[0]), ProtocolError,
                         Catch::Predicate<ProtocolError>([](const ProtocolError& e) { return e.party() == 1; }));
    CHECK_THROWS_WITH(std::rethrow_exception(errors[0]), Catch::Contains("99") && Catch::Contains("100"));
    CHECK_THAT(second_error, Catch::Contains("aborted earlier"));
  }
}

TEST_CASE("OT extension: random_ot_exchange gives the one-way calls' outputs, which match the ideal functionality",
          "[ot][extension][exchange]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  INFO(parties << " parties");
  // out[self][peer]: the pairs self offered to peer, the messages self chose from peer.
  struct Outputs {
    std::vector<std::array<ot::Block, 2>> pairs;
    std::vector<ot::Block> chosen;
  };
  const auto run = [&](bool exchange) {
    std::vector<std::vector<Outputs>> out(parties, std::vector<Outputs>(parties));
    const auto errors = test::run_local_parties(parties, [&](std::size_t self, net::Network& net) {
      Prg p(test::seed_of(7300 + self));
      auto sessions = ot::open_pairwise(net, parties, p);
      std::vector<PairInputs> in(parties);
      std::vector<ot::RandomExchange> jobs;
      for (std::size_t peer = 0; peer < parties; ++peer) {
        if (peer == self) continue;
        in[peer] = inputs_of(self, peer);
        out[self][peer].pairs.resize(offered(self, peer));
        out[self][peer].chosen.resize(in[peer].choice_count);
        jobs.push_back({sessions.senders[peer].get(), out[self][peer].pairs, sessions.receivers[peer].get(),
                        in[peer].choice_span(), out[self][peer].chosen});
      }
      if (exchange) {
        ot::random_ot_exchange(jobs);
        return;
      }
      for (const auto& job : jobs) {
        const auto send = [&] {
          const auto pairs = job.sender->random_ot(job.pairs.size());
          std::copy(pairs.begin(), pairs.end(), job.pairs.begin());
        };
        const auto receive = [&] {
          const auto got = job.receiver->random_ot(job.choices);
          std::copy(got.begin(), got.end(), job.chosen.begin());
        };
        if (self < job.sender->peer()) {
          send();
          receive();
        } else {
          receive();
          send();
        }
      }
    });
    test::rethrow_first(errors);
    return out;
  };
  const auto both = run(true);
  const auto one_way = run(false);
  int bad = 0;
  for (std::size_t i = 0; i < parties; ++i) {
    for (std::size_t j = 0; j < parties; ++j) {
      if (i == j) continue;
      const auto choices = inputs_of(j, i);  // j's choices from i
      REQUIRE(both[j][i].chosen.size() == offered(i, j));
      for (std::size_t k = 0; k < offered(i, j); ++k) {
        const bool c = choices.choices[k];
        bad += both[j][i].chosen[k] == both[i][j].pairs[k][c ? 1 : 0] ? 0 : 1;
        bad += both[j][i].chosen[k] != both[i][j].pairs[k][c ? 0 : 1] ? 0 : 1;
      }
      bad += both[i][j].pairs == one_way[i][j].pairs ? 0 : 1;
      bad += both[i][j].chosen == one_way[i][j].chosen ? 0 : 1;
    }
  }
  CHECK(bad == 0);
}
