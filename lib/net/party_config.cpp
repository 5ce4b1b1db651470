// PartyConfig: JSON in and out, and the checks that catch a bad cluster
// description before any socket is opened.
#include "privfin/net/party_config.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::net {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& what) { throw InvalidArgument("PartyConfig: " + what); }

const json& field(const json& object, const char* name, const std::string& where) {
  const auto it = object.find(name);
  if (it == object.end()) bad(where + ": missing field \"" + name + "\"");
  return *it;
}

std::uint64_t unsigned_field(const json& value, const std::string& where, std::uint64_t max) {
  if (!value.is_number_integer()) bad(where + " must be an integer");
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > max) bad(where + " = " + std::to_string(v) + " is above the maximum " + std::to_string(max));
    return v;
  }
  const auto v = value.get<std::int64_t>();
  if (v < 0) bad(where + " = " + std::to_string(v) + " must not be negative");
  if (static_cast<std::uint64_t>(v) > max) bad(where + " = " + std::to_string(v) + " is above " + std::to_string(max));
  return static_cast<std::uint64_t>(v);
}

std::string string_field(const json& value, const std::string& where) {
  if (!value.is_string()) bad(where + " must be a string");
  return value.get<std::string>();
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& path) {
  if (path.empty()) return {};
  std::filesystem::path p(path);
  return p.is_absolute() || base.empty() ? p : base / p;
}

// A misspelt optional key would otherwise be ignored and its default used
// in silence ("conect_timeout_ms": 500 gives 30 s), so every key must be
// one we read.
void reject_unknown_keys(const json& object, std::initializer_list<std::string_view> known,
                         const std::string& where) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      bad(where + ": unknown key \"" + item.key() + "\"");
    }
  }
}

}  // namespace

std::string_view to_string(Transport transport) noexcept {
  return transport == Transport::tls ? "tls" : "plain_insecure";
}

PartyConfig PartyConfig::parse(std::string_view json_text, const std::filesystem::path& base_dir) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {
    // parse_error for bad syntax, out_of_range for a number beyond double
    // (e.g. 1e400): both are malformed input.
    throw DecodeError(std::string("PartyConfig: not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) bad("the top level must be a JSON object");
  reject_unknown_keys(doc,
                      {"version", "transport", "ca_certificate", "connect_timeout_ms", "receive_timeout_ms",
                       "max_message_bytes", "socket_buffer_bytes", "tls_key_update_records", "parties"},
                      "top level");

  PartyConfig config;
  if (const auto it = doc.find("version"); it != doc.end()) {
    const auto v = unsigned_field(*it, "version", 1000);
    if (v != format_version) bad("version " + std::to_string(v) + " is not supported (expected 1)");
  }
  if (const auto it = doc.find("transport"); it != doc.end()) {
    const std::string t = string_field(*it, "transport");
    if (t == "tls") {
      config.transport = Transport::tls;
    } else if (t == "plain_insecure") {
      config.transport = Transport::plain_insecure;
    } else {
      bad("transport \"" + t + "\" is unknown (use \"tls\" or \"plain_insecure\")");
    }
  }
  if (const auto it = doc.find("ca_certificate"); it != doc.end()) {
    config.ca_certificate = resolve(base_dir, string_field(*it, "ca_certificate"));
  }
  const auto millis = [&](const char* name, std::chrono::milliseconds& out) {
    if (const auto it = doc.find(name); it != doc.end()) {
      out = std::chrono::milliseconds(static_cast<std::int64_t>(unsigned_field(*it, name, 1ULL << 40)));
    }
  };
  millis("connect_timeout_ms", config.connect_timeout);
  millis("receive_timeout_ms", config.receive_timeout);
  if (const auto it = doc.find("max_message_bytes"); it != doc.end()) {
    config.max_message_size = static_cast<std::size_t>(unsigned_field(*it, "max_message_bytes", 1ULL << 48));
  }
  if (const auto it = doc.find("socket_buffer_bytes"); it != doc.end()) {
    config.socket_buffer_size = static_cast<std::size_t>(unsigned_field(*it, "socket_buffer_bytes", 1ULL << 31));
  }
  if (const auto it = doc.find("tls_key_update_records"); it != doc.end()) {
    // At most AES-GCM's safety limit of 2^24.5 records per key (RFC 8446 §5.5).
    config.tls_key_update_records = unsigned_field(*it, "tls_key_update_records", 23'726'566);
  }

  const json& parties = field(doc, "parties", "top level");
  if (!parties.is_array()) bad("\"parties\" must be an array");
  for (std::size_t i = 0; i < parties.size(); ++i) {
    const json& p = parties[i];
    const std::string where = "parties[" + std::to_string(i) + "]";
    if (!p.is_object()) bad(where + " must be an object");
    reject_unknown_keys(p, {"id", "host", "port", "certificate", "private_key"}, where);
    PartyEndpoint e;
    e.id = static_cast<std::size_t>(unsigned_field(field(p, "id", where), where + ".id", 1ULL << 32));
    e.host = string_field(field(p, "host", where), where + ".host");
    e.port = static_cast<std::uint16_t>(unsigned_field(field(p, "port", where), where + ".port", 65535));
    if (const auto it = p.find("certificate"); it != p.end()) {
      e.certificate = resolve(base_dir, string_field(*it, where + ".certificate"));
    }
    if (const auto it = p.find("private_key"); it != p.end()) {
      e.private_key = resolve(base_dir, string_field(*it, where + ".private_key"));
    }
    config.parties.push_back(std::move(e));
  }
  config.validate();
  return config;
}

PartyConfig PartyConfig::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) bad("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.parent_path());
}

void PartyConfig::validate() {
  const std::size_t n = parties.size();
  if (n < 2) bad("at least 2 parties are needed, got " + std::to_string(n));
  std::vector<bool> seen(n, false);
  for (const auto& p : parties) {
    if (p.id >= n) {
      bad("party id " + std::to_string(p.id) + " is out of range: ids must be 0.." + std::to_string(n - 1));
    }
    if (seen[p.id]) bad("party id " + std::to_string(p.id) + " appears twice");
    seen[p.id] = true;
  }
  std::sort(parties.begin(), parties.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  std::set<std::pair<std::string, std::uint16_t>> addresses;
  for (const auto& p : parties) {
    const std::string who = "party " + std::to_string(p.id);
    if (p.host.empty()) bad(who + ": host is empty");
    if (p.port == 0) bad(who + ": port must be in 1..65535");
    if (!addresses.emplace(p.host, p.port).second) {
      bad(who + ": address " + p.host + ":" + std::to_string(p.port) + " is used by another party");
    }
    if (transport == Transport::tls && p.certificate.empty()) bad(who + ": a certificate is required for TLS");
  }
  if (connect_timeout.count() <= 0) bad("connect_timeout_ms must be positive");
  if (receive_timeout.count() <= 0) bad("receive_timeout_ms must be positive");
  if (max_message_size == 0) bad("max_message_bytes must be positive");
  if (socket_buffer_size < 4096) bad("socket_buffer_bytes must be at least 4096");
  if (tls_key_update_records == 0 || tls_key_update_records > 23'726'566) {
    bad("tls_key_update_records must be between 1 and 23726566 (2^24.5, AES-GCM's limit per key)");
  }
}

std::string PartyConfig::to_json() const {
  json doc;
  doc["version"] = format_version;
  doc["transport"] = std::string(to_string(transport));
  if (!ca_certificate.empty()) doc["ca_certificate"] = ca_certificate.string();
  doc["connect_timeout_ms"] = connect_timeout.count();
  doc["receive_timeout_ms"] = receive_timeout.count();
  doc["max_message_bytes"] = max_message_size;
  doc["socket_buffer_bytes"] = socket_buffer_size;
  doc["tls_key_update_records"] = tls_key_update_records;
  json list = json::array();
  for (const auto& p : parties) {
    json e;
    e["id"] = p.id;
    e["host"] = p.host;
    e["port"] = p.port;
    if (!p.certificate.empty()) e["certificate"] = p.certificate.string();
    if (!p.private_key.empty()) e["private_key"] = p.private_key.string();
    list.push_back(std::move(e));
  }
  doc["parties"] = std::move(list);
  return doc.dump(2) + "\n";
}

void PartyConfig::save(const std::filesystem::path& file) const {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) bad("cannot write " + file.string());
  out << to_json();
  if (!out.flush()) bad("cannot write " + file.string());
}

}  // namespace privfin::net
