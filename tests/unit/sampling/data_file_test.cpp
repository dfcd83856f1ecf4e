// The data file: what is written is read back, a cut file or a foreign one is refused clearly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "perfprobe/error.hpp"
#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "sampling/sample_chunk.hpp"

namespace perfprobe::sampling {
namespace {

RecordData sample_data() {
  RecordData d;
  d.tool = "perfprobe test";
  d.command = {"/bin/true", "x"};
  d.kernel = "6.18";
  d.t0_mono_ns = 123456789;
  d.run.exit_code = 3;
  d.run.signal = 9;
  d.run.wall_ns = 5'000'000;
  CounterReading c;
  c.name = "task-clock";
  c.supported = true;
  c.raw = 42;
  c.value = 42.5;
  c.unit = "ns";
  c.hardware = true;
  d.run.counters.push_back(c);
  d.run.rss.push_back(RssSample{1, 2, 3, 4, 5, 6});
  Event e;
  e.t_ns = 77;
  e.kind = EventKind::token;
  e.name = "llm:token";
  e.args = {1, -2};
  e.values = {{"a", 1.5}};
  d.run.events.push_back(e);
  d.run.phases.push_back(PhaseResult{"load", 10, 20, 1, 2, 3, {c}});
  TokenStats t;
  t.count = 3;
  t.ttft_ns = 11;
  t.latency_ms = {1.0, 2.0};
  t.stalls.push_back({1, 2, 3.0});
  d.run.tokens = t;
  d.run.marker_counts["mark:x"] = 4;
  d.run.markers_dropped = 2;
  d.run.tokens->per_token["task_clock_ms"] = 0.5;
  d.profile.config.event = "cpu-clock";
  d.profile.config.frequency_hz = 999;
  d.profile.config.call_graph = CallGraph::dwarf;
  d.profile.lost_samples = 8;
  Sample s;
  s.t_ns = 5;
  s.pid = 100;
  s.tid = 101;
  s.callchain = {1, 2, 3};
  s.sp = 0x7ff0;
  s.stack = {1, 2, 3, 4};
  d.profile.samples.push_back(s);
  d.profile.mappings.push_back(Mapping{0, 100, 0x1000, 0x2000, 0x1000, "/bin/true", "abcd"});
  d.profile.tasks.push_back(TaskEvent{TaskEvent::Kind::comm, 0, 100, 101, 0, 0, "true", true});
  return d;
}

TEST(DataFile, RoundTripKeepsRunAndProfile) {
  const RecordData in = sample_data();
  const RecordData out = decode_data(encode_data(in), "x");
  EXPECT_EQ(out.command, in.command);
  EXPECT_EQ(out.kernel, "6.18");
  EXPECT_EQ(out.t0_mono_ns, in.t0_mono_ns);
  EXPECT_EQ(out.run.exit_code, 3);
  EXPECT_EQ(out.run.signal, 9);
  EXPECT_EQ(out.run.counters.at(0).value, 42.5);
  EXPECT_TRUE(out.run.counters.at(0).hardware);
  EXPECT_EQ(out.run.rss.at(0).processes, 6U);
  EXPECT_EQ(out.run.events.at(0).kind, EventKind::token);
  EXPECT_EQ(out.run.events.at(0).args, (std::vector<std::int64_t>{1, -2}));
  EXPECT_EQ(out.run.events.at(0).values.at(0).second, 1.5);
  EXPECT_EQ(out.run.phases.at(0).name, "load");
  EXPECT_EQ(out.run.phases.at(0).counters.at(0).raw, 42U);
  ASSERT_TRUE(out.run.tokens.has_value());
  EXPECT_EQ(out.run.tokens->ttft_ns, 11);
  EXPECT_EQ(out.run.tokens->stalls.at(0).latency_ms, 3.0);
  EXPECT_EQ(out.run.marker_counts.at("mark:x"), 4U);
  EXPECT_EQ(out.run.markers_dropped, 2U);
  EXPECT_EQ(out.run.tokens->per_token.at("task_clock_ms"), 0.5);
  EXPECT_EQ(out.profile.config.call_graph, CallGraph::dwarf);
  EXPECT_EQ(out.profile.lost_samples, 8U);
  EXPECT_EQ(out.profile.samples.at(0).callchain, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(out.profile.samples.at(0).stack, (std::vector<std::uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(out.profile.mappings.at(0).build_id, "abcd");
  EXPECT_EQ(out.profile.tasks.at(0).comm, "true");
}

// The data file carries every catalogue metric: `report` on a recording shows what `run` showed.
TEST(DataFile, EveryCatalogueMetricSurvivesTheRoundTrip) {
  RecordData in = sample_data();
  in.run.user_ns = 1'500'000;
  in.run.sys_ns = 700'000;
  in.run.peak_rss_bytes = 3 << 20;
  in.run.peak_tree_rss_bytes = 4 << 20;
  in.run.startup_ns = 9'000'000;
  in.run.tokens->tokens_per_s = 25.5;
  in.run.tokens->per_token["cpu_ms"] = 0.25;
  const RecordData out = decode_data(encode_data(in), "x");
  const auto before = metrics::samples_of({in.run});
  EXPECT_EQ(metrics::samples_of({out.run}), before);
  for (const auto& m : metrics::catalogue()) {
    if (m.family != metrics::Family::run) continue;
    const std::string key = metrics::MetricId{&m, ""}.key();
    EXPECT_TRUE(before.count(key) == 1) << key << " is not exercised by this test";
  }
}

TEST(DataFile, CutFileIsRefusedWithAReason) {
  const std::string bytes = encode_data(sample_data());
  for (const std::size_t keep : {bytes.size() - 1, bytes.size() / 2, std::size_t{13}}) {
    try {
      (void)decode_data(std::string_view(bytes).substr(0, keep), "cut.data");
      FAIL() << "accepted a file cut at " << keep;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("cut.data"), std::string::npos);
    }
  }
}

TEST(DataFile, ForeignFileAndOtherVersionAreRefused) {
  EXPECT_THROW((void)decode_data("{\"json\": true}", "x"), UsageError);
  std::string bytes = encode_data(sample_data());
  bytes[8] = 99;  // version
  try {
    (void)decode_data(bytes, "x");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("version 99"), std::string::npos);
  }
}

Sample big_sample(std::int64_t t) {
  Sample s;
  s.t_ns = t;
  s.pid = 1;
  s.tid = 2;
  s.callchain.assign(20, static_cast<std::uint64_t>(t) * 16);
  s.sp = 0x7000;
  s.stack.assign(512, static_cast<std::uint8_t>(t));
  return s;
}

TEST(DataFile, SamplesReachTheOutputBeforeTheRecordingEnds) {
  std::size_t written = 0;
  DataWriter w([&](std::string_view b) { written += b.size(); });
  const std::size_t header = written;
  for (int i = 0; i < 5000; ++i) w.add(big_sample(i));  // ~3 MB of samples before compression
  EXPECT_GT(written, header) << "samples were held in memory instead of streamed";
  EXPECT_EQ(w.samples(), 5000U);
}

TEST(DataFile, ChunksReadBackInTimeOrder) {
  std::string bytes;
  DataWriter w([&](std::string_view b) { bytes.append(b); });
  // Two rings drained in turn: each in time order, not both together.
  for (std::int64_t round = 0; round < 3000; ++round) {
    w.add(big_sample(2 * round + 1));
    w.add(big_sample(2 * round));
  }
  w.finish(sample_data());
  const RecordData out = decode_data(bytes, "x");
  ASSERT_EQ(out.profile.samples.size(), 6001U);  // sample_data() has one at t 5
  for (std::size_t i = 1; i < out.profile.samples.size(); ++i) {
    EXPECT_LE(out.profile.samples[i - 1].t_ns, out.profile.samples[i].t_ns);
  }
  EXPECT_EQ(out.profile.samples.back().stack.size(), 512U);
  EXPECT_LT(bytes.size(), 6001U * 100) << "repetitive samples must compress";
}

TEST(DataFile, CorruptSampleChunkIsRefused) {
  std::string bytes = encode_data(sample_data());
  const auto at = bytes.find("SMPZ");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 4 + 8 + 8 + 6] ^= 0x55;  // inside the zstd frame
  EXPECT_THROW((void)decode_data(bytes, "x"), UsageError);
}

TEST(DataFile, OffCpuRecordsRoundTrip) {
  RecordData d = sample_data();
  d.profile.off_cpu = {true, "sched_switch", true, true, 9'000'000};
  d.profile.lost_waits = 3;
  d.profile.switches = {{20, 100, 101, false, false}, {10, 100, 101, true, true}};
  WaitSample w;
  w.kind = WaitSample::Kind::major_fault;
  w.state = WaitState::disk;
  w.sample.t_ns = 15;
  w.sample.tid = 101;
  w.sample.callchain = {7, 8};
  d.profile.waits = {w};
  d.profile.window_states = {{100, 102, 'S', 'D'}};
  const RecordData back = decode_data(encode_data(d), "x.data");
  ASSERT_EQ(back.profile.window_states.size(), 1U);
  EXPECT_EQ(back.profile.window_states[0].tid, 102);
  EXPECT_EQ(back.profile.window_states[0].start, 'S');
  EXPECT_EQ(back.profile.window_states[0].end, 'D');
  EXPECT_TRUE(back.profile.off_cpu.switches);
  EXPECT_EQ(back.profile.off_cpu.mechanism, "sched_switch");
  EXPECT_TRUE(back.profile.off_cpu.states);
  EXPECT_TRUE(back.profile.off_cpu.major_faults);
  EXPECT_EQ(back.profile.off_cpu.end_ns, 9'000'000);
  EXPECT_EQ(back.profile.lost_waits, 3U);
  ASSERT_EQ(back.profile.switches.size(), 2U);
  EXPECT_EQ(back.profile.switches[0].t_ns, 10);  // read back in time order
  EXPECT_TRUE(back.profile.switches[0].out);
  EXPECT_TRUE(back.profile.switches[0].preempted);
  EXPECT_EQ(back.profile.switches[1].tid, 101);
  ASSERT_EQ(back.profile.waits.size(), 1U);
  EXPECT_EQ(back.profile.waits[0].kind, WaitSample::Kind::major_fault);
  EXPECT_EQ(back.profile.waits[0].state, WaitState::disk);
  EXPECT_EQ(back.profile.waits[0].sample.callchain, (std::vector<std::uint64_t>{7, 8}));
  EXPECT_EQ(back.profile.samples.size(), 1U);
}

TEST(DataFile, WithoutOffCpuSectionsNothingIsClaimed) {
  const RecordData back = decode_data(encode_data(sample_data()), "x.data");
  EXPECT_FALSE(back.profile.off_cpu.switches);  // an older file, or --off-cpu none
  EXPECT_TRUE(back.profile.switches.empty());
  EXPECT_TRUE(back.profile.waits.empty());
}

}  // namespace
}  // namespace perfprobe::sampling

namespace perfprobe::sampling {
namespace {

// The reader hands over every sample of every chunk once, in file order, through one reused Sample
// (each with its own stack bytes, none left over from a longer one before it), and holds everything
// else without the samples; a corrupt chunk is refused when the reader reaches it.
TEST(DataFileReader, HandsOverEverySampleOnceWithoutKeepingThem) {
  std::string bytes;
  DataWriter w([&](std::string_view b) { bytes.append(b); });
  for (int i = 0; i < 5000; ++i) {
    Sample s = big_sample(i);
    s.stack.resize(i % 2 == 0 ? 512 : 16);
    w.add(s);
  }
  w.finish(sample_data());
  const DataFileReader reader(bytes, "x");
  EXPECT_TRUE(reader.data().profile.samples.empty());
  EXPECT_EQ(reader.data().profile.mappings.size(), 1U);
  EXPECT_EQ(reader.data().run.exit_code, 3);
  EXPECT_EQ(reader.sample_count(), 5001U);
  std::vector<std::int64_t> times;
  bool sizes_right = true;
  reader.for_each_sample([&](const Sample& s) {
    times.push_back(s.t_ns);
    if (s.t_ns != 5) sizes_right = sizes_right && s.stack.size() == (s.t_ns % 2 == 0 ? 512U : 16U);
  });
  ASSERT_EQ(times.size(), 5001U);
  EXPECT_TRUE(sizes_right);
  EXPECT_EQ(times.front(), 0);  // file order: the streamed samples first, sample_data()'s own last
  EXPECT_EQ(times.back(), 5);

  std::string corrupt = encode_data(sample_data());
  corrupt[corrupt.find("SMPZ") + 4 + 8 + 8 + 6] ^= 0x55;
  const DataFileReader damaged(corrupt, "x");  // the other sections are fine
  EXPECT_THROW(damaged.for_each_sample([](const Sample&) {}), UsageError);
}

}  // namespace
}  // namespace perfprobe::sampling

namespace perfprobe::sampling {
namespace {

// A thread's samples in a loop: the same 8 KiB copy from the same sp but for a counter near sp, and
// now and then a deeper call (sp lower, the top the same); a second thread interleaved.
std::vector<Sample> loop_samples(int n) {
  std::vector<Sample> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Sample s;
    s.t_ns = i;
    s.pid = 1;
    s.tid = i % 3 == 2 ? 3 : 2;
    const std::size_t size = i % 7 == 0 ? 8192 + 96 : 8192;
    const std::uint64_t top = s.tid == 2 ? 0x7fff0000 : 0x7ffe0000;
    s.sp = top - size;
    s.stack.resize(size);
    for (std::size_t k = 0; k < size; ++k)
      s.stack[k] = static_cast<std::uint8_t>((top - size + k) * 7 + static_cast<std::uint64_t>(s.tid));
    s.stack[0] = static_cast<std::uint8_t>(i);  // the loop's counter
    if (i % 11 == 0) s.stack.clear();           // no copy at all
    out.push_back(std::move(s));
  }
  return out;
}

// The decompressed size a file's first chunk with `tag` states.
std::uint32_t raw_size_of_first(const std::string& bytes, const char* tag) {
  const auto at = bytes.find(tag);
  std::uint32_t raw = 0;
  std::memcpy(&raw, bytes.data() + at + 4 + 8 + 4, 4);
  return raw;
}

TEST(DataFile, StackCopiesStoreWhatTheThreadsPreviousSampleDidNotHold) {
  const auto in = loop_samples(600);
  std::string bytes;
  DataWriter w([&](std::string_view b) { bytes.append(b); });
  for (const auto& s : in) w.add(s);
  RecordData d = sample_data();
  d.profile.samples.clear();
  w.finish(d);
  // Whole copies would be ~4.9 MB; the threads' shared tops are stored once each in the chunk.
  EXPECT_LT(raw_size_of_first(bytes, "SMPZ"), 600U * 200);
  const DataFileReader reader(bytes, "x");
  std::size_t i = 0;
  bool same = true;
  reader.for_each_sample([&](const Sample& s) {
    same = same && i < in.size() && s.stack == in[i].stack && s.sp == in[i].sp && s.tid == in[i].tid;
    ++i;
  });
  EXPECT_EQ(i, in.size());
  EXPECT_TRUE(same) << "a stack copy came back different";
}

TEST(DataFile, WaitSamplesStackCopiesRoundTripAsDeltas) {
  RecordData d = sample_data();
  d.profile.off_cpu.switches = true;
  for (auto& s : loop_samples(300)) {
    WaitSample w;
    w.sample = std::move(s);
    d.profile.waits.push_back(std::move(w));
  }
  const auto in = d.profile.waits;
  const std::string bytes = encode_data(d);
  EXPECT_LT(raw_size_of_first(bytes, "WAIZ"), 300U * 200);
  const RecordData back = decode_data(bytes, "x");
  ASSERT_EQ(back.profile.waits.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(back.profile.waits[i].sample.stack, in[i].sample.stack) << i;
  }
}

// A sample as versions 1 and 2 wrote it (docs/record.md): the whole copy after the registers.
void encode_v2_head(ByteWriter& w, const Sample& s) {
  w.put<std::int64_t>(s.t_ns);
  w.put<std::int32_t>(s.pid);
  w.put<std::int32_t>(s.tid);
  w.put<std::uint32_t>(s.cpu);
  w.put<std::uint64_t>(s.period);
  w.put<std::uint16_t>(static_cast<std::uint16_t>(s.callchain.size()));
  for (const auto ip : s.callchain) w.put<std::uint64_t>(ip);
  for (const auto r : {s.bp, s.sp, s.ip}) w.put<std::uint64_t>(r);
}
void encode_sample(ByteWriter& w, const Sample& s) {
  encode_v2_head(w, s);
  w.put_bytes(s.stack);
}
void encode_wait(ByteWriter& w, const WaitSample& s) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.kind));
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.state));
  encode_sample(w, s.sample);
}

// Version 2 (before the deltas): every sample and wait with its whole copy. Still read.
TEST(DataFile, Version2FilesStillRead) {
  const auto in = loop_samples(50);
  ByteWriter samples, waits;
  for (const auto& s : in) encode_sample(samples, s);
  WaitSample wait;
  wait.sample = in[3];
  encode_wait(waits, wait);
  ChunkCompressor c;
  std::string bytes(kDataMagic, sizeof kDataMagic);
  ByteWriter out;
  out.put<std::uint32_t>(2);
  const auto section = [&out](const char* tag, const std::string& body) {
    out.bytes().append(tag, 4);
    out.put<std::uint64_t>(body.size());
    out.bytes().append(body);
  };
  const auto chunk = [&c](std::uint32_t n, const std::string& raw) {
    ByteWriter b;
    b.put<std::uint32_t>(n);
    b.put<std::uint32_t>(static_cast<std::uint32_t>(raw.size()));
    b.bytes().append(c.compress(raw));
    return b.bytes();
  };
  section("SMPZ", chunk(50, samples.bytes()));
  section("WAIZ", chunk(1, waits.bytes()));
  section("END ", "");
  bytes += out.bytes();
  const RecordData back = decode_data(bytes, "v2.data");
  ASSERT_EQ(back.profile.samples.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(back.profile.samples[i].stack, in[i].stack) << i;
  ASSERT_EQ(back.profile.waits.size(), 1U);
  EXPECT_EQ(back.profile.waits[0].sample.stack, in[3].stack);
}

// A sample that claims a shared top its thread's previous sample in the chunk did not have (none
// before it, another top, more bytes than it held) makes the chunk malformed.
TEST(DataFile, ASharedTopThatWasNotThereIsRefused) {
  const Sample first = loop_samples(2)[1];  // thread 2, an 8 KiB copy
  for (const std::uint32_t shared : {std::uint32_t{16}, std::uint32_t{9000}}) {
    for (const bool with_previous : {false, true}) {
      ByteWriter raw;
      SampleEncoder enc;
      std::uint32_t n = 1;
      if (with_previous) {
        enc.encode(raw, first);
        ++n;
      }
      Sample s = first;
      s.sp -= 16;  // another top than the previous sample's
      s.stack.resize(s.stack.size() + 8);
      // The v3 layout by hand: the head, then size, shared, fresh bytes.
      encode_v2_head(raw, s);
      raw.put<std::uint32_t>(static_cast<std::uint32_t>(s.stack.size()));
      raw.put<std::uint32_t>(shared);
      raw.bytes().append(s.stack.size() - std::min<std::size_t>(shared, s.stack.size()), '\0');
      ChunkCompressor c;
      ByteWriter body;
      body.put<std::uint32_t>(n);
      body.put<std::uint32_t>(static_cast<std::uint32_t>(raw.bytes().size()));
      body.bytes().append(c.compress(raw.bytes()));
      RecordData d = sample_data();
      d.profile.samples.clear();
      std::string file = encode_data(d);
      std::string section("SMPZ", 4);
      ByteWriter len;
      len.put<std::uint64_t>(body.bytes().size());
      section += len.bytes() + body.bytes();
      file.insert(12, section);
      const DataFileReader reader(file, "x");
      EXPECT_THROW(reader.for_each_sample([](const Sample&) {}), UsageError) << shared << " " << with_previous;
    }
  }
}

}  // namespace
}  // namespace perfprobe::sampling

namespace perfprobe::sampling {
namespace {

// The reader reads the waits (in file order) once, keeps them without their call chains and
// copies, and hands each one's full sample over as it adds it, with its index among them.
TEST(DataFileReader, WaitsAreHeldWithoutTheirCopiesAndHandedOverOnce) {
  RecordData d = sample_data();
  d.profile.off_cpu.switches = true;
  auto samples = loop_samples(400);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    WaitSample w;
    w.kind = i % 5 == 0 ? WaitSample::Kind::major_fault : WaitSample::Kind::switch_out;
    w.sample = samples[i];
    w.sample.t_ns = static_cast<std::int64_t>((i * 7919) % 400);  // out of time order in the file
    w.sample.callchain = {0x1000 + i, 0x2000};
    d.profile.waits.push_back(w);
  }
  const std::string bytes = encode_data(d);
  DataFileReader reader(bytes, "x");
  const auto& waits = reader.data().profile.waits;
  EXPECT_TRUE(waits.empty()) << "read before for_each_wait";
  std::vector<int> seen(400, 0);
  bool same = true;
  bool light = true;
  reader.for_each_wait([&](std::size_t i, const Sample& s) {
    ASSERT_EQ(i + 1, waits.size());  // added just before
    ++seen[i];
    const auto& want = d.profile.waits[i];  // file order
    same = same && s.t_ns == want.sample.t_ns && waits[i].sample.t_ns == want.sample.t_ns &&
           s.stack == want.sample.stack && s.callchain == want.sample.callchain && waits[i].kind == want.kind &&
           waits[i].sample.tid == want.sample.tid && waits[i].sample.sp == want.sample.sp;
    light = light && waits[i].sample.stack.empty() && waits[i].sample.callchain.empty();
  });
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 400);
  EXPECT_EQ(waits.size(), 400U);
  EXPECT_TRUE(same);
  EXPECT_TRUE(light) << "the waits' copies stayed in memory";
  // decode_data gives the whole waits.
  const RecordData back = decode_data(bytes, "x");
  EXPECT_EQ(back.profile.waits[3].sample.callchain.size(), 2U);
}

}  // namespace
}  // namespace perfprobe::sampling
