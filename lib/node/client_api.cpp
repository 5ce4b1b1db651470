#include "privfin/node/client_api.hpp"

#include "api_json.hpp"

#include <httplib.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ledger/error.hpp"

namespace privfin::node {
namespace {

// GET /v1/evidence answers at most this many entries; a caller pages with
// ?from= (the last height seen).
constexpr std::size_t max_evidence_per_answer = 100;

using nlohmann::json;

struct HttpError {
  int status;
  std::string why;
};

// A query parameter that must be a whole number: digits only (std::stoull
// alone would take "-1" as 2^64 - 1 and "12abc" as 12).
std::uint64_t number_param(const httplib::Request& req, const char* name) {
  const std::string text = req.get_param_value(name);
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    throw HttpError{400, std::string(name) + " is not a number"};
  }
  return std::stoull(text);
}

Bytes hex_field(const std::string& text, const char* what) {
  try {
    return from_hex(text);
  } catch (const Error&) {
    throw HttpError{400, std::string(what) + " is not hex"};
  }
}


}  // namespace

struct ClientApi::Impl {
  static constexpr std::size_t max_batch = 10'000;
  // GET /v1/status?wait_above=H: the longest wait a client may ask for
  // (below on_node's 10 s, and ApiClient's 15 s read timeout).
  static constexpr std::uint64_t max_wait_ms = 5'000;
  Node& node;
  ClientApiOptions options;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;

  // Runs `fn` on the node's poll thread and waits for its answer.
  template <class F>
  auto on_node(F fn) -> decltype(fn()) {
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto answer = task->get_future();
    node.post([task] { (*task)(); });
    if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw HttpError{503, "the node did not answer within 10 s"};
    }
    return answer.get();
  }

  // What /v1/status and /metrics report, read on the node's thread.
  std::tuple<NodeStatus, std::size_t, consensus::Round> snapshot() {
    return on_node([&] { return std::tuple(node.status(), node.peers_connected(), node.engine().position().round); });
  }

  static void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump() + "\n", "application/json");
  }

  static void reply_bytes(httplib::Response& res, ByteView body) {
    res.status = 200;
    res.set_content(reinterpret_cast<const char*>(body.data()), body.size(), std::string(api_json::binary_type).c_str());
  }

  // The request's header (Content-Type or Accept) names the byte form.
  static bool wants(const httplib::Request& req, const char* header) {
    return req.get_header_value(header).find(api_json::binary_type) != std::string::npos;
  }

  template <class F>
  static void guarded(httplib::Response& res, F body) {
    try {
      body();
    } catch (const HttpError& e) {
      reply(res, e.status, json{{"error", e.why}});
    } catch (const json::exception& e) {
      reply(res, 400, json{{"error", std::string("bad request: ") + e.what()}});
    } catch (const ledger::StoreCorruption& e) {
      // The node's own data (a DecodeError too), not the request: 500.
      reply(res, 500, json{{"error", e.what()}});
    } catch (const DecodeError& e) {
      reply(res, 400, json{{"error", e.what()}});
    } catch (const InvalidArgument& e) {
      reply(res, 400, json{{"error", e.what()}});
    } catch (const std::exception& e) {
      reply(res, 500, json{{"error", e.what()}});
    }
  }

  void routes() {
    server->Post("/v1/tx", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const Bytes tx = api_json::tx_request(req.body);
        const auto verdict = on_node([&] { return node.submit(tx); });
        reply(res, 200, json{{"hash", to_hex(Sha256::hash(tx))},
                             {"code", static_cast<int>(verdict.code)},
                             {"reason", verdict.reason}});
      });
    });
    server->Post("/v1/txs", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        // JSON, or the byte form (api_json.hpp) that a busy client uses:
        // hex and JSON were a third of a benchmark client's CPU.
        const auto txs = wants(req, "Content-Type") ? api_json::txs_request_from_bytes(as_bytes(req.body), max_batch)
                                                   : api_json::txs_request(req.body, max_batch);
        const auto verdicts = on_node([&] { return node.submit_many(txs); });
        if (wants(req, "Accept")) return reply_bytes(res, api_json::submitted_batch_bytes(txs, verdicts));
        json out = json::array();
        for (std::size_t i = 0; i < txs.size(); ++i) {
          out.push_back(json{{"hash", to_hex(Sha256::hash(txs[i]))},
                             {"code", static_cast<int>(verdicts[i].code)},
                             {"reason", verdicts[i].reason}});
        }
        reply(res, 200, json{{"results", out}});
      });
    });
    server->Get(R"(/v1/tx/([0-9a-fA-F]{64}))", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const Bytes h = hex_field(req.matches[1], "hash");
        consensus::Hash32 hash;
        std::copy(h.begin(), h.end(), hash.v.begin());
        const auto where = on_node([&] { return node.find_committed(hash); });
        if (!where) return reply(res, 404, json{{"committed", false}});
        reply(res, 200, json{{"committed", true},
                             {"height", where->height},
                             {"index", where->index},
                             {"code", static_cast<int>(where->result.code)},
                             {"reason", where->result.reason}});
      });
    });
    server->Get("/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        // A long poll: the answer waits for a commit above wait_above (at
        // most wait_ms), so a client learns of it at once without asking
        // every few milliseconds.
        if (req.has_param("wait_above")) {
          const Height above = number_param(req, "wait_above");
          const std::uint64_t wait_ms = req.has_param("wait_ms") ? number_param(req, "wait_ms") : 1000;
          if (wait_ms > max_wait_ms) throw HttpError{400, "wait_ms above " + std::to_string(max_wait_ms)};
          (void)node.wait_for_height_above(above, std::chrono::milliseconds(wait_ms));
        }
        const auto [st, peers, round] = snapshot();
        reply(res, 200, json{{"chain_id", node.chain_id()},
                             {"node", node.self()},
                             {"height", st.height},
                             {"round", round},
                             {"app_hash", to_hex(st.app_hash.v)},
                             {"mempool", st.mempool},
                             {"peers_connected", peers},
                             {"rejections", st.rejections},
                             {"evidence", st.evidence},
                             {"synced", st.synced},
                             {"foreign_genesis", st.foreign_genesis}});
      });
    });
    server->Get("/v1/query", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        if (!req.has_param("path") || !req.has_param("key")) throw HttpError{400, "path and key are required"};
        const std::string path = req.get_param_value("path");
        const Bytes key = hex_field(req.get_param_value("key"), "key");
        const Height h = req.has_param("height") ? number_param(req, "height") : 0;
        const bool prove = req.has_param("prove") && req.get_param_value("prove") == "1";
        const auto q = on_node([&] {
          if (h > node.status().height) throw HttpError{404, "height " + std::to_string(h) + " is not committed"};
          return node.query(path, key, h, prove);
        });
        json out{{"code", static_cast<int>(q.code)}, {"reason", q.reason}, {"height", q.height}};
        out["value"] = q.value ? json(to_hex(*q.value)) : json(nullptr);
        if (prove) out["proof"] = to_hex(q.proof);
        reply(res, 200, out);
      });
    });
    server->Get(R"(/v1/block/(\d{1,19}))", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const Height h = std::stoull(req.matches[1]);
        const auto d = on_node([&]() -> std::optional<consensus::Decision> {
          if (h == 0 || h > node.ledger().height() || h <= node.ledger().retain_height()) return std::nullopt;
          auto block = node.ledger().block(h);
          auto cert = node.ledger().certificate(h);
          if (!block || !cert) return std::nullopt;
          return consensus::Decision{std::move(*block), std::move(*cert)};
        });
        if (!d) throw HttpError{404, "no block at height " + std::to_string(h)};
        const Bytes message = consensus::Message{*d}.to_bytes();
        // The same bytes without hex and JSON for a client that asks: a
        // block of thousands of transactions is megabytes of hex, which
        // both sides spent most of a follower's time encoding and lexing.
        if (wants(req, "Accept")) return reply_bytes(res, message);
        reply(res, 200, json{{"height", h}, {"decision", to_hex(message)}});
      });
    });
    server->Get("/v1/evidence", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const Height from = req.has_param("from") ? number_param(req, "from") : 0;
        const auto list = on_node([&] { return node.evidence(from, max_evidence_per_answer); });
        json out = json::array();
        for (const auto& e : list) {
          out.push_back(json{{"validator", e.first.voter},
                             {"height", e.first.height},
                             {"round", e.first.round},
                             {"type", e.first.type == consensus::VoteType::prevote ? "prevote" : "precommit"},
                             {"evidence", to_hex(e.to_bytes())}});
        }
        reply(res, 200, json{{"evidence", out}});
      });
    });
    server->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      guarded(res, [&] {
        const auto [st, peers, round] = snapshot();
        std::ostringstream m;
        const auto metric = [&](const char* name, const char* type, const char* help, std::uint64_t value) {
          m << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
            << name << ' ' << value << '\n';
        };
        metric("privfin_height", "gauge", "Committed height.", st.height);
        metric("privfin_round", "gauge", "Consensus round at the current height.", round);
        metric("privfin_mempool_transactions", "gauge", "Transactions waiting in the mempool.", st.mempool);
        metric("privfin_peers_connected", "gauge", "Validators with a live TLS connection.", peers);
        metric("privfin_rejections_total", "counter", "Peer messages refused.", st.rejections);
        metric("privfin_evidence_total", "counter", "Equivocations seen.", st.evidence);
        metric("privfin_synced_blocks_total", "counter", "Blocks taken by block sync.", st.synced);
        metric("privfin_sends_refused_total", "counter", "Sends refused by a full bus queue.", st.sends_refused);
        metric("privfin_bus_bytes_sent_total", "counter", "Bytes sent to peers.", st.bytes_sent);
        metric("privfin_bus_bytes_received_total", "counter", "Bytes received from peers.", st.bytes_received);
        metric("privfin_bus_messages_sent_total", "counter", "Messages sent to peers.", st.messages_sent);
        metric("privfin_bus_messages_received_total", "counter", "Messages received from peers.", st.messages_received);
        m << on_node([&] { return node.metrics().prometheus(); });
        res.set_content(m.str(), "text/plain; version=0.0.4");
      });
    });
  }
};

ClientApi::ClientApi(Node& node, ClientApiOptions options)
    : impl_(std::make_unique<Impl>(Impl{node, std::move(options), nullptr, {}})) {}

ClientApi::~ClientApi() { stop(); }

void ClientApi::start() {
  if (impl_->server) throw InvalidArgument("ClientApi: started twice");
  const auto& o = impl_->options;
  impl_->server = std::make_unique<httplib::SSLServer>(o.certificate.c_str(), o.key.c_str());
  if (!impl_->server->is_valid()) {
    impl_->server.reset();
    throw InvalidArgument("client API: cannot use certificate " + o.certificate.string() + " and key " +
                          o.key.string());
  }
  // Answers are written as headers, then body: with Nagle's algorithm the
  // body waits for the client's delayed ACK of the headers, 40 ms per
  // request on Linux (every call took about 50 ms before).
  impl_->server->set_tcp_nodelay(true);
  impl_->server->set_keep_alive_max_count(o.keep_alive_requests);
  impl_->routes();
  int bound = 0;
  if (o.port == 0) {
    bound = impl_->server->bind_to_any_port(o.host);
  } else {
    bound = impl_->server->bind_to_port(o.host, o.port) ? o.port : -1;
  }
  if (bound <= 0) {
    impl_->server.reset();
    throw InvalidArgument("client API: cannot bind " + o.host + ":" + std::to_string(o.port));
  }
  port_ = static_cast<std::uint16_t>(bound);
  impl_->thread = std::thread([s = impl_->server.get()] { s->listen_after_bind(); });
}

void ClientApi::stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

}  // namespace privfin::node
