// What a scenario says about the software in the pods, which manifests
// cannot: per route, the CPU a request burns, the calls it makes downstream
// (other Services, Kafka, DynamoDB-style tables) and the size of its answer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/scenario/distribution.h"

namespace ksim::scenario {

/// A call to another Kubernetes Service, made through its ClusterIP.
struct DownstreamCall {
  std::string service;         // Service name (namespace of the caller unless "ns/name")
  std::string method = "GET";  // of the route called
  std::string path;            // a request path the callee's routes match
  double probability = 1.0;    // chance that a request makes these calls, in [0, 1]
  std::int32_t count = 1;      // calls made (one after the other) when it does
  friend bool operator==(const DownstreamCall&, const DownstreamCall&) = default;
};

/// A Kafka produce to the scenario's broker (the workload whose behaviour
/// has `produce_cpu_ms`, normally the Kafka StatefulSet).
struct KafkaProduce {
  std::string topic;
  std::int64_t bytes = 0;  // record size
  std::int32_t count = 1;  // records per request
  /// The request waits for the broker's acknowledgement (a synchronous
  /// produce, acks=all). false: the record is handed off (librdkafka's async
  /// produce, or an outbox relay) and the request goes on at once.
  bool ack = false;
  friend bool operator==(const KafkaProduce&, const KafkaProduce&) = default;
};

/// A call to one of the service's tables (DynamoTable::name).
struct TableCall {
  std::string table;
  std::int32_t count = 1;
  friend bool operator==(const TableCall&, const TableCall&) = default;
};

/// An external, DynamoDB-style table: a latency per call and a throughput
/// limit above which calls are throttled.
struct DynamoTable {
  std::string name;
  Distribution latency_ms;      // per call
  double throughput_limit = 0;  // calls per second; 0 = unlimited
  friend bool operator==(const DynamoTable&, const DynamoTable&) = default;
};

/// One route: requests whose method and path match are served like this.
/// Path patterns: literal segments; `*` or `{name}` matches one segment; `**`
/// as the last segment matches any remainder (also none).
struct Route {
  std::string method = "GET";   // an HTTP method, or "*" for any
  std::string path;             // pattern, starts with '/'
  Distribution cpu_ms;          // CPU time per request, milliseconds of one core
  Distribution response_bytes;  // default: constant 0
  std::vector<DownstreamCall> calls;
  std::vector<KafkaProduce> kafka;
  std::vector<TableCall> dynamodb;
  int line = 0;
  friend bool operator==(const Route&, const Route&) = default;
};

/// Which pods run this behaviour.
enum class BehaviorTarget {
  kDeployment,   // the containers of one Deployment
  kStatefulSet,  // the containers of one StatefulSet
  kImage,        // every container whose image is this (tag or digest optional)
};

struct ServiceBehavior {
  BehaviorTarget target = BehaviorTarget::kDeployment;
  std::string namespace_;  // "" = any (the name must then be unique)
  std::string name;        // workload name, or image reference for kImage
  /// A calibrated profile (`ksim calibrate`, later), relative paths resolved
  /// against the scenario's folder; empty when none.
  std::filesystem::path profile;
  std::vector<DynamoTable> tables;
  std::vector<Route> routes;  // at least one unless a profile or produce_cpu_ms is given
  /// A Kafka broker: the CPU its pod spends per record produced to it
  /// (milliseconds of one core). At most one behaviour of a scenario has it.
  std::optional<Distribution> produce_cpu_ms;
  int line = 0;
};

}  // namespace ksim::scenario
