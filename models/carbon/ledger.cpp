#include "models/carbon/ledger.hpp"

namespace wattsim::carbon {

double amortised_kg(double embodied_kg, double lifetime_years, double span_s) {
  if (lifetime_years <= 0.0) return 0.0;
  return embodied_kg * span_s / (lifetime_years * 365.0 * 86400.0);
}

}  // namespace wattsim::carbon
