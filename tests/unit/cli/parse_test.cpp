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
  define(app, options, args.size() > 1 ? args[1] : "");  // as main does
  parse(app, options, static_cast<int>(args.size()), args.data());
  finalize(app, options);
  return options;
}
}  // namespace

TEST(CliDefine, AFirstArgumentNamingASubcommandDefinesThatOneAlone) {
  const auto subcommands = [](std::string_view first) {
    Options options;
    CLI::App app;
    define(app, options, first);
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    return names;
  };
  EXPECT_EQ(subcommands("report"), (std::vector<std::string>{"report"}));
  EXPECT_EQ(subcommands("run"), (std::vector<std::string>{"run"}));
  EXPECT_TRUE(subcommands("--version").empty());
  EXPECT_TRUE(subcommands("-V").empty());
  // completions describes every subcommand; anything else may be a global option or a typo, whose
  // error and help name them all.
  for (const auto* first : {"completions", "", "--help", "--color", "reprot"}) {
    EXPECT_EQ(subcommands(first).size(), 10U) << first;
  }
}

TEST(CliDefine, ASubcommandAloneParsesAsItDoesAmongAllTheOthers) {
  const std::vector<const char*> args = {"perfprobe", "record", "-F", "499", "-o", "x.data", "--", "./llm"};
  Options alone;
  Options among;
  CLI::App app_alone;
  CLI::App app_among;
  define(app_alone, alone, "record");
  define(app_among, among);
  parse(app_alone, alone, static_cast<int>(args.size()), args.data());
  parse(app_among, among, static_cast<int>(args.size()), args.data());
  finalize(app_alone, alone);
  finalize(app_among, among);
  EXPECT_EQ(alone.command, Command::record);
  EXPECT_EQ(among.command, Command::record);
  EXPECT_EQ(alone.record.output, "x.data");
  EXPECT_EQ(alone.record.output, among.record.output);
  EXPECT_EQ(alone.record.sampling.frequency_hz, 499U);
  EXPECT_EQ(alone.record.sampling.frequency_hz, among.record.sampling.frequency_hz);
  EXPECT_EQ(alone.record.run.command, among.record.run.command);
}

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
