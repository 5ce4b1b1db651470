// The non-template parts of the MPC client driver; see privfin/service/mpc_session.hpp.
#include "privfin/service/mpc_session.hpp"

#include <string>

namespace privfin::service::detail {

void check_roles(const MpcRoles& roles, std::size_t parties, std::string_view protocol, bool supported) {
  const std::string where = "MpcSession<" + std::string(protocol) + ">: ";
  if (!supported) {
    throw InvalidArgument(where + std::to_string(roles.compute.size()) + " compute parties are not supported");
  }
  if (roles.max_values == 0) throw InvalidArgument(where + "max_values must be at least 1");
  // Each party in one of: compute, helpers, clients (inputs and outputs may overlap).
  std::vector<int> role(parties, 0);  // 0 none, 1 compute, 2 helper, 3 input, 4 output, 5 input and output
  const auto mark = [&](const std::vector<std::size_t>& ids, int kind, const char* name) {
    for (const std::size_t id : ids) {
      if (id >= parties) {
        throw InvalidArgument(where + name + " party " + std::to_string(id) + " is not in the network of " +
                              std::to_string(parties) + " parties");
      }
      const int before = role[id];
      if (before == kind || (before == 5 && kind >= 3)) {
        throw InvalidArgument(where + "party " + std::to_string(id) + " is listed twice as " + name);
      }
      if (before == 0) {
        role[id] = kind;
      } else if ((before == 3 && kind == 4) || (before == 4 && kind == 3)) {
        role[id] = 5;
      } else {
        throw InvalidArgument(where + "party " + std::to_string(id) + " cannot be " + name +
                              " and also compute or help");
      }
    }
  };
  mark(roles.compute, 1, "compute");
  mark(roles.helpers, 2, "helper");
  mark(roles.inputs, 3, "input");
  mark(roles.outputs, 4, "output");
}

std::string id_list(std::span<const std::size_t> ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out.empty() ? std::string("-") : out;
}

std::vector<std::vector<std::uint64_t>> split(std::span<const std::uint64_t> values, std::size_t k,
                                              ShareBatch::Kind kind, Prg& prg) {
  std::vector<std::vector<std::uint64_t>> parts(k, std::vector<std::uint64_t>(values.size()));
  parts[0].assign(values.begin(), values.end());
  for (std::size_t i = 1; i < k; ++i) {
    for (std::size_t j = 0; j < values.size(); ++j) {
      const std::uint64_t r = prg.next_u64();
      parts[i][j] = r;
      parts[0][j] = kind == ShareBatch::Kind::arith ? parts[0][j] - r : parts[0][j] ^ r;
    }
  }
  return parts;
}

std::vector<std::uint64_t> bit_range(std::span<const std::uint64_t> words, std::size_t from, std::size_t count) {
  std::vector<std::uint64_t> out((count + 63) / 64, 0);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t at = from + k;
    out[k / 64] |= ((words[at / 64] >> (at % 64)) & 1U) << (k % 64);
  }
  return out;
}

ShareBatch receive_batch(net::Network& net, std::size_t from, ShareBatch::Kind kind, std::size_t components,
                         std::uint64_t max_values, std::optional<std::size_t> expected_count) {
  const Bytes message = net.receive_message(from, ShareBatch::max_encoded_size(components, max_values));
  ShareBatch batch;
  try {
    batch = ShareBatch::from_bytes(message, max_values);
  } catch (const DecodeError& e) {
    throw DecodeError("party " + std::to_string(from) + ": " + e.what());
  }
  const char* kind_name = kind == ShareBatch::Kind::arith ? "values" : "bits";
  if (batch.kind != kind) throw ProtocolError(from, std::string("sent shares of the wrong kind (expected ") + kind_name + ")");
  if (batch.components.size() != components) {
    throw ProtocolError(from, "sent " + std::to_string(batch.components.size()) + " share components, expected " +
                                  std::to_string(components));
  }
  if (expected_count && batch.count() != *expected_count) {
    throw ProtocolError(from, "sent " + std::to_string(batch.count()) + " " + kind_name + ", expected " +
                                  std::to_string(*expected_count));
  }
  return batch;
}

std::vector<std::uint64_t> combine(const std::vector<ShareBatch>& batches,
                                   const std::vector<std::vector<std::size_t>>& held, std::span<const std::size_t> ids,
                                   ShareBatch::Kind kind) {
  const std::size_t k = batches.size();
  const std::size_t n = batches.empty() ? 0 : batches[0].count();
  // For each component: the first holder's copy, and every disagreement.
  std::vector<const std::vector<std::uint64_t>*> first(k, nullptr);
  std::vector<std::size_t> first_holder(k, 0);
  struct Disagreement {
    std::size_t component, a, b;  // protocol indices of the two holders
  };
  std::vector<Disagreement> disagreements;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t c = 0; c < held[i].size(); ++c) {
      const std::size_t component = held[i][c];
      const auto& copy = batches[i].components[c];
      if (first[component] == nullptr) {
        first[component] = &copy;
        first_holder[component] = i;
      } else if (copy != *first[component]) {
        disagreements.push_back({component, first_holder[component], i});
      }
    }
  }
  if (!disagreements.empty()) {
    // The one party in every disagreement, if there is exactly one; else the first holder.
    std::optional<std::size_t> common;
    for (std::size_t candidate = 0; candidate < k; ++candidate) {
      bool in_all = true;
      for (const auto& d : disagreements) in_all = in_all && (d.a == candidate || d.b == candidate);
      if (in_all) {
        common = common ? std::optional<std::size_t>{} : std::optional<std::size_t>{candidate};
        if (!common) break;
      }
    }
    const auto& d = disagreements[0];
    const std::size_t blamed = common.value_or(d.a);
    std::string what = "output shares disagree: parties " + std::to_string(ids[d.a]) + " and " +
                       std::to_string(ids[d.b]) + " sent different copies of share component " +
                       std::to_string(d.component);
    if (disagreements.size() > 1) what += " (and " + std::to_string(disagreements.size() - 1) + " more)";
    what += common ? "; party " + std::to_string(ids[blamed]) + " is in every disagreement"
                   : "; one of them deviates";
    throw ProtocolError(ids[blamed], what);
  }
  std::vector<std::uint64_t> out(n, 0);
  for (std::size_t component = 0; component < k; ++component) {
    if (first[component] == nullptr) {
      throw InvalidArgument("MpcSession: no compute party holds share component " + std::to_string(component));
    }
    const auto& v = *first[component];
    for (std::size_t j = 0; j < n; ++j) out[j] = kind == ShareBatch::Kind::arith ? out[j] + v[j] : out[j] ^ v[j];
  }
  return out;
}

}  // namespace privfin::service::detail
