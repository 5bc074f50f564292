#pragma once
// The power-distribution tree: utility feed -> (transformer) -> UPS -> PDUs -> racks -> nodes,
// or any tree a scenario describes (DESIGN.md §3-4).
//
// Every element e has
//   output P_out(e) = own load(e) + sum of its children's inputs        [W]
//   input  P_in(e)  = P_out(e) / eta_e(P_out(e) / C_e)  (= P_out(e) when lossless)
//   loss   P_in(e) - P_out(e)
// where C_e is the element's rated capacity and eta_e its efficiency curve. Nodes are
// elements too: their own load is their DC power, their curve the PSU's, so a node's input
// is its wall power. The root's input is what the facility draws from its utility feed, and
//   P_in(root) = sum of own loads + sum of losses
// holds at every instant, and so for energies over any span.
//
// Changes are incremental: set_load(e) recomputes e, then pushes the change of its input to
// its parent as a change of the parent's output, and so on: O(depth), never a re-sum.
// Energy is integrated exactly by a pair of simcore meters per element (input and output).
//
// Capacity: an element whose output exceeds its rated capacity is in violation from that
// instant until it drops back; each violation is recorded (element, start, end, capacity,
// peak power) and a listener is told when one starts and when it ends, so that power-capping
// policies can react.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/power/efficiency_curve.hpp"
#include "simcore/meter.hpp"
#include "simcore/time.hpp"

namespace wattsim::power {

enum class ElementKind : unsigned char { kFeed, kTransformer, kUps, kPdu, kRack, kNode, kOther };
const char* element_kind_name(ElementKind kind);

using ElementId = std::uint32_t;
inline constexpr ElementId kNoElement = std::numeric_limits<ElementId>::max();

struct ElementSpec {
  std::string name;
  ElementKind kind = ElementKind::kOther;
  std::string parent;  // empty for the root
  double capacity_w = std::numeric_limits<double>::infinity();
  std::optional<EfficiencyCurve> curve;  // losses; requires a finite capacity
};

struct PowerTreeSpec {
  std::vector<ElementSpec> elements;
};

// "N racks of M nodes behind K PDUs": feed -> UPS -> K PDUs -> racks -> nodes. Nodes are
// spread over racks and racks over PDUs in contiguous, balanced blocks (node n is in rack
// floor(n * racks / nodes)). Names: "feed", "ups", "pdu-0", "rack-0", "node-0", ...
struct TreeLayout {
  std::size_t nodes = 0, racks = 1, pdus = 1;
  double feed_capacity_w = std::numeric_limits<double>::infinity();
  double ups_capacity_w = std::numeric_limits<double>::infinity();
  double pdu_capacity_w = std::numeric_limits<double>::infinity();
  double rack_capacity_w = std::numeric_limits<double>::infinity();
  double node_psu_rated_w = std::numeric_limits<double>::infinity();
  std::optional<EfficiencyCurve> ups_curve, pdu_curve, node_psu_curve;
};
PowerTreeSpec make_tree_spec(const TreeLayout& layout);

struct CapacityViolation {
  ElementId element = kNoElement;
  simcore::SimTime start;
  simcore::SimTime end = simcore::SimTime::max();  // max(): still open
  double capacity_w = 0.0;
  double peak_w = 0.0;  // highest output during the violation
  double peak_excess_w() const { return peak_w - capacity_w; }
  simcore::SimTime duration(simcore::SimTime now) const { return (end == simcore::SimTime::max() ? now : end) - start; }
};

class PowerTree;

// Told about capacity violations as they start and end. Called after the tree is updated.
class PowerTreeListener {
 public:
  virtual ~PowerTreeListener() = default;
  virtual void on_capacity_exceeded(const PowerTree& tree, const CapacityViolation& violation) = 0;
  virtual void on_capacity_restored(const PowerTree& tree, const CapacityViolation& violation) = 0;
};

class PowerTree {
 public:
  // Validates the spec (one root; every parent exists; no cycle; unique names; curves only
  // with a finite capacity) and throws simcore::InputError listing every problem.
  explicit PowerTree(const PowerTreeSpec& spec, simcore::SimTime start = simcore::SimTime::zero());

  std::size_t size() const { return name_.size(); }
  ElementId root() const { return root_; }
  ElementId find(const std::string& name) const;  // kNoElement when absent
  const std::vector<std::string>& names() const { return name_; }
  const std::string& name(ElementId e) const { return name_[e]; }
  ElementKind kind(ElementId e) const { return kind_[e]; }
  ElementId parent(ElementId e) const { return parent_[e]; }
  const std::vector<ElementId>& children(ElementId e) const { return children_[e]; }
  std::size_t depth(ElementId e) const { return depth_[e]; }
  double capacity_w(ElementId e) const { return capacity_w_[e]; }
  bool is_leaf(ElementId e) const { return children_[e].empty(); }

  void set_listener(PowerTreeListener* listener) { listener_ = listener; }

  // Sets element e's own load (a node's DC power) at `now` (never before the last change).
  void set_load(ElementId e, simcore::SimTime now, double load_w);
  double load_w(ElementId e) const { return load_w_[e]; }

  double output_w(ElementId e) const { return out_[e].power_w; }
  double input_w(ElementId e) const { return in_[e].power_w; }
  double loss_w(ElementId e) const { return in_[e].power_w - out_[e].power_w; }
  double facility_input_w() const { return in_[root_].power_w; }

  // Energies up to `now` (at or after the last change), in J.
  double input_energy_j(ElementId e, simcore::SimTime now) const { return in_[e].energy_at(now); }
  double output_energy_j(ElementId e, simcore::SimTime now) const { return out_[e].energy_at(now); }
  double loss_energy_j(ElementId e, simcore::SimTime now) const {
    return in_[e].energy_at(now) - out_[e].energy_at(now);
  }
  // Highest input (output) power element e has held for a positive span up to `now`.
  double peak_input_w(ElementId e, simcore::SimTime now) const { return in_[e].peak_at(now); }
  double peak_output_w(ElementId e, simcore::SimTime now) const { return out_[e].peak_at(now); }

  // Finished violations (of positive duration) in the order they ended.
  const std::vector<CapacityViolation>& finished_violations() const { return finished_; }
  // Finished violations, then the open ones.
  std::vector<CapacityViolation> violations() const;
  bool in_violation(ElementId e) const { return violating_[e] != 0; }

 private:
  // Sets e's output; returns the change of its input.
  double update_output(ElementId e, simcore::SimTime now, double output_w);
  void check_capacity(ElementId e, simcore::SimTime now, double output_w);

  // Structure (by element id, in spec order).
  std::vector<std::string> name_;
  std::unordered_map<std::string, ElementId> index_;
  std::vector<ElementKind> kind_;
  std::vector<ElementId> parent_;
  std::vector<std::vector<ElementId>> children_;
  std::vector<std::uint32_t> depth_;
  std::vector<double> capacity_w_;
  std::vector<std::int32_t> curve_;  // index into curves_, -1: lossless
  std::vector<EfficiencyCurve> curves_;
  ElementId root_ = kNoElement;

  // State.
  std::vector<double> load_w_;
  std::vector<simcore::Meter> out_, in_;
  std::vector<unsigned char> violating_;   // by element: a violation is open
  std::vector<CapacityViolation> open_;     // by element: the open violation, when violating_
  std::vector<CapacityViolation> finished_;
  PowerTreeListener* listener_ = nullptr;
};

}  // namespace wattsim::power
