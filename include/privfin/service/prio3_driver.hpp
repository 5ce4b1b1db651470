// privfin/service/prio3_driver.hpp — Prio3 (vdaf/prio3.hpp) over a
// net::Network: clients upload reports, the leader and the helpers verify
// them in batches and aggregate the valid ones, the collector unshards the
// total. Party numbers are 0-based network ids throughout.
//
//   Prio3Setup setup{.aggregators = {0, 1}, .collector = 2, .context = ctx, .batch_size = 256};
//   // a client (any network party):
//   prio3_upload(net, setup, {make_prio3_report(vdaf, ctx, measurement), ...});
//   auto receipt = prio3_receive_receipt(net, setup, n);  // its rejected reports
//   // each aggregator (aggregators[0] is the leader, the others helpers):
//   auto verify_key = prio3_deal_verify_key(net, vdaf, setup);  // or a key file
//   Prio3Aggregator<Histogram> agg(net, vdaf, setup, verify_key.view());
//   agg.receive_upload(client);                // or agg.add_report(share) for reports
//   agg.prepare();                             //   that came by other means
//   if (agg.is_leader()) agg.send_receipts();  // each uploader's rejections
//   agg.send_aggregate_share();
//   // the collector:
//   auto total = prio3_collect(net, vdaf, setup);  // .result, .accepted, .rejections
//
// Protocol. Before its first batch every aggregator runs service::agree
// (service/agreement.hpp) twice: with the collector on the public
// parameters (protocol, version, VDAF id, shares, proofs, the circuit's
// lengths and bounds, context, batch size, the party roles), then among
// the aggregators on the same plus a fingerprint of the verify key; the
// collector runs the first. Parties holding a different verify key or
// context get ParameterMismatch naming the party instead of every report
// rejected as an invalid proof. Then prepare() runs the reports the leader
// holds in batches of at most batch_size; each batch is five messages
// between the leader and each helper, whatever the batch's size: the
// nonces of the batch (leader), the verifier shares (helpers), the verifier
// messages (leader), the verify_next results (helpers), and the batch's
// rejections (leader). An aggregator adds a report's output share only when
// the leader's final list does not reject it, so leader, helpers and
// collector count the same reports and report the same rejections.
//
// Rejections (privfin::Rejection): item = the report's index in the session
// (the leader's order), by = the aggregator that refused it, from = the
// network party that uploaded it to the leader (empty for add_report),
// cause: malformed (a share of the wrong size, an element >= p), invalid_proof
// (the FLP or the joint randomness check failed), replayed (a nonce seen
// before in this session), other (a helper holds no share of the report).
// The detail names the nonce (public) and the reason, never a share.
//
// Errors: a peer's malformed message throws DecodeError or ProtocolError
// naming it (the session cannot continue); ParameterMismatch (a
// ProtocolError) from the agreement; InvalidArgument for a setup that does
// not fit the VDAF or the network; what the network throws (NetworkError,
// timeouts: the collector waits in prio3_collect until the aggregators send
// their shares, so its receive timeout must cover the preparation). Every
// received message is bounded (Prio3Limits) before it is read.
// Several sessions over one network (two statistics, say) run one after
// the other: prepare() and send_aggregate_share() of one before prepare()
// of the next, in the order in which the collector calls prio3_collect;
// uploads of all sessions may come first.
// Caller duties: the verify key is random, shared by the aggregators only
// (service/key_file.hpp stores it); nonces are random (make_prio3_report).
// Cost per report: one verify_init and verify_next per aggregator, the
// leader combines; per batch and helper five messages. Not thread-safe: one
// Prio3Aggregator per party, used by one thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/prio3_messages.hpp"
#include "privfin/vdaf/prio3.hpp"

namespace privfin::service {

// Who plays which role, and the session's public constants.
struct Prio3Setup {
  std::vector<std::size_t> aggregators;  // network ids, one per VDAF share; [0] is the leader
  std::size_t collector = 0;             // network id, not an aggregator
  Bytes context;                         // Prio3's application context (ctx)
  std::size_t batch_size = 256;          // reports per preparation batch, 1..65536
  std::size_t max_upload = 1 << 16;      // reports in one upload message

  // Throws InvalidArgument unless the ids are distinct and inside the
  // network, the number of aggregators is `shares`, and the sizes are in range.
  void check(const net::Network& net, std::size_t shares) const;
  // The index of `party` among the aggregators, or nullopt.
  [[nodiscard]] std::optional<std::size_t> aggregator_index(std::size_t party) const;
};

// One client report: the nonce, the public share and one input share per aggregator.
struct Prio3Report {
  Prio3Nonce nonce{};
  Bytes public_share;
  std::vector<Bytes> input_shares;
  // What aggregator `index` (0 = leader) receives of it.
  [[nodiscard]] Prio3ReportShare share_for(std::size_t index) const;
};

namespace detail {
template <vdaf::Prio3Circuit Circuit>
Prio3Report report_from_shard(const vdaf::Prio3<Circuit>& vdaf, const auto& shard_with_nonce_and_rand) {
  Prio3Report report;
  secure_random(report.nonce);
  SecretBytes rand(vdaf.rand_size());
  secure_random(rand.span());
  auto shard = shard_with_nonce_and_rand(report.nonce, rand.view());
  report.public_share = std::move(shard.public_share);
  report.input_shares = std::move(shard.input_shares);
  return report;
}
}  // namespace detail

// A report of `measurement` with a fresh random nonce and randomness
// (secure_random). Throws what vdaf.shard throws.
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] Prio3Report make_prio3_report(const vdaf::Prio3<Circuit>& vdaf, ByteView context,
                                            const typename Circuit::Measurement& measurement) {
  return detail::report_from_shard(vdaf, [&](const Prio3Nonce& nonce, ByteView rand) {
    return vdaf.shard(context, measurement, nonce, rand);
  });
}

// The same for a measurement the caller has already encoded into field
// elements (vdaf.circuit().encode(m), or a custom encoding). Nothing checks
// the encoding: an invalid one is a report the aggregators reject
// (invalid_proof), which is how tests and demonstrations play a cheating client.
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] Prio3Report make_prio3_report_encoded(const vdaf::Prio3<Circuit>& vdaf, ByteView context,
                                                    std::span<const typename vdaf::Prio3<Circuit>::F> encoded) {
  return detail::report_from_shard(vdaf, [&](const Prio3Nonce& nonce, ByteView rand) {
    return vdaf.shard_encoded(context, encoded, nonce, rand);
  });
}

// Sends every aggregator its shares of `reports`, one message each (a
// client that is a network party). Throws InvalidArgument for a report
// without one input share per aggregator or more than setup.max_upload reports.
void prio3_upload(net::Network& net, const Prio3Setup& setup, std::span<const Prio3Report> reports);

// A client's receipt: after the leader's send_receipts(), the rejections of
// the reports this party uploaded in the session (empty: all counted).
// `uploaded` is how many reports it uploaded; it bounds the message. Throws
// DecodeError naming the leader for a malformed receipt or one that names
// another sender.
[[nodiscard]] std::vector<Rejection> prio3_receive_receipt(net::Network& net, const Prio3Setup& setup,
                                                           std::size_t uploaded);

namespace detail {
SecretBytes prio3_deal_verify_key(net::Network& net, const Prio3Setup& setup, std::size_t key_size);
}  // namespace detail

// For aggregators that hold no verify key yet (one session, no key file):
// the leader draws a random verify key (secure_random) and sends it to every
// helper over their mutually authenticated TLS link; each aggregator returns
// it. The Prio3Aggregator's agreement then confirms all hold the same key.
// A key that outlives the session belongs in a key file instead
// (save_prio3_verify_key_file). Throws InvalidArgument for a party that is
// not an aggregator, DecodeError for a key of the wrong size.
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] SecretBytes prio3_deal_verify_key(net::Network& net, const vdaf::Prio3<Circuit>& vdaf,
                                                const Prio3Setup& setup) {
  setup.check(net, vdaf.num_shares());
  return detail::prio3_deal_verify_key(net, setup, vdaf::Prio3<Circuit>::verify_key_size);
}

// The bounds of every driver message for this VDAF and setup, as seen by
// the aggregator of index `index` (0 = leader; its input share is longer).
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] Prio3Limits prio3_limits(const vdaf::Prio3<Circuit>& vdaf, const Prio3Setup& setup, std::size_t index) {
  Prio3Limits l;
  l.max_reports = std::max(setup.batch_size, setup.max_upload);
  l.max_public_share = vdaf.public_share_size();
  l.max_input_share = index == 0 ? vdaf.leader_input_share_size() : vdaf.helper_input_share_size();
  l.max_verifier_share = vdaf.verifier_share_size();
  l.max_verifier_message = vdaf.verifier_message_size();
  l.max_aggregate_share = vdaf.flp().output_len() * vdaf::Prio3<Circuit>::F::byte_size;
  return l;
}

// The public parameters every aggregator and the collector agree on
// (without the verify key).
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] Parameters prio3_parameters(const vdaf::Prio3<Circuit>& vdaf, const Prio3Setup& setup) {
  Parameters p("privfin/service/prio3", 1);
  const auto& c = vdaf.circuit();
  p.set("vdaf id", std::uint64_t{vdaf.algorithm_id()})
      .set("shares", std::uint64_t{vdaf.num_shares()})
      .set("proofs", std::uint64_t{vdaf.num_proofs()})
      .set("field bytes", std::uint64_t{vdaf::Prio3<Circuit>::F::byte_size})
      .set("measurement length", std::uint64_t{vdaf.flp().meas_len()})
      .set("output length", std::uint64_t{vdaf.flp().output_len()})
      .set("proof length", std::uint64_t{vdaf.flp().proof_len()})
      .set("joint randomness length", std::uint64_t{vdaf.flp().joint_rand_len()})
      .set_bytes("context", setup.context)
      .set("batch size", std::uint64_t{setup.batch_size})
      .set("max upload", std::uint64_t{setup.max_upload})
      .set("collector", std::uint64_t{setup.collector});
  if constexpr (requires { c.max_measurement(); }) p.set("max measurement", std::uint64_t{c.max_measurement()});
  if constexpr (requires { c.chunk_length(); }) p.set("chunk length", std::uint64_t{c.chunk_length()});
  if constexpr (requires { c.length(); }) p.set("length", std::uint64_t{c.length()});
  if constexpr (requires { c.max_weight(); }) p.set("max weight", std::uint64_t{c.max_weight()});
  for (std::size_t i = 0; i < setup.aggregators.size(); ++i) {
    p.set("aggregator " + std::to_string(i), std::uint64_t{setup.aggregators[i]});
  }
  return p;
}

namespace detail {
// The session's agreement: the public parameters with the collector, then
// the same plus the verify key's fingerprint among the aggregators.
void prio3_agree(net::Network& net, const Parameters& public_parameters, const Prio3Setup& setup,
                 std::optional<ByteView> verify_key);
// "report 0123..cdef: proof rejected (validity proof 0 of 1 did not verify)".
[[nodiscard]] std::string prio3_detail(const Prio3Nonce& nonce, std::string_view reason, std::string_view detail);
}  // namespace detail

template <vdaf::Prio3Circuit Circuit>
class Prio3Aggregator {
 public:
  using Vdaf = vdaf::Prio3<Circuit>;
  using F = typename Vdaf::F;

  // Throws InvalidArgument when this party is not among setup.aggregators,
  // the setup does not fit (Prio3Setup::check), or the verify key is not
  // Vdaf::verify_key_size bytes. No I/O.
  Prio3Aggregator(net::Network& net, Vdaf vdaf, Prio3Setup setup, ByteView verify_key)
      : net_(net), vdaf_(std::move(vdaf)), setup_(std::move(setup)), key_(verify_key),
        agg_share_(vdaf_.empty_aggregate()) {
    setup_.check(net_, vdaf_.num_shares());
    const auto index = setup_.aggregator_index(net_.party_id());
    if (!index) throw InvalidArgument("Prio3Aggregator: party " + std::to_string(net_.party_id()) + " is not an aggregator");
    index_ = *index;
    if (key_.size() != Vdaf::verify_key_size) {
      throw InvalidArgument("Prio3Aggregator: the verify key must be " + std::to_string(Vdaf::verify_key_size) + " bytes");
    }
    limits_ = prio3_limits(vdaf_, setup_, index_);
  }

  [[nodiscard]] bool is_leader() const noexcept { return index_ == 0; }
  [[nodiscard]] const Prio3Limits& limits() const noexcept { return limits_; }
  [[nodiscard]] std::size_t reports() const noexcept { return item_; }
  [[nodiscard]] std::size_t accepted() const noexcept { return accepted_; }
  [[nodiscard]] const std::vector<Rejection>& rejections() const noexcept { return rejections_; }
  [[nodiscard]] std::size_t queued() const noexcept { return queued_; }

  // Receives one upload message from `peer` and queues its report shares.
  // Throws DecodeError (naming the peer) for a malformed upload.
  std::size_t receive_upload(std::size_t peer) {
    const Bytes message = net_.receive_message(peer, max_upload_bytes());
    Prio3Upload up;
    try {
      up = Prio3Upload::from_bytes(message, limits_);
    } catch (const DecodeError& e) {
      throw DecodeError("upload from party " + std::to_string(peer) + ": " + e.what());
    }
    for (auto& s : up.reports) queue(std::move(s), peer);
    uploaders_.insert(peer);
    return up.reports.size();
  }
  // Queues a report share received by other means (from is empty in its rejection).
  void add_report(Prio3ReportShare share) { queue(std::move(share), std::nullopt); }
  // Throws DecodeError for malformed bytes (Prio3ReportShare::to_bytes form).
  void add_report_bytes(ByteView bytes) { add_report(Prio3ReportShare::from_bytes(bytes, limits_)); }

  // Leader: verifies every queued report, batch by batch, with the helpers
  // (who run prepare() at the same time and follow the leader's batches).
  // Runs the agreement first, once per session. Returns the number of
  // reports accepted in this call.
  std::size_t prepare() {
    agree_once();
    const std::size_t before = accepted_;
    bool last = false;
    while (!last) last = is_leader() ? lead_batch() : follow_batch();
    return accepted_ - before;
  }

  // Leader, after prepare(): sends every party that uploaded to it
  // (receive_upload) its receipt, the rejections of its reports
  // (prio3_receive_receipt reads it). Throws InvalidArgument at a helper or
  // while reports are still queued.
  void send_receipts() {
    if (!is_leader()) throw InvalidArgument("Prio3Aggregator::send_receipts: only the leader sends receipts");
    if (queued_ != 0) throw InvalidArgument("Prio3Aggregator::send_receipts: call prepare() first");
    for (const std::size_t peer : uploaders_) {
      std::vector<Rejection> mine;
      std::copy_if(rejections_.begin(), rejections_.end(), std::back_inserter(mine),
                   [&](const Rejection& r) { return r.from == peer; });
      net_.send_message(peer, rejections_to_bytes(mine));
    }
    net_.flush();
  }

  // Sends the collector this aggregator's aggregate share, counts and rejections.
  void send_aggregate_share() {
    agree_once();
    Prio3AggregateShare m;
    m.reports = item_;
    m.accepted = accepted_;
    m.rejections = rejections_;
    m.aggregate_share = vdaf_.encode_agg_share(agg_share_);
    net_.send_message(setup_.collector, m.to_bytes());
    net_.flush();
  }

 private:
  struct Queued {
    Prio3ReportShare share;
    std::optional<std::size_t> from;
  };
  // One report of the batch in progress, at this aggregator.
  struct Work {
    Prio3Status status;  // my verifier share, or why I refused it
    std::optional<typename Vdaf::VerifyState> state;
    std::optional<std::size_t> from;
    Prio3Nonce nonce{};
  };

  std::set<std::size_t> uploaders_;  // who uploaded by receive_upload, for send_receipts

  void queue(Prio3ReportShare share, std::optional<std::size_t> from) {
    if (is_leader()) {
      leader_queue_.push_back(Queued{std::move(share), from});
    } else {
      const Prio3Nonce nonce = share.nonce;
      helper_store_[nonce].push_back(Queued{std::move(share), from});
    }
    ++queued_;
  }

  void agree_once() {
    if (agreed_) return;
    detail::prio3_agree(net_, prio3_parameters(vdaf_, setup_), setup_, key_.view());
    agreed_ = true;
  }

  [[nodiscard]] std::size_t max_upload_bytes() const {
    return 16 + setup_.max_upload * (prio3_nonce_size + 2 * 10 + limits_.max_public_share + limits_.max_input_share);
  }
  [[nodiscard]] std::size_t max_status_bytes(std::size_t payload) const {
    return 32 + setup_.batch_size * (1 + 10 + std::max(payload, Rejection::max_detail_size));
  }

  // verify_init of one report, with the replay check; the status carries the verifier share.
  Work start(const Queued& q) {
    Work w;
    w.from = q.from;
    w.nonce = q.share.nonce;
    if (!seen_.insert(q.share.nonce).second) {
      w.status = refuse(vdaf::Reason::replayed_report, "the nonce was seen before in this session");
      return w;
    }
    auto init = vdaf_.verify_init(key_.view(), setup_.context, index_, q.share.nonce, q.share.public_share,
                                  q.share.input_share);
    if (!init) {
      w.status = refuse(init.reason(), init.detail());
      return w;
    }
    w.status.payload = init.value().verifier_share;
    w.state = std::move(init).value().state;
    return w;
  }
  static Prio3Status refuse(vdaf::Reason reason, std::string detail) {
    Prio3Status s;
    s.reason = static_cast<std::uint8_t>(reason);
    s.detail = std::move(detail);
    return s;
  }
  Rejection rejection(std::uint64_t item, std::size_t by, const Work& w, const Prio3Status& s) const {
    const auto reason = static_cast<vdaf::Reason>(s.reason);
    return Rejection{item, by, w.from, vdaf::to_cause(reason), detail::prio3_detail(w.nonce, vdaf::to_string(reason), s.detail)};
  }

  // verify_next of the accepted reports; the status of each (no payload).
  std::vector<Prio3Status> finish(std::vector<Work>& work, const std::vector<Prio3Status>& messages,
                                  std::vector<std::vector<F>>& outs) {
    std::vector<Prio3Status> done(work.size());
    outs.assign(work.size(), {});
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (!messages[i].ok() || !work[i].state) {
        // Not counted; why is known to the leader already.
        done[i] = refuse(static_cast<vdaf::Reason>(messages[i].ok() ? work[i].status.reason : messages[i].reason),
                         "rejected before verify_next");
        continue;
      }
      auto out = vdaf_.verify_next(setup_.context, *work[i].state, messages[i].payload);
      if (!out) {
        done[i] = refuse(out.reason(), out.detail());
      } else {
        outs[i] = std::move(out).value();
      }
    }
    return done;
  }

  void commit(std::uint64_t first, std::vector<Rejection> batch_rejections, std::vector<std::vector<F>>& outs) {
    std::vector<bool> rejected(outs.size(), false);
    for (const auto& r : batch_rejections) rejected[r.item - first] = true;
    for (std::size_t i = 0; i < outs.size(); ++i) {
      if (rejected[i]) continue;
      vdaf_.aggregate_inplace(agg_share_, outs[i]);
      ++accepted_;
    }
    for (auto& r : batch_rejections) rejections_.push_back(std::move(r));
    item_ = first + outs.size();
    ++batch_;
  }

  // ---------------------------------------------------------------- leader
  bool lead_batch() {
    const std::size_t n = std::min(setup_.batch_size, leader_queue_.size());
    std::vector<Queued> batch;
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(leader_queue_.front()));
      leader_queue_.pop_front();
    }
    queued_ -= n;
    Prio3BatchInit init;
    init.batch = batch_;
    init.first_item = item_;
    init.last = leader_queue_.empty();
    for (const auto& q : batch) init.nonces.push_back(q.share.nonce);
    const Bytes init_bytes = init.to_bytes();
    for (std::size_t h = 1; h < setup_.aggregators.size(); ++h) net_.send_message(setup_.aggregators[h], init_bytes);
    net_.flush();

    std::vector<Work> work;
    work.reserve(n);
    for (const auto& q : batch) work.push_back(start(q));
    const auto helper_shares = receive_from_helpers(Prio3BatchStatus::Kind::prep_shares, n);

    // Combine: the first refusal wins (leader's, then the helpers' in order), else the FLP decision.
    std::vector<std::optional<Rejection>> verdict(n);
    std::vector<Prio3Status> messages(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t item = item_ + i;
      const Prio3Status* refused = work[i].status.ok() ? nullptr : &work[i].status;
      std::size_t by = net_.party_id();
      for (std::size_t h = 1; h < setup_.aggregators.size() && refused == nullptr; ++h) {
        if (!helper_shares[h - 1].statuses[i].ok()) {
          refused = &helper_shares[h - 1].statuses[i];
          by = setup_.aggregators[h];
        }
      }
      if (refused == nullptr) {
        std::vector<Bytes> shares{work[i].status.payload};
        for (std::size_t h = 1; h < setup_.aggregators.size(); ++h) shares.push_back(helper_shares[h - 1].statuses[i].payload);
        auto message = vdaf_.verifier_shares_to_message(setup_.context, shares);
        if (message) {
          messages[i].payload = std::move(message).value();
          continue;
        }
        messages[i] = refuse(message.reason(), message.detail());
        refused = &messages[i];
      }
      verdict[i] = rejection(item, by, work[i], *refused);
      messages[i] = refuse(static_cast<vdaf::Reason>(refused->reason), "rejected by party " + std::to_string(by));
    }
    Prio3BatchStatus out{Prio3BatchStatus::Kind::prep_messages, batch_, messages};
    const Bytes out_bytes = out.to_bytes();
    for (std::size_t h = 1; h < setup_.aggregators.size(); ++h) net_.send_message(setup_.aggregators[h], out_bytes);
    net_.flush();

    std::vector<std::vector<F>> outs;
    const auto mine = finish(work, messages, outs);
    const auto helper_done = receive_from_helpers(Prio3BatchStatus::Kind::finish, n);
    std::vector<Rejection> batch_rejections;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t item = item_ + i;
      if (!verdict[i] && !mine[i].ok()) verdict[i] = rejection(item, net_.party_id(), work[i], mine[i]);
      for (std::size_t h = 1; h < setup_.aggregators.size() && !verdict[i]; ++h) {
        const auto& s = helper_done[h - 1].statuses[i];
        if (!s.ok()) verdict[i] = rejection(item, setup_.aggregators[h], work[i], s);
      }
      if (verdict[i]) batch_rejections.push_back(*verdict[i]);
    }
    Prio3Commit c{batch_, batch_rejections};
    const Bytes commit_bytes = c.to_bytes();
    for (std::size_t h = 1; h < setup_.aggregators.size(); ++h) net_.send_message(setup_.aggregators[h], commit_bytes);
    net_.flush();
    commit(item_, std::move(batch_rejections), outs);
    return init.last;
  }

  std::vector<Prio3BatchStatus> receive_from_helpers(Prio3BatchStatus::Kind kind, std::size_t n) {
    std::vector<Prio3BatchStatus> all;
    const std::size_t payload =
        kind == Prio3BatchStatus::Kind::prep_shares ? limits_.max_verifier_share : limits_.max_verifier_message;
    for (std::size_t h = 1; h < setup_.aggregators.size(); ++h) {
      const std::size_t peer = setup_.aggregators[h];
      all.push_back(receive_status(peer, kind, n, payload));
    }
    return all;
  }

  Prio3BatchStatus receive_status(std::size_t peer, Prio3BatchStatus::Kind kind, std::size_t n, std::size_t payload) {
    const Bytes bytes = net_.receive_message(peer, max_status_bytes(payload));
    Prio3BatchStatus m;
    try {
      m = Prio3BatchStatus::from_bytes(bytes, kind, limits_);
    } catch (const DecodeError& e) {
      throw ProtocolError(peer, std::string("malformed Prio3 batch message: ") + e.what());
    }
    if (m.batch != batch_ || m.statuses.size() != n) {
      throw ProtocolError(peer, "answered batch " + std::to_string(m.batch) + " with " + std::to_string(m.statuses.size()) +
                                    " reports, expected batch " + std::to_string(batch_) + " with " + std::to_string(n));
    }
    return m;
  }

  // ---------------------------------------------------------------- helper
  bool follow_batch() {
    const std::size_t leader = setup_.aggregators[0];
    const Bytes init_bytes = net_.receive_message(leader, 64 + setup_.batch_size * (prio3_nonce_size + 1));
    Prio3BatchInit init;
    try {
      init = Prio3BatchInit::from_bytes(init_bytes, limits_);
    } catch (const DecodeError& e) {
      throw ProtocolError(leader, std::string("malformed Prio3 batch init: ") + e.what());
    }
    const std::size_t n = init.nonces.size();
    if (init.batch != batch_ || init.first_item != item_ || n > setup_.batch_size) {
      throw ProtocolError(leader, "sent batch " + std::to_string(init.batch) + " from item " + std::to_string(init.first_item) +
                                      " with " + std::to_string(n) + " reports, expected batch " + std::to_string(batch_) +
                                      " from item " + std::to_string(item_) + " with at most " +
                                      std::to_string(setup_.batch_size));
    }
    std::vector<Work> work;
    work.reserve(n);
    for (const auto& nonce : init.nonces) {
      const auto it = helper_store_.find(nonce);
      if (it == helper_store_.end()) {
        Work w;
        w.nonce = nonce;
        w.status = refuse(vdaf::Reason::unknown_report, "this helper holds no share of the report");
        work.push_back(std::move(w));
        continue;
      }
      Queued q = std::move(it->second.front());
      it->second.pop_front();
      if (it->second.empty()) helper_store_.erase(it);
      --queued_;
      work.push_back(start(q));
    }
    Prio3BatchStatus shares{Prio3BatchStatus::Kind::prep_shares, batch_, {}};
    for (const auto& w : work) shares.statuses.push_back(w.status);
    net_.send_message(leader, shares.to_bytes());
    net_.flush();

    const auto messages = receive_status(leader, Prio3BatchStatus::Kind::prep_messages, n, limits_.max_verifier_message);
    std::vector<std::vector<F>> outs;
    Prio3BatchStatus done{Prio3BatchStatus::Kind::finish, batch_, finish(work, messages.statuses, outs)};
    net_.send_message(leader, done.to_bytes());
    net_.flush();

    const Bytes commit_bytes = net_.receive_message(leader, 64 + setup_.batch_size * (40 + Rejection::max_detail_size));
    Prio3Commit c;
    try {
      c = Prio3Commit::from_bytes(commit_bytes, limits_);
    } catch (const DecodeError& e) {
      throw ProtocolError(leader, std::string("malformed Prio3 commit: ") + e.what());
    }
    if (c.batch != batch_) throw ProtocolError(leader, "committed batch " + std::to_string(c.batch));
    std::vector<bool> rejected(n, false);
    for (const auto& r : c.rejections) {
      if (r.item < item_ || r.item - item_ >= n || rejected[r.item - item_]) {
        throw ProtocolError(leader, "rejected item " + std::to_string(r.item) + ", not a report of this batch or twice");
      }
      rejected[r.item - item_] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!rejected[i] && !done.statuses[i].ok()) {
        throw ProtocolError(leader, "accepted report " + std::to_string(item_ + i) + " that party " +
                                        std::to_string(net_.party_id()) + " rejected");
      }
    }
    commit(item_, std::move(c.rejections), outs);
    return init.last;
  }

  net::Network& net_;
  Vdaf vdaf_;
  Prio3Setup setup_;
  SecretBytes key_;
  std::size_t index_ = 0;
  Prio3Limits limits_;
  std::vector<F> agg_share_;
  bool agreed_ = false;
  std::uint64_t batch_ = 0;
  std::uint64_t item_ = 0;
  std::size_t accepted_ = 0;
  std::size_t queued_ = 0;
  std::vector<Rejection> rejections_;
  std::set<Prio3Nonce> seen_;
  std::deque<Queued> leader_queue_;
  std::map<Prio3Nonce, std::deque<Queued>> helper_store_;
};

// What the collector learns.
template <vdaf::Prio3Circuit Circuit>
struct Prio3Collection {
  typename Circuit::AggregateResult result;
  std::size_t reports = 0;   // reports prepared
  std::size_t accepted = 0;  // reports in the result
  std::vector<Rejection> rejections;
};

// The collector: runs the agreement with the aggregators, receives every
// aggregator's share, checks that they counted the same reports and
// rejected the same ones (ProtocolError naming the first that differs from
// the leader), and unshards. Throws DecodeError/ProtocolError naming a
// malformed share's sender.
template <vdaf::Prio3Circuit Circuit>
[[nodiscard]] Prio3Collection<Circuit> prio3_collect(net::Network& net, const vdaf::Prio3<Circuit>& vdaf,
                                                     const Prio3Setup& setup) {
  setup.check(net, vdaf.num_shares());
  if (net.party_id() != setup.collector) throw InvalidArgument("prio3_collect: this party is not the collector");
  detail::prio3_agree(net, prio3_parameters(vdaf, setup), setup, std::nullopt);
  const Prio3Limits limits = prio3_limits(vdaf, setup, 0);
  std::vector<Bytes> shares;
  std::optional<Prio3AggregateShare> first;
  for (const std::size_t peer : setup.aggregators) {
    const Bytes bytes = net.receive_message(peer);
    Prio3AggregateShare m;
    try {
      m = Prio3AggregateShare::from_bytes(bytes, limits);
      (void)vdaf.decode_agg_share(m.aggregate_share);
    } catch (const DecodeError& e) {
      throw ProtocolError(peer, std::string("malformed Prio3 aggregate share: ") + e.what());
    }
    if (!first) {
      first = m;
    } else if (m.reports != first->reports || m.accepted != first->accepted || m.rejections != first->rejections) {
      throw ProtocolError(peer, "counted " + std::to_string(m.accepted) + " of " + std::to_string(m.reports) +
                                    " reports with other rejections than the leader (" +
                                    std::to_string(first->accepted) + " of " + std::to_string(first->reports) + ")");
    }
    shares.push_back(std::move(m.aggregate_share));
  }
  Prio3Collection<Circuit> out{vdaf.unshard(shares, first->accepted), first->reports, first->accepted,
                               std::move(first->rejections)};
  return out;
}

}  // namespace privfin::service
