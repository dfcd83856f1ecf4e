// `perfprobe events`: which events this machine and user can count, honestly.
#include <gtest/gtest.h>

#include "integration/harness.hpp"

using harness::perfprobe;

TEST(EventsCli, JsonListsEveryDefaultEventWithSupportOrReason) {
  const auto r = harness::run({perfprobe(), "events", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  bool saw_task_clock = false;
  for (const auto& e : j) {
    ASSERT_TRUE(e.contains("name"));
    if (e["supported"].get<bool>()) {
      EXPECT_TRUE(e.contains("scope"));
    } else {
      EXPECT_FALSE(e["reason"].get<std::string>().empty()) << e["name"];
    }
    if (e["name"] == "task-clock") saw_task_clock = e["supported"].get<bool>();
  }
  EXPECT_TRUE(saw_task_clock);
}

TEST(EventsCli, TableGoesToStdout) {
  const auto r = harness::run({perfprobe(), "events"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("task-clock"), std::string::npos);
  EXPECT_NE(r.out.find("page-faults"), std::string::npos);
}
