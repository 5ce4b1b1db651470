// A Network over a subset of another network's parties; see privfin/net/sub_network.hpp.
#include "privfin/net/sub_network.hpp"

#include <cstring>
#include <string>

namespace privfin::net {

namespace {
std::size_t own_index(const Network& parent, std::span<const std::size_t> members) {
  if (members.empty()) throw InvalidArgument("SubNetwork: the member list is empty");
  std::vector<bool> seen(parent.party_count(), false);
  std::optional<std::size_t> mine;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::size_t id = members[i];
    if (id >= parent.party_count()) {
      throw InvalidArgument("SubNetwork: party " + std::to_string(id) + " is not in the network of " +
                            std::to_string(parent.party_count()) + " parties");
    }
    if (seen[id]) throw InvalidArgument("SubNetwork: party " + std::to_string(id) + " is listed twice");
    seen[id] = true;
    if (id == parent.party_id()) mine = i;
  }
  if (!mine) {
    throw InvalidArgument("SubNetwork: this party (" + std::to_string(parent.party_id()) +
                          ") is not among the members");
  }
  return *mine;
}
}  // namespace

namespace detail {
std::optional<std::pair<std::size_t, std::size_t>> leading_party(const char* what) {
  constexpr const char prefix[] = "party ";
  constexpr std::size_t prefix_size = sizeof prefix - 1;
  if (std::strncmp(what, prefix, prefix_size) != 0) return std::nullopt;
  std::size_t at = prefix_size;
  std::size_t id = 0;
  std::size_t digits = 0;
  for (; what[at] >= '0' && what[at] <= '9' && digits < 19; ++at, ++digits) {
    id = id * 10 + static_cast<std::size_t>(what[at] - '0');
  }
  if (digits == 0 || what[at] != ':' || what[at + 1] != ' ') return std::nullopt;
  return std::pair{id, at + 2};
}
}  // namespace detail

SubNetwork::SubNetwork(Network& parent, std::span<const std::size_t> members)
    : Network(own_index(parent, members), members.size()),
      parent_(parent),
      members_(members.begin(), members.end()),
      index_(parent.party_count()) {
  for (std::size_t i = 0; i < members_.size(); ++i) index_[members_[i]] = i;
  set_receive_timeout(parent.receive_timeout());
  set_max_message_size(parent.max_message_size());
}

std::size_t SubNetwork::parent_id(std::size_t index) const {
  if (index >= members_.size()) {
    throw InvalidArgument("SubNetwork::parent_id: index " + std::to_string(index) + " is not below " +
                          std::to_string(members_.size()));
  }
  return members_[index];
}

std::optional<std::size_t> SubNetwork::index_of(std::size_t id) const noexcept {
  return id < index_.size() ? index_[id] : std::nullopt;
}

void SubNetwork::rethrow_in_parent_numbering(std::exception_ptr error) const {
  rethrow_with_party_ids(std::move(error), [this](std::size_t index) -> std::optional<std::size_t> {
    if (index < members_.size()) return members_[index];
    return std::nullopt;
  });
}

// Errors of the parent name parent ids; inside the view they must name view
// indices, so that run() translates every error exactly once. An error
// about a party outside the view (the parent flushing data buffered for
// it) loses its "party <k>: " form, so that nothing maps it again.
template <class F>
void SubNetwork::on_parent(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const NetworkError& e) {
    if (e.party() && !index_of(*e.party())) {
      const auto lead = detail::leading_party(e.what());
      throw NetworkError("party " + std::to_string(*e.party()) + " (not in this view): " +
                         (lead ? e.what() + lead->second : e.what()));
    }
    rethrow_with_party_ids(std::current_exception(), [this](std::size_t id) { return index_of(id); });
  } catch (const DecodeError& e) {
    const auto lead = detail::leading_party(e.what());
    if (lead && !index_of(lead->first)) {
      throw DecodeError("party " + std::to_string(lead->first) + " (not in this view): " + (e.what() + lead->second));
    }
    rethrow_with_party_ids(std::current_exception(), [this](std::size_t id) { return index_of(id); });
  } catch (const ProtocolError&) {
    rethrow_with_party_ids(std::current_exception(), [this](std::size_t id) { return index_of(id); });
  }
}

void SubNetwork::do_send(std::size_t peer, ByteView data) {
  on_parent([&] { parent_.send(members_[peer], data); });
}

void SubNetwork::do_send_owned(std::size_t peer, Bytes&& data) {
  on_parent([&] { parent_.send(members_[peer], std::move(data)); });
}

void SubNetwork::do_flush() {
  on_parent([&] { parent_.flush(); });
}

void SubNetwork::do_receive(std::size_t peer, std::span<std::byte> out) {
  on_parent([&] { parent_.receive(members_[peer], out); });
}

}  // namespace privfin::net
