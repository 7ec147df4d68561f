// Processor sharing under a CFS quota (pod_cpu.h). The state moves from
// segment to segment: a segment ends at `now`, at the end of the CFS period,
// or when the quota runs out, and within one the rate of every job is fixed.
#include "ksim/sim/traffic/pod_cpu.h"

#include <algorithm>
#include <cmath>

#include "ksim/sim/kernel/check.h"

namespace ksim::traffic {
namespace {

// A job whose demand is met to within this much service (µs) is done: the
// event times are rounded up to the microsecond, the service is a double.
constexpr double kEpsilonUs = 1e-3;

// ceil for the non-negative values here, without a libm call (baseline
// x86-64 has no rounding instruction): exact below 2^53.
Duration ceil_us(double us) {
  const auto i = static_cast<std::int64_t>(us);
  return Duration{static_cast<double>(i) < us ? i + 1 : i};
}

}  // namespace

PodCpu::PodCpu(const Config& config, Time start)
    : config_(config), start_(start), t_(start), period_start_(start) {
  KSIM_CHECK(config.parallelism > 0, "PodCpu: parallelism must be > 0");
  KSIM_CHECK(config.period.count() > 0, "PodCpu: period must be > 0");
  quota_us_ = config.limit_cores * static_cast<double>(config.period.count());
}

double PodCpu::cores_in_use() const {
  return std::min(static_cast<double>(heap_.size()), config_.parallelism);
}

// Jumps to the period holding `now` when nothing happened in between (idle,
// or running below the quota for whole periods, see advance).
void PodCpu::roll_period(Time now) {
  const auto k = (now - start_) / config_.period;
  period_start_ = start_ + k * config_.period;
  used_us_ = 0;
  throttled_ = false;
}

// The first completion at the current rate, from the state's time. While
// nothing changes (jobs, throttling) it stays right as time passes: the
// virtual clock gains rate x dt over an integer dt, so recomputing later
// gives the same microsecond. So it is computed only on changes.
void PodCpu::refresh_completion() {
  if (heap_.empty() || throttled_) {
    completion_ = kTimeMax;
    return;
  }
  const double rate = cores_in_use() / static_cast<double>(heap_.size());
  completion_ = t_ + ceil_us(std::max(heap_.front().finish - virtual_us_, 0.0) / rate);
}

void PodCpu::pop_finished() {
  bool popped = false;
  while (!heap_.empty() && heap_.front().finish <= virtual_us_ + kEpsilonUs) {
    finished_.push_back(heap_.front().job);
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    popped = true;
  }
  if (popped) refresh_completion();
}

// Completions inside [t_, now) end a segment too, at the microsecond the
// event-driven caller would have fired (next_event rounds up the same way),
// so a lazy advance over several completions gives the same state as one
// event per completion.
void PodCpu::advance(Time now) {
  KSIM_CHECK(now >= t_, "PodCpu::advance: time went backwards");
  while (t_ < now) {
    const Time period_end = period_start_ + config_.period;
    if (heap_.empty()) {
      if (now >= period_end) roll_period(now);
      t_ = now;
      break;
    }
    Time seg_end = std::min(now, period_end);
    if (!throttled_) {
      seg_end = std::min(seg_end, completion_);
      const double cores = cores_in_use();
      const double rate = cores / static_cast<double>(heap_.size());  // per job
      const double dt = static_cast<double>((seg_end - t_).count());
      const double left = quota_us_ - used_us_;
      if (quota_us_ > 0 && left <= cores * dt) {
        // The quota runs out inside the segment: throttled until the period
        // ends (the rest of the segment is lost time).
        const double run = left / cores;
        virtual_us_ += rate * run;
        used_us_ = quota_us_;
        total_us_ += left;
        throttled_ = true;
        ++nr_throttled_;
        completion_ = kTimeMax;
      } else {
        virtual_us_ += rate * dt;
        used_us_ += cores * dt;
        total_us_ += cores * dt;
      }
    }
    t_ = seg_end;
    pop_finished();
    if (t_ == period_end) {
      period_start_ = period_end;
      used_us_ = 0;
      if (throttled_) {
        throttled_ = false;
        refresh_completion();
      }
      // Whole periods that cannot exhaust the quota are one segment each:
      // take them in one step (a long job below its limit), up to the next
      // completion.
      if (heap_.empty()) continue;
      const double cores = cores_in_use();
      const auto whole = std::min((now - t_) / config_.period, (completion_ - t_) / config_.period);
      if (whole > 0 &&
          (quota_us_ == 0 || cores * static_cast<double>(config_.period.count()) < quota_us_)) {
        const double dt = static_cast<double>((whole * config_.period).count());
        virtual_us_ += cores / static_cast<double>(heap_.size()) * dt;
        total_us_ += cores * dt;
        t_ += whole * config_.period;
        period_start_ = t_;
        pop_finished();
      }
    }
  }
}

void PodCpu::add(Time now, std::uint32_t job, double cpu_us) {
  advance(now);
  heap_.push_back(Entry{virtual_us_ + std::max(cpu_us, 0.0), seq_++, job});
  std::push_heap(heap_.begin(), heap_.end(), later);
  refresh_completion();
}

void PodCpu::take_finished(std::vector<std::uint32_t>& out) {
  pop_finished();
  out.insert(out.end(), finished_.begin(), finished_.end());
  finished_.clear();
}

void PodCpu::clear(std::vector<std::uint32_t>& out) {
  std::sort(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(b, a); });
  for (const Entry& e : heap_) out.push_back(e.job);
  heap_.clear();
  completion_ = kTimeMax;
}

Time PodCpu::next_event() const {
  if (heap_.empty()) return kTimeMax;
  const Time period_end = period_start_ + config_.period;
  if (throttled_) return period_end;
  const double cores = cores_in_use();
  Time next = completion_;
  if (quota_us_ > 0) {
    const Time exhausted = t_ + ceil_us((quota_us_ - used_us_) / cores);
    if (exhausted < period_end) next = std::min(next, exhausted);
    // A fresh quota can run out again only when the rate exceeds the limit.
    if (next > period_end && cores * static_cast<double>(config_.period.count()) >= quota_us_) {
      next = period_end;
    }
  }
  return next;
}

}  // namespace ksim::traffic
