// Address spaces: own mappings first, a forked child sees its parent's, an exec starts afresh.
#include <gtest/gtest.h>

#include "symbols/address_map.hpp"
#include "symbols/unwinder.hpp"

namespace perfprobe::symbols {
namespace {

using sampling::Mapping;
using sampling::TaskEvent;

sampling::Profile profile() {
  sampling::Profile p;
  p.mappings.push_back(Mapping{0, 10, 0x1000, 0x1000, 0, "/parent", ""});
  p.mappings.push_back(Mapping{50, 10, 0x8000, 0x1000, 0, "/lib", ""});
  p.mappings.push_back(Mapping{200, 20, 0x1000, 0x1000, 0, "/child-after-exec", ""});
  p.tasks.push_back(TaskEvent{TaskEvent::Kind::fork, 100, 20, 20, 10, 10, "", false});
  p.tasks.push_back(TaskEvent{TaskEvent::Kind::comm, 190, 20, 20, 0, 0, "child", true});
  return p;
}

TEST(AddressMap, OwnMappingsCoverAddresses) {
  const auto p = profile();
  const AddressMap map(p);
  ASSERT_NE(map.find(10, 0x1800, 60), nullptr);
  EXPECT_EQ(map.find(10, 0x1800, 60)->path, "/parent");
  EXPECT_EQ(map.find(10, 0x8010, 60)->path, "/lib");
  EXPECT_EQ(map.find(10, 0x9000, 60), nullptr);
}

TEST(AddressMap, ForkedChildSeesParentUntilItExecs) {
  const auto p = profile();
  const AddressMap map(p);
  ASSERT_NE(map.find(20, 0x8010, 150), nullptr);
  EXPECT_EQ(map.find(20, 0x8010, 150)->path, "/lib");
  EXPECT_EQ(map.find(20, 0x1800, 250)->path, "/child-after-exec");
  EXPECT_EQ(map.find(20, 0x8010, 250), nullptr) << "the parent's libraries are gone after exec";
  EXPECT_EQ(map.visible(20, 250).size(), 1U);
}

// Between two change times every address of a process maps as it did: checked at each time, just
// before it and in between, for the parent and for the child that forked from it and then exec'd.
TEST(AddressMap, FindAnswersTheSameBetweenChangeTimes) {
  const auto p = profile();
  const AddressMap map(p);
  EXPECT_EQ(map.change_times(10), (std::vector<std::int64_t>{0, 50}));
  const auto times = map.change_times(20);
  EXPECT_EQ(times, (std::vector<std::int64_t>{0, 50, 190, 200}));
  for (const pid_t pid : {10, 20}) {
    for (std::size_t i = 0; i + 1 < times.size(); ++i) {
      for (const std::uint64_t addr : {0x1800ULL, 0x8010ULL}) {
        const auto* at_start = map.find(pid, addr, times[i]);
        EXPECT_EQ(map.find(pid, addr, (times[i] + times[i + 1]) / 2), at_start);
        EXPECT_EQ(map.find(pid, addr, times[i + 1] - 1), at_start);
      }
    }
  }
}

std::vector<std::uint64_t> splice_chains(const std::vector<std::uint64_t>& dwarf, const std::vector<std::uint64_t>& fp,
                                         bool prefer_dwarf) {
  // A buffer that held a longer chain before: splice_chains overwrites all of it.
  std::vector<std::uint64_t> out(9, 0x77);
  const bool differs = symbols::splice_chains(dwarf, fp, prefer_dwarf, out);
  EXPECT_EQ(differs, out != fp);
  return out;
}

TEST(SpliceChains, DwarfFramesUpToTheFirstSharedReturnAddress) {
  // The frame-pointer chain missed the caller (0x20) of a frameless leaf.
  EXPECT_EQ(splice_chains({0x10, 0x20, 0x30}, {0x10, 0x30, 0x40, 0x50}, false),
            (std::vector<std::uint64_t>{0x10, 0x20, 0x30, 0x40, 0x50}));
  // Same chains when the leaf had a frame.
  EXPECT_EQ(splice_chains({0x10, 0x30}, {0x10, 0x30, 0x40}, false), (std::vector<std::uint64_t>{0x10, 0x30, 0x40}));
  // A leaf the two chains disagree on (the helper checks what splice_chains says of the difference).
  EXPECT_EQ(splice_chains({0x11, 0x30}, {0x10, 0x30, 0x40}, false), (std::vector<std::uint64_t>{0x11, 0x30, 0x40}));
  // Nothing shared: the longer in fp mode, DWARF in dwarf mode (the fp chain is garbage there).
  EXPECT_EQ(splice_chains({0x10, 0x20}, {0x10, 0x99, 0x98}, false), (std::vector<std::uint64_t>{0x10, 0x99, 0x98}));
  EXPECT_EQ(splice_chains({0x10, 0x20}, {0x10, 0x99, 0x98}, true), (std::vector<std::uint64_t>{0x10, 0x20}));
  EXPECT_EQ(splice_chains({0x10}, {0x10, 0x30}, true), (std::vector<std::uint64_t>{0x10, 0x30}));
}

}  // namespace
}  // namespace perfprobe::symbols
