#pragma once
// Who used a site's energy, carbon and money (docs/results.md, "How energy is attributed").
//
// The rule: at each instant, the site's wall (IT) power, its facility power (IT + PSU and
// distribution losses + cooling + heat pumps) and the location-based carbon of that facility
// power are shared among its consumers -- each running job, and "idle" (everything no job is
// charged) -- in proportion to their DC power p:
//   a consumer's facility power = p / P_dc x P_facility         (likewise its wall power)
//   its location-based carbon rate = k(t) x its facility power
// and when the site draws no DC power at all (every node off at 0 W), everything is idle's.
// So the consumers' energies add up to the site's at every instant, and over any span.
//
// Exactly, in O(1) per change: the site keeps running integrals of its ratios,
//   F_it(t) = integral of P_it / P_dc dt,  F_fac(t) = integral of P_fac / P_dc dt,
//   F_k(t)  = integral of k x P_fac / P_dc dt,
// advanced at every change of the site's powers (they are piecewise constant, k a step series
// integrated exactly), and a consumer whose DC power is p between its own changes at t1 and t2
// is charged p x (F(t2) - F(t1)). Nothing walks the running jobs.
//
// Operational carbon before credits (k x grid import) and the energy cost before demand charges
// depend on the battery and the settlement, so they are shared per settlement interval: an
// interval's carbon C (and cost) goes to each consumer in proportion to its facility energy in
// the interval. The demand is constant over an interval of length T, so this is the rate
// r = C / T per DC watt divided by P_dc: a consumer gets p x (S(t2) - S(t1)) with
//   S(t) = integral of r(t) / P_dc(t) dt.
// S is known only once the settlement has reported the interval (SettlementListener), so a
// consumer's change at time t leaves a term c x S(t), c = p_before - p_after, resolved when the
// settlement passes t; a job's grid carbon and cost are final once every term is resolved.
// Idle's share comes from the integral of its DC fraction P_idle / P_dc over each interval.
// Demand charges (monthly peaks) and credits are not attributed.
//
// Worked example: a site draws P_dc = 1000 W, P_it = 1100 W, P_fac = 1650 W for an hour at
// k = 400 g/kWh; a job draws 600 W of it. Its wall energy is 600 x 1.1 = 660 Wh, its facility
// energy 600 x 1.65 = 990 Wh, its location-based carbon 0.99 kWh x 400 g/kWh = 396 g; idle
// gets 440 Wh, 660 Wh and 264 g. If the hour's grid import carried 300 g (a battery covered
// part of it), the job's grid carbon is 600/1000 x 300 = 180 g.

#include <cstdint>
#include <vector>

#include "models/supply/supply_site.hpp"
#include "simcore/time.hpp"

namespace wattsim::datacenter {

// What a consumer was charged. Energies in J, carbon in kg, cost in currency units.
struct Attributed {
  double dc_j = 0.0, it_j = 0.0, facility_j = 0.0;
  double location_kg = 0.0;  // k x facility energy
  double grid_kg = 0.0;      // its share of k x grid import (operational, before credits)
  double energy_cost = 0.0;  // its share of import cost - export revenue (demand charges aside)
  Attributed& operator+=(const Attributed& o);
};

class SiteShares final : public supply::SettlementListener {
 public:
  using Account = std::uint32_t;
  static constexpr Account kIdle = 0;

  SiteShares();

  // The site's powers (W) from `now` on, and idle's DC power; `k_integral` is the integral of
  // the carbon intensity up to now, in (g/kWh) s. Times never go back.
  void set_site_powers(simcore::SimTime now, double k_integral, double dc_w, double it_w, double facility_w,
                       double idle_dc_w);

  // A consumer (a job) opened at `now` with DC power 0.
  Account open(simcore::SimTime now, double k_integral);
  // Its DC power from `now` on, and now.
  void set_power(Account a, simcore::SimTime now, double k_integral, double dc_w);
  double dc_w(Account a) const { return accounts_[a].dc_w; }
  // Its charges up to `now`: energies and location-based carbon exactly; grid carbon and cost
  // as far as the settlement has reported (all of it once settled(a)).
  Attributed totals(Account a, simcore::SimTime now, double k_integral) const;
  // Whether every grid-carbon and cost term of the account is resolved.
  bool settled(Account a) const { return accounts_[a].pending_terms == 0; }
  // Gives the account back (its totals are read).
  void close(Account a);
  // How many intervals the settlement has reported: a change means terms may have resolved.
  std::uint64_t settlements() const { return settlements_; }

  // Idle's charges, including the spans without DC power.
  Attributed idle(simcore::SimTime now, double k_integral) const;

  void on_settled(simcore::SimTime start, simcore::SimTime end, double grid_kg, double energy_cost) override;

 private:
  struct Integrals {
    double it_s = 0.0, facility_s = 0.0;  // F_it, F_fac (s)
    double k_s = 0.0;                     // F_k ((g/kWh) s)
  };
  struct AccountState {
    double dc_w = 0.0;
    simcore::SimTime since;
    Integrals at;  // the integrals at `since`
    Attributed total;  // up to `since` (grid and cost: resolved terms only)
    std::uint32_t pending_terms = 0;
    bool open = false;
  };
  // Breakpoints of w = 1 / P_dc (0 without DC power) and x = P_idle / P_dc (1 without DC power)
  // since the last settled instant, with their running integrals W and X at each breakpoint.
  struct Breakpoint {
    simcore::SimTime t;
    double w = 0.0, x = 1.0;
    double w_integral = 0.0, x_integral = 0.0;  // at t
  };
  struct Term {
    simcore::SimTime t;
    double coefficient_w;
    Account account;
  };

  Integrals integrals_at(simcore::SimTime now, double k_integral) const;
  void advance(simcore::SimTime now, double k_integral);
  void charge(AccountState& a, simcore::SimTime now, const Integrals& f) const;
  // W and X at t, searching the breakpoints from `index` on (moved to the one in force at t);
  // t at or after breakpoints_[index].t.
  std::pair<double, double> wx_at(simcore::SimTime t, std::size_t& index) const;
  void add_term(simcore::SimTime t, double coefficient_w, Account a);
  template <class T>
  static void drop_front(std::vector<T>& v, std::size_t& first);

  // The site's state since t_.
  simcore::SimTime t_;
  double k_integral_ = 0.0;
  double dc_w_ = 0.0, it_w_ = 0.0, facility_w_ = 0.0;
  Integrals f_;             // at t_
  Attributed unattributed_;  // spans without DC power, up to t_ (energies and location carbon)

  std::vector<AccountState> accounts_;
  std::vector<Account> free_;

  // Settlement side.
  simcore::SimTime settled_;
  double s_grid_ = 0.0, s_cost_ = 0.0;  // S at settled_, for carbon (kg/W) and cost (currency/W)
  // Live from their first_ index on (a vector and an index: cheaper than a deque here).
  std::vector<Breakpoint> breakpoints_;  // breakpoints_[first_breakpoint_] is in force at settled_
  std::size_t first_breakpoint_ = 0;
  std::vector<Term> terms_;  // unresolved from first_term_ on, in time order
  std::size_t first_term_ = 0;
  double idle_grid_kg_ = 0.0, idle_cost_ = 0.0;
  std::uint64_t settlements_ = 0;
};

}  // namespace wattsim::datacenter
