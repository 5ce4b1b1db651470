// tests/net/tls_test_support.hpp — for tests that drive OpenSSL by hand
// next to TcpNetwork's record layer: capturing a connection's application
// traffic secrets through OpenSSL's key-log callback.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "privfin/core/bytes.hpp"

namespace privfin::test {

// Set the SSL's app data to a CapturedSecrets and its context's key-log
// callback to CapturedSecrets::keylog.
struct CapturedSecrets {
  Bytes client;
  Bytes server;

  static void keylog(const SSL* ssl, const char* line) {
    auto* secrets = static_cast<CapturedSecrets*>(SSL_get_app_data(ssl));
    const std::string text(line);
    const auto hex = text.substr(text.rfind(' ') + 1);
    if (text.rfind("CLIENT_TRAFFIC_SECRET_0 ", 0) == 0) secrets->client = from_hex(hex);
    if (text.rfind("SERVER_TRAFFIC_SECRET_0 ", 0) == 0) secrets->server = from_hex(hex);
  }
};

}  // namespace privfin::test
