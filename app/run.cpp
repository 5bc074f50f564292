#include "app/run.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>

#include "app/recorder.hpp"
#include "app/scenario.hpp"
#include "app/version.hpp"
#include "datacenter/world.hpp"
#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "simcore/progress.hpp"

namespace wattsim::app {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void print_errors(const simcore::InputError& e) {
  std::fprintf(stderr, "wattsim: invalid input (%zu problem%s):\n", e.diagnostics().size(),
               e.diagnostics().size() == 1 ? "" : "s");
  for (const auto& d : e.diagnostics()) {
    std::fprintf(stderr, "  %s%s%s\n", d.where.c_str(), d.where.empty() ? "" : ": ", d.message.c_str());
  }
}

}  // namespace

int check_command(const std::string& scenario, const std::vector<std::string>& sets) {
  try {
    const Scenario sc = load_scenario(scenario, sets);
    std::size_t nodes = 0;
    for (const auto& s : sc.world.sites) {
      for (const auto& g : s.racks) nodes += g.count * g.nodes_per_rack;
    }
    fmt::print("{}: valid (scenario \"{}\", {} site{}, {} nodes, policy {})\n", scenario, sc.name, sc.world.sites.size(),
               sc.world.sites.size() == 1 ? "" : "s", nodes, sc.policy->name);
    return 0;
  } catch (const simcore::InputError& e) {
    print_errors(e);
    return 2;
  }
}

int run_command(const RunOptions& options) {
  Scenario sc;
  try {
    sc = load_scenario(options.scenario, options.sets);
  } catch (const simcore::InputError& e) {
    print_errors(e);
    return 2;
  }
  const std::string out = !options.output.empty() ? options.output : !sc.output.path.empty() ? sc.output.path : sc.name + ".h5";
  try {
    const auto wall_start = std::chrono::steady_clock::now();
    results::ResultWriter writer(out, sc.output.compression);
    auto source = sc.make_job_source();
    auto policy = sc.policy->make(sc.policy_params);
    Recorder observer(writer, sc);
    datacenter::World world(sc.world, *source, *policy, &observer);
    simcore::ProgressReporter progress(simcore::SimTime::zero(), sc.world.horizon.value_or(simcore::SimTime::max()),
                                       options.quiet ? simcore::ProgressReporter::Mode::kQuiet
                                                     : simcore::ProgressReporter::Mode::kAuto);
    const datacenter::RunSummary summary = world.run(&progress);
    progress.finish(summary.end, summary.events);
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    observer.finish(summary);
    writer.write_meta({{"wattsim_version", kVersion},
                       {"scenario", sc.resolved.dump(2)},
                       {"scenario_file", sc.file},
                       {"hardware", sc.hardware_json().dump(2)},
                       {"policy", sc.policy->name},
                       {"command_line", options.command_line},
                       {"created_utc", utc_now()}},
                      {{"seed", static_cast<double>(sc.seed)},
                       {"wall_time_s", wall_s},
                       {"simulated_s", summary.end.to_seconds()},
                       {"events", static_cast<double>(summary.events)}});
    writer.commit();
    if (!options.quiet) print_summary(sc, summary, wall_s, out);
    return 0;
  } catch (const simcore::InputError& e) {
    // A bad trace row found while running: still invalid input; the writer's temp file is gone.
    print_errors(e);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wattsim: the run failed: %s\n", e.what());
    return 1;
  }
}

}  // namespace wattsim::app
