// examples/01_anti_stacking/sample_data.hpp — test data for the
// anti-stacking example, not part of the deployment: random books for the
// `generate` command and the tests, the plaintext decisions they are
// checked against, and the check of a lender's decisions against them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "anti_stacking.hpp"

namespace anti_stacking {

// The plaintext reference: approve iff sum of balances + requested <= limit.
inline std::vector<bool> plaintext_decisions(const std::vector<LenderBook>& lenders, std::size_t lender,
                                             std::int64_t consortium_limit_cents = max_amount_cents) {
  std::vector<bool> out;
  for (const auto& a : lenders[lender].applications) {
    std::int64_t total = 0;
    for (const auto& l : lenders) total += l.balances[a.borrower];
    out.push_back(total + a.requested_cents <= effective_limit(a, consortium_limit_cents));
  }
  return out;
}

// Random portfolios: each borrower owes at `density` of the lenders.
inline std::vector<LenderBook> random_books(privfin::Prg& prg, std::size_t lenders, std::size_t borrowers,
                                            std::size_t applications) {
  std::vector<LenderBook> books(lenders);
  for (auto& b : books) b.balances.assign(borrowers, 0);
  for (std::size_t i = 0; i < borrowers; ++i) {
    for (std::size_t j = 0; j < lenders; ++j) {
      if (prg.next_u64() % 3 == 0) books[j].balances[i] = static_cast<std::int64_t>(prg.next_u64() % 5'000'000);
    }
  }
  for (std::size_t k = 0; k < applications; ++k) {
    Application a;
    a.borrower = static_cast<std::size_t>(prg.next_u64() % borrowers);
    a.requested_cents = static_cast<std::int64_t>(prg.next_u64() % 2'000'000);
    a.limit_cents = static_cast<std::int64_t>(prg.next_u64() % 12'000'000);
    books[static_cast<std::size_t>(prg.next_u64() % lenders)].applications.push_back(a);
  }
  return books;
}

// Writes lender<j>_balances.csv, _applications.csv and _expected.csv
// (decisions under the consortium limit) for `lenders` random books.
inline void write_samples(const std::filesystem::path& out, std::size_t lenders, std::size_t borrowers,
                          std::size_t applications, std::uint64_t seed, std::int64_t limit_cents) {
  privfin::Prg::Seed bytes{};
  for (std::size_t i = 0; i < 8; ++i) bytes[i] = static_cast<std::byte>((seed >> (8 * i)) & 0xFF);
  privfin::Prg prg(bytes);
  const auto books = random_books(prg, lenders, borrowers, applications);
  std::filesystem::create_directories(out);
  for (std::size_t j = 0; j < lenders; ++j) {
    const std::string stem = "lender" + std::to_string(j);
    std::ofstream bal(out / (stem + "_balances.csv"));
    bal << "borrower,balance\n";
    for (std::size_t b = 0; b < borrowers; ++b) {
      if (books[j].balances[b] != 0) bal << b << ',' << format_cents(books[j].balances[b]) << '\n';
    }
    std::ofstream ap(out / (stem + "_applications.csv"));
    ap << "borrower,requested,limit\n";
    for (const auto& x : books[j].applications) {
      ap << x.borrower << ',' << format_cents(x.requested_cents) << ',' << format_cents(x.limit_cents) << '\n';
    }
    std::ofstream ex(out / (stem + "_expected.csv"));
    ex << "decision\n";
    for (bool ok : plaintext_decisions(books, j, limit_cents)) ex << (ok ? "approve" : "decline") << '\n';
  }
}

// {decisions that differ from the expected file, decisions in the file}.
inline std::pair<std::size_t, std::size_t> compare_with_expected(const std::vector<bool>& decisions,
                                                                 const std::string& path) {
  auto in = open_file(path);
  std::string line;
  std::size_t k = 0, bad = 0;
  while (std::getline(in, line)) {
    if (line != "approve" && line != "decline") continue;
    if (k >= decisions.size() || decisions[k] != (line == "approve")) ++bad;
    ++k;
  }
  if (k != decisions.size()) ++bad;
  return {bad, k};
}

}  // namespace anti_stacking
