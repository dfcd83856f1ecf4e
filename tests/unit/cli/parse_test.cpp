// The CLI turns argv into a plain plan and rejects bad combinations.
#include <gtest/gtest.h>

#include "perfprobe/cli/define.hpp"
#include "perfprobe/error.hpp"

using namespace perfprobe::cli;

namespace {
Options parse_args(std::vector<const char*> args) {
  args.insert(args.begin(), "perfprobe");
  Options options;
  CLI::App app;
  define(app, options);
  parse(app, options, static_cast<int>(args.size()), args.data());
  finalize(app, options);
  return options;
}
}  // namespace

TEST(CliRun, EverythingAfterDoubleDashIsTheTarget) {
  const auto o = parse_args({"run", "-r", "3", "--", "./llm", "--prompt", "hi", "-r", "9"});
  EXPECT_EQ(o.command, Command::run);
  EXPECT_EQ(o.run.runs, 3);
  EXPECT_EQ(o.run.command, (std::vector<std::string>{"./llm", "--prompt", "hi", "-r", "9"}));
}

TEST(CliRun, EventListsAreSplitOnCommas) {
  const auto o = parse_args({"run", "-e", "cycles,instructions", "-e", "task-clock", "--", "true"});
  EXPECT_EQ(o.run.events, (std::vector<std::string>{"cycles", "instructions", "task-clock"}));
  EXPECT_THROW(parse_args({"run", "-e", "cycles,,x", "--", "true"}), perfprobe::UsageError);
}

TEST(CliRun, IntervalTakesUnits) {
  EXPECT_EQ(parse_args({"run", "-i", "20ms", "--", "true"}).run.interval_ns, 20'000'000);
  EXPECT_EQ(parse_args({"run", "-i", "0", "--", "true"}).run.interval_ns, 0);
  EXPECT_THROW(parse_args({"run", "-i", "10us", "--", "true"}), perfprobe::UsageError);
}

TEST(CliRun, ABareCommandWithoutOptionsNeedsNoDoubleDash) {
  EXPECT_EQ(parse_args({"run", "true"}).run.command, (std::vector<std::string>{"true"}));
  EXPECT_THROW(parse_args({"run", "sh", "-c", "x"}), perfprobe::UsageError);
  EXPECT_THROW(parse_args({"run"}), perfprobe::UsageError);
}

TEST(CliRun, ContradictoryOptionsAreRejected) {
  EXPECT_THROW(parse_args({"run", "--no-counters", "-e", "cycles", "--", "true"}), perfprobe::UsageError);
}

TEST(CliIntegers, AreDecimalOnly) {
  EXPECT_THROW(parse_args({"attach", "-p", "0x10"}), CLI::ParseError);
  EXPECT_THROW(parse_args({"run", "-r", "0x3", "--", "true"}), CLI::ParseError);
  EXPECT_THROW(parse_args({"run", "-r", "+3", "--", "true"}), CLI::ParseError);
  EXPECT_EQ(parse_args({"run", "-r", "010", "--", "true"}).run.runs, 10);  // never octal
  EXPECT_EQ(parse_args({"attach", "-p", "16", "--duration", "1s"}).attach.pid, 16);
}

TEST(CliLive, NoProgressTurnsTheLiveLineOffWhereItExists) {
  EXPECT_FALSE(parse_args({"run", "--", "true"}).run.no_progress);
  EXPECT_TRUE(parse_args({"run", "--no-progress", "--", "true"}).run.no_progress);
  EXPECT_TRUE(parse_args({"record", "--no-progress", "--", "true"}).record.run.no_progress);
  EXPECT_TRUE(parse_args({"check", "--no-progress", "--", "true"}).check.run.no_progress);
  EXPECT_TRUE(parse_args({"report", "--no-progress", "x.data"}).report.no_progress);
  EXPECT_TRUE(parse_args({"attach", "-p", "1", "--no-progress"}).attach.run.no_progress);
}
