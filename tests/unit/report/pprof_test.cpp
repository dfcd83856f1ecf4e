// report --pprof's message decoded with protozero's reader: string table, sample types, locations
// with inlined frames as several lines, mappings with build-ids, phase/thread labels, gzip framing.
#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <protozero/pbf_message.hpp>
#include <protozero/pbf_reader.hpp>

#include "perfprobe/report/pprof.hpp"

namespace perfprobe::report {
namespace {

// frames: 0 main, 1 work, 2 step (inlined into work), 3 libc memcpy (no line info)
ResolvedProfile make_profile() {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frequency_hz = 1000;
  p.call_graph = "fp";
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"work", "m.c", 20, "/bin/m", 0x200, false},
              {"step", "m.h", 5, "/bin/m", 0x200, true},
              {"memcpy", "", 0, "/a/libc.so.6", 0x9000, false}};
  for (int i = 0; i < 3; ++i)
    p.samples.push_back({i * 1'000'000, 7, 7, p.add_stack({2, 1, 0})});  // decode, main thread
  p.samples.push_back({50'000'000, 7, 8, p.add_stack({3, 1, 0})});       // no phase, worker
  p.thread_names = {{7, "m"}, {8, "worker"}};
  p.modules = {{"/bin/m", "abcdef01", true, true, "", false, 4}, {"/a/libc.so.6", "1234", true, false, "", false, 1}};
  return p;
}

struct Label {
  std::string key, str;
  std::int64_t num = 0;
};
struct Sample {
  std::vector<std::uint64_t> locations;
  std::vector<std::int64_t> values;
  std::vector<Label> labels;
};
struct Location {
  std::uint64_t mapping = 0, address = 0;
  std::vector<std::pair<std::uint64_t, std::int64_t>> lines;  // function id, line
};
struct Mapping {
  std::uint64_t start = 0, limit = 0;
  std::string file, build_id;
  bool has_functions = false, has_lines = false;
};
struct Decoded {
  std::vector<std::string> strings;
  std::vector<std::pair<std::int64_t, std::int64_t>> sample_types;
  std::vector<Sample> samples;
  std::map<std::uint64_t, Location> locations;
  std::map<std::uint64_t, Mapping> mappings;
  std::vector<std::uint64_t> mapping_order;                                  // ids as they appear in the message
  std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> functions;  // name, file
  std::int64_t period = 0, time_nanos = 0, duration = 0, default_type = 0;
  std::vector<std::int64_t> comments;
};

Sample decode_sample(protozero::pbf_reader r) {
  Sample s;
  while (r.next()) {
    if (r.tag() == 1) {
      for (const auto v : r.get_packed_uint64()) s.locations.push_back(v);
    } else if (r.tag() == 2) {
      for (const auto v : r.get_packed_int64()) s.values.push_back(v);
    } else if (r.tag() == 3) {
      auto l = r.get_message();
      Label label;
      std::int64_t key = 0, str = 0;
      while (l.next()) {
        if (l.tag() == 1)
          key = l.get_int64();
        else if (l.tag() == 2)
          str = l.get_int64();
        else if (l.tag() == 3)
          label.num = l.get_int64();
        else
          l.skip();
      }
      label.key = std::to_string(key);  // resolved through the string table later
      label.str = std::to_string(str);
      s.labels.push_back(label);
    } else {
      r.skip();
    }
  }
  return s;
}

Location decode_location(protozero::pbf_reader r, std::uint64_t& id) {
  Location loc;
  while (r.next()) {
    switch (r.tag()) {
      case 1:
        id = r.get_uint64();
        break;
      case 2:
        loc.mapping = r.get_uint64();
        break;
      case 3:
        loc.address = r.get_uint64();
        break;
      case 4: {
        auto l = r.get_message();
        std::uint64_t fn = 0;
        std::int64_t line = 0;
        while (l.next()) {
          if (l.tag() == 1)
            fn = l.get_uint64();
          else if (l.tag() == 2)
            line = l.get_int64();
          else
            l.skip();
        }
        loc.lines.emplace_back(fn, line);
        break;
      }
      default:
        r.skip();
    }
  }
  return loc;
}

Mapping decode_mapping(protozero::pbf_reader r, std::uint64_t& id, std::int64_t& file, std::int64_t& build_id) {
  Mapping m;
  while (r.next()) {
    switch (r.tag()) {
      case 1:
        id = r.get_uint64();
        break;
      case 2:
        m.start = r.get_uint64();
        break;
      case 3:
        m.limit = r.get_uint64();
        break;
      case 5:
        file = r.get_int64();
        break;
      case 6:
        build_id = r.get_int64();
        break;
      case 7:
        m.has_functions = r.get_bool();
        break;
      case 9:
        m.has_lines = r.get_bool();
        break;
      default:
        r.skip();
    }
  }
  return m;
}

Decoded decode(const std::string& bytes) {
  Decoded d;
  std::vector<std::pair<std::uint64_t, std::pair<std::int64_t, std::int64_t>>> mapping_strings;
  protozero::pbf_reader r{bytes};
  while (r.next()) {
    switch (r.tag()) {
      case 1: {
        auto vt = r.get_message();
        std::int64_t type = 0, unit = 0;
        while (vt.next()) {
          if (vt.tag() == 1)
            type = vt.get_int64();
          else if (vt.tag() == 2)
            unit = vt.get_int64();
          else
            vt.skip();
        }
        d.sample_types.emplace_back(type, unit);
        break;
      }
      case 2:
        d.samples.push_back(decode_sample(r.get_message()));
        break;
      case 3: {
        std::uint64_t id = 0;
        std::int64_t file = 0, build_id = 0;
        const auto m = decode_mapping(r.get_message(), id, file, build_id);
        d.mappings[id] = m;
        d.mapping_order.push_back(id);
        mapping_strings.push_back({id, {file, build_id}});
        break;
      }
      case 4: {
        std::uint64_t id = 0;
        const auto loc = decode_location(r.get_message(), id);
        d.locations[id] = loc;
        break;
      }
      case 5: {
        auto f = r.get_message();
        std::uint64_t id = 0;
        std::int64_t name = 0, file = 0;
        while (f.next()) {
          if (f.tag() == 1)
            id = f.get_uint64();
          else if (f.tag() == 2)
            name = f.get_int64();
          else if (f.tag() == 4)
            file = f.get_int64();
          else
            f.skip();
        }
        d.functions[id] = {name, file};
        break;
      }
      case 6:
        d.strings.push_back(r.get_string());
        break;
      case 9:
        d.time_nanos = r.get_int64();
        break;
      case 10:
        d.duration = r.get_int64();
        break;
      case 12:
        d.period = r.get_int64();
        break;
      case 13:
        d.comments.push_back(r.get_int64());
        break;
      case 14:
        d.default_type = r.get_int64();
        break;
      default:
        r.skip();
    }
  }
  for (const auto& [id, fb] : mapping_strings) {
    d.mappings[id].file = d.strings.at(static_cast<std::size_t>(fb.first));
    d.mappings[id].build_id = d.strings.at(static_cast<std::size_t>(fb.second));
  }
  for (auto& s : d.samples) {
    for (auto& l : s.labels) {
      l.key = d.strings.at(std::stoul(l.key));
      l.str = d.strings.at(std::stoul(l.str));
    }
  }
  return d;
}

std::string fn_name(const Decoded& d, std::uint64_t id) {
  return d.strings.at(static_cast<std::size_t>(d.functions.at(id).first));
}

std::vector<std::string> label_values(const Sample& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& l : s.labels) {
    if (l.key == key) out.push_back(l.num != 0 ? std::to_string(l.num) : l.str);
  }
  return out;
}

const std::vector<PhaseResult> kPhases{{"decode", 0, 10'000'000, 0, 0, 0, {}}};
const PprofMeta kMeta{{"./m", "--fast"}, "perfprobe 0.1.0", 1'700'000'000'000'000'000, 60'000'000};

TEST(Pprof, StringTableStartsEmptyAndTypesAreSamplesAndCpu) {
  const auto d = decode(to_pprof(make_profile(), kPhases, kMeta));
  ASSERT_FALSE(d.strings.empty());
  EXPECT_EQ(d.strings[0], "");
  ASSERT_EQ(d.sample_types.size(), 2U);
  EXPECT_EQ(d.strings.at(static_cast<std::size_t>(d.sample_types[0].first)), "samples");
  EXPECT_EQ(d.strings.at(static_cast<std::size_t>(d.sample_types[1].first)), "cpu");
  EXPECT_EQ(d.strings.at(static_cast<std::size_t>(d.sample_types[1].second)), "nanoseconds");
  EXPECT_EQ(d.strings.at(static_cast<std::size_t>(d.default_type)), "cpu");
  EXPECT_EQ(d.period, 1'000'000) << "1 kHz: 1 ms of CPU per sample";
  EXPECT_EQ(d.time_nanos, kMeta.time_unix_ns);
  EXPECT_EQ(d.duration, 60'000'000);
  bool command = false;
  for (const auto c : d.comments) command |= d.strings.at(static_cast<std::size_t>(c)) == "command: ./m --fast";
  EXPECT_TRUE(command);
}

TEST(Pprof, IdenticalSamplesMergeAndValuesSum) {
  const auto d = decode(to_pprof(make_profile(), kPhases, kMeta));
  ASSERT_EQ(d.samples.size(), 2U) << "3 identical samples + 1 other";
  std::int64_t samples = 0, cpu = 0;
  for (const auto& s : d.samples) {
    ASSERT_EQ(s.values.size(), 2U);
    samples += s.values[0];
    cpu += s.values[1];
  }
  EXPECT_EQ(samples, 4);
  EXPECT_EQ(cpu, 4'000'000);
}

TEST(Pprof, InlinedFramesAreLinesOfOneLocationInnermostFirst) {
  const auto d = decode(to_pprof(make_profile(), kPhases, kMeta));
  const Sample* decode_sample = nullptr;
  for (const auto& s : d.samples) {
    if (s.values[0] == 3) decode_sample = &s;
  }
  ASSERT_NE(decode_sample, nullptr);
  ASSERT_EQ(decode_sample->locations.size(), 2U) << "step+work share one location; main is the other";
  const Location& leaf = d.locations.at(decode_sample->locations[0]);
  ASSERT_EQ(leaf.lines.size(), 2U);
  EXPECT_EQ(fn_name(d, leaf.lines[0].first), "step");
  EXPECT_EQ(leaf.lines[0].second, 5);
  EXPECT_EQ(fn_name(d, leaf.lines[1].first), "work");
  EXPECT_EQ(leaf.lines[1].second, 20);
  EXPECT_EQ(leaf.address, 0x200U);
  const Location& root = d.locations.at(decode_sample->locations[1]);
  ASSERT_EQ(root.lines.size(), 1U);
  EXPECT_EQ(fn_name(d, root.lines[0].first), "main");
  EXPECT_EQ(d.strings.at(static_cast<std::size_t>(d.functions.at(root.lines[0].first).second)), "m.c");
}

TEST(Pprof, MappingsCarryBuildIdsAndWhatIsSymbolized) {
  const auto d = decode(to_pprof(make_profile(), kPhases, kMeta));
  ASSERT_EQ(d.mappings.size(), 2U);
  std::map<std::string, Mapping> by_file;
  for (const auto& [id, m] : d.mappings) by_file[m.file] = m;
  EXPECT_EQ(by_file.at("/bin/m").build_id, "abcdef01");
  EXPECT_TRUE(by_file.at("/bin/m").has_lines);
  EXPECT_EQ(by_file.at("/a/libc.so.6").build_id, "1234");
  EXPECT_TRUE(by_file.at("/a/libc.so.6").has_functions);
  EXPECT_FALSE(by_file.at("/a/libc.so.6").has_lines);
  EXPECT_GT(by_file.at("/a/libc.so.6").limit, 0x9000U) << "the mapping covers its addresses";
  for (const auto& [id, loc] : d.locations) EXPECT_TRUE(d.mappings.contains(loc.mapping));
  EXPECT_EQ(d.mappings.at(d.mapping_order.front()).file, "/bin/m") << "pprof takes the first mapping for the program";
}

TEST(Pprof, PhaseAndThreadLabels) {
  const auto d = decode(to_pprof(make_profile(), kPhases, kMeta));
  for (const auto& s : d.samples) {
    if (s.values[0] == 3) {
      EXPECT_EQ(label_values(s, "phase"), std::vector<std::string>{"decode"});
      EXPECT_EQ(label_values(s, "thread"), std::vector<std::string>{"m"});
      EXPECT_EQ(label_values(s, "tid"), std::vector<std::string>{"7"});
    } else {
      EXPECT_TRUE(label_values(s, "phase").empty()) << "the worker sample is after every phase";
      EXPECT_EQ(label_values(s, "thread"), std::vector<std::string>{"worker"});
      EXPECT_EQ(label_values(s, "pid"), std::vector<std::string>{"7"});
    }
  }
}

TEST(Pprof, GzipRoundTripsThroughZlib) {
  const std::string message = to_pprof(make_profile(), kPhases, kMeta);
  const std::string gz = gzip(message);
  ASSERT_GE(gz.size(), 2U);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1fU);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8bU);
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string back(message.size() + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(back.data());
  z.avail_out = static_cast<uInt>(back.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  back.resize(z.total_out);
  inflateEnd(&z);
  EXPECT_EQ(back, message);
}

}  // namespace
}  // namespace perfprobe::report
