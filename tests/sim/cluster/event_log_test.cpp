// Event log reasons and formatting.
#include "ksim/sim/cluster/event_log.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;

TEST(EventLog, UpstreamReasonStrings) {
  EXPECT_EQ(upstream_reason(EventReason::kScheduled), "Scheduled");
  EXPECT_EQ(upstream_reason(EventReason::kFailedScheduling), "FailedScheduling");
  EXPECT_EQ(upstream_reason(EventReason::kPulling), "Pulling");
  EXPECT_EQ(upstream_reason(EventReason::kPulled), "Pulled");
  EXPECT_EQ(upstream_reason(EventReason::kCreated), "Created");
  EXPECT_EQ(upstream_reason(EventReason::kStarted), "Started");
  EXPECT_EQ(upstream_reason(EventReason::kKilling), "Killing");
  EXPECT_EQ(upstream_reason(EventReason::kScalingReplicaSet), "ScalingReplicaSet");
  EXPECT_EQ(upstream_reason(EventReason::kSuccessfulCreate), "SuccessfulCreate");
  EXPECT_EQ(upstream_reason(EventReason::kSuccessfulDelete), "SuccessfulDelete");
  EXPECT_EQ(upstream_reason(EventReason::kNodeReady), "NodeReady");
}

TEST(EventLog, KsimOnlyReasonsHaveNamesButNoUpstreamString) {
  for (EventReason r : {EventReason::kPodReady, EventReason::kPodDeleted,
                        EventReason::kEndpointReady, EventReason::kEndpointRemoved}) {
    EXPECT_EQ(upstream_reason(r), "");
    EXPECT_FALSE(reason_name(r).empty());
  }
  EXPECT_EQ(reason_name(EventReason::kEndpointReady), "EndpointReady");
  EXPECT_EQ(reason_name(EventReason::kScheduled), "Scheduled");
}

TEST(EventLog, OnlyFailedSchedulingIsAWarning) {
  EXPECT_TRUE(is_warning(EventReason::kFailedScheduling));
  EXPECT_FALSE(is_warning(EventReason::kScheduled));
  EXPECT_FALSE(is_warning(EventReason::kKilling));
}

TEST(EventLog, FormatsOneLine) {
  const Event e{kTimeZero + 90s, ObjectKind::kPod, "shop/web-abc12", EventReason::kStarted,
                "Started container web"};
  EXPECT_EQ(format_event(e), "1m30s Pod shop/web-abc12 Started: Started container web");
  EXPECT_EQ(kind_name(ObjectKind::kReplicaSet), "ReplicaSet");
}

}  // namespace
}  // namespace ksim::cluster
