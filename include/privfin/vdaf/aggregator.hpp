// privfin/vdaf/aggregator.hpp — what one Prio3 aggregation server keeps:
// its verify key, its aggregator id, the reports it is verifying, the set of
// report ids (nonces) it has seen (a report is aggregated at most once), and
// its running aggregate share. Messages in and out are bytes, ready for any
// transport; nothing here does I/O.
//
//   Aggregator<Sum> agg(vdaf, verify_key, ctx, /*agg_id=*/0);
//   auto share = agg.start(nonce, public_share, input_share);   // Outcome<Bytes>: my verifier share
//   // ... the verifier shares of all aggregators go to one combiner:
//   auto message = vdaf.verifier_shares_to_message(ctx, shares); // Outcome<Bytes>
//   auto done = agg.finish(nonce, message.value());              // Outcome<Accepted>: counted or why not
//   agg.abort(nonce);                                            // when the combiner rejected the report
//   Bytes mine = agg.aggregate_share();                          // to the collector
//
// verify_in_process() runs every aggregator's part for one report in one
// process and returns the output shares or the reason for rejection.
//
// A rejected report never changes the aggregate share. The report id is the
// 16-byte nonce; it is remembered from start() on, accepted or not, so a
// replay is refused with Reason::replayed_report. Caller duties: keep the
// verify key secret; give every aggregator the same ctx. Throws
// InvalidArgument for a verify key of the wrong size or an aggregator id out
// of range. Not thread-safe: one Aggregator per thread, or lock around it.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/vdaf/prio3.hpp"

namespace privfin::vdaf {

using ReportId = std::array<std::byte, 16>;

template <class Circuit>
class Aggregator {
 public:
  using Vdaf = Prio3<Circuit>;
  using F = typename Vdaf::F;
  struct Accepted {
    std::size_t aggregated = 0;  // reports in the aggregate share after this one
  };

  Aggregator(Vdaf vdaf, ByteView verify_key, ByteView ctx, std::size_t agg_id)
      : vdaf_(std::move(vdaf)), key_(verify_key), ctx_(ctx.begin(), ctx.end()), agg_id_(agg_id),
        agg_share_(vdaf_.empty_aggregate()) {
    if (key_.size() != Vdaf::verify_key_size) throw InvalidArgument("Aggregator: verify key must be 32 bytes");
    if (agg_id_ >= vdaf_.num_shares()) throw InvalidArgument("Aggregator: aggregator id out of range");
  }

  [[nodiscard]] const Vdaf& vdaf() const noexcept { return vdaf_; }
  [[nodiscard]] std::size_t id() const noexcept { return agg_id_; }

  // Begins verifying a report: returns this aggregator's verifier share.
  Outcome<Bytes> start(ByteView nonce, ByteView public_share, ByteView input_share) {
    if (nonce.size() != Vdaf::nonce_size) {
      return Outcome<Bytes>::reject(Reason::wrong_nonce_length,
                                    "nonce is " + std::to_string(nonce.size()) + " bytes, expected 16");
    }
    const ReportId id = to_id(nonce);
    if (!seen_.insert(id).second) {
      return Outcome<Bytes>::reject(Reason::replayed_report, "report " + to_hex(nonce) + " was seen before");
    }
    auto init = vdaf_.verify_init(key_.view(), ctx_, agg_id_, nonce, public_share, input_share);
    if (!init) return Outcome<Bytes>::reject(init.reason(), init.detail());
    Bytes share = init.value().verifier_share;
    pending_.emplace(id, std::move(init).value().state);
    return Outcome<Bytes>::accept(std::move(share));
  }

  // Completes a report with the verifier message: on success its output
  // share is added to the aggregate share. Either way the report is no
  // longer pending.
  Outcome<Accepted> finish(ByteView nonce, ByteView message) {
    const auto it = nonce.size() == Vdaf::nonce_size ? pending_.find(to_id(nonce)) : pending_.end();
    if (it == pending_.end()) {
      return Outcome<Accepted>::reject(Reason::unknown_report, "no report " + to_hex(nonce) + " is being verified");
    }
    auto out = vdaf_.verify_next(ctx_, it->second, message);
    pending_.erase(it);
    if (!out) return Outcome<Accepted>::reject(out.reason(), out.detail());
    vdaf_.aggregate_inplace(agg_share_, out.value());
    ++count_;
    return Outcome<Accepted>::accept(Accepted{count_});
  }

  // Drops a pending report (the combiner rejected it). Returns false if none.
  bool abort(ByteView nonce) { return nonce.size() == Vdaf::nonce_size && pending_.erase(to_id(nonce)) == 1; }

  [[nodiscard]] std::size_t num_aggregated() const noexcept { return count_; }
  [[nodiscard]] std::size_t num_pending() const noexcept { return pending_.size(); }
  [[nodiscard]] bool seen(ByteView nonce) const {
    return nonce.size() == Vdaf::nonce_size && seen_.count(to_id(nonce)) == 1;
  }
  [[nodiscard]] Bytes aggregate_share() const { return vdaf_.encode_agg_share(agg_share_); }

 private:
  static ReportId to_id(ByteView nonce) {
    ReportId id{};
    std::copy(nonce.begin(), nonce.end(), id.begin());
    return id;
  }

  Vdaf vdaf_;
  SecretBytes key_;
  Bytes ctx_;
  std::size_t agg_id_;
  std::vector<F> agg_share_;
  std::size_t count_ = 0;
  std::set<ReportId> seen_;
  std::map<ReportId, typename Vdaf::VerifyState> pending_;
};

// Every aggregator's verification of one report in this process: the output
// share of each aggregator, or the first reason for rejection.
template <class Circuit>
[[nodiscard]] Outcome<std::vector<std::vector<typename Circuit::Field>>> verify_in_process(
    const Prio3<Circuit>& vdaf, ByteView verify_key, ByteView ctx, ByteView nonce, ByteView public_share,
    std::span<const Bytes> input_shares) {
  using Out = Outcome<std::vector<std::vector<typename Circuit::Field>>>;
  if (input_shares.size() != vdaf.num_shares()) {
    return Out::reject(Reason::malformed_input_share, "expected one input share per aggregator");
  }
  std::vector<typename Prio3<Circuit>::VerifyState> states;
  std::vector<Bytes> verifier_shares;
  for (std::size_t j = 0; j < vdaf.num_shares(); ++j) {
    auto init = vdaf.verify_init(verify_key, ctx, j, nonce, public_share, input_shares[j]);
    if (!init) return Out::reject(init.reason(), "aggregator " + std::to_string(j) + ": " + init.detail());
    verifier_shares.push_back(init.value().verifier_share);
    states.push_back(std::move(init).value().state);
  }
  auto message = vdaf.verifier_shares_to_message(ctx, verifier_shares);
  if (!message) return Out::reject(message.reason(), message.detail());
  std::vector<std::vector<typename Circuit::Field>> outs;
  for (std::size_t j = 0; j < vdaf.num_shares(); ++j) {
    auto out = vdaf.verify_next(ctx, states[j], message.value());
    if (!out) return Out::reject(out.reason(), "aggregator " + std::to_string(j) + ": " + out.detail());
    outs.push_back(std::move(out).value());
  }
  return Out::accept(std::move(outs));
}

}  // namespace privfin::vdaf
