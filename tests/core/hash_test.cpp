// Tests for privfin/core/hash.hpp: NIST known answers, incremental equals
// one-shot, and misuse after finish().
#include <catch2/catch.hpp>

#include <privfin/core/hash.hpp>

#include "support/vectors.hpp"

using namespace privfin;

namespace {
std::string digest_hex(const std::string& name, ByteView msg) {
  if (name == "SHA256") return to_hex(Sha256::hash(msg));
  if (name == "SHA512") return to_hex(Sha512::hash(msg));
  if (name == "SHA3-256") return to_hex(Sha3_256::hash(msg));
  if (name == "SHAKE128") return to_hex(Shake128::hash(msg, 32));
  if (name == "SHAKE256") return to_hex(Shake256::hash(msg, 64));
  throw std::runtime_error("unknown hash in vector file: " + name);
}
}  // namespace

TEST_CASE("hashes match the NIST known answers", "[core][hash][vectors]") {
  for (const auto& file : test::vector_files("hashes", ".json")) {
    const auto doc = test::load_json(file);
    for (const auto& v : doc["tests"]) {
      std::string msg;
      if (v.contains("message_repeat")) {
        msg.assign(v["message_repeat"][1].get<std::size_t>(), v["message_repeat"][0].get<std::string>()[0]);
      } else {
        msg = v["message"].get<std::string>();
      }
      const auto name = v["hash"].get<std::string>();
      INFO(name << " of " << msg.size() << " bytes");
      CHECK(digest_hex(name, as_bytes(msg)) == v["digest"].get<std::string>());
    }
  }
}

TEST_CASE("incremental hashing equals one-shot hashing", "[core][hash]") {
  const std::string msg(1000, 'x');
  Sha256 h256;
  Sha512 h512;
  Sha3_256 h3;
  Shake256 x256;
  for (std::size_t off = 0; off < msg.size(); off += 77) {
    const auto part = as_bytes(std::string_view(msg).substr(off, 77));
    h256.update(part);
    h512.update(part);
    h3.update(part);
    x256.update(part);
  }
  CHECK(h256.finish() == Sha256::hash(as_bytes(msg)));
  CHECK(h512.finish() == Sha512::hash(as_bytes(msg)));
  CHECK(h3.finish() == Sha3_256::hash(as_bytes(msg)));
  CHECK(x256.finish(100) == Shake256::hash(as_bytes(msg), 100));
}

TEST_CASE("a hasher cannot be used after finish()", "[core][hash]") {
  Sha256 h;
  (void)h.finish();
  CHECK_THROWS_AS(h.update(as_bytes("more")), InvalidArgument);
  CHECK_THROWS_AS((void)h.finish(), InvalidArgument);
  Shake128 x;
  (void)x.finish(16);
  CHECK_THROWS_AS((void)x.finish(16), InvalidArgument);
}
