#include "app/run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <new>
#include <optional>
#include <ctime>
#include <fmt/format.h>

#include "app/compare.hpp"
#include "app/cli_common.hpp"
#include "app/interrupt.hpp"
#include "app/memory_estimate.hpp"
#include "app/units_text.hpp"
#include "app/output_guard.hpp"
#include "app/recorder.hpp"
#include "app/scenario.hpp"
#include "app/version.hpp"
#include "datacenter/world.hpp"
#include "results/result_reader.hpp"
#include "results/result_writer.hpp"
#include "simcore/error.hpp"
#include "traces/series_csv.hpp"
#include "simcore/progress.hpp"

namespace wattsim::app {

namespace {

// Every job of a trace through the run's own reader and oversize filter, so that what would
// stop the run part-way is found now. Problems are collected (the first kListed of them listed)
// and the reading goes on past each bad row; it stops only when a read error repeats at the
// same place.
TraceFacts check_trace(const Scenario& sc, simcore::DiagnosticSink& problems, std::uint64_t& skipped) {
  constexpr std::size_t kListed = 20;
  TraceFacts facts;
  std::uint64_t unlisted = 0;
  std::string last_where;
  const auto source = sc.make_job_source(stderr);
  for (;;) {
    try {
      const auto job = source->next();
      if (!job) break;
      ++facts.jobs;
      facts.last_submit = job->submit;
      facts.longest_duration_s = std::max(facts.longest_duration_s, job->duration_s());
    } catch (const simcore::InputError& e) {
      const std::string where = e.diagnostics().empty() ? "" : e.diagnostics().front().where;
      for (const auto& d : e.diagnostics()) {
        if (problems.size() < kListed) {
          problems.add(d.where, d.message);
        } else {
          ++unlisted;
        }
      }
      if (where == last_where) break;  // no progress: a read error, not a bad row
      last_where = where;
    }
  }
  if (unlisted > 0) {
    problems.add(sc.workload.trace_path, "and " + group_digits(unlisted) + " more problem" +
                                             (unlisted == 1 ? "" : "s") + " after the first " +
                                             std::to_string(kListed));
  }
  skipped = source->skipped();
  return facts;
}

}  // namespace

int check_command(const std::string& scenario, const std::vector<std::string>& sets, const std::string& max_memory) {
  try {
    const Scenario sc = load_scenario(scenario, sets);
    const auto limit = memory_limit(max_memory);
    simcore::DiagnosticSink problems;
    std::optional<TraceFacts> trace;
    std::uint64_t skipped = 0;
    if (sc.workload.kind == WorkloadSpec::Kind::kTrace) trace = check_trace(sc, problems, skipped);
    const MemoryEstimate memory = estimate_memory(sc, trace);
    problems.capture("", [&] { check_memory(memory, limit); });
    // The policies `wattsim compare` would run (compare.variants), each as that command loads it.
    std::vector<std::string> labels;
    for (const auto& [name, policy] : compare_variants_in_order(sc)) {
      std::vector<std::string> variant_sets = sets;
      for (const auto& s : variant_overrides(policy)) variant_sets.push_back(s);
      const std::string at = "compare.variants." + name;
      try {
        labels.push_back(name + ": " + load_scenario(scenario, variant_sets).policy.label());
      } catch (const simcore::InputError& e) {
        for (const auto& d : e.diagnostics()) {
          const bool in_policy = d.where == "policy" || d.where.rfind("policy.", 0) == 0;
          problems.add(in_policy ? at + d.where.substr(6) : at + ", " + d.where, d.message);
        }
      }
    }
    problems.throw_if_any();

    std::uint64_t nodes = 0;
    for (const auto& s : sc.world.sites) {
      for (const auto& g : s.racks) nodes += std::uint64_t{g.count} * g.nodes_per_rack;
    }
    fmt::print("{}: valid (scenario \"{}\", {} site{}, {} nodes, policy {})\n", scenario, sc.name, sc.world.sites.size(),
               sc.world.sites.size() == 1 ? "" : "s", nodes, sc.policy.label());
    if (trace) {
      fmt::print("  trace: {} jobs", group_digits(trace->jobs));
      if (skipped > 0) {
        fmt::print(
            ", and {} larger than the largest site ({} accelerators) that a run skips (workload.oversize is \"skip\")",
            group_digits(skipped), group_digits(sc.largest_site_accelerators()));
      }
      fmt::print("\n");
    }
    if (!labels.empty()) {
      fmt::print("  compare: {} variants (wattsim compare {} -o OUT.h5)\n", labels.size(), scenario);
      for (const auto& l : labels) fmt::print("    {}\n", l);
    }
    fmt::print("  memory: about {} needed{}{}{}\n", format_bytes(memory.total_bytes),
               limit ? ", limit " + format_bytes(limit->bytes) + " (" + limit->source + ")" : std::string(),
               memory.note.empty() ? "" : "; not counted: ", memory.note);
    return 0;
  } catch (const simcore::InputError& e) {
    print_input_errors(e);
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "wattsim: out of memory while checking the scenario\n");
    return 1;
  }
}

int run_command(const RunOptions& options) {
  Scenario sc;
  try {
    sc = load_scenario(options.scenario, options.sets);
  } catch (const simcore::InputError& e) {
    // With -o's problems too, so that one pass fixes everything.
    simcore::DiagnosticSink problems;
    for (const auto& d : e.diagnostics()) problems.add(d.where, d.message);
    if (!options.output.empty()) {
      check_output({options.output, "-o", {options.scenario}, OutputKind::kResultSet, options.force}, problems);
    }
    print_input_errors(problems.diagnostics());
    return 2;
  }
  const std::string out = !options.output.empty() ? options.output : !sc.output.path.empty() ? sc.output.path : sc.name + ".h5";
  simcore::DiagnosticSink output_problems;
  const char* where = !options.output.empty()   ? "-o"
                      : !sc.output.path.empty() ? "output.path"
                                                : "output (default: NAME.h5)";
  check_output({out, where, sc.input_files, OutputKind::kResultSet, options.force}, output_problems);
  if (!output_problems.empty()) {
    print_input_errors(output_problems.diagnostics());
    return 2;
  }
  try {
    check_memory(estimate_memory(sc), memory_limit(options.max_memory));  // before allocating any of it
  } catch (const simcore::InputError& e) {
    print_input_errors(e);
    return 2;
  }
  std::string temp_path;  // once the writer has created it: for the message when interrupted
  const char* phase = "building the world";  // what a std::bad_alloc interrupted
  try {
    throw_if_interrupted();  // while the scenario was read: before any file is made
    for (const auto& stale : remove_stale_temporaries(out)) {
      if (options.quiet) continue;
      std::fprintf(stderr, "wattsim: removed %s, left by a process that has ended\n", stale.c_str());
    }
    const auto wall_start = std::chrono::steady_clock::now();
    results::ResultWriter writer(out, sc.output.compression);
    temp_path = writer.temp_path();
    auto source = sc.make_job_source();
    auto policy = sc.policy.make();
    Recorder observer(writer, sc);
    datacenter::World world(sc.world, *source, *policy, &observer);
    simcore::ProgressReporter progress(simcore::SimTime::zero(), sc.world.horizon.value_or(simcore::SimTime::max()),
                                       options.quiet ? simcore::ProgressReporter::Mode::kQuiet
                                                     : simcore::ProgressReporter::Mode::kAuto);
    InterruptibleProgress interruptible(&progress);  // Ctrl-C ends the run at its next progress update
    phase = "running the simulation";
    datacenter::RunSummary summary = world.run(&interruptible);
    summary.jobs_skipped_oversize = source->skipped();
    phase = "writing the results";
    progress.finish(summary.end, summary.events);
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    observer.finish(summary);
    writer.write_meta({{"wattsim_version", kVersion},
                       {"scenario", sc.resolved.dump(2)},
                       {"scenario_file", sc.file},
                       {"hardware", sc.hardware_json().dump(2)},
                       {"policy", sc.policy.label()},
                       {"command_line", options.command_line},
                       {"created_utc", utc_now()},
                       {"currency", sc.currency},
                       {"start_utc", traces::format_utc_time(sc.world.sites.front().supply.calendar_origin)}},
                      {{"seed", static_cast<double>(sc.seed)},
                       {"wall_time_s", wall_s},
                       {"simulated_s", summary.end.to_seconds()},
                       {"events", static_cast<double>(summary.events)}});
    throw_if_interrupted();  // a signal after the last progress update: still no result
    writer.commit();
    if (!options.quiet) print_summary(sc, summary, observer.mean_slowdown(), wall_s, out);
    return 0;
  } catch (const Interrupted& e) {
    return report_interrupted(e, temp_path, out);
  } catch (const simcore::InputError& e) {
    // A bad trace row found while running: still invalid input; the writer's temp file is gone.
    print_input_errors(e);
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "wattsim: out of memory while %s (see `wattsim check` for the estimate; --max-memory)\n",
                 phase);
    return 1;
  } catch (const std::exception& e) {
    // A signal that made a system call fail (rather than the run) is still an interruption.
    if (const int signal = interrupt_signal(); signal != 0) {
      return report_interrupted(Interrupted{signal}, temp_path, out);
    }
    std::fprintf(stderr, "wattsim: the run failed: %s\n", e.what());
    return 1;
  }
}

}  // namespace wattsim::app
