// ksim-mock-kafka: hosts a librdkafka mock cluster so several service
// processes can share one broker without installing Kafka. Prints the
// bootstrap list on stdout (one line) and runs until SIGTERM or SIGINT.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "ksim/services/store/mock_kafka.h"

namespace {

struct Options {
  int brokers = 1;
  std::vector<std::string> topics;  // "name" or "name:partitions"
};

// Creates the --topic topics; returns an error message or "".
std::string create_topics(ksim::services::store::MockKafka& mock, const Options& options) {
  for (const auto& spec : options.topics) {
    const auto colon = spec.find(':');
    const std::string name = spec.substr(0, colon);
    int partitions = 1;
    if (colon != std::string::npos) {
      try {
        partitions = std::stoi(spec.substr(colon + 1));
      } catch (const std::exception&) {
        partitions = 0;
      }
    }
    if (name.empty() || partitions < 1)
      return "--topic " + spec + ": expected NAME[:PARTITIONS>=1]";
    if (auto made = mock.create_topic(name, partitions); !made) return made.error().message;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ksim-mock-kafka: an in-process librdkafka mock Kafka cluster on 127.0.0.1.\n"
      "Prints the bootstrap list on stdout, then runs until SIGTERM or SIGINT."};
  Options options;
  app.add_option("--brokers", options.brokers, "number of brokers")
      ->check(CLI::Range(1, 16))
      ->envname("KSIM_MOCK_KAFKA_BROKERS");
  app.add_option("--topic", options.topics, "create a topic first: NAME[:PARTITIONS] (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message naming the flag
    return 2;
  }

  // Block the stop signals before any thread exists (librdkafka starts
  // several) so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto mock = ksim::services::store::MockKafka::start(options.brokers);
  if (!mock) {
    std::cerr << "ksim-mock-kafka: " << mock.error().message << '\n';
    return 1;
  }
  if (auto problem = create_topics(**mock, options); !problem.empty()) {
    std::cerr << "ksim-mock-kafka: " << problem << '\n';
    return 2;
  }
  std::cout << (*mock)->bootstraps() << std::endl;  // flushed: a parent reads this line
  int received = 0;
  sigwait(&stop_signals, &received);
  return 0;
}
