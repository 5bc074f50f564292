#pragma once
// Input errors: bad scenario fields, catalog entries, trace rows, quantities. Each diagnostic
// says where (a JSON path or file:line:column), what was found and what was expected, and
// errors are collected so that a user can fix all of them in one pass.

#include <stdexcept>
#include <string>
#include <vector>

namespace wattsim::simcore {

struct Diagnostic {
  std::string where;    // "facility.racks[2].node", "jobs.csv:12:3", or empty
  std::string message;  // what was found and what was expected
};

// Thrown for invalid input. what() lists every diagnostic, one per line.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  InputError(std::string where, std::string message);

  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Collects diagnostics while validating, then throws them together.
class DiagnosticSink {
 public:
  void add(std::string where, std::string message) { diagnostics_.push_back({std::move(where), std::move(message)}); }
  // Runs fn(); if it throws InputError, its diagnostics are added (with `where` prefixed to
  // those that carry no location of their own). Returns true when fn() succeeded.
  template <class Fn>
  bool capture(const std::string& where, Fn&& fn) {
    try {
      fn();
      return true;
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) add(d.where.empty() ? where : d.where, d.message);
      return false;
    }
  }
  bool empty() const noexcept { return diagnostics_.empty(); }
  std::size_t size() const noexcept { return diagnostics_.size(); }
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  // Throws InputError with everything collected, if anything was.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> diagnostics_;
};

std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace wattsim::simcore
