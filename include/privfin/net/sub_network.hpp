// privfin/net/sub_network.hpp — a Network over a subset of another
// network's parties, so that a protocol for k parties (Rep3: 3; Beaver:
// the compute parties and their dealer) runs inside a larger cluster whose
// other parties (clients, a dealer, observers) use the same connections.
//
//   // Parties 4, 1 and 3 of a 6-party cluster run Rep3; inside the view they
//   // are parties 0, 1 and 2 (in the order listed).
//   net::SubNetwork compute(cluster, std::array<std::size_t, 3>{4, 1, 3});
//   compute.run([&] {
//     mpc::Rep3 p(compute, prg);
//     ...                       // errors name 4, 1 or 3, never 0, 1 or 2
//   });
//
// One numbering for users: the parent's 0-based ids. Inside the view
// (party_id(), peer arguments, what a protocol on it reports) parties are
// numbered by their position in `members`. run(f) calls f and rethrows any
// ProtocolError, NetworkError (with a party) or DecodeError whose message
// starts with "party <k>: " as the same kind of error naming members[k];
// errors of the parent network are mapped into the view's numbering first,
// so every error leaving run() names parent ids exactly once. A subclass
// (e.g. service::ParameterMismatch) is rethrown as its base kind with the
// id translated; other exceptions pass unchanged. Call the service layer's
// agree() on the parent network, with the parent ids.
//
// Costs: a send or receive on the view is one on the parent (no copy);
// translation only on the error path. The view counts its own traffic;
// the parent counts it too. The view copies the parent's receive timeout
// and maximum message size at construction.
//
// Errors: InvalidArgument if `members` is empty, repeats an id, names an
// id outside the parent, or omits the parent's own id (the view is this
// party's view); otherwise as Network. Thread safety: as the parent (one
// thread at a time for the parent and all its views together).
#pragma once

#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "privfin/net/network.hpp"

namespace privfin::net {

class SubNetwork final : public Network {
 public:
  SubNetwork(Network& parent, std::span<const std::size_t> members);

  [[nodiscard]] Network& parent() noexcept { return parent_; }
  [[nodiscard]] const std::vector<std::size_t>& members() const noexcept { return members_; }
  // The parent id of the view's party `index` (InvalidArgument if >= party_count()).
  [[nodiscard]] std::size_t parent_id(std::size_t index) const;
  // The view's index of parent party `id`, if it is a member.
  [[nodiscard]] std::optional<std::size_t> index_of(std::size_t id) const noexcept;

  // f(), with every error naming a party translated to parent ids (see above).
  template <class F>
  decltype(auto) run(F&& f) const {
    try {
      return std::forward<F>(f)();
    } catch (...) {
      rethrow_in_parent_numbering(std::current_exception());
    }
  }
  // Rethrows `error` naming parent ids instead of view indices.
  [[noreturn]] void rethrow_in_parent_numbering(std::exception_ptr error) const;

 protected:
  void do_send(std::size_t peer, ByteView data) override;
  void do_send_owned(std::size_t peer, Bytes&& data) override;
  void do_flush() override;
  void do_receive(std::size_t peer, std::span<std::byte> out) override;

 private:
  template <class F>
  void on_parent(F&& f);

  Network& parent_;
  std::vector<std::size_t> members_;
  std::vector<std::optional<std::size_t>> index_;  // parent id -> view index
};

// Rethrows `error` with the party ids in "party <k>: " messages (and in
// party()) mapped by `map` (ids it returns nullopt for stay as they are).
// The building block of SubNetwork's translation, for drivers that number
// parties some other way.
template <class Map>
[[noreturn]] void rethrow_with_party_ids(std::exception_ptr error, Map&& map);

namespace detail {
// "party 12: rest" -> {12, offset of "rest"}; nullopt if the message does not start so.
std::optional<std::pair<std::size_t, std::size_t>> leading_party(const char* what);
}  // namespace detail

template <class Map>
[[noreturn]] void rethrow_with_party_ids(std::exception_ptr error, Map&& map) {
  try {
    std::rethrow_exception(error);
  } catch (const ProtocolError& e) {
    const auto lead = detail::leading_party(e.what());
    const auto to = map(e.party());
    if (!lead || lead->first != e.party() || !to) throw;
    throw ProtocolError(*to, e.what() + lead->second);
  } catch (const NetworkError& e) {
    const auto lead = detail::leading_party(e.what());
    if (!e.party() || !lead || lead->first != *e.party()) throw;
    const auto to = map(*e.party());
    if (!to) throw;
    throw NetworkError(*to, e.what() + lead->second);
  } catch (const DecodeError& e) {
    const auto lead = detail::leading_party(e.what());
    if (!lead) throw;
    const auto to = map(lead->first);
    if (!to) throw;
    throw DecodeError("party " + std::to_string(*to) + ": " + (e.what() + lead->second));
  }
}

}  // namespace privfin::net
