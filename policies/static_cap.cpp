#include "policies/static_cap.hpp"

#include <cctype>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "simcore/error.hpp"

namespace wattsim::policies {

using datacenter::ClusterView;
using datacenter::NodeId;
using simcore::SimTime;

namespace {

constexpr std::int64_t kDayUs = SimTime::days(1).us();

// Reads digits at s[i...]; false if there are none or the number is too large.
bool read_number(const std::string& s, std::size_t& i, std::uint64_t& out) {
  const std::size_t start = i;
  out = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
    out = out * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (out > std::numeric_limits<std::uint32_t>::max()) return false;
    ++i;
  }
  return i > start;
}

void skip_spaces(const std::string& s, std::size_t& i) {
  while (i < s.size() && s[i] == ' ') ++i;
}

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> parse_rack_ranges(const std::string& text) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  std::size_t i = 0;
  skip_spaces(text, i);
  if (i == text.size()) return out;
  const auto bad = [&](const std::string& what) {
    throw std::invalid_argument("racks \"" + text + "\": " + what +
                                "; expected rack numbers and ranges separated by commas, like \"0-3,7\"");
  };
  while (true) {
    std::uint64_t a = 0, b = 0;
    skip_spaces(text, i);
    if (!read_number(text, i, a)) bad("expected a rack number at character " + std::to_string(i + 1));
    b = a;
    skip_spaces(text, i);
    if (i < text.size() && text[i] == '-') {
      ++i;
      skip_spaces(text, i);
      if (!read_number(text, i, b)) bad("expected a rack number at character " + std::to_string(i + 1));
      if (b < a) bad("the range " + std::to_string(a) + "-" + std::to_string(b) + " runs backwards");
      skip_spaces(text, i);
    }
    out.emplace_back(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b));
    if (i == text.size()) break;
    if (text[i] != ',') bad(std::string("unexpected '") + text[i] + "' at character " + std::to_string(i + 1));
    ++i;
  }
  return out;
}

SimTime parse_time_of_day(const std::string& text) {
  const auto bad = [&] {
    throw std::invalid_argument("\"" + text + "\" is not a time of day; expected HH:MM or HH:MM:SS, 00:00 to 23:59:59");
  };
  std::size_t i = 0;
  std::uint64_t part[3] = {0, 0, 0};
  int parts = 0;
  while (parts < 3) {
    const std::size_t start = i;
    if (!read_number(text, i, part[parts]) || i - start != 2) bad();
    ++parts;
    if (i == text.size()) break;
    if (text[i] != ':') bad();
    ++i;
  }
  if (i != text.size() || parts < 2 || part[0] > 23 || part[1] > 59 || part[2] > 59) bad();
  return SimTime::hours(static_cast<std::int64_t>(part[0])) + SimTime::minutes(static_cast<std::int64_t>(part[1])) +
         SimTime::seconds(static_cast<std::int64_t>(part[2]));
}

StaticCapManager::StaticCapManager(StaticCapConfig config) : config_(std::move(config)) {
  if (config_.from.has_value() != config_.to.has_value()) {
    throw std::invalid_argument("static-cap: give both ends of the daily window, or neither");
  }
  if (config_.from && *config_.from == *config_.to)
    throw std::invalid_argument("static-cap: the daily window is empty");
}

bool StaticCapManager::in_window(SimTime t) const {
  if (!config_.from) return true;
  const std::int64_t tod = ((t.us() % kDayUs) + kDayUs) % kDayUs;
  const std::int64_t from = config_.from->us(), to = config_.to->us();
  return from < to ? (tod >= from && tod < to) : (tod >= from || tod < to);
}

SimTime StaticCapManager::next_switch(SimTime t) const {
  if (!config_.from) return SimTime::max();
  const std::int64_t tod = ((t.us() % kDayUs) + kDayUs) % kDayUs;
  const SimTime midnight = t - SimTime::from_us(tod);
  SimTime best = SimTime::max();
  for (const SimTime at : {*config_.from, *config_.to}) {
    const SimTime next = at.us() > tod ? midnight + at : midnight + SimTime::days(1) + at;
    best = std::min(best, next);
  }
  return best;
}

bool StaticCapManager::in_scope(const ClusterView& view, NodeId n) const {
  if (view.accelerators(n) == 0) return false;
  if (!config_.node_type.empty() && view.node(n).spec().name != config_.node_type) return false;
  if (config_.racks.empty()) return true;
  const std::uint32_t rack = view.rack_of(n);
  for (const auto& [a, b] : config_.racks) {
    if (rack >= a && rack <= b) return true;
  }
  return false;
}

void StaticCapManager::apply(datacenter::Actions& actions, double cap_w) {
  for (const auto& [n, count] : scope_) {
    for (std::uint32_t i = 0; i < count; ++i) actions.set_power_cap(n, i, cap_w);
  }
}

void StaticCapManager::sync(const ClusterView& view, datacenter::Actions& actions) {
  if (config_.cap_w <= 0.0) return;
  if (!started_) {
    started_ = true;
    for (NodeId n = 0; n < view.node_count(); ++n) {
      if (in_scope(view, n)) scope_.emplace_back(n, view.accelerators(n));
    }
  }
  const bool want = in_window(view.now());
  if (want != capped_) {
    apply(actions, want ? config_.cap_w : std::numeric_limits<double>::infinity());
    capped_ = want;
  }
  if (config_.from && view.running_count() > 0 && (wake_ == SimTime::max() || wake_ <= view.now())) {
    wake_ = next_switch(view.now());
    actions.wake_at(wake_);
  }
}

void StaticCapManager::on_timer(const ClusterView& view, datacenter::Actions& actions) {
  if (view.now() >= wake_) wake_ = SimTime::max();
  sync(view, actions);
}

namespace {

// What is wrong with the parameters for this facility; "" when nothing is.
std::string static_cap_problem(const datacenter::WorldConfig& world, const Params& p) {
  std::vector<std::string> problems;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> racks;
  try {
    racks = parse_rack_ranges(text(p, "racks"));
  } catch (const std::invalid_argument& e) {
    problems.push_back(e.what());
  }
  const std::string& from = text(p, "from");
  const std::string& to = text(p, "to");
  if (from.empty() != to.empty()) {
    problems.push_back("needs both \"from\" and \"to\" for a daily window (or neither, for a cap that always holds)");
  } else if (!from.empty()) {
    try {
      if (parse_time_of_day(from) == parse_time_of_day(to)) {
        problems.push_back("has an empty daily window (\"from\" equals \"to\")");
      }
    } catch (const std::invalid_argument& e) {
      problems.push_back(std::string("from/to: ") + e.what());
    }
    for (const auto& site : world.sites) {
      const std::int64_t tod = site.supply.calendar_origin.us() % kDayUs;
      if (tod != 0) {
        problems.push_back(
            fmt::format("reads times of day from simulated time 0, which must be midnight UTC; the scenario starts at "
                        "{:02}:{:02} UTC (\"start\")",
                        tod / SimTime::hours(1).us(), tod % SimTime::hours(1).us() / SimTime::minutes(1).us()));
        break;
      }
    }
  }
  const std::string& type = text(p, "node_type");
  std::set<std::string> types;
  std::uint32_t most_racks = 0;
  for (const auto& site : world.sites) {
    std::uint32_t count = 0;
    for (const auto& g : site.racks) {
      if (g.node != nullptr) types.insert(g.node->name);
      count += static_cast<std::uint32_t>(g.count);
    }
    most_racks = std::max(most_racks, count);
  }
  if (!type.empty() && types.count(type) == 0) {
    problems.push_back(
        fmt::format("node_type \"{}\" is no node type of the facility (its types: {})", type, fmt::join(types, ", ")));
  }
  for (const auto& [a, b] : racks) {
    if (b >= most_racks) {
      problems.push_back(fmt::format("racks names rack {}, but no site has more than {} racks (0-{})", b, most_racks,
                                     most_racks == 0 ? 0 : most_racks - 1));
      break;
    }
  }
  return fmt::format("{}", fmt::join(problems, "; "));
}

}  // namespace

PolicyInfo static_cap_info() {
  PolicyInfo info;
  info.name = "static-cap";
  info.kind = PolicyKind::kManager;
  info.description =
      "One power cap on every accelerator of a node type and/or set of racks, always or in a daily window; the cap "
      "selects each accelerator's p-state.";
  // Strings with any value (choice_param without choices); checked by requires_.
  info.params = {
      number_param("cap", 0.0, "power cap per accelerator; 0: no cap", 0.0, 1e6, simcore::Dimension::kPower),
      choice_param("node_type", "", {}, "the node type (catalog node name) to cap; \"\": every type"),
      choice_param("racks", "", {}, "site-local rack numbers and ranges to cap, like \"0-3,7\"; \"\": every rack"),
      choice_param("from", "", {}, "start of the daily window, HH:MM in UTC; \"\" (with \"to\" \"\"): always"),
      choice_param("to", "", {}, "end of the daily window, HH:MM in UTC; before \"from\": the window wraps midnight"),
  };
  info.requires_ = static_cap_problem;
  info.make_manager = [](const Params& p) {
    StaticCapConfig c;
    c.cap_w = number(p, "cap");
    c.node_type = text(p, "node_type");
    try {
      c.racks = parse_rack_ranges(text(p, "racks"));
      if (!text(p, "from").empty()) c.from = parse_time_of_day(text(p, "from"));
      if (!text(p, "to").empty()) c.to = parse_time_of_day(text(p, "to"));
      return std::make_unique<StaticCapManager>(std::move(c));
    } catch (const std::invalid_argument& e) {
      throw simcore::InputError("policy.managers", std::string("static-cap ") + e.what());
    }
  };
  return info;
}

}  // namespace wattsim::policies
