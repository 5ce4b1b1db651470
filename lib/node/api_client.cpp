#include "privfin/node/api_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "api_json.hpp"
#include "privfin/core/error.hpp"

namespace privfin::node {

struct ApiClient::Impl {
  std::string node;
  std::unique_ptr<httplib::SSLClient> client;

  // A kept-alive connection the node closed while idle fails the next
  // request at once: such a request is sent once more on a new connection.
  template <class Send>
  static httplib::Result once_more_if_closed(Send send) {
    auto r = send();
    if (!r && (r.error() == httplib::Error::Read || r.error() == httplib::Error::Write)) r = send();
    return r;
  }
  httplib::Result get(const std::string& path) {
    return once_more_if_closed([&] { return client->Get(path); });
  }
  httplib::Result post(const std::string& path, const std::string& body) {
    return once_more_if_closed([&] { return client->Post(path, body, "application/json"); });
  }

  // The answer's body; `not_found` set instead of throwing on a 404. An
  // error answer's {"error": why} goes into the exception.
  std::string call(const httplib::Result& r, const std::string& what, bool* not_found = nullptr) const {
    if (!r) throw NetworkError("node " + node + ": " + what + " failed: " + httplib::to_string(r.error()));
    if (r->status == 404 && not_found) {
      *not_found = true;
      return {};
    }
    if (r->status != 200) {
      std::string why;
      try {
        const auto j = nlohmann::json::parse(r->body);
        if (j.is_object() && j.contains("error") && j["error"].is_string()) why = j["error"].get<std::string>();
      } catch (const nlohmann::json::exception&) {
      }
      throw Error("node " + node + ": " + what + ": HTTP " + std::to_string(r->status) + ": " + why);
    }
    return r->body;
  }
  // Decodes an answer with one of api_json's decoders, naming the node.
  template <class F>
  auto parse(const std::string& what, F f) const {
    try {
      return f();
    } catch (const DecodeError& e) {
      throw DecodeError("node " + node + ": " + what + ": " + e.what());
    }
  }
};

ApiClient::ApiClient(const std::string& node, const std::string& certificate) : impl_(std::make_unique<Impl>()) {
  const auto colon = node.rfind(':');
  if (colon == std::string::npos || colon == 0) throw InvalidArgument("ApiClient: the node must be host:port, not " + node);
  int port = 0;
  try {
    port = std::stoi(node.substr(colon + 1));
  } catch (const std::exception&) {
    throw InvalidArgument("ApiClient: bad port in " + node);
  }
  impl_->node = node;
  impl_->client = std::make_unique<httplib::SSLClient>(node.substr(0, colon), port);
  impl_->client->set_ca_cert_path(certificate.c_str());
  impl_->client->enable_server_certificate_verification(true);
  impl_->client->set_keep_alive(true);
  impl_->client->set_tcp_nodelay(true);  // a request is written in pieces too (client_api.cpp)
  impl_->client->set_connection_timeout(5);
  impl_->client->set_read_timeout(15);
}

ApiClient::~ApiClient() = default;
ApiClient::ApiClient(ApiClient&&) noexcept = default;
ApiClient& ApiClient::operator=(ApiClient&&) noexcept = default;

Submitted ApiClient::submit(ByteView tx) {
  const nlohmann::json body{{"tx", to_hex(tx)}};
  const auto answer = impl_->call(impl_->post("/v1/tx", body.dump()), "submit");
  return impl_->parse("submit", [&] { return api_json::submitted(answer); });
}

std::vector<Submitted> ApiClient::submit_batch(std::span<const Bytes> txs) {
  // As bytes both ways (api_json.hpp); a node that answers JSON is read as well.
  const Bytes body = api_json::txs_request_bytes(txs);
  const std::string type(api_json::binary_type);
  const auto r = impl_->once_more_if_closed([&] {
    return impl_->client->Post("/v1/txs", {{"Accept", type}}, reinterpret_cast<const char*>(body.data()), body.size(),
                               type);
  });
  const auto answer = impl_->call(r, "submit");
  auto out = impl_->parse("submit", [&] {
    return r->get_header_value("Content-Type") == type ? api_json::submitted_batch_from_bytes(as_bytes(answer))
                                                        : api_json::submitted_batch(answer);
  });
  if (out.size() != txs.size()) throw DecodeError("node " + impl_->node + ": submit: one verdict per transaction expected");
  return out;
}

std::optional<Committed> ApiClient::transaction(const std::string& hash_hex) {
  bool missing = false;
  const auto answer = impl_->call(impl_->get("/v1/tx/" + hash_hex), "transaction", &missing);
  if (missing) return std::nullopt;
  return impl_->parse("transaction", [&] { return api_json::committed(answer); });
}

ApiStatus ApiClient::status() {
  const auto answer = impl_->call(impl_->get("/v1/status"), "status");
  return impl_->parse("status", [&] { return api_json::status(answer); });
}

ApiStatus ApiClient::wait_for_height_above(consensus::Height height, std::chrono::milliseconds max_wait) {
  const auto answer = impl_->call(impl_->get("/v1/status?wait_above=" + std::to_string(height) +
                                             "&wait_ms=" + std::to_string(max_wait.count())),
                                  "status");
  return impl_->parse("status", [&] { return api_json::status(answer); });
}

consensus::QueryResult ApiClient::query(const std::string& path, ByteView key, consensus::Height h, bool prove) {
  const std::string url = "/v1/query?path=" + path + "&key=" + to_hex(key) + "&height=" + std::to_string(h) +
                          (prove ? "&prove=1" : "");
  const auto answer = impl_->call(impl_->get(url), "query");
  return impl_->parse("query", [&] { return api_json::query(answer, prove); });
}

consensus::Decision ApiClient::block(consensus::Height h) {
  // Asked as bytes; a node that answers JSON (hex) is read as well.
  const auto r = impl_->once_more_if_closed([&] {
    return impl_->client->Get("/v1/block/" + std::to_string(h), {{"Accept", std::string(api_json::binary_type)}});
  });
  const auto answer = impl_->call(r, "block " + std::to_string(h));
  const Bytes raw =
      impl_->parse("block", [&] { return api_json::block_answer(r->get_header_value("Content-Type"), answer); });
  auto m = consensus::Message::from_bytes(raw);
  auto* d = std::get_if<consensus::Decision>(&m.body);
  if (d == nullptr || d->block.header.height != h) {
    throw DecodeError("node " + impl_->node + ": block " + std::to_string(h) + ": not that height's decision");
  }
  return std::move(*d);
}

std::vector<consensus::Evidence> ApiClient::evidence(consensus::Height from) {
  const auto answer = impl_->call(impl_->get("/v1/evidence?from=" + std::to_string(from)), "evidence");
  const auto raws = impl_->parse("evidence", [&] { return api_json::evidence(answer); });
  std::vector<consensus::Evidence> out;
  for (const auto& raw : raws) {
    auto e = consensus::Evidence::from_bytes(raw);
    if (!e.is_conflict()) throw DecodeError("node " + impl_->node + ": evidence whose votes do not conflict");
    out.push_back(std::move(e));
  }
  return out;
}

std::string ApiClient::metrics() {
  const auto r = impl_->get("/metrics");
  if (!r) throw NetworkError("node " + impl_->node + ": metrics failed: " + httplib::to_string(r.error()));
  if (r->status != 200) throw Error("node " + impl_->node + ": metrics: HTTP " + std::to_string(r->status));
  return r->body;
}

}  // namespace privfin::node
