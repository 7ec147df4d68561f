// kube-scheduler's queue of equal-priority pods; see scheduling_queue.h.
#include "ksim/sim/cluster/scheduling_queue.h"

#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {

SchedulingQueue::Info& SchedulingQueue::info(PodId pod) {
  const std::size_t i = index_of(pod);
  if (i >= infos_.size()) infos_.resize(i + 1);
  return infos_[i];
}

QueueLocation SchedulingQueue::location(PodId pod) const {
  const std::size_t i = index_of(pod);
  return i < infos_.size() ? infos_[i].location : QueueLocation::kNone;
}

std::int32_t SchedulingQueue::attempts(PodId pod) const {
  const std::size_t i = index_of(pod);
  return i < infos_.size() ? infos_[i].attempts : 0;
}

Time SchedulingQueue::align(Time t) const {
  if (!config_.pop_from_backoff_q) return t;
  return Time{std::chrono::floor<std::chrono::seconds>(t.time_since_epoch())};
}

Duration SchedulingQueue::backoff_duration(std::int32_t attempts) const {
  if (attempts <= 0) return Duration{0};
  const int shift = attempts - 1;
  // upstream: initial > max >> shift means initial << shift would pass max.
  if (shift >= 62 || config_.initial_backoff.count() > (config_.max_backoff.count() >> shift)) {
    return config_.max_backoff;
  }
  return Duration{config_.initial_backoff.count() << shift};
}

Time SchedulingQueue::backoff_expiry(PodId pod) const {
  const std::size_t i = index_of(pod);
  if (i >= infos_.size() || infos_[i].attempts == 0) return kTimeZero;
  return align(infos_[i].timestamp + backoff_duration(infos_[i].attempts));
}

bool SchedulingQueue::backing_off(PodId pod, Time now) const {
  if (attempts(pod) == 0) return false;  // never tried: no penalty
  return backoff_expiry(pod) >= align(now);
}

void SchedulingQueue::push_active(PodId pod, Info& i) {
  i.location = QueueLocation::kActive;
  active_.insert(Entry{i.timestamp, i.timestamp, i.seq, pod});
}

void SchedulingQueue::push_backoff(PodId pod, Info& i) {
  i.location = QueueLocation::kBackoff;
  backoff_.insert(Entry{backoff_expiry(pod), i.timestamp, i.seq, pod});
}

void SchedulingQueue::erase_from_queues(PodId pod, const Info& i) {
  switch (i.location) {
    case QueueLocation::kActive:
      active_.erase(Entry{i.timestamp, i.timestamp, i.seq, pod});
      break;
    case QueueLocation::kBackoff:
      backoff_.erase(Entry{backoff_expiry(pod), i.timestamp, i.seq, pod});
      break;
    case QueueLocation::kUnschedulable:
      unschedulable_.erase(pod);
      break;
    default:
      break;
  }
}

void SchedulingQueue::add(PodId pod, Time now) {
  Info& i = info(pod);
  KSIM_CHECK(i.location == QueueLocation::kNone, "scheduling queue: pod added twice");
  i = Info{QueueLocation::kNone, 0, now, next_seq_++};
  push_active(pod, i);
}

std::optional<PodId> SchedulingQueue::pop() {
  std::set<Entry>* from = nullptr;
  if (!active_.empty()) {
    from = &active_;
  } else if (config_.pop_from_backoff_q && !backoff_.empty()) {
    from = &backoff_;  // active_queue.go unlockedPop: popBackoff when activeQ is empty
  } else {
    return std::nullopt;
  }
  const PodId pod = from->begin()->pod;
  from->erase(from->begin());
  Info& i = info(pod);
  i.location = QueueLocation::kInFlight;
  ++i.attempts;
  return pod;
}

void SchedulingQueue::failed(PodId pod, Time now) {
  Info& i = info(pod);
  KSIM_CHECK(i.location == QueueLocation::kInFlight, "scheduling queue: failed pod not in flight");
  i.timestamp = now;  // AddUnschedulableIfNotPresent sets pInfo.Timestamp
  i.location = QueueLocation::kUnschedulable;
  unschedulable_.insert(pod);
}

void SchedulingQueue::done(PodId pod) {
  Info& i = info(pod);
  KSIM_CHECK(i.location == QueueLocation::kInFlight, "scheduling queue: done pod not in flight");
  i.location = QueueLocation::kNone;
}

void SchedulingQueue::remove(PodId pod) {
  if (index_of(pod) >= infos_.size()) return;
  Info& i = info(pod);
  erase_from_queues(pod, i);
  i.location = QueueLocation::kNone;
}

void SchedulingQueue::activate(PodId pod, Time now) {
  Info& i = info(pod);
  if (i.location != QueueLocation::kUnschedulable) return;
  unschedulable_.erase(pod);
  if (backing_off(pod, now)) {
    push_backoff(pod, i);
  } else {
    push_active(pod, i);
  }
}

std::size_t SchedulingQueue::flush_backoff_completed(Time now) {
  std::size_t moved = 0;
  while (!backoff_.empty() && !backing_off(backoff_.begin()->pod, now)) {
    const PodId pod = backoff_.begin()->pod;
    backoff_.erase(backoff_.begin());
    push_active(pod, info(pod));
    ++moved;
  }
  return moved;
}

std::size_t SchedulingQueue::flush_unschedulable_leftover(Time now) {
  std::vector<PodId> due;
  for (const PodId pod : unschedulable_) {
    if (now - info(pod).timestamp > config_.max_in_unschedulable) due.push_back(pod);
  }
  for (const PodId pod : due) activate(pod, now);
  return due.size();
}

std::optional<Time> SchedulingQueue::next_backoff_flush() const {
  if (backoff_.empty()) return std::nullopt;
  // A tick at whole second s finds the head done once expiry < align(s) (or
  // < s): the first whole second after the expiry.
  const Time expiry = backoff_.begin()->key;
  return Time{std::chrono::floor<std::chrono::seconds>(expiry.time_since_epoch()) +
              kBackoffFlushPeriod};
}

bool SchedulingQueue::has_work() const {
  return !active_.empty() || (config_.pop_from_backoff_q && !backoff_.empty());
}

}  // namespace ksim::cluster
