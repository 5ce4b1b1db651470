// The client API's JSON decoders: well-formed bodies decode; bad JSON, a
// missing or mistyped field, bad hex, an empty transaction, a list above
// its bound and a result code outside TxCode are DecodeError.
#include <catch2/catch.hpp>

#include "../../lib/node/api_json.hpp"
#include "privfin/core/error.hpp"

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
