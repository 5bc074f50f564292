#include "app/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace wattsim::app {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int signal) {
  g_signal = signal;
}

void install(int signal) {
  struct sigaction previous {};
  if (sigaction(signal, nullptr, &previous) != 0 || previous.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: reads and writes in progress go on rather than fail with EINTR (the poll ends
  // the run); SA_RESETHAND: a second signal takes the default action, ending the process.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(signal, &action, nullptr);
}

}  // namespace

void install_interrupt_handlers() {
  install(SIGINT);
  install(SIGTERM);
}

int interrupt_signal() noexcept {
  return g_signal;
}

bool interrupt_requested() noexcept {
  return g_signal != 0;
}

void throw_if_interrupted() {
  if (const int s = g_signal; s != 0) throw Interrupted{s};
}

int report_interrupted(const Interrupted& e, const std::string& temp_path, const std::string& output) {
  namespace fs = std::filesystem;
  std::string temp;
  if (!temp_path.empty()) {
    std::error_code ec;
    // The writer's destructor removed it while the exception unwound; this is a second try.
    const bool left = fs::exists(temp_path, ec) && !fs::remove(temp_path, ec);
    temp = (left ? "could not remove " : "removed ") + temp_path + "; ";
  }
  std::error_code ec;
  const std::string kept = fs::exists(output, ec) ? " (" + output + " is left as it was)" : "";
  const char* name = e.signal == SIGINT ? "SIGINT" : e.signal == SIGTERM ? "SIGTERM" : "a signal";
  // After a progress bar's line, on a line of its own.
  std::fprintf(stderr, "%swattsim: interrupted (%s); %sno result written%s\n", isatty(fileno(stderr)) ? "\n" : "", name,
               temp.c_str(), kept.c_str());
  return 128 + e.signal;
}

}  // namespace wattsim::app
