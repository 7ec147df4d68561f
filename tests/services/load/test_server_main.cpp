// The test server as a program, to measure ksim-load by hand:
//   ksim_load_test_server &   (prints its port)   ksim-load --target http://127.0.0.1:PORT ...
// Runs until stdin closes.
#include <iostream>

#include "test_server.h"

int main() {
  ksim::services::load::testing::TestServer server;
  std::cout << server.port() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
