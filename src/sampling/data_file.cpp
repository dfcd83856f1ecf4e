// The data file container: magic, version, then tagged sections (docs/record.md). A reader skips
// sections it does not know, so later versions can add some without breaking older readers.
#include "perfprobe/sampling/data_file.hpp"

#include <algorithm>
#include <cstring>

#include "byte_io.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/in_order.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "perfprobe/sys/output_file.hpp"
#include "run_codec.hpp"
#include "sample_chunk.hpp"

namespace perfprobe::sampling {

namespace {

constexpr std::uint32_t tag(const char (&s)[5]) {
  return static_cast<std::uint32_t>(s[0]) | static_cast<std::uint32_t>(s[1]) << 8 |
         static_cast<std::uint32_t>(s[2]) << 16 | static_cast<std::uint32_t>(s[3]) << 24;
}
constexpr std::uint32_t kMeta = tag("META"), kRun = tag("RUN "), kConfig = tag("CONF"), kMaps = tag("MAPS"),
                        kTasks = tag("TASK"), kSamples = tag("SMPL"), kSampleChunk = tag("SMPZ"), kEnd = tag("END "),
                        kSwitchChunk = tag("SWCZ"), kWaitChunk = tag("WAIZ"), kOffCpu = tag("OFFC");

void encode_meta(ByteWriter& w, const RecordData& d) {
  w.put_string(d.tool);
  w.put_strings(d.command);
  w.put<std::int32_t>(d.attached_pid);
  w.put_string(d.hostname);
  w.put_string(d.kernel);
  w.put<std::int64_t>(d.recorded_unix_s);
  w.put<std::int64_t>(d.t0_mono_ns);
  w.put_strings(d.unavailable);
  w.put_strings(d.notes);
}

void decode_meta(ByteReader& in, RecordData& d) {
  d.tool = in.get_string();
  d.command = in.get_strings();
  d.attached_pid = in.get<std::int32_t>();
  d.hostname = in.get_string();
  d.kernel = in.get_string();
  d.recorded_unix_s = in.get<std::int64_t>();
  d.t0_mono_ns = in.get<std::int64_t>();
  d.unavailable = in.get_strings();
  d.notes = in.get_strings();
}

void encode_config(ByteWriter& w, const Profile& p) {
  const auto& c = p.config;
  w.put_string(c.event);
  w.put<std::uint64_t>(c.frequency_hz);
  w.put<std::uint64_t>(c.period);
  w.put<std::uint8_t>(static_cast<std::uint8_t>(c.call_graph));
  w.put<std::uint32_t>(c.stack_bytes);
  w.put<std::uint32_t>(c.ring_pages);
  w.put<std::uint8_t>(c.exclude_kernel ? 1 : 0);
  for (const auto v : {p.lost_samples, p.lost_records, p.throttled, p.unthrottled, p.unknown_records}) {
    w.put<std::uint64_t>(v);
  }
}

void decode_config(ByteReader& in, Profile& p) {
  auto& c = p.config;
  c.event = in.get_string();
  c.frequency_hz = in.get<std::uint64_t>();
  c.period = in.get<std::uint64_t>();
  c.call_graph = static_cast<CallGraph>(std::min<std::uint8_t>(in.get<std::uint8_t>(), 2));
  c.stack_bytes = in.get<std::uint32_t>();
  c.ring_pages = in.get<std::uint32_t>();
  c.exclude_kernel = in.get<std::uint8_t>() != 0;
  for (auto* v : {&p.lost_samples, &p.lost_records, &p.throttled, &p.unthrottled, &p.unknown_records}) {
    *v = in.get<std::uint64_t>();
  }
}

void encode_maps(ByteWriter& w, const std::vector<Mapping>& maps) {
  w.put<std::uint32_t>(static_cast<std::uint32_t>(maps.size()));
  for (const auto& m : maps) {
    w.put<std::int64_t>(m.t_ns);
    w.put<std::int32_t>(m.pid);
    w.put<std::uint64_t>(m.start);
    w.put<std::uint64_t>(m.length);
    w.put<std::uint64_t>(m.pgoff);
    w.put_string(m.path);
    w.put_string(m.build_id);
  }
}

void decode_maps(ByteReader& in, std::vector<Mapping>& maps) {
  const auto n = in.count(44);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) {
    Mapping m;
    m.t_ns = in.get<std::int64_t>();
    m.pid = in.get<std::int32_t>();
    m.start = in.get<std::uint64_t>();
    m.length = in.get<std::uint64_t>();
    m.pgoff = in.get<std::uint64_t>();
    m.path = in.get_string();
    m.build_id = in.get_string();
    maps.push_back(std::move(m));
  }
}

void encode_tasks(ByteWriter& w, const std::vector<TaskEvent>& tasks) {
  w.put<std::uint32_t>(static_cast<std::uint32_t>(tasks.size()));
  for (const auto& t : tasks) {
    w.put<std::uint8_t>(static_cast<std::uint8_t>(t.kind));
    w.put<std::int64_t>(t.t_ns);
    for (const pid_t v : {t.pid, t.tid, t.ppid, t.ptid}) w.put<std::int32_t>(v);
    w.put_string(t.comm);
    w.put<std::uint8_t>(t.exec ? 1 : 0);
  }
}

void decode_tasks(ByteReader& in, std::vector<TaskEvent>& tasks) {
  const auto n = in.count(30);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) {
    TaskEvent t;
    t.kind = static_cast<TaskEvent::Kind>(std::min<std::uint8_t>(in.get<std::uint8_t>(), 2));
    t.t_ns = in.get<std::int64_t>();
    for (pid_t* v : {&t.pid, &t.tid, &t.ppid, &t.ptid}) *v = in.get<std::int32_t>();
    t.comm = in.get_string();
    t.exec = in.get<std::uint8_t>() != 0;
    tasks.push_back(std::move(t));
  }
}

void encode_off_cpu(ByteWriter& w, const Profile& p) {
  const auto& c = p.off_cpu;
  w.put<std::uint8_t>(c.switches ? 1 : 0);
  w.put_string(c.mechanism);
  w.put<std::uint8_t>(c.states ? 1 : 0);
  w.put<std::uint8_t>(c.major_faults ? 1 : 0);
  w.put<std::int64_t>(c.end_ns);
  w.put<std::uint64_t>(p.lost_waits);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(p.window_states.size()));
  for (const auto& s : p.window_states) {
    w.put<std::int32_t>(s.pid);
    w.put<std::int32_t>(s.tid);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(s.start));
    w.put<std::uint8_t>(static_cast<std::uint8_t>(s.end));
  }
}

void decode_off_cpu(ByteReader& in, Profile& p) {
  auto& c = p.off_cpu;
  c.switches = in.get<std::uint8_t>() != 0;
  c.mechanism = in.get_string();
  c.states = in.get<std::uint8_t>() != 0;
  c.major_faults = in.get<std::uint8_t>() != 0;
  c.end_ns = in.get<std::int64_t>();
  p.lost_waits = in.get<std::uint64_t>();
  if (in.at_end()) return;  // written before the window states were
  const auto n = in.count(10);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) {
    WindowState s;
    s.pid = in.get<std::int32_t>();
    s.tid = in.get<std::int32_t>();
    s.start = static_cast<char>(in.get<std::uint8_t>());
    s.end = static_cast<char>(in.get<std::uint8_t>());
    p.window_states.push_back(s);
  }
}

// SWCZ, WAIZ: u32 record count, u32 decompressed size, one zstd frame of records of at least
// `min_bytes` each. Read at once: a few per switch, far fewer bytes than the samples. `raw` is reused
// from chunk to chunk (a fresh megabyte each time costs its page faults again).
template <typename T, typename Decode>
bool decode_chunk(std::string_view body, std::size_t min_bytes, Decode decode, std::vector<T>& out, std::string& raw) {
  ByteReader in(body);
  const auto n = in.get<std::uint32_t>();
  const auto raw_size = in.get<std::uint32_t>();
  if (in.bad() || !decompress_chunk(body.substr(in.pos()), raw_size, raw)) return false;
  ByteReader chunk(raw);
  if (static_cast<std::uint64_t>(n) * min_bytes > raw.size()) return false;
  // n is bounded by the bytes there are; growth stays geometric over many chunks.
  if (out.capacity() < out.size() + n) out.reserve(std::max(out.size() + n, 2 * out.capacity()));
  for (std::uint32_t i = 0; i < n; ++i) {
    T v;
    if (!decode(chunk, v)) return false;
    out.push_back(std::move(v));
  }
  return chunk.at_end();
}

// Version 1 kept every sample in one uncompressed SMPL section.
// SMPL (version 1): u32 count, then the samples. Each goes to `f` through the one reused `s`.
void decode_samples_v1(ByteReader& in, Sample& s, const std::function<void(const Sample&)>& f) {
  const auto n = in.count(56);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) {
    if (decode_sample(in, s)) f(s);
  }
}

// SMPZ: u32 sample count, u32 decompressed size, one zstd frame. `raw` is reused from chunk to chunk;
// version 3 stores each thread's stack copies as deltas within the chunk (`samples`), version 2 whole.
bool decode_sample_chunk(std::string_view body, std::string& raw, Sample& s, SampleDecoder* samples,
                         const std::function<void(const Sample&)>& f) {
  ByteReader in(body);
  const auto n = in.get<std::uint32_t>();
  const auto raw_size = in.get<std::uint32_t>();
  if (in.bad() || !decompress_chunk(body.substr(in.pos()), raw_size, raw)) return false;
  ByteReader chunk(raw);
  if (static_cast<std::uint64_t>(n) * 56 > raw.size()) return false;
  if (samples != nullptr) samples->clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (samples == nullptr ? !decode_sample(chunk, s) : !samples->decode(chunk)) return false;
    f(samples == nullptr ? s : samples->sample());
  }
  return chunk.at_end();
}

// The decompressed size a sample chunk announces (its second u32).
std::uint32_t raw_size_of(std::string_view body) {
  ByteReader in(body);
  (void)in.get<std::uint32_t>();
  return in.get<std::uint32_t>();
}

// The sample count a sample section announces (its first u32), for progress.
std::uint64_t announced_samples(std::string_view body) {
  ByteReader in(body);
  return in.get<std::uint32_t>();
}

// The records that the chunks of section `wanted` announce (each chunk's first u32), to reserve
// their vector once: growing it chunk by chunk left up to twice the memory the records take. A
// hint only: each count is checked as its chunk is decoded, and the reservation stays within four
// times the file's size in memory (a real recording needs a tenth of that: its records compress
// to 4-6 bytes), so a crafted count costs no more than the file itself already does.
std::size_t announced_records(std::string_view file, std::uint32_t wanted, std::size_t record_bytes) {
  ByteReader in(file.substr(sizeof kDataMagic + 4));
  std::uint64_t total = 0;
  while (!in.at_end() && !in.bad() && total < file.size()) {  // past that the cap below holds anyway
    const auto id = in.get<std::uint32_t>();
    const auto len = in.get<std::uint64_t>();
    const std::size_t start = sizeof kDataMagic + 4 + in.pos();
    if (in.bad() || len > file.size() - start) break;
    if (id == wanted) total += announced_samples(file.substr(start, len));
    in.skip(len);
  }
  return static_cast<std::size_t>(std::min<std::uint64_t>(total, 4 * file.size() / record_bytes));
}

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw UsageError("'" + path + "' is not a readable perfprobe data file: " + why,
                   "record it again with `perfprobe record -o FILE -- CMD`");
}

}  // namespace

// Records of one kind waiting to be written as a compressed chunk.
struct ChunkBuffer {
  std::uint32_t tag = 0;
  ByteWriter bytes;
  std::uint32_t count = 0;
  SampleEncoder samples;  // each thread's last stack copy in this chunk
};

struct DataWriter::State {
  Output out;
  ChunkCompressor compressor;
  ChunkBuffer chunk{kSampleChunk, {}, 0, {}};
  ChunkBuffer switches{kSwitchChunk, {}, 0, {}};
  ChunkBuffer waits{kWaitChunk, {}, 0, {}};
  std::uint64_t samples = 0;

  void put_section(std::uint32_t id, std::string_view body) {
    ByteWriter head;
    head.put<std::uint32_t>(id);
    head.put<std::uint64_t>(body.size());
    out(head.bytes());
    out(body);
  }
  void flush(ChunkBuffer& c) {
    if (c.count == 0) return;
    ByteWriter body;
    body.put<std::uint32_t>(c.count);
    body.put<std::uint32_t>(static_cast<std::uint32_t>(c.bytes.bytes().size()));
    body.bytes().append(compressor.compress(c.bytes.bytes()));
    put_section(c.tag, body.bytes());
    c.bytes.bytes().clear();
    c.count = 0;
    c.samples.clear();
  }
  void added(ChunkBuffer& c) {
    ++c.count;
    if (c.bytes.bytes().size() >= kChunkBytes) flush(c);
  }
};

DataWriter::DataWriter(Output out) : state_(std::make_unique<State>()) {
  state_->out = std::move(out);
  ByteWriter head;
  head.bytes().append(kDataMagic, sizeof kDataMagic);
  head.put<std::uint32_t>(kDataVersion);
  state_->out(head.bytes());
}

DataWriter::~DataWriter() = default;

void DataWriter::add(const Sample& sample) {
  auto& st = *state_;
  st.chunk.samples.encode(st.chunk.bytes, sample);
  ++st.samples;
  st.added(st.chunk);
}

void DataWriter::add(const Switch& sw) {
  encode_switch(state_->switches.bytes, sw);
  state_->added(state_->switches);
}

void DataWriter::add(const WaitSample& wait) {
  encode_wait(state_->waits.bytes, wait, state_->waits.samples);
  state_->added(state_->waits);
}

void DataWriter::finish(const RecordData& d) {
  for (const auto& s : d.profile.samples) add(s);
  for (const auto& s : d.profile.switches) add(s);
  for (const auto& w : d.profile.waits) add(w);
  auto& st = *state_;
  st.flush(st.chunk);
  st.flush(st.switches);
  st.flush(st.waits);
  ByteWriter meta, run, config, maps, tasks, off_cpu;
  encode_meta(meta, d);
  encode_run(run, d.run);
  encode_config(config, d.profile);
  encode_maps(maps, d.profile.mappings);
  encode_tasks(tasks, d.profile.tasks);
  encode_off_cpu(off_cpu, d.profile);
  st.put_section(kMeta, meta.bytes());
  st.put_section(kRun, run.bytes());
  st.put_section(kConfig, config.bytes());
  st.put_section(kMaps, maps.bytes());
  st.put_section(kTasks, tasks.bytes());
  if (d.profile.off_cpu.switches) st.put_section(kOffCpu, off_cpu.bytes());
  st.put_section(kEnd, {});  // its presence proves the file is complete
}

std::uint64_t DataWriter::samples() const noexcept { return state_->samples; }

struct DataFileWriter::State {
  explicit State(const std::string& path) : file(path, "-o"), writer([this](std::string_view b) { file.write(b); }) {}
  sys::AtomicFile file;
  DataWriter writer;
};

DataFileWriter::DataFileWriter(const std::string& path) : state_(std::make_unique<State>(path)) {}
DataFileWriter::~DataFileWriter() = default;
void DataFileWriter::add(const Sample& sample) { state_->writer.add(sample); }
void DataFileWriter::add(const Switch& sw) { state_->writer.add(sw); }
void DataFileWriter::add(const WaitSample& wait) { state_->writer.add(wait); }
void DataFileWriter::finish(const RecordData& data) {
  state_->writer.finish(data);
  state_->file.commit();
}
std::uint64_t DataFileWriter::samples() const noexcept { return state_->writer.samples(); }
std::uint64_t DataFileWriter::bytes() const noexcept { return state_->file.size(); }

std::string encode_data(const RecordData& d) {
  std::string bytes;
  DataWriter w([&](std::string_view b) { bytes.append(b); });
  w.finish(d);
  return bytes;
}

DataFileReader::DataFileReader(std::string bytes_in, std::string path_in)
    : bytes_(std::move(bytes_in)), path_(std::move(path_in)) {
  const std::string_view bytes = bytes_;
  if (bytes.size() < sizeof kDataMagic + 4 || std::memcmp(bytes.data(), kDataMagic, sizeof kDataMagic) != 0) {
    corrupt(path_, "no PPRECORD header");
  }
  ByteReader in(bytes.substr(sizeof kDataMagic));
  version_ = in.get<std::uint32_t>();
  const auto version = version_;
  if (version < kOldestDataVersion || version > kDataVersion) {
    corrupt(path_, "format version " + std::to_string(version) + ", this perfprobe reads versions " +
                       std::to_string(kOldestDataVersion) + " to " + std::to_string(kDataVersion));
  }
  bool ended = false;
  data_.profile.switches.reserve(announced_records(bytes, kSwitchChunk, sizeof(Switch)));
  data_.profile.waits.reserve(announced_records(bytes, kWaitChunk, sizeof(WaitSample)));
  while (!in.at_end() && !in.bad() && !ended) {
    const auto id = in.get<std::uint32_t>();
    const auto len = in.get<std::uint64_t>();
    const std::size_t start = sizeof kDataMagic + in.pos();
    if (in.bad() || len > bytes.size() - start) corrupt(path_, "truncated section");
    ByteReader body(bytes.substr(start, len));
    if (id == kMeta) decode_meta(body, data_);
    if (id == kRun) decode_run(body, data_.run);
    if (id == kConfig) decode_config(body, data_.profile);
    if (id == kMaps) decode_maps(body, data_.profile.mappings);
    if (id == kTasks) decode_tasks(body, data_.profile.tasks);
    if (id == kSamples || id == kSampleChunk) {
      sample_sections_.emplace_back(id, bytes.substr(start, len));
      sample_count_ += announced_samples(bytes.substr(start, len));
    }
    if (id == kSwitchChunk &&
        !decode_chunk(bytes.substr(start, len), 17, decode_switch, data_.profile.switches, raw_)) {
      corrupt(path_, "malformed switch chunk");
    }
    // Read by for_each_wait, once (docs/record.md).
    if (id == kWaitChunk) wait_sections_.push_back(bytes.substr(start, len));
    if (id == kOffCpu) decode_off_cpu(body, data_.profile);
    ended = id == kEnd;
    if (body.bad()) corrupt(path_, "malformed section");
    in.skip(len);  // unknown sections too
  }
  if (!ended) corrupt(path_, "it ends early (the recording was cut short)");
  // Chunks hold the rings' records in drain order: each CPU's in time order, not all together
  // (in order already when the program ran on one CPU; a merge sort would still cost n log n).
  auto& p = data_.profile;
  stable_sort_unless_sorted(p.switches.begin(), p.switches.end(),
                            [](const Switch& a, const Switch& b) { return a.t_ns < b.t_ns; });
  // Waits stay in file order: off-CPU intervals take each thread's waits by time themselves.
}

void DataFileReader::for_each_wait(const std::function<void(std::size_t, const Sample&)>& f) {
  Sample s;
  std::string& raw = raw_;
  SampleDecoder deltas;
  const bool v3 = version_ >= kStackDeltaVersion;
  auto& waits = data_.profile.waits;
  waits.clear();
  for (const auto body : wait_sections_) {
    ByteReader in(body);
    const auto n = in.get<std::uint32_t>();
    const auto raw_size = in.get<std::uint32_t>();
    if (in.bad() || !decompress_chunk(body.substr(in.pos()), raw_size, raw)) corrupt(path_, "malformed wait chunk");
    ByteReader chunk(raw);
    constexpr std::uint64_t kLeastWaitBytes = 58;  // kind, state and a sample without chain or copy
    if (std::uint64_t{n} * kLeastWaitBytes > raw.size()) corrupt(path_, "malformed wait chunk");
    deltas.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
      WaitSample w;
      w.kind = static_cast<WaitSample::Kind>(std::min<std::uint8_t>(chunk.get<std::uint8_t>(), 1));
      w.state = static_cast<WaitState>(std::min<std::uint8_t>(chunk.get<std::uint8_t>(), 4));
      const bool ok = v3 ? deltas.decode(chunk) : decode_sample(chunk, s);
      if (!ok) corrupt(path_, "malformed wait chunk");
      const Sample& full = v3 ? deltas.sample() : s;
      // Kept without the chain and copy: only the times, thread and registers are read later.
      Sample& kept = w.sample;
      kept.t_ns = full.t_ns;
      kept.pid = full.pid;
      kept.tid = full.tid;
      kept.cpu = full.cpu;
      kept.period = full.period;
      kept.bp = full.bp;
      kept.sp = full.sp;
      kept.ip = full.ip;
      waits.push_back(std::move(w));
      f(waits.size() - 1, full);
    }
    if (!chunk.at_end()) corrupt(path_, "malformed wait chunk");
  }
}

void DataFileReader::drop_chunks() noexcept {
  // Swapped with empty ones: assigning `{}` would keep the capacity.
  decltype(sample_sections_)().swap(sample_sections_);
  decltype(wait_sections_)().swap(wait_sections_);
  std::string().swap(bytes_);
  std::string().swap(raw_);
}

void DataFileReader::for_each_sample(const std::function<void(const Sample&)>& f) const {
  Sample s;
  std::string& raw = raw_;
  // Made once at the largest chunk's size: growing it chunk by chunk moved it to fresh pages and
  // faulted them in again each time (the size is only a claim here, checked when decompressing).
  std::size_t largest = 0;
  for (const auto& [id, body] : sample_sections_) {
    if (id != kSamples) largest = std::max<std::size_t>(largest, raw_size_of(body));
  }
  raw.reserve(std::min(largest, kMaxChunkBytes));
  SampleDecoder deltas;
  SampleDecoder* const samples = version_ >= kStackDeltaVersion ? &deltas : nullptr;
  for (const auto& [id, body] : sample_sections_) {
    if (id == kSamples) {
      ByteReader in(body);
      decode_samples_v1(in, s, f);
      if (in.bad()) corrupt(path_, "malformed section");
    } else if (!decode_sample_chunk(body, raw, s, samples, f)) {
      corrupt(path_, "malformed sample chunk");
    }
  }
}

RecordData decode_data(std::string_view bytes, const std::string& path) {
  DataFileReader reader{std::string(bytes), path};
  std::vector<Sample> samples;
  std::vector<Sample> waits;
  reader.for_each_sample([&samples](const Sample& s) { samples.push_back(s); });
  reader.for_each_wait([&waits](std::size_t, const Sample& s) { waits.push_back(s); });
  RecordData d = reader.take_data();
  d.profile.samples = std::move(samples);
  for (std::size_t i = 0; i < waits.size(); ++i) d.profile.waits[i].sample = std::move(waits[i]);
  // Chunks hold the rings' records in drain order: each CPU's in time order, not all together.
  stable_sort_unless_sorted(d.profile.samples.begin(), d.profile.samples.end(),
                            [](const Sample& a, const Sample& b) { return a.t_ns < b.t_ns; });
  return d;
}

void write_data_file(const std::string& path, const RecordData& data) { DataFileWriter(path).finish(data); }

RecordData read_data_file(const std::string& path) { return decode_data(sys::read_input(path, "data file"), path); }

}  // namespace perfprobe::sampling
