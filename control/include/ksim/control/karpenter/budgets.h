// NodePool disruption budgets (upstream kubernetes-sigs/karpenter
// pkg/apis/v1/nodepool.go GetAllowedDisruptionsByReason, MustGetAllowedDisruptions,
// Budget.GetAllowedDisruptions, Budget.IsActive; helpers.go
// BuildDisruptionBudgetMapping) and the standard 5-field cron schedule they
// use (robfig/cron/v3 ParseStandard with "TZ=UTC", minute granularity).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter {

/// A parsed "minute hour day-of-month month day-of-week" schedule, or one of
/// the descriptors @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly.
/// Fields take `*`, `?`, numbers, `a-b`, `/step` and comma lists; months and
/// weekdays also take jan..dec / sun..sat (case-insensitive). Day-of-week is
/// 0..6 (Sunday 0) as robfig/cron. Day-of-month and day-of-week combine as
/// robfig does: when either field starts with `*` or `?` both must match,
/// otherwise either may.
class CronSchedule {
 public:
  /// nullopt when the text is not a valid schedule.
  static std::optional<CronSchedule> parse(std::string_view text);
  /// True when the minute holding `unix_us` (UTC) is a hit.
  [[nodiscard]] bool matches_minute(std::int64_t unix_us) const;
  /// The latest hit at or before `unix_us` (a whole minute, µs) that is
  /// strictly after `after_us`; nullopt when none.
  [[nodiscard]] std::optional<std::int64_t> last_hit(std::int64_t after_us,
                                                     std::int64_t unix_us) const;

 private:
  std::uint64_t minute_ = 0, hour_ = 0, dom_ = 0, month_ = 0, dow_ = 0;  // bit sets
  bool dom_star_ = false, dow_star_ = false;
};

/// upstream Budget.IsActive: no schedule = always active; otherwise active
/// when a hit lies in (now − duration, now] (robfig Next(now − duration) ≤ now).
/// nullopt when the schedule does not parse or only one of schedule/duration is set.
std::optional<bool> budget_active(const Budget& b, std::int64_t now_us);

/// upstream Budget.GetAllowedDisruptions: inactive = unbounded (INT32_MAX);
/// "N" = N; "P%" = ceil(P × num_nodes / 100) (intstr scaled value, rounding
/// up); nullopt when misconfigured (upstream fails closed with 0).
std::optional<std::int64_t> budget_allows(const Budget& b, std::int64_t num_nodes,
                                          std::int64_t now_us);

inline constexpr std::int64_t kUnboundedDisruptions = 2147483647;  // math.MaxInt32

/// upstream NodePool.MustGetAllowedDisruptions: the minimum over budgets that
/// name `reason` (or no reason); 0 when any budget of the pool is
/// misconfigured (the error makes the whole result 0).
std::int64_t allowed_disruptions(const NodePool& pool, std::int64_t num_nodes,
                                 DisruptionReason reason, std::int64_t now_us);

/// One NodePool's budget for one reason (BuildDisruptionBudgetMapping):
/// `num_nodes` counts the pool's Karpenter nodes that are initialized;
/// `disrupting` those of them NotReady or marked for deletion;
/// allowed = max(0, allowed_disruptions − disrupting).
struct PoolBudget {
  std::string nodepool;
  std::int64_t num_nodes = 0;
  std::int64_t disrupting = 0;
  std::int64_t allowed_by_budgets = 0;
  std::int64_t allowed = 0;
  std::string
      message;  // "NodePool default: 10% of 15 nodes = 2, 0 disrupting: 2 allowed (Underutilized)"
};
std::vector<PoolBudget> budget_mapping(const std::vector<NodePool>& pools,
                                       const std::vector<ExistingNode>& nodes,
                                       DisruptionReason reason, std::int64_t now_us);

std::string_view disruption_reason_name(DisruptionReason r);  // "Underutilized", "Empty", "Drifted"

}  // namespace ksim::control::karpenter
