// The open-loop arrival process of a scenario's load: the phases one after
// the other, each a rate curve (load_profile.h) played as Poisson arrivals
// (exponential gaps) or evenly spaced ones, or a replay of recorded
// timestamps. Open loop: arrivals do not wait for answers, as in a load
// test with a fixed arrival rate (k6's constant-arrival-rate, wrk2).
//
// The rate is held constant over slices of 100 ms (its value at the slice's
// middle): within a slice arrivals are exact for that rate, and a new slice
// starts afresh (Poisson arrivals are memoryless; even spacing carries its
// phase over). This keeps the cost at one exponential draw per arrival, with
// no trigonometry; a slice is 0.1 s, far below any curve's time scale.
#pragma once

#include <cstddef>
#include <vector>

#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/time.h"
#include "ksim/sim/scenario/load_profile.h"

namespace ksim::traffic {

inline constexpr Duration kRateSlice{100'000};

class ArrivalProcess {
 public:
  /// The load starts at `start`. Keeps a copy of the phases.
  ArrivalProcess(const scenario::Load& load, Rng rng, Time start);

  /// The next arrival (non-decreasing), or kTimeMax once every phase is over.
  Time next();
  /// The phase the last arrival belongs to (index into Load::phases).
  [[nodiscard]] std::size_t phase() const { return phase_; }

 private:
  void enter_phase(std::size_t i);
  void enter_slice(Time at);

  std::vector<scenario::LoadPhase> phases_;
  Rng rng_;
  std::size_t phase_ = 0;
  Time phase_start_{};
  Time phase_end_{};
  Time slice_end_{};
  double gap_us_ = 0;  // mean gap in the slice; 0 = no arrivals in it
  double pos_us_ = 0;  // exact time of the last arrival (or of the slice start), µs
  /// Even spacing: the fraction of a gap already elapsed at pos_us_ (1 at a
  /// phase's start: the first arrival comes as soon as the rate is > 0).
  double progress_ = 1;
  std::size_t replay_next_ = 0;
};

}  // namespace ksim::traffic
