// privfin/service/mpc_engine.hpp — runs an MpcSession's protocol engine:
// builds the mpc::Protocol on the compute parties (with Beaver, its
// preprocessing drawn from the dealer in roles.helpers) and serves the
// dealer's part, so that one generic body runs on every engine.
//
//   service::MpcSession<P> session(net, roles);   // P = mpc::Rep3 or mpc::Beaver
//   session.agree(params);
//   if (session.computes()) {
//     auto n = service::compute(session, prg, [&](P& p) {
//       auto x = session.receive_input(3);
//       session.send_output(3, p.mul(x, x));
//       return x.size();
//     });
//   } else if (session.helps()) {
//     service::help(session, prg);                 // until the compute parties finish
//   }
//
// compute(session, prg, body) calls body(p) inside session.run() (errors
// name network ids) and returns what body returns. Rep3: p is
// mpc::Rep3(protocol_network(), prg). Beaver: p draws its triples from the
// dealer roles.helpers[0] (mpc::DealerPreprocessing), and the dealer is
// released (finish()) when body returns; if body throws, the dealer is not
// released and fails on its own receive timeout or when this party's
// connection closes. help(session, prg) runs mpc::run_dealer for a Beaver
// session and returns its statistics (on a Rep3 session it throws: generic
// code may call it for any engine after session.helps()).
//
// Costs: those of the engine; nothing beyond it. Throws InvalidArgument when
// called from a party without that role (compute: not a compute party;
// help: not a helper), for a Beaver session without exactly one helper, and
// help() on a Rep3 session (it has no helpers); plus what the body and the
// engine throw. Thread safety: as the session's (one thread at a time).
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/service/mpc_session.hpp"

namespace privfin::service {

namespace detail {
inline void require_engine_role(bool ok, const char* what) {
  if (!ok) throw InvalidArgument(std::string("service::") + what);
}
// Beaver's dealer: the session's only helper, protocol party compute.size().
inline void require_one_dealer(const MpcRoles& roles) {
  require_engine_role(roles.helpers.size() == 1,
                      "compute/help: a Beaver session needs exactly one helper (the dealer)");
}
}  // namespace detail

template <class Body>
auto compute(MpcSession<mpc::Rep3>& session, Prg& prg, Body&& body) {
  detail::require_engine_role(session.computes(), "compute: this party is not a compute party of the session");
  return session.run([&] {
    mpc::Rep3 p(session.protocol_network(), prg);
    return body(p);
  });
}

template <class Body>
auto compute(MpcSession<mpc::Beaver>& session, Prg& prg, Body&& body) {
  detail::require_engine_role(session.computes(), "compute: this party is not a compute party of the session");
  detail::require_one_dealer(session.roles());
  const std::size_t parties = session.roles().compute.size();
  return session.run([&] {
    mpc::DealerPreprocessing pre(session.protocol_network(), parties, parties);
    mpc::Beaver p(session.protocol_network(), pre, prg, parties);
    if constexpr (std::is_void_v<decltype(body(p))>) {
      body(p);
      pre.finish();
    } else {
      auto result = body(p);
      pre.finish();
      return result;
    }
  });
}

inline mpc::DealerStats help(MpcSession<mpc::Beaver>& session, Prg& prg) {
  detail::require_engine_role(session.helps(), "help: this party is not a helper of the session");
  detail::require_one_dealer(session.roles());
  const std::size_t parties = session.roles().compute.size();
  return session.run([&] { return mpc::run_dealer(session.protocol_network(), parties, prg); });
}

// Rep3 has no helpers: always throws. It returns DealerStats only so that
// generic code (session.helps() ? help(session, prg) : ...) compiles for
// every engine.
inline mpc::DealerStats help(MpcSession<mpc::Rep3>& /*session*/, Prg& /*prg*/) {
  throw InvalidArgument("service::help: a Rep3 session has no helpers");
}

}  // namespace privfin::service
