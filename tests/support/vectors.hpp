// tests/support/vectors.hpp — locating and loading the published test
// vectors in tests/vectors/ (see tests/vectors/README.md for their sources).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace privfin::test {

inline std::filesystem::path vectors_dir() { return PRIVFIN_TEST_VECTORS_DIR; }

// Every regular file in tests/vectors/<folder>/ whose name ends in `suffix`
// and starts with `prefix`, sorted, so that a dropped-in file is picked up.
inline std::vector<std::filesystem::path> vector_files(const std::string& folder, const std::string& suffix,
                                                       const std::string& prefix = "") {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(vectors_dir() / folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 && name.rfind(prefix, 0) == 0) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw std::runtime_error("no vector files in " + (vectors_dir() / folder).string());
  return out;
}

inline nlohmann::json load_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

}  // namespace privfin::test
