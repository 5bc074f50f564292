#include "workloads/flexibility.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "simcore/random.hpp"
#include "workloads/vector_source.hpp"

using namespace wattsim;
using simcore::SimTime;
using workloads::FlexibilityFilter;
using workloads::FlexibilityRule;
using workloads::Job;

namespace {

// A job of `gpus` accelerators running `duration_s` at full speed, submitted at `submit_s`.
Job make_job(std::uint64_t id, std::int64_t submit_s, std::uint32_t gpus, double duration_s,
             const std::string& queue = "") {
  Job j;
  j.id = id;
  j.submit = SimTime::seconds(submit_s);
  j.accelerators = gpus;
  j.work = duration_s * gpus;
  j.queue = queue;
  return j;
}

FlexibilityRule rule(std::string queue, SimTime slack_min, SimTime slack_max, double share,
                     double preemptible_share) {
  FlexibilityRule r;
  r.queue = std::move(queue);
  r.slack_min = slack_min;
  r.slack_max = slack_max;
  r.share = share;
  r.preemptible_share = preemptible_share;
  return r;
}

std::vector<Job> run(std::vector<Job> jobs, std::vector<FlexibilityRule> rules, std::uint64_t seed) {
  FlexibilityFilter filter(std::make_unique<workloads::VectorJobSource>(std::move(jobs)), std::move(rules), seed);
  std::vector<Job> out;
  while (auto j = filter.next()) out.push_back(std::move(*j));
  return out;
}

// n one-GPU jobs of an hour, one a minute, in the given queue.
std::vector<Job> many(std::size_t n, const std::string& queue = "") {
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < n; ++i) jobs.push_back(make_job(i, static_cast<std::int64_t>(60 * i), 1, 3600.0, queue));
  return jobs;
}

}  // namespace

TEST_CASE("deadline = max(submit, earliest start) + duration + slack, exactly", "[workloads][flexibility]") {
  std::vector<Job> jobs;
  jobs.push_back(make_job(0, 100, 4, 3600.0));  // no earliest start: from submit
  jobs.push_back(make_job(1, 100, 4, 3600.0));
  jobs[1].earliest_start = SimTime::seconds(500);  // later than submit: from it
  jobs.push_back(make_job(2, 100, 2, 1.5));
  jobs[2].earliest_start = SimTime::seconds(50);  // earlier than submit: from submit
  // slack_min = slack_max = 1 h, so the slack is known.
  const auto out = run(jobs, {rule("", SimTime::hours(1), SimTime::hours(1), 1.0, 0.0)}, 7);
  REQUIRE(out.size() == 3);
  // 100 + 3600 (work 14,400 on 4 accelerators) + 3600 = 7300 s.
  CHECK(out[0].deadline == SimTime::seconds(7300));
  // 500 + 3600 + 3600 = 7700 s.
  CHECK(out[1].deadline == SimTime::seconds(7700));
  // 100 + 1.5 + 3600 = 3701.5 s.
  CHECK(out[2].deadline == SimTime::from_ms(3'701'500));
  for (const auto& j : out) CHECK_FALSE(j.preemptible);
  CHECK(out[1].earliest_start == SimTime::seconds(500));  // nothing else changes
  CHECK(out[0].work == 14'400.0);
}

TEST_CASE("the slack is the second draw, in whole microseconds within [slack_min, slack_max]",
          "[workloads][flexibility]") {
  const SimTime lo = SimTime::minutes(30), hi = SimTime::hours(6);
  const auto out = run(many(500), {rule("", lo, hi, 1.0, 0.0)}, 42);
  REQUIRE(out.size() == 500);
  // The documented draws: three uniforms per job from stream "flexibility"; the second gives
  // slack = lo + floor(u * (span_us + 1)) microseconds.
  auto stream = simcore::RandomStreams(42).stream("flexibility");
  const std::int64_t span = (hi - lo).us();
  std::set<std::int64_t> distinct;
  SimTime least = SimTime::max(), most = SimTime::min();
  for (const auto& j : out) {
    stream.uniform01();
    const double u = stream.uniform01();
    stream.uniform01();
    REQUIRE(j.deadline);
    const SimTime slack = *j.deadline - j.submit - SimTime::hours(1);
    CHECK(slack >= lo);
    CHECK(slack <= hi);
    CHECK(slack.us() == lo.us() + static_cast<std::int64_t>(u * (static_cast<double>(span) + 1.0)));
    least = std::min(least, slack);
    most = std::max(most, slack);
    distinct.insert(slack.us());
  }
  // Uniform over 5.5 h: 500 draws reach within 10 minutes of each end (a fixed slack would not).
  CHECK(least < lo + SimTime::minutes(10));
  CHECK(most > hi - SimTime::minutes(10));
  CHECK(distinct.size() == 500);
}

TEST_CASE("a queue rule applies only to its queue; the first matching rule wins", "[workloads][flexibility]") {
  std::vector<Job> jobs = {make_job(0, 0, 1, 60.0, "batch"), make_job(1, 0, 1, 60.0, "interactive"),
                           make_job(2, 0, 1, 60.0, "")};
  SECTION("one queue rule: other queues pass unchanged") {
    const auto out = run(jobs, {rule("batch", SimTime::hours(2), SimTime::hours(2), 1.0, 1.0)}, 1);
    CHECK(out[0].deadline == SimTime::seconds(60 + 7200));
    CHECK(out[0].preemptible);
    CHECK_FALSE(out[1].deadline);
    CHECK_FALSE(out[1].preemptible);
    CHECK_FALSE(out[2].deadline);
  }
  SECTION("a catch-all after the queue rule takes the rest; the queue rule shadows it") {
    const auto out = run(jobs,
                         {rule("batch", SimTime::hours(2), SimTime::hours(2), 1.0, 0.0),
                          rule("", SimTime::hours(1), SimTime::hours(1), 1.0, 0.0)},
                         1);
    CHECK(out[0].deadline == SimTime::seconds(60 + 7200));
    CHECK(out[1].deadline == SimTime::seconds(60 + 3600));
    CHECK(out[2].deadline == SimTime::seconds(60 + 3600));
  }
  SECTION("a catch-all first shadows every later rule") {
    const auto out = run(jobs,
                         {rule("", SimTime::hours(1), SimTime::hours(1), 1.0, 0.0),
                          rule("batch", SimTime::hours(2), SimTime::hours(2), 1.0, 0.0)},
                         1);
    CHECK(out[0].deadline == SimTime::seconds(60 + 3600));
  }
}

TEST_CASE("a job with a deadline keeps it, and may still be marked preemptible", "[workloads][flexibility]") {
  std::vector<Job> jobs = {make_job(0, 0, 1, 60.0)};
  jobs[0].deadline = SimTime::seconds(90);
  FlexibilityFilter filter(std::make_unique<workloads::VectorJobSource>(jobs),
                           {rule("", SimTime::hours(1), SimTime::hours(1), 1.0, 1.0)}, 3);
  const auto j = filter.next();
  REQUIRE(j);
  CHECK(j->deadline == SimTime::seconds(90));
  CHECK(j->preemptible);
  CHECK(filter.flexible() == 1);
  CHECK(filter.deadlines_set() == 0);
  CHECK(filter.marked_preemptible() == 1);
  CHECK_FALSE(filter.next());
}

TEST_CASE("share 0 changes nothing, share 1 every job, 0.5 about half", "[workloads][flexibility]") {
  const SimTime h = SimTime::hours(1);
  auto count = [](const std::vector<Job>& out) {
    std::size_t n = 0;
    for (const auto& j : out) n += j.deadline ? 1 : 0;
    return n;
  };
  CHECK(count(run(many(1000), {rule("", h, h, 0.0, 1.0)}, 5)) == 0);
  for (const auto& j : run(many(1000), {rule("", h, h, 0.0, 1.0)}, 5)) CHECK_FALSE(j.preemptible);
  CHECK(count(run(many(1000), {rule("", h, h, 1.0, 0.0)}, 5)) == 1000);
  // Binomial(1000, 0.5): standard deviation 15.8; +-80 is five of them.
  const std::size_t half = count(run(many(1000), {rule("", h, h, 0.5, 0.0)}, 5));
  CHECK(half > 420);
  CHECK(half < 580);
}

TEST_CASE("preemptible_share marks that share of the flexible jobs only", "[workloads][flexibility]") {
  const SimTime h = SimTime::hours(1);
  auto preemptible = [](const std::vector<Job>& out) {
    std::size_t n = 0;
    for (const auto& j : out) n += j.preemptible ? 1 : 0;
    return n;
  };
  CHECK(preemptible(run(many(1000), {rule("", h, h, 1.0, 0.0)}, 9)) == 0);
  CHECK(preemptible(run(many(1000), {rule("", h, h, 1.0, 1.0)}, 9)) == 1000);
  // share 0.5, preemptible_share 0.4: every preemptible job is flexible, and about
  // 1000 x 0.5 x 0.4 = 200 are (sd 12.6; +-60).
  const auto out = run(many(1000), {rule("", h, h, 0.5, 0.4)}, 9);
  std::size_t flexible = 0;
  for (const auto& j : out) {
    if (j.preemptible) CHECK(j.deadline);
    flexible += j.deadline ? 1 : 0;
  }
  const std::size_t n = preemptible(out);
  CHECK(n > 140);
  CHECK(n < 260);
  CHECK(n < flexible);
  // A job already preemptible stays so, flexible or not.
  std::vector<Job> jobs = many(10);
  for (auto& j : jobs) j.preemptible = true;
  CHECK(preemptible(run(jobs, {rule("", h, h, 0.0, 0.0)}, 9)) == 10);
}

TEST_CASE("same seed, same jobs; another seed, other jobs; draws stay aligned with job order",
          "[workloads][flexibility]") {
  const std::vector<FlexibilityRule> rules = {rule("", SimTime::zero(), SimTime::hours(12), 0.5, 0.5)};
  auto same = [](const std::vector<Job>& a, const std::vector<Job>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].deadline != b[i].deadline || a[i].preemptible != b[i].preemptible) return false;
    }
    return true;
  };
  const auto a = run(many(200), rules, 11);
  CHECK(same(a, run(many(200), rules, 11)));
  CHECK_FALSE(same(a, run(many(200), rules, 12)));
  // Each job's outcome is its own three documented draws (share, slack, preemptible), taken
  // whether the job turns out flexible or not.
  auto stream = simcore::RandomStreams(11).stream("flexibility");
  std::size_t flexible = 0;
  for (const auto& j : a) {
    const double u_share = stream.uniform01(), u_slack = stream.uniform01(), u_pre = stream.uniform01();
    const bool flex = u_share < 0.5;
    flexible += flex ? 1 : 0;
    REQUIRE(j.deadline.has_value() == flex);
    CHECK(j.preemptible == (flex && u_pre < 0.5));
    if (flex) {
      const std::int64_t span = SimTime::hours(12).us();
      CHECK((*j.deadline - j.submit - SimTime::hours(1)).us() ==
            static_cast<std::int64_t>(u_slack * (static_cast<double>(span) + 1.0)));
    }
  }
  CHECK(flexible > 0);
  CHECK(flexible < a.size());

  // Every job draws three uniforms whether or not a rule matches it: moving the odd jobs to a
  // queue no rule names leaves the even jobs' outcomes exactly as when every job matched.
  const std::vector<FlexibilityRule> batch_only = {rule("batch", SimTime::zero(), SimTime::hours(12), 0.5, 0.5)};
  const auto all_batch = run(many(200, "batch"), batch_only, 11);
  CHECK(same(a, all_batch));  // the same draws as the catch-all rule gave
  std::vector<Job> mixed = many(200, "batch");
  for (std::size_t i = 1; i < mixed.size(); i += 2) mixed[i].queue = "other";
  const auto b = run(mixed, batch_only, 11);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i % 2 == 0) {
      CHECK(b[i].deadline == a[i].deadline);
      CHECK(b[i].preemptible == a[i].preemptible);
    } else {
      CHECK_FALSE(b[i].deadline);
      CHECK_FALSE(b[i].preemptible);
    }
  }
}

TEST_CASE("bad rules are input errors naming the rule", "[workloads][flexibility]") {
  auto make = [](FlexibilityRule r) {
    FlexibilityFilter f(std::make_unique<workloads::VectorJobSource>(std::vector<Job>{}),
                        {rule("", SimTime::zero(), SimTime::zero(), 1.0, 0.0), r}, 1);
  };
  const SimTime h = SimTime::hours(1);
  try {
    make(rule("", SimTime::hours(2), h, 1.0, 0.0));
    FAIL("no error for slack_max < slack_min");
  } catch (const simcore::InputError& e) {
    CHECK(e.diagnostics().at(0).where == "workload.flexibility[1]");
  }
  CHECK_THROWS_AS(make(rule("", SimTime::zero() - h, h, 1.0, 0.0)), simcore::InputError);
  CHECK_THROWS_AS(make(rule("", h, h, 1.5, 0.0)), simcore::InputError);
  CHECK_THROWS_AS(make(rule("", h, h, 1.0, -0.1)), simcore::InputError);
  CHECK_NOTHROW(make(rule("", h, h, 1.0, 1.0)));
}

TEST_CASE("location() forwards to the source", "[workloads][flexibility]") {
  class Located final : public workloads::JobSource {
   public:
    std::optional<Job> next() override { return std::nullopt; }
    std::string location() const override { return "jobs.csv:3"; }
  };
  FlexibilityFilter f(std::make_unique<Located>(), {}, 1);
  CHECK(f.location() == "jobs.csv:3");
  CHECK_FALSE(f.next());
}
