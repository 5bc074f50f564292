#pragma once
// The one recorder (DESIGN.md §7): turns the world's observer records into the result set's
// tables (/timeseries, /profile, /jobs, /racks, violation tables) and summaries, converting SI
// to the output units. `run` uses it; `compare`, `sweep` and `optimize` are to share it, so that
// a new output is added in one place.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "app/scenario.hpp"
#include "datacenter/observer.hpp"
#include "datacenter/world.hpp"
#include "results/result_writer.hpp"

namespace wattsim::app {

class Recorder final : public datacenter::WorldObserver {
 public:
  // Creates the tables in `writer`, which must outlive the recorder; so must the scenario.
  Recorder(results::ResultWriter& writer, const Scenario& scenario);

  void on_demand(std::uint32_t site, simcore::SimTime time, double watts) override;
  void on_job(const datacenter::JobRecord& record) override;
  void on_interval(const datacenter::IntervalRecord& record) override;
  void on_racks(simcore::SimTime start, simcore::SimTime end, std::span<const double> power_w,
                std::span<const double> inlet_c) override;

  // After the run: /summary (and each site's), /racks, the violation tables.
  void finish(const datacenter::RunSummary& summary);
  // Mean over the finished jobs recorded so far of (end - eligible) / duration at full speed;
  // NaN when none finished. /summary mean_slowdown.
  double mean_slowdown() const {
    return slowdown_jobs_ > 0 ? slowdown_sum_ / static_cast<double>(slowdown_jobs_)
                              : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  void write_racks(const Scenario& sc);

  results::ResultWriter& writer_;
  const Scenario& scenario_;
  double epoch_s_ = 0.0;  // UTC epoch seconds of simulated time 0
  std::size_t texts_cut_ = 0;  // /jobs rows whose site, queue or user was cut to fit
  std::size_t racks_ = 0;
  bool thermal_ = false;  // some site has a thermal model: /racks/inlet_temp_c
  double slowdown_sum_ = 0.0;  // over finished jobs, in the order they finished
  std::uint64_t slowdown_jobs_ = 0;
  // Row-major, one row per interval: 8 bytes per rack and interval each, kept until the end.
  std::vector<double> rack_power_kw_, rack_inlet_c_;
  results::ResultWriter::ColumnTable* total_ = nullptr;
  std::vector<results::ResultWriter::ColumnTable*> sites_;
  std::vector<results::ResultWriter::ColumnTable*> profiles_;
};

// The summary values of one site, and of the whole run (all sites, plus jobs and waits).
// `currency` is the unit of money values (with_currency("currency", ...): "currency" when the
// price data names none).
std::vector<results::SummaryValue> site_summary(const datacenter::SiteSummary& s, const std::string& currency);
std::vector<results::SummaryValue> run_summary(const datacenter::RunSummary& r, const std::string& currency);

// The run's summary on stdout, for people; mean_slowdown as Recorder::mean_slowdown().
void print_summary(const Scenario& sc, const datacenter::RunSummary& r, double mean_slowdown, double wall_s,
                   const std::string& out);

}  // namespace wattsim::app
