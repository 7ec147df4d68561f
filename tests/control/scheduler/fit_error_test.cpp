// FitError.Error() rendering and numFeasibleNodesToFind (fit_error.cpp).
#include <gtest/gtest.h>

#include "ksim/control/scheduler/schedule.h"

namespace ksim::control::scheduler {
namespace {

NodeRejection rejected(std::string node, std::vector<std::string> reasons) {
  return {std::move(node), FilterStatus{FilterCode::kUnschedulable, "P", std::move(reasons)}};
}

TEST(FitErrorMessage, HistogramSortedAsStringsJoinedWithCommasEndingInAPeriod) {
  const std::vector<NodeRejection> r{
      rejected("n1", {"node(s) didn't match Pod's node affinity/selector"}),
      rejected("n2", {"Insufficient cpu"}),
      rejected("n3", {"node(s) didn't match Pod's node affinity/selector"}),
  };
  // The brief's example.
  EXPECT_EQ(fit_error_message(3, r),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node "
            "affinity/selector.");
}

TEST(FitErrorMessage, ANodeContributesEachOfItsReasons) {
  const std::vector<NodeRejection> r{
      rejected("n1", {"Too many pods", "Insufficient cpu", "Insufficient memory"}),
      rejected("n2", {"Insufficient cpu"}),
  };
  EXPECT_EQ(fit_error_message(2, r),
            "0/2 nodes are available: 1 Insufficient memory, 1 Too many pods, 2 Insufficient cpu.");
}

TEST(FitErrorMessage, CountsSortAsTextNotAsNumbers) {
  // sort.Strings: "10 ..." < "2 ..." because '1' < '2'.
  std::vector<NodeRejection> r;
  for (int i = 0; i < 10; ++i) r.push_back(rejected("c" + std::to_string(i), {"Insufficient cpu"}));
  r.push_back(rejected("t1", {"node(s) had untolerated taint(s)"}));
  r.push_back(rejected("t2", {"node(s) had untolerated taint(s)"}));
  EXPECT_EQ(fit_error_message(12, r),
            "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint(s).");
}

TEST(FitErrorMessage, UppercaseReasonsSortBeforeLowercase) {
  // Byte order: 'I' (0x49) and 'T' (0x54) before 'n' (0x6e).
  const std::vector<NodeRejection> r{rejected("a", {"node(s) were unschedulable"}),
                                     rejected("b", {"Too many pods"}),
                                     rejected("c", {"Insufficient memory"})};
  EXPECT_EQ(fit_error_message(3, r),
            "0/3 nodes are available: 1 Insufficient memory, 1 Too many pods, 1 node(s) were "
            "unschedulable.");
}

TEST(FitErrorMessage, NoReasonsLeavesTheBareHeader) {
  EXPECT_EQ(fit_error_message(5, {}), "0/5 nodes are available:");
}

TEST(PreemptionMessage, ResolvableNodesHaveNoVictimsOthersAreNotHelped) {
  // The shape of a FailedScheduling event seen on clusters (1 taint, 2 cpu).
  const std::vector<NodeRejection> r{
      {"cp", FilterStatus{FilterCode::kUnschedulableAndUnresolvable,
                          "TaintToleration",
                          {"node(s) had untolerated taint(s)"}}},
      rejected("w1", {"Insufficient cpu"}),
      rejected("w2", {"Insufficient cpu"}),
  };
  EXPECT_EQ(fit_error_message(3, r) + " " + preemption_message(3, r),
            "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
            "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 "
            "No preemption victims found for incoming pod.");
}

TEST(NumFeasibleNodesToFind, UpstreamFormula) {
  EXPECT_EQ(num_feasible_nodes_to_find(4, 0), 4);
  EXPECT_EQ(num_feasible_nodes_to_find(99, 0), 99);
  EXPECT_EQ(num_feasible_nodes_to_find(100, 0), 100);   // 50 % of 100 = 50, floor 100
  EXPECT_EQ(num_feasible_nodes_to_find(500, 0), 230);   // (50 - 4) % of 500
  EXPECT_EQ(num_feasible_nodes_to_find(5000, 0), 500);  // (50 - 40) % of 5000
  EXPECT_EQ(num_feasible_nodes_to_find(6000, 0), 300);  // max(5, 50 - 48) = 5 %
  EXPECT_EQ(num_feasible_nodes_to_find(1000, 20), 200);
  EXPECT_EQ(num_feasible_nodes_to_find(1000, 5), 100);  // floor 100
}

}  // namespace
}  // namespace ksim::control::scheduler
