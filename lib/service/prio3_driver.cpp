#include "privfin/service/prio3_driver.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace privfin::service {

void Prio3Setup::check(const net::Network& net, std::size_t shares) const {
  if (aggregators.size() != shares) {
    throw InvalidArgument("Prio3Setup: " + std::to_string(aggregators.size()) + " aggregators for a VDAF of " +
                          std::to_string(shares) + " shares");
  }
  std::set<std::size_t> ids(aggregators.begin(), aggregators.end());
  ids.insert(collector);
  if (ids.size() != aggregators.size() + 1) {
    throw InvalidArgument("Prio3Setup: the aggregators and the collector must be distinct parties");
  }
  if (*ids.rbegin() >= net.party_count()) {
    throw InvalidArgument("Prio3Setup: party " + std::to_string(*ids.rbegin()) + " is outside the network of " +
                          std::to_string(net.party_count()));
  }
  if (batch_size == 0 || batch_size > (std::size_t{1} << 16)) {
    throw InvalidArgument("Prio3Setup: batch_size must be in 1..65536, got " + std::to_string(batch_size));
  }
  if (max_upload == 0 || max_upload > (std::size_t{1} << 20)) {
    throw InvalidArgument("Prio3Setup: max_upload must be in 1..2^20, got " + std::to_string(max_upload));
  }
}

std::optional<std::size_t> Prio3Setup::aggregator_index(std::size_t party) const {
  const auto it = std::find(aggregators.begin(), aggregators.end(), party);
  if (it == aggregators.end()) return std::nullopt;
  return static_cast<std::size_t>(it - aggregators.begin());
}

Prio3ReportShare Prio3Report::share_for(std::size_t index) const {
  if (index >= input_shares.size()) {
    throw InvalidArgument("Prio3Report: no input share for aggregator " + std::to_string(index));
  }
  return Prio3ReportShare{nonce, public_share, input_shares[index]};
}

void prio3_upload(net::Network& net, const Prio3Setup& setup, std::span<const Prio3Report> reports) {
  if (reports.size() > setup.max_upload) {
    throw InvalidArgument("prio3_upload: " + std::to_string(reports.size()) + " reports, at most " +
                          std::to_string(setup.max_upload) + " per upload");
  }
  for (const auto& r : reports) {
    if (r.input_shares.size() != setup.aggregators.size()) {
      throw InvalidArgument("prio3_upload: a report has " + std::to_string(r.input_shares.size()) +
                            " input shares for " + std::to_string(setup.aggregators.size()) + " aggregators");
    }
  }
  for (std::size_t j = 0; j < setup.aggregators.size(); ++j) {
    Prio3Upload up;
    up.reports.reserve(reports.size());
    for (const auto& r : reports) up.reports.push_back(r.share_for(j));
    net.send_message(setup.aggregators[j], up.to_bytes());
  }
  net.flush();
}

std::vector<Rejection> prio3_receive_receipt(net::Network& net, const Prio3Setup& setup, std::size_t uploaded) {
  if (setup.aggregators.empty()) throw InvalidArgument("prio3_receive_receipt: no aggregators in the setup");
  const std::size_t leader = setup.aggregators[0];
  // A rejection's wire form: item, by, from, cause (varints and a byte) and the detail.
  const std::size_t max_bytes = 10 + uploaded * (4 * 10 + 2 + 10 + Rejection::max_detail_size);
  std::vector<Rejection> receipt;
  try {
    receipt = rejections_from_bytes(net.receive_message(leader, max_bytes), uploaded);
  } catch (const DecodeError& e) {
    throw DecodeError("receipt from party " + std::to_string(leader) + ": " + e.what());
  }
  for (const auto& r : receipt) {
    if (r.from != net.party_id()) {
      throw DecodeError("receipt from party " + std::to_string(leader) + " names a report of another sender");
    }
  }
  return receipt;
}

namespace detail {

SecretBytes prio3_deal_verify_key(net::Network& net, const Prio3Setup& setup, std::size_t key_size) {
  const auto index = setup.aggregator_index(net.party_id());
  if (!index) {
    throw InvalidArgument("prio3_deal_verify_key: party " + std::to_string(net.party_id()) + " is not an aggregator");
  }
  if (*index == 0) {
    SecretBytes key(key_size);
    secure_random(key.span());
    for (std::size_t j = 1; j < setup.aggregators.size(); ++j) net.send_message(setup.aggregators[j], key.view());
    net.flush();
    return key;
  }
  Bytes received = net.receive_message(setup.aggregators[0], key_size);
  SecretBytes key(received);
  secure_wipe(received);
  if (key.size() != key_size) {
    throw DecodeError("verify key from party " + std::to_string(setup.aggregators[0]) + ": " +
                      std::to_string(key.size()) + " bytes, expected " + std::to_string(key_size));
  }
  return key;
}

void prio3_agree(net::Network& net, const Parameters& public_parameters, const Prio3Setup& setup,
                 std::optional<ByteView> verify_key) {
  std::vector<std::size_t> everyone = setup.aggregators;
  everyone.push_back(setup.collector);
  agree(net, public_parameters, everyone);
  if (!verify_key) return;  // the collector holds no verify key
  Parameters secret = public_parameters;
  secret.set_fingerprint("verify key", *verify_key);
  agree(net, secret, setup.aggregators);
}

std::string prio3_detail(const Prio3Nonce& nonce, std::string_view reason, std::string_view detail) {
  std::string out = "report ";
  out += to_hex(nonce);
  out += ": ";
  out += reason;
  if (!detail.empty()) {
    out += " (";
    out += detail;
    out += ")";
  }
  return out.substr(0, Rejection::max_detail_size);
}

}  // namespace detail
}  // namespace privfin::service
