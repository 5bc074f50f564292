#pragma once
// Small hand-made hardware for power-model tests, with round numbers so that expectations can
// be computed by hand.

#include "models/power/accelerator.hpp"
#include "models/power/node.hpp"

namespace wattsim::test {

// Three p-states: 1000 MHz 50-200 W, 1500 MHz 60-300 W, 2000 MHz 70-400 W; idle 40 W.
inline power::AcceleratorSpec test_gpu() {
  power::AcceleratorSpec a;
  a.name = "TestGPU";
  a.tdp_w = 400.0;
  a.idle_w = 40.0;
  a.pstates = {{1.0e9, 50.0, 200.0}, {1.5e9, 60.0, 300.0}, {2.0e9, 70.0, 400.0}};
  return a;
}

// 8 x TestGPU; host 1000-3000 W; off 50 W; boot 300 s drawing 1500 W (450 kJ);
// PSU rated 10 kW with efficiency 0.90 up to 20 % load, rising linearly to 0.94 at 60 %.
inline power::NodeSpec test_node() {
  power::NodeSpec n;
  n.name = "TestNode";
  n.accelerator = "TestGPU";
  n.accelerator_count = 8;
  n.base_idle_w = 1000.0;
  n.base_busy_w = 3000.0;
  n.off_w = 50.0;
  n.boot_time = simcore::SimTime::seconds(300);
  n.boot_energy_j = 450'000.0;
  n.psu = power::EfficiencyCurve({{0.2, 0.90}, {0.6, 0.94}});
  n.psu_rated_w = 10'000.0;
  return n;
}

}  // namespace wattsim::test
