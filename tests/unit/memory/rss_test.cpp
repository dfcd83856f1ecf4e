#include "perfprobe/memory/rss.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

using namespace perfprobe::memory;

TEST(ParseStatus, ReadsRssSplitInBytes) {
  const char* text =
      "Name:\tllm\nVmHWM:\t 2097628 kB\nVmRSS:\t 1573436 kB\nRssAnon:\t  524384 kB\nRssFile:\t 1049052 kB\n"
      "RssShmem:\t       0 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";
  const auto s = parse_status(text);
  EXPECT_EQ(s.rss_bytes, 1573436ULL * 1024);
  EXPECT_EQ(s.anon_bytes, 524384ULL * 1024);
  EXPECT_EQ(s.file_bytes, 1049052ULL * 1024);
  EXPECT_EQ(s.hwm_bytes, 2097628ULL * 1024);
  EXPECT_EQ(s.voluntary_ctxt_switches, 12U);
  EXPECT_EQ(s.nonvoluntary_ctxt_switches, 3U);
}

TEST(ParseStatus, MissingFieldsAreZero) { EXPECT_EQ(parse_status("Name:\tx\n").rss_bytes, 0U); }

TEST(RssSampler, SamplesThisProcess) {
  RssSampler sampler(getpid());
  const auto s = sampler.sample(5);
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->rss_bytes, 0U);
  EXPECT_EQ(s->t_ns, 5);
  EXPECT_GE(s->processes, 1U);
  EXPECT_GT(sampler.mean_cost_us(), 0);
}

TEST(ProcessTree, IncludesChildren) {
  const pid_t child = fork();
  if (child == 0) {
    usleep(500000);
    _exit(0);
  }
  usleep(20000);
  const auto tree = process_tree(getpid());
  EXPECT_NE(std::find(tree.begin(), tree.end(), child), tree.end());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}
