#include "models/power/power_tree.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <cmath>
#include <string>
#include <unordered_map>

#include "simcore/error.hpp"
#include "simcore/suggest.hpp"

namespace wattsim::power {

const char* element_kind_name(ElementKind kind) {
  switch (kind) {
    case ElementKind::kFeed: return "feed";
    case ElementKind::kTransformer: return "transformer";
    case ElementKind::kUps: return "ups";
    case ElementKind::kPdu: return "pdu";
    case ElementKind::kRack: return "rack";
    case ElementKind::kNode: return "node";
    case ElementKind::kOther: return "other";
  }
  return "?";
}

PowerTreeSpec make_tree_spec(const TreeLayout& l) {
  if (l.nodes == 0 || l.racks == 0 || l.pdus == 0 || l.racks > l.nodes || l.pdus > l.racks) {
    throw simcore::InputError("power tree layout", "needs 1 <= pdus <= racks <= nodes; got " + std::to_string(l.nodes) +
                                                       " nodes, " + std::to_string(l.racks) + " racks, " +
                                                       std::to_string(l.pdus) + " PDUs");
  }
  PowerTreeSpec spec;
  spec.elements.reserve(2 + l.pdus + l.racks + l.nodes);
  spec.elements.push_back({"feed", ElementKind::kFeed, "", l.feed_capacity_w, std::nullopt});
  spec.elements.push_back({"ups", ElementKind::kUps, "feed", l.ups_capacity_w, l.ups_curve});
  for (std::size_t p = 0; p < l.pdus; ++p) {
    spec.elements.push_back({"pdu-" + std::to_string(p), ElementKind::kPdu, "ups", l.pdu_capacity_w, l.pdu_curve});
  }
  for (std::size_t r = 0; r < l.racks; ++r) {
    spec.elements.push_back({"rack-" + std::to_string(r), ElementKind::kRack, "pdu-" + std::to_string(r * l.pdus / l.racks),
                             l.rack_capacity_w, std::nullopt});
  }
  for (std::size_t n = 0; n < l.nodes; ++n) {
    spec.elements.push_back({"node-" + std::to_string(n), ElementKind::kNode, "rack-" + std::to_string(n * l.racks / l.nodes),
                             l.node_psu_rated_w, l.node_psu_curve});
  }
  return spec;
}

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// Records BFS depths from the root.
struct DepthRecorder : boost::default_bfs_visitor {
  std::vector<std::uint32_t>* depth;
  std::vector<unsigned char>* reached;
  void discover_vertex(Graph::vertex_descriptor v, const Graph&) const { (*reached)[v] = 1; }
  void tree_edge(Graph::edge_descriptor e, const Graph& g) const {
    (*depth)[boost::target(e, g)] = (*depth)[boost::source(e, g)] + 1;
  }
};
}  // namespace

PowerTree::PowerTree(const PowerTreeSpec& spec, simcore::SimTime start) {
  simcore::DiagnosticSink errors;
  const std::size_t n = spec.elements.size();
  if (n == 0) throw simcore::InputError("power tree", "no elements; expected at least a utility feed");
  if (n >= kNoElement) throw simcore::InputError("power tree", "too many elements");

  std::unordered_map<std::string, ElementId> ids;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = spec.elements[i];
    const std::string where = "power tree element " + std::to_string(i) + " (\"" + e.name + "\")";
    if (e.name.empty()) errors.add(where, "has no name");
    if (!ids.emplace(e.name, static_cast<ElementId>(i)).second) errors.add(where, "the name is used twice");
    names.push_back(e.name);
    if (!(e.capacity_w > 0.0)) errors.add(where, "capacity " + std::to_string(e.capacity_w) + " W; expected > 0");
    if (e.curve && !e.curve->lossless() && !std::isfinite(e.capacity_w)) {
      errors.add(where, "has an efficiency curve but no rated capacity; the curve needs the capacity to find the load");
    }
  }

  name_ = names;
  index_ = std::move(ids);
  kind_.resize(n);
  parent_.assign(n, kNoElement);
  children_.assign(n, {});
  capacity_w_.resize(n);
  curve_.assign(n, -1);
  Graph graph(n);
  std::vector<ElementId> roots;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = spec.elements[i];
    kind_[i] = e.kind;
    capacity_w_[i] = e.capacity_w;
    if (e.curve && !e.curve->lossless()) {
      curve_[i] = static_cast<std::int32_t>(curves_.size());
      curves_.push_back(*e.curve);
    }
    if (e.parent.empty()) {
      roots.push_back(static_cast<ElementId>(i));
      continue;
    }
    const auto it = index_.find(e.parent);
    if (it == index_.end()) {
      errors.add("power tree element \"" + e.name + "\"",
                 "parent \"" + e.parent + "\" does not exist" + simcore::did_you_mean(e.parent, names));
      continue;
    }
    parent_[i] = it->second;
    children_[it->second].push_back(static_cast<ElementId>(i));
    boost::add_edge(it->second, i, graph);
  }
  if (roots.size() != 1) {
    std::string list;
    for (auto r : roots) list += (list.empty() ? "\"" : ", \"") + name_[r] + "\"";
    errors.add("power tree", std::to_string(roots.size()) + " elements without a parent" +
                                 (roots.empty() ? std::string() : " (" + list + ")") +
                                 "; expected exactly one root (the utility feed)");
  }
  errors.throw_if_any();
  root_ = roots.front();

  // Every element must hang from the root: with one parent each, an element the search does
  // not reach sits on a cycle of parents (or below one).
  depth_.assign(n, 0);
  std::vector<unsigned char> reached(n, 0);
  DepthRecorder visitor;
  visitor.depth = &depth_;
  visitor.reached = &reached;
  boost::breadth_first_search(graph, boost::vertex(root_, graph), boost::visitor(visitor));
  for (std::size_t i = 0; i < n; ++i) {
    if (!reached[i]) {
      errors.add("power tree element \"" + name_[i] + "\"",
                 "is not connected to the root \"" + name_[root_] + "\": its chain of parents loops");
    }
  }
  errors.throw_if_any();

  load_w_.assign(n, 0.0);
  simcore::Meter m;
  m.last_change = start;
  out_.assign(n, m);
  in_.assign(n, m);
  violating_.assign(n, 0);
  open_.assign(n, CapacityViolation{});
}

ElementId PowerTree::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? kNoElement : it->second;
}

void PowerTree::set_load(ElementId e, simcore::SimTime now, double load_w) {
  double delta = load_w - load_w_[e];
  load_w_[e] = load_w;
  // Push the change up: each element's input change is its parent's output change.
  for (ElementId id = e; id != kNoElement && delta != 0.0; id = parent_[id]) {
    delta = update_output(id, now, out_[id].power_w + delta);
  }
}

double PowerTree::update_output(ElementId e, simcore::SimTime now, double output_w) {
  out_[e].set_power(now, output_w);
  const double old_in = in_[e].power_w;
  const std::int32_t c = curve_[e];
  const double new_in = c < 0 ? output_w : curves_[static_cast<std::size_t>(c)].input_power_w(output_w, capacity_w_[e]);
  in_[e].set_power(now, new_in);
  if (output_w > capacity_w_[e] || violating_[e]) check_capacity(e, now, output_w);
  return new_in - old_in;
}

void PowerTree::check_capacity(ElementId e, simcore::SimTime now, double output_w) {
  CapacityViolation& v = open_[e];
  if (output_w > capacity_w_[e]) {
    if (!violating_[e]) {
      violating_[e] = 1;
      v = CapacityViolation{e, now, simcore::SimTime::max(), capacity_w_[e], output_w};
      if (listener_ != nullptr) listener_->on_capacity_exceeded(*this, v);
    } else if (output_w > v.peak_w) {
      v.peak_w = output_w;
    }
    return;
  }
  violating_[e] = 0;
  v.end = now;
  // A violation that ends at the instant it began is an artefact of the order in which
  // simultaneous changes arrive, not a real overload: the listener hears of it, the record keeps it not.
  if (v.start < now) finished_.push_back(v);
  if (listener_ != nullptr) listener_->on_capacity_restored(*this, v);
}

std::vector<CapacityViolation> PowerTree::violations() const {
  std::vector<CapacityViolation> all = finished_;
  for (std::size_t e = 0; e < violating_.size(); ++e) {
    if (violating_[e]) all.push_back(open_[e]);
  }
  return all;
}

}  // namespace wattsim::power
