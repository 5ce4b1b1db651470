// Links against the installed privfin and exercises one thing from each
// compiled part it uses; exits non-zero on any mismatch.
#include <privfin/privfin.hpp>

#include <cstdio>

int main() {
  using namespace privfin;
  const auto digest = Sha256::hash(as_bytes("abc"));
  const bool sha_ok =
      to_hex(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  Prg prg(Prg::Seed{});
  std::vector<Z2k<64>> shares(4);
  prg.fill(std::span<Z2k<64>>(shares));
  Writer w;
  w.version(1).elements<Z2k<64>>(shares);
  Bytes encoded = std::move(w).take();
  Reader r(encoded);
  r.expect_version(1, "consumer");
  const bool codec_ok = r.elements<Z2k<64>>("shares") == shares;

  const Fp61 x = Fp61::random(prg);
  const bool field_ok = x == Fp61::zero() || x * x.inverse() == Fp61::one();

  std::printf("privfin %s: sha256 %s, codec %s, field %s\n", version_string, sha_ok ? "ok" : "FAIL",
              codec_ok ? "ok" : "FAIL", field_ok ? "ok" : "FAIL");
  return sha_ok && codec_ok && field_ok ? 0 : 1;
}
