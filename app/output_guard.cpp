#include "app/output_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "results/result_reader.hpp"
#include "results/result_writer.hpp"

namespace wattsim::app {

namespace fs = std::filesystem;

namespace {

// The folder a relative or absolute output path is written in ("." for a bare file name).
fs::path folder_of(const fs::path& output) {
  const fs::path parent = output.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

std::string problem(const OutputTarget& t, const std::string& what) {
  return t.path + " " + what;
}

}  // namespace

void check_output(const OutputTarget& t, simcore::DiagnosticSink& errors) {
  if (t.path.empty()) {
    errors.add(t.where, "is empty; expected a file path");
    return;
  }
  const fs::path out(t.path);
  std::error_code ec;
  // An input first: no flag overrides it. equivalent() compares device and inode, so other
  // spellings, hard links and symbolic links to the input are caught; a missing output is
  // no input.
  for (const auto& input : t.inputs) {
    if (fs::equivalent(out, input, ec) && !ec) {
      errors.add(
          t.where,
          problem(t, "is " + (input == t.path ? std::string("an input") : "the same file as the input " + input) +
                         " of this command; writing there would destroy it; choose another path with -o "
                         "(--force never writes over an input)"));
      return;
    }
  }
  const fs::file_status status = fs::status(out, ec);
  if (status.type() == fs::file_type::directory) {
    errors.add(t.where, problem(t, "is a folder; give a file path, e.g. " + (out / "result.h5").string()));
    return;
  }
  if (fs::exists(status) && status.type() != fs::file_type::regular) {
    errors.add(t.where, problem(t, "is not a regular file (a device, pipe or socket); choose a file path"));
    return;
  }
  const fs::path folder = folder_of(out);
  const fs::file_status folder_status = fs::status(folder, ec);
  if (!fs::exists(folder_status)) {
    errors.add(t.where, problem(t, "is in a folder that does not exist (" + folder.string() +
                                       "); create the folder first or choose another path with -o"));
    return;
  }
  if (folder_status.type() != fs::file_type::directory) {
    errors.add(t.where,
               problem(t, "is in " + folder.string() + ", which is not a folder; choose another path with -o"));
    return;
  }
  // The result is written beside the output, then renamed onto it: both need the folder.
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    errors.add(t.where, problem(t, "is in a folder this user cannot write (" + folder.string() + ": " +
                                       std::strerror(errno) + "); choose another path with -o"));
    return;
  }
  if (t.kind != OutputKind::kResultSet || t.force || status.type() != fs::file_type::regular) return;
  // An empty file holds nothing to lose (mktemp makes them).
  if (fs::file_size(out, ec) == 0 && !ec) return;
  if (!results::is_result_set(t.path)) {
    errors.add(t.where,
               problem(t,
                       "exists and is not a wattsim result set; use --force to replace it, or choose another path "
                       "with -o"));
  }
}

std::vector<std::string> remove_stale_temporaries(const std::string& output) {
  std::vector<std::string> removed;
  try {
    const fs::path out(output);
    const std::string prefix = out.filename().string() + results::kTempInfix;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder_of(out), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string digits = name.substr(prefix.size());
      if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
      const long long pid = std::stoll(digits);
      if (pid <= 0 || pid == ::getpid()) continue;
      // A pid beyond pid_t is no process; kill(pid, 0) sends nothing and fails with ESRCH when
      // no process has that pid (EPERM: it exists, owned by someone else).
      const bool gone = pid > INT_MAX || (::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH);
      if (!gone || !entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
      if (fs::remove(entry.path(), ec) && !ec) removed.push_back(entry.path().string());
    }
  } catch (...) {
    // Tidying is best effort: an unreadable folder fails later, when the result is written.
  }
  return removed;
}

}  // namespace wattsim::app
