// ArrivalProcess (arrivals.h).
#include "ksim/sim/traffic/arrivals.h"

#include <algorithm>
#include <cmath>

namespace ksim::traffic {
namespace {

bool is_timestamp_replay(const scenario::LoadPhase& p) {
  const auto* r = std::get_if<scenario::Replay>(&p.shape);
  return r != nullptr && r->format == scenario::Replay::Format::kTimestamps;
}

}  // namespace

ArrivalProcess::ArrivalProcess(const scenario::Load& load, Rng rng, Time start)
    : phases_(load.phases), rng_(rng), phase_end_(start) {
  phase_ = 0;
  if (!phases_.empty()) enter_phase(0);
}

void ArrivalProcess::enter_phase(std::size_t i) {
  phase_ = i;
  phase_start_ = phase_end_;
  phase_end_ = phase_start_ + phases_[i].duration;
  replay_next_ = 0;
  progress_ = 1;
  pos_us_ = static_cast<double>((phase_start_ - kTimeZero).count());
  enter_slice(phase_start_);
}

void ArrivalProcess::enter_slice(Time at) {
  slice_end_ = std::min(at + kRateSlice, phase_end_);
  const Duration mid = (at - phase_start_) + (slice_end_ - at) / 2;
  const double rate = phases_[phase_].rate_at(mid);
  gap_us_ = rate > 0 ? 1e6 / rate : 0;
}

Time ArrivalProcess::next() {
  while (phase_ < phases_.size()) {
    const scenario::LoadPhase& p = phases_[phase_];
    if (is_timestamp_replay(p)) {
      const auto& ts = std::get<scenario::Replay>(p.shape).timestamps;
      if (replay_next_ < ts.size() && phase_start_ + ts[replay_next_] < phase_end_) {
        return phase_start_ + ts[replay_next_++];
      }
    } else {
      const bool poisson = p.arrivals == scenario::Arrivals::kPoisson;
      for (;;) {
        const double end = static_cast<double>((slice_end_ - kTimeZero).count());
        if (gap_us_ > 0) {
          const double at = poisson ? pos_us_ + gap_us_ * standard_exponential(rng_)
                                    : pos_us_ + gap_us_ * (1.0 - progress_);
          // (A hair's margin: an even gap that ends exactly on the slice's
          // end belongs to the next slice, whatever the rounding.)
          if (at < end - 1e-3) {
            pos_us_ = at;
            progress_ = 0;
            // Rounded to the microsecond for the calendar; pos_us_ keeps the
            // exact value so that rounding does not accumulate.
            // (at >= 0: adding a half and truncating rounds to nearest,
            // without a libm call.)
            return kTimeZero + Duration{static_cast<std::int64_t>(at + 0.5)};
          }
          if (!poisson) progress_ += (end - pos_us_) / gap_us_;
        }
        pos_us_ = end;
        if (slice_end_ >= phase_end_) break;
        enter_slice(slice_end_);
      }
    }
    if (phase_ + 1 >= phases_.size()) {
      phase_ = phases_.size();
      break;
    }
    enter_phase(phase_ + 1);
  }
  return kTimeMax;
}

}  // namespace ksim::traffic
