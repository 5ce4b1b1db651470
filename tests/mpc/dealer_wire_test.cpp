// The Beaver dealer's messages under every truncation and single-bit flip:
// the seed message is accepted only when the flip is inside the seed (then
// it is another seed, which the party cannot tell), and a truncated request
// is refused by the dealer naming the requesting party.
#include <catch2/catch.hpp>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/net/local_network.hpp"

using namespace privfin;
using namespace privfin::mpc;

namespace {

// The seed message the dealer (party 2) sends compute party 0 of 2.
Bytes honest_seed_message() {
  Bytes m{std::byte{dealer_wire_version}, std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0},
          std::byte{0},                   std::byte{0}, std::byte{0}, std::byte{0}};
  m.resize(25, std::byte{0x77});
  return m;
}

bool seed_message_accepted(ByteView m) {
  auto nets = net::LocalNetwork::create(3);
  nets[2]->send_message(0, m);
  nets[2]->flush();
  try {
    DealerPreprocessing pre(*nets[0], 2, 2);
    return true;
  } catch (const ProtocolError& e) {
    CHECK(e.party() == 2);
    return false;
  } catch (const DecodeError&) {
    return false;
  }
}

}  // namespace

TEST_CASE("wire: the dealer's seed message refuses every truncation and every flip outside the seed",
          "[mpc][dealer][wire]") {
  const Bytes m = honest_seed_message();
  REQUIRE(seed_message_accepted(m));
  for (std::size_t length = 0; length < m.size(); ++length) {
    INFO("truncated to " << length);
    CHECK_FALSE(seed_message_accepted(ByteView(m).first(length)));
  }
  for (std::size_t bit = 0; bit < m.size() * 8; ++bit) {
    Bytes flipped = m;
    flipped[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    INFO("bit " << bit);
    CHECK(seed_message_accepted(flipped) == (bit / 8 >= 9));
  }
}

TEST_CASE("wire: the dealer refuses every truncation of a request, naming the requesting party",
          "[mpc][dealer][wire]") {
  // kind 1 (triples), size 4, shift 0.
  const Bytes request{std::byte{dealer_wire_version}, std::byte{1}, std::byte{4}, std::byte{0}, std::byte{0},
                      std::byte{0},                   std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
                      std::byte{0}};
  for (std::size_t length = 0; length < request.size(); ++length) {
    auto nets = net::LocalNetwork::create(3);
    nets[1]->send_message(2, ByteView(request).first(length));
    nets[1]->flush();
    Prg seeds(Prg::Seed{});
    INFO("truncated to " << length);
    try {
      (void)run_dealer(*nets[2], 2, seeds);
      FAIL("accepted");
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 1);
    }
  }
}
