#include "privfin/service/agreement.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "privfin/core/codec.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::service {
namespace {

constexpr std::string_view digest_label = "privfin/service/parameters v1";
constexpr std::string_view fingerprint_label = "privfin/service/parameter fingerprint v1";
constexpr std::size_t shown_fingerprint_bytes = 8;
constexpr std::size_t shown_bytes = 32;

Bytes le64(std::uint64_t v) {
  Bytes out(8);
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFU);
  return out;
}

std::uint64_t read_le64(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{std::to_integer<std::uint8_t>(b[i])} << (8 * i);
  return v;
}

std::string show(const Parameters::Value& value) {
  switch (value.kind) {
    case Parameters::Kind::text: {
      // Appended piece by piece: gcc 12 at -O3 reports a false -Wrestrict
      // for a literal + std::string concatenation here.
      std::string out(1, '"');
      out.append(reinterpret_cast<const char*>(value.data.data()), value.data.size());
      out.push_back('"');
      return out;
    }
    case Parameters::Kind::integer:
      return std::to_string(static_cast<std::int64_t>(read_le64(value.data)));
    case Parameters::Kind::real: {
      const double d = std::bit_cast<double>(read_le64(value.data));
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", d);
      return buffer;
    }
    case Parameters::Kind::bytes: {
      const ByteView view(value.data);
      std::string out = "0x";
      out += to_hex(view.first(std::min(view.size(), shown_bytes)));
      if (view.size() > shown_bytes) out += "... (" + std::to_string(view.size()) + " bytes)";
      return out;
    }
    case Parameters::Kind::fingerprint:
    {
      std::string out = "#";
      out += to_hex(ByteView(value.data).first(shown_fingerprint_bytes));
      return out;
    }
  }
  return "?";
}

std::size_t expected_size(Parameters::Kind kind) {
  switch (kind) {
    case Parameters::Kind::integer:
    case Parameters::Kind::real: return 8;
    case Parameters::Kind::fingerprint: return 32;
    default: return std::numeric_limits<std::size_t>::max();
  }
}

}  // namespace

Parameters::Parameters(std::string_view protocol, std::uint32_t protocol_version) {
  set("protocol", protocol);
  set("protocol version", std::int64_t{protocol_version});
}

Parameters& Parameters::put(std::string_view name, Kind kind, Bytes data) {
  if (name.empty() || name.size() > max_name_size) {
    throw InvalidArgument("parameter name must have 1 to " + std::to_string(max_name_size) + " bytes");
  }
  entries_.insert_or_assign(std::string(name), Value{kind, std::move(data)});
  return *this;
}

Parameters& Parameters::set(std::string_view name, std::string_view text) {
  const ByteView view = as_bytes(text);
  return put(name, Kind::text, Bytes(view.begin(), view.end()));
}

Parameters& Parameters::set(std::string_view name, std::int64_t value) {
  return put(name, Kind::integer, le64(static_cast<std::uint64_t>(value)));
}

Parameters& Parameters::set(std::string_view name, std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw InvalidArgument("parameter '" + std::string(name) + "': unsigned value above 2^63 - 1");
  }
  return set(name, static_cast<std::int64_t>(value));
}

Parameters& Parameters::set(std::string_view name, double value) {
  if (std::isnan(value)) throw InvalidArgument("parameter '" + std::string(name) + "' is NaN");
  return put(name, Kind::real, le64(std::bit_cast<std::uint64_t>(value)));
}

Parameters& Parameters::set_bytes(std::string_view name, ByteView value) {
  return put(name, Kind::bytes, Bytes(value.begin(), value.end()));
}

Parameters& Parameters::set_fingerprint(std::string_view name, ByteView value) {
  Sha256 h;
  Writer w;
  w.string(fingerprint_label).string(name).bytes(value);
  h.update(w.data());
  const auto d = h.finish();
  return put(name, Kind::fingerprint, Bytes(d.begin(), d.end()));
}

std::array<std::byte, 32> Parameters::digest() const {
  Sha256 h;
  h.update(as_bytes(digest_label));
  h.update(to_bytes());
  return h.finish();
}

std::string Parameters::describe(std::string_view name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return std::string(name) + " unset";
  return std::string(name) + " = " + show(it->second);
}

Bytes Parameters::to_bytes() const {
  Writer w;
  w.version(format_version).varint(entries_.size());
  for (const auto& [name, value] : entries_) {
    w.string(name).u8(static_cast<std::uint8_t>(value.kind)).bytes(value.data);
  }
  if (w.size() > max_encoded_size) {
    throw InvalidArgument("parameters take " + std::to_string(w.size()) + " bytes, more than the limit " +
                          std::to_string(max_encoded_size) + "; use set_fingerprint for large values");
  }
  return std::move(w).take();
}

Parameters Parameters::from_bytes(ByteView bytes) {
  if (bytes.size() > max_encoded_size) {
    throw DecodeError("parameters: " + std::to_string(bytes.size()) + " bytes, more than the limit " +
                      std::to_string(max_encoded_size));
  }
  Reader r(bytes);
  r.expect_version(format_version, "parameters");
  // Each entry takes at least 3 bytes (empty names are refused below).
  const std::size_t count = r.length("parameter count", r.remaining() / 3);
  Parameters out;
  const std::string* previous = nullptr;
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = r.string("parameter name", max_name_size);
    if (name.empty()) throw DecodeError("parameters: entry " + std::to_string(i) + " has an empty name");
    if (previous != nullptr && !(*previous < name)) {
      throw DecodeError("parameters: entry " + std::to_string(i) + " is out of order or repeated");
    }
    const auto kind = r.u8("parameter kind");
    if (kind < static_cast<std::uint8_t>(Kind::text) || kind > static_cast<std::uint8_t>(Kind::fingerprint)) {
      throw DecodeError("parameters: entry " + std::to_string(i) + " has unknown kind " + std::to_string(kind));
    }
    const ByteView data = r.bytes("parameter value");
    const std::size_t want = expected_size(static_cast<Kind>(kind));
    if (want != std::numeric_limits<std::size_t>::max() && data.size() != want) {
      throw DecodeError("parameters: entry " + std::to_string(i) + " has " + std::to_string(data.size()) +
                        " bytes, its kind needs " + std::to_string(want));
    }
    if (static_cast<Kind>(kind) == Kind::real && std::isnan(std::bit_cast<double>(read_le64(data)))) {
      throw DecodeError("parameters: entry " + std::to_string(i) + " is NaN");
    }
    const auto [it, inserted] =
        out.entries_.emplace(std::move(name), Value{static_cast<Kind>(kind), Bytes(data.begin(), data.end())});
    (void)inserted;
    previous = &it->first;
  }
  r.expect_end("parameters");
  return out;
}

std::vector<std::string> Parameters::differences(const Parameters& theirs, std::size_t mine_party) const {
  std::vector<std::string> lines;
  const std::string mine_is = "party " + std::to_string(mine_party) + " has ";
  auto a = entries_.begin();
  auto b = theirs.entries_.begin();
  while (a != entries_.end() || b != theirs.entries_.end()) {
    if (b == theirs.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      lines.push_back(a->first + " unset (" + mine_is + show(a->second) + ")");
      ++a;
    } else if (a == entries_.end() || b->first < a->first) {
      lines.push_back(b->first + " = " + show(b->second) + " (unset at party " + std::to_string(mine_party) + ")");
      ++b;
    } else {
      if (!(a->second == b->second)) {
        lines.push_back(a->first + " = " + show(b->second) + " (" + mine_is + show(a->second) + ")");
      }
      ++a;
      ++b;
    }
  }
  return lines;
}

namespace {

std::string mismatch_message(std::size_t self, const std::vector<ParameterMismatch::Difference>& differences) {
  std::string out = "parameters differ from party " + std::to_string(self) + "'s:";
  for (const auto& d : differences) {
    out += " party " + std::to_string(d.party) + " has";
    for (std::size_t i = 0; i < d.lines.size(); ++i) out += (i == 0 ? " " : "; ") + d.lines[i];
    out += ".";
  }
  return out;
}

}  // namespace

ParameterMismatch::ParameterMismatch(std::size_t self, std::vector<Difference> differences)
    : ProtocolError(differences.at(0).party, mismatch_message(self, differences)),
      differences_(std::move(differences)) {}

std::vector<std::size_t> ParameterMismatch::parties() const {
  std::vector<std::size_t> out;
  for (const auto& d : differences_) out.push_back(d.party);
  return out;
}

void agree(net::Network& net, const Parameters& mine, std::span<const std::size_t> parties) {
  const std::size_t self = net.party_id();
  std::vector<bool> listed(net.party_count(), false);
  for (const std::size_t p : parties) {
    if (p >= net.party_count()) {
      throw InvalidArgument("agree: party " + std::to_string(p) + " is not in the network of " +
                            std::to_string(net.party_count()));
    }
    if (listed[p]) throw InvalidArgument("agree: party " + std::to_string(p) + " is listed twice");
    listed[p] = true;
  }
  if (!listed[self]) throw InvalidArgument("agree: the parties do not include this party " + std::to_string(self));

  const Bytes encoded = mine.to_bytes();
  for (const std::size_t p : parties) {
    if (p != self) net.send_message(p, encoded);
  }
  std::vector<ParameterMismatch::Difference> differences;
  for (const std::size_t p : parties) {
    if (p == self) continue;
    const Bytes raw = net.receive_message(p, Parameters::max_encoded_size);
    Parameters theirs = [&] {
      try {
        return Parameters::from_bytes(raw);
      } catch (const DecodeError& e) {
        throw DecodeError("party " + std::to_string(p) + ": " + e.what());
      }
    }();
    if (theirs != mine) differences.push_back({p, mine.differences(theirs, self)});
  }
  if (!differences.empty()) throw ParameterMismatch(self, std::move(differences));
}

void agree(net::Network& net, const Parameters& mine) {
  std::vector<std::size_t> all(net.party_count());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  agree(net, mine, all);
}

}  // namespace privfin::service
