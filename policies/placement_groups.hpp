#pragma once
// The pieces the placement rules are built from (first-fit, best-fit, topology, thermal,
// power-headroom): searches over ranges of nodes, and placement by groups of nodes. A group (a
// rack, a PDU's racks) is a run of consecutive nodes of one site that share a key: racks are
// consecutive nodes and PDUs consecutive racks (world.cpp builds them so). Everything here reads
// only `capacity` (the view's, or a what-if copy) and the view's layout.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "datacenter/policy.hpp"

namespace wattsim::policies {

// The node in [from, to) with the fewest free accelerators that still has `accelerators`
// free, lowest index on ties; ClusterView::kNone if none.
std::size_t best_fit_node(const datacenter::FreeCapacity& capacity, std::uint32_t accelerators, std::size_t from,
                          std::size_t to);

// Appends the whole free nodes of [from, to) to `out`, lowest index first, each with all its
// accelerators or the `still` left (the last one partly), until `still` is 0. O(log nodes) per
// node taken, O(log nodes) to find there are no more.
void take_whole_nodes(const datacenter::FreeCapacity& capacity, std::size_t from, std::size_t to, std::uint32_t& still,
                      datacenter::Placement& out);

// The accelerators of the whole free nodes in [from, to).
std::uint32_t whole_free_accelerators(const datacenter::FreeCapacity& capacity, std::size_t from, std::size_t to);

// The end of the group of consecutive nodes that `from` starts: the first index in
// (from, last] at which same(n) is false, where same(n) is true on a prefix of [from, last)
// and false after it (racks are consecutive nodes, and PDUs consecutive racks: world.cpp
// builds them so). Binary search: O(log(last - from)) calls of `same`.
template <typename Same>
std::size_t group_end(std::size_t from, std::size_t last, Same&& same) {
  std::size_t lo = from + 1, hi = last;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (same(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The site node n belongs to ends at this index (exclusive).
inline std::size_t site_end(const datacenter::ClusterView& view, std::size_t n) {
  const std::uint32_t site = view.site_of(static_cast<datacenter::NodeId>(n));
  return static_cast<std::size_t>(view.site_first_node(site)) + view.site_node_count(site);
}

// The nodes [first, last) a placement for `site` may use: that site's, or every node for
// datacenter::kAnySite.
struct NodeRange {
  std::size_t first = 0, last = 0;
};
inline NodeRange site_nodes(const datacenter::ClusterView& view, std::uint32_t site) {
  if (site == datacenter::kAnySite) return NodeRange{0, view.node_count()};
  const std::size_t first = view.site_first_node(site);
  return NodeRange{first, first + view.site_node_count(site)};
}

// The sites [first, last) to try, in order, for a job that spans nodes: that one site, or every
// site for datacenter::kAnySite.
struct SiteRange {
  std::uint32_t first = 0, last = 0;
};
inline SiteRange sites_to_try(const datacenter::ClusterView& view, std::uint32_t site) {
  if (site == datacenter::kAnySite) return SiteRange{0, static_cast<std::uint32_t>(view.site_count())};
  return SiteRange{site, site + 1};
}

// Places a job of g accelerators that spans nodes as first-fit does: the first site of
// sites_to_try(view, site) whose whole free nodes hold g, its whole free nodes lowest index
// first (the last one partly). Returns false with `out` empty when none holds it.
bool whole_nodes_first_fit(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity,
                           std::uint32_t accelerators, std::uint32_t site, datacenter::Placement& out);

// A group as the helpers below see it, from a node on; a rule's group type derives from it and
// adds what the rule ranks by.
struct NodeGroup {
  std::size_t begin = 0, end = 0;  // its first node considered (with room, or whole free), its end
  std::uint32_t whole_free = 0;    // accelerators of its whole free nodes (collect_whole_groups sets it)
};

// The callables that describe a rule's groups:
//   key(n): node n's group, compared with == (a rack index, a power-tree element, ...);
//   make(n, k): a Group (derived from NodeGroup) with what the rule ranks by, for the group of
//     node n, whose key is k; begin, end and whole_free are filled in by the helpers;
//   before(a, b): whether group a ranks strictly before group b (the helpers break ties by
//     index).

// The group of node n as [n, its end), its end found in [n + 1, last] (`last`: at most the end
// of n's site). One make, O(log(last - n)) calls of key.
template <typename Group, typename Key, typename Make>
Group group_from(std::size_t n, std::size_t last, Key& key, Make& make) {
  const auto k = key(n);
  Group grp = make(n, k);
  grp.begin = n;
  grp.end = group_end(n, last, [&](std::size_t m) { return key(m) == k; });
  return grp;
}

// Into `groups` (cleared first), in index order, the groups of [first, last) (one site) that
// have a whole free node, each from its first whole free node, with whole_free; returns the
// sum of whole_free. Per such group one make and O(log nodes) calls of key, and O(log nodes)
// per whole free node; no allocation once `groups` has grown.
template <typename Group, typename Key, typename Make>
std::uint32_t collect_whole_groups(const datacenter::FreeCapacity& capacity, std::size_t first, std::size_t last,
                                   std::vector<Group>& groups, Key&& key, Make&& make) {
  groups.clear();
  std::uint32_t total = 0;
  for (std::size_t n = capacity.first_whole(first); n < last; n = capacity.first_whole(groups.back().end)) {
    groups.push_back(group_from<Group>(n, last, key, make));
    groups.back().whole_free = whole_free_accelerators(capacity, n, groups.back().end);
    total += groups.back().whole_free;
  }
  return total;
}

// Places a job of g = `accelerators` by ranked groups (thermal: racks, coolest inlet first;
// power-headroom: PDUs, most headroom first), on `site` only unless it is kAnySite:
//   - a job that fits on one node (g <= the largest node's accelerators): of the groups (of
//     every site allowed) with a node that has g free, the best-ranked (on ties the first in index
//     order: lowest site, then position in the site); within it, best-fit (best_fit_node);
//   - a larger job: the first site (in order) whose whole free nodes hold g; its groups with a
//     whole free node in rank order (lowest index on ties), each giving its whole free nodes
//     lowest index first until g (the last node only partly).
// Returns false with `out` empty when the job does not fit (or g is 0). `groups` is scratch.
// Cost: a job on one node, per group with a fitting node one make, O(log nodes) calls of key
// (its end) and O(log nodes) to find the next such node, then best-fit within one group:
// O(nodes) at worst over all sites. A larger job: collect_whole_groups over the site, a sort of its groups
// with a whole free node, O(groups log groups), and O(log nodes) per node taken. No allocation
// once `groups` has grown to the most such groups of a site.
template <typename Group, typename Key, typename Make, typename Before>
bool place_in_ranked_groups(const datacenter::ClusterView& view, const datacenter::FreeCapacity& capacity,
                            std::uint32_t accelerators, std::uint32_t site, datacenter::Placement& out,
                            std::vector<Group>& groups, Key&& key, Make&& make, Before&& before) {
  out.clear();
  const std::uint32_t g = accelerators;
  if (g == 0) return false;
  if (g <= view.max_node_accelerators()) {
    const NodeRange range = site_nodes(view, site);
    bool found = false;
    Group best;
    for (std::size_t n = capacity.first_with(g, range.first); n < range.last;) {
      Group here = group_from<Group>(n, site_end(view, n), key, make);
      n = capacity.first_with(g, here.end);
      if (!found || before(here, best)) {
        best = std::move(here);
        found = true;
      }
    }
    if (!found) return false;
    out.parts.push_back({static_cast<datacenter::NodeId>(best_fit_node(capacity, g, best.begin, best.end)), g});
    return true;
  }
  const SiteRange sites = sites_to_try(view, site);
  for (std::uint32_t s = sites.first; s < sites.last; ++s) {
    if (view.site_accelerators(s) < g) continue;
    const std::size_t first = view.site_first_node(s);
    if (collect_whole_groups(capacity, first, first + view.site_node_count(s), groups, key, make) < g) continue;
    // The groups are in index order (begin is the index): ties keep it.
    std::sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) {
      if (before(a, b)) return true;
      if (before(b, a)) return false;
      return a.begin < b.begin;
    });
    std::uint32_t still = g;
    for (const Group& grp : groups) {
      if (still == 0) break;
      take_whole_nodes(capacity, grp.begin, grp.end, still, out);
    }
    return true;
  }
  return false;
}

}  // namespace wattsim::policies
