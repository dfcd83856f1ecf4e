// The differential profile: shares per function old against new, per phase, and two-column folded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/report/profile_diff.hpp"

using namespace perfprobe::report;

namespace {

FunctionStat fn(const std::string& name, double self, double total) {
  FunctionStat f;
  f.name = name;
  f.self_pct = self;
  f.total_pct = total;
  return f;
}

}  // namespace

TEST(ProfileDiff, SharesGainedAndLostLargestFirstPerPhase) {
  ProfileReport o, n;
  o.samples = 1000;
  n.samples = 500;  // a shorter run: shares compare, counts would not
  o.functions = {fn("matmul", 60, 60), fn("load", 30, 30), fn("gone", 10, 10)};
  n.functions = {fn("matmul", 30, 30), fn("load", 35, 35), fn("softmax", 35, 35)};
  o.phases = {{"decode", 0, 1, 600, 60, {fn("matmul", 100, 100)}}};
  n.phases = {{"decode", 0, 1, 300, 60, {fn("matmul", 50, 50), fn("softmax", 50, 50)}}, {"only_new", 0, 1, 10, 2, {}}};
  const auto d = diff_profiles(o, n, 0);
  ASSERT_EQ(d.scopes.size(), 2U);  // the whole run and the phase both have
  const auto& all = d.scopes[0].functions;
  ASSERT_EQ(all.size(), 4U);
  EXPECT_EQ(all[0].name, "softmax");  // +35 pp
  EXPECT_DOUBLE_EQ(all[0].self_delta(), 35);
  EXPECT_EQ(all[1].name, "matmul");  // -30 pp
  EXPECT_DOUBLE_EQ(all[1].self_delta(), -30);
  EXPECT_EQ(d.scopes[1].name, "phase decode");
  EXPECT_DOUBLE_EQ(d.scopes[1].functions[0].self_delta(), -50);
  std::ostringstream text;
  write_profile_diff_text(text, d);
  EXPECT_NE(text.str().find("-30.0 pp"), std::string::npos) << text.str();
  const auto j = nlohmann::json::parse(profile_diff_to_json(d));
  EXPECT_EQ(j["scopes"][0]["functions"][0]["name"], "softmax");
  EXPECT_EQ(diff_profiles(o, n, 2).scopes[0].functions.size(), 2U);
}

TEST(ProfileDiff, FoldedHasBothCountsForEveryStack) {
  const std::string old_f = "main;load 10\nmain;matmul 30\n";
  const std::string new_f = "main;matmul 12\nmain;softmax 5\n";
  EXPECT_EQ(diff_folded(old_f, new_f), "main;load 10 0\nmain;matmul 30 12\nmain;softmax 0 5\n");
}
