#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a command that writes a result. The handler only records
// the signal (and, by SA_RESETHAND, restores the default action, so that a second Ctrl-C ends
// the process at once); the command polls at safe points (the simulation loop's progress
// updates, between the batch evaluator's blocks, before the result is committed) and unwinds by
// throwing Interrupted, so that every destructor runs: the result writer's removes its
// temporary file. The command then exits with 128 + the signal's number: 130 for SIGINT, 143
// for SIGTERM.

#include <cstdint>
#include <string>

#include "simcore/simulation.hpp"

namespace wattsim::app {

// Thrown at a poll after a signal. Not a std::exception, so that the handlers of failures
// (catch (const std::exception&)) let it pass to the command's own handler.
struct Interrupted {
  int signal;
};

// Installs the handlers of SIGINT and SIGTERM, except for a signal the process was started
// ignoring (`nohup`, a background job of a script): that one stays ignored.
void install_interrupt_handlers();

// The signal received since the handlers were installed, or 0.
int interrupt_signal() noexcept;
// For a batch evaluator's workers: whether a signal was received.
bool interrupt_requested() noexcept;
// Throws Interrupted when a signal was received.
void throw_if_interrupted();

// Says on stderr that the command was interrupted, what became of the temporary file
// `temp_path` (empty: none was created) and of `output`, and returns the exit status:
//   wattsim: interrupted (SIGINT); removed out.h5.tmp-123; no result written
int report_interrupted(const Interrupted& e, const std::string& temp_path, const std::string& output);

// A progress sink that polls for a signal, then forwards to `inner` (if any).
class InterruptibleProgress final : public simcore::ProgressSink {
 public:
  explicit InterruptibleProgress(simcore::ProgressSink* inner = nullptr) : inner_(inner) {}
  void update(simcore::SimTime now, std::uint64_t events) override {
    throw_if_interrupted();
    if (inner_ != nullptr) inner_->update(now, events);
  }

 private:
  simcore::ProgressSink* inner_;
};

}  // namespace wattsim::app
