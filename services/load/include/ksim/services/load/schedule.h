// The arrival schedule of a run: when each request is meant to be sent and
// which route it takes, from the spec's rate curves and a seed. The same
// spec, seed and scale give the same schedule on every platform: the draws
// come from std::mt19937_64 (fully specified by the standard) through this
// file's own uniform and exponential transforms.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "ksim/services/load/spec.h"

namespace ksim::services::load {

/// A seeded stream of draws with portable transforms.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  /// Exponential with mean 1: -ln(1 - U).
  double exponential();

 private:
  std::mt19937_64 gen_;
};

struct Arrival {
  std::int64_t at_ns = 0;   // intended send time, from the start of the run (wall)
  std::uint32_t route = 0;  // index into Schedule::routes()
  std::uint32_t phase = 0;  // index into the spec's phases
};

/// Generates arrivals on the fly, in time order. Arrivals follow the time-
/// rescaling of the rate's integral L(t) (Phase::cumulative): the k-th
/// arrival of a phase is where L reaches the k-th target, targets spaced by
/// Exp(1) draws (Poisson) or by exactly 1 starting at 1/2 (deterministic,
/// so a phase holds round(L(duration)) arrivals). A timestamp replay plays
/// its recorded arrivals; scaled, recorded arrival k stands for
/// floor((k+1) F) - floor(k F) arrivals at its time (the rate is kept).
class Schedule {
 public:
  /// `time_scale` F > 0 plays the profile F times as long in wall time at
  /// the same rates (0.01 plays a 1 h profile in 36 s, at its rates);
  /// `cut` > 0 ends the run at that wall offset.
  Schedule(const LoadSpec& spec, std::uint64_t seed, double time_scale = 1.0, Micros cut = {});

  /// The next arrival, or nothing once the profile (or the cut) is over.
  std::optional<Arrival> next();

  /// Every distinct route of the spec (the default mix, then the phases'),
  /// in a fixed order.
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }
  /// The run's wall length: the profile's total x time_scale, or the cut.
  [[nodiscard]] std::int64_t length_ns() const { return length_ns_; }

 private:
  struct Mix {
    std::vector<double> cumulative;  // running sums of the weights
    std::vector<std::uint32_t> route;
  };
  void enter_phase(std::size_t i);
  std::uint32_t pick_route();
  double solve(double target) const;
  std::optional<Arrival> next_replayed(const Replay& r);

  std::vector<Phase> phases_;
  std::vector<Route> routes_;
  std::vector<Mix> mixes_;  // per phase
  Rng gaps_;
  Rng picks_;
  double scale_;
  std::int64_t length_ns_ = 0;
  std::size_t phase_ = 0;
  double phase_start_s_ = 0;         // profile time
  double phase_total_ = 0;           // L(duration) of the current phase
  double target_ = 0;                // L value of the next arrival
  double last_t_ = 0;                // profile offset of the last arrival in the phase
  std::size_t replay_next_ = 0;      // timestamp replay: the next recorded arrival
  std::uint64_t replay_copies_ = 0;  // arrivals still to emit at replay_at_
  double replay_at_ = 0;
};

}  // namespace ksim::services::load
