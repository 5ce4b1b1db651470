// The client API's decoders: well-formed bodies decode; bad JSON, a
// missing or mistyped field, bad hex, an empty transaction, a list above
// its bound and a result code outside TxCode are DecodeError; the byte
// form of a batch round-trips, and a lying count or length in it is a
// DecodeError too.
#include <catch2/catch.hpp>

#include "../../lib/node/api_json.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

using namespace privfin;
namespace api = privfin::node::api_json;

TEST_CASE("client API JSON: requests and answers decode - every defect is a DecodeError", "[node][api]") {
  CHECK(api::tx_request(R"({"tx":"0a0b"})") == Bytes{std::byte{0x0a}, std::byte{0x0b}});
  CHECK(api::txs_request(R"({"txs":["01","0203"]})", 2).size() == 2);
  CHECK(api::txs_request(R"({"txs":[]})", 2).empty());
  for (const char* bad : {"", "{", R"({"tx":""})", R"({"tx":"zz"})", R"({"tx":7})", R"({"t":"00"})", "[]"}) {
    INFO(bad);
    CHECK_THROWS_AS(api::tx_request(bad), DecodeError);
  }
  CHECK_THROWS_AS(api::txs_request(R"({"txs":["01","02","03"]})", 2), DecodeError);  // above the bound
  CHECK_THROWS_AS(api::txs_request(R"({"txs":["01",""]})", 2), DecodeError);
  CHECK_THROWS_AS(api::txs_request(R"({"txs":"01"})", 2), DecodeError);

  const auto s = api::submitted(R"({"hash":"ab","code":3,"reason":"nonce"})");
  CHECK(s.verdict.code == consensus::TxCode::bad_nonce);
  CHECK(s.verdict.reason == "nonce");
  CHECK(api::submitted(R"({"hash":"ab","code":7,"reason":"mempool full"})").verdict.code ==
        consensus::TxCode::mempool_full);  // the node's own: send again later
  CHECK_THROWS_AS(api::submitted(R"({"hash":"ab","code":8})"), DecodeError);   // no such code
  CHECK_THROWS_AS(api::submitted(R"({"hash":"ab","code":99})"), DecodeError);  // no such code
  CHECK_THROWS_AS(api::submitted(R"({"hash":"ab","code":-1})"), DecodeError);
  CHECK_THROWS_AS(api::committed(R"({"height":-4,"index":0,"code":0})"), DecodeError);
  const auto q = api::query(R"({"code":0,"height":4,"value":"0102","proof":"03"})", true);
  REQUIRE(q.value);
  CHECK(q.value->size() == 2);
  CHECK(q.proof.size() == 1);
  CHECK_FALSE(api::query(R"({"code":5,"height":4,"value":null})", false).value);
  CHECK_THROWS_AS(api::query(R"({"code":0,"height":4,"value":null})", true), DecodeError);  // the proof asked for is missing
  CHECK_THROWS_AS(api::status(R"({"chain_id":"c"})"), DecodeError);
  CHECK_THROWS_AS(api::decision(R"({"decision":"0"})"), DecodeError);
  // A block's answer in both forms: bytes as they are (even bytes that look
  // like JSON), anything else as the JSON form.
  CHECK(api::block_answer(api::binary_type, "\x01{") == Bytes{std::byte{0x01}, std::byte{'{'}});
  CHECK(api::block_answer(api::binary_type, "").empty());
  CHECK(api::block_answer("application/json", R"({"decision":"0a0b"})") == Bytes{std::byte{0x0a}, std::byte{0x0b}});
  CHECK(api::block_answer("", R"({"decision":"0a"})") == Bytes{std::byte{0x0a}});
  CHECK_THROWS_AS(api::block_answer("application/json", "\x01{"), DecodeError);
  CHECK(api::evidence(R"({"evidence":[{"evidence":"00ff"}]})").size() == 1);
  CHECK_THROWS_AS(api::evidence(R"({"evidence":[{}]})"), DecodeError);
}

TEST_CASE("client API bytes: a batch and its verdicts round-trip - lying counts and lengths are DecodeErrors", "[node][api]") {
  const std::vector<Bytes> txs{Bytes{std::byte{1}}, Bytes(300, std::byte{7}), Bytes{std::byte{2}, std::byte{3}}};
  const Bytes request = api::txs_request_bytes(txs);
  CHECK(api::txs_request_from_bytes(request, 3) == txs);
  CHECK(api::txs_request_from_bytes(api::txs_request_bytes({}), 3).empty());
  CHECK_THROWS_AS(api::txs_request_from_bytes(request, 2), DecodeError);  // above the bound
  CHECK_THROWS_AS(api::txs_request_from_bytes(ByteView(request).first(request.size() - 1), 3), DecodeError);  // cut short
  Bytes longer = request;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(api::txs_request_from_bytes(longer, 3), DecodeError);  // bytes after the last
  // A count of 10,000 in three bytes: refused before anything is reserved.
  CHECK_THROWS_AS(api::txs_request_from_bytes(Bytes{std::byte{0x90}, std::byte{0x4e}, std::byte{1}}, 10'000), DecodeError);
  // A length of 2^40 for a one-byte transaction.
  CHECK_THROWS_AS(api::txs_request_from_bytes(Bytes{std::byte{1}, std::byte{0x80}, std::byte{0x80}, std::byte{0x80},
                                                    std::byte{0x80}, std::byte{0x80}, std::byte{0x20}, std::byte{9}},
                                              10),
                  DecodeError);
  CHECK_THROWS_AS(api::txs_request_from_bytes(Bytes{std::byte{1}, std::byte{0}}, 10), DecodeError);  // empty transaction

  const std::vector<consensus::TxVerdict> verdicts{{}, {consensus::TxCode::bad_nonce, "nonce 4, expected 2"},
                                                   {consensus::TxCode::invalid, std::string(5000, 'x')}};
  const Bytes answer = api::submitted_batch_bytes(txs, verdicts);
  const auto back = api::submitted_batch_from_bytes(answer);
  REQUIRE(back.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back[i].hash == to_hex(Sha256::hash(txs[i])));
    CHECK(back[i].verdict.code == verdicts[i].code);
  }
  CHECK(back[1].verdict.reason == "nonce 4, expected 2");
  CHECK(back[2].verdict.reason == std::string(api::max_reason_bytes, 'x'));  // cut at the bound
  CHECK_THROWS_AS((void)api::submitted_batch_bytes(txs, std::span(verdicts).first(2)), InvalidArgument);
  CHECK_THROWS_AS(api::submitted_batch_from_bytes(ByteView(answer).first(answer.size() - 1)), DecodeError);
  Bytes unknown = api::submitted_batch_bytes(std::span(txs).first(1), std::span(verdicts).first(1));
  unknown[1 + 32] = std::byte{7};  // the code after the count and the hash: a full mempool
  CHECK(api::submitted_batch_from_bytes(unknown)[0].verdict.code == consensus::TxCode::mempool_full);
  unknown[1 + 32] = std::byte{8};
  CHECK_THROWS_AS(api::submitted_batch_from_bytes(unknown), DecodeError);
  // A count the bytes cannot hold.
  CHECK_THROWS_AS(api::submitted_batch_from_bytes(Bytes{std::byte{2}, std::byte{0}}), DecodeError);
}
