// Tests for privfin/core/expand_message.hpp against RFC 9380 Appendix K.
#include <catch2/catch.hpp>

#include <privfin/core/expand_message.hpp>

#include "support/vectors.hpp"

using namespace privfin;

namespace {
std::size_t parse_length(const nlohmann::json& v) { return std::stoul(v.get<std::string>(), nullptr, 16); }

Bytes expand(const std::string& name, const std::string& hash, ByteView msg, ByteView dst, std::size_t len,
             std::size_t k) {
  if (name == "expand_message_xmd" && hash == "SHA256") return expand_message_xmd<Sha256>(msg, dst, len);
  if (name == "expand_message_xmd" && hash == "SHA512") return expand_message_xmd<Sha512>(msg, dst, len);
  if (name == "expand_message_xof" && hash == "SHAKE128") return expand_message_xof<Shake128>(msg, dst, len, k);
  if (name == "expand_message_xof" && hash == "SHAKE256") return expand_message_xof<Shake256>(msg, dst, len, k);
  throw std::runtime_error("unsupported expander in vector file: " + name + " / " + hash);
}
}  // namespace

TEST_CASE("expand_message_xmd and _xof match RFC 9380 Appendix K", "[core][expand_message][vectors]") {
  std::size_t checked = 0;
  for (const auto& file : test::vector_files("hash-to-curve", ".json", "expand_message_")) {
    const auto doc = test::load_json(file);
    const auto name = doc["name"].get<std::string>();
    const auto hash = doc["hash"].get<std::string>();
    const auto dst = doc["DST"].get<std::string>();
    const auto k = doc["k"].get<std::size_t>();
    for (const auto& t : doc["tests"]) {
      INFO(file.filename().string() << " msg=\"" << t["msg"].get<std::string>().substr(0, 20) << "\" len="
                                    << t["len_in_bytes"].get<std::string>());
      const Bytes out = expand(name, hash, as_bytes(t["msg"].get<std::string>()), as_bytes(dst), parse_length(t["len_in_bytes"]), k);
      CHECK(to_hex(out) == t["uniform_bytes"].get<std::string>());
      ++checked;
    }
  }
  CHECK(checked >= 30);
}

TEST_CASE("expand_message rejects out-of-range lengths and empty DSTs", "[core][expand_message]") {
  const auto dst = as_bytes("DST");
  CHECK_THROWS_AS(expand_message_xmd<Sha256>({}, dst, 255 * 32 + 1), InvalidArgument);
  CHECK_THROWS_AS(expand_message_xmd<Sha256>({}, dst, 0), InvalidArgument);
  CHECK_THROWS_AS(expand_message_xmd<Sha256>({}, {}, 32), InvalidArgument);
  CHECK_THROWS_AS(expand_message_xof<Shake128>({}, dst, 65536, 128), InvalidArgument);
  CHECK(expand_message_xmd<Sha256>({}, dst, 255 * 32).size() == 255 * 32);
}
