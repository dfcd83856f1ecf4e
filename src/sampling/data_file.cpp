// The data file container: magic, version, then tagged sections (docs/record.md). A reader skips
// sections it does not know, so later versions can add some without breaking older readers.
#include "perfprobe/sampling/data_file.hpp"

#include <cstring>

#include "byte_io.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/sys/fd.hpp"
#include "run_codec.hpp"

namespace perfprobe::sampling {

namespace {

constexpr std::uint32_t tag(const char (&s)[5]) {
  return static_cast<std::uint32_t>(s[0]) | static_cast<std::uint32_t>(s[1]) << 8 |
         static_cast<std::uint32_t>(s[2]) << 16 | static_cast<std::uint32_t>(s[3]) << 24;
}
constexpr std::uint32_t kMeta = tag("META"), kRun = tag("RUN "), kConfig = tag("CONF"), kMaps = tag("MAPS"),
                        kTasks = tag("TASK"), kSamples = tag("SMPL"), kEnd = tag("END ");

void section(ByteWriter& out, std::uint32_t id, ByteWriter& body) {
  out.put<std::uint32_t>(id);
  out.put<std::uint64_t>(body.bytes().size());
  out.bytes().append(body.bytes());
}

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
  w.put<std::uint8_t>(c.call_graph == CallGraph::dwarf ? 1 : 0);
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
  c.call_graph = in.get<std::uint8_t>() != 0 ? CallGraph::dwarf : CallGraph::fp;
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

void encode_samples(ByteWriter& w, const std::vector<Sample>& samples) {
  w.put<std::uint32_t>(static_cast<std::uint32_t>(samples.size()));
  for (const auto& s : samples) {
    w.put<std::int64_t>(s.t_ns);
    w.put<std::int32_t>(s.pid);
    w.put<std::int32_t>(s.tid);
    w.put<std::uint32_t>(s.cpu);
    w.put<std::uint64_t>(s.period);
    w.put<std::uint16_t>(static_cast<std::uint16_t>(s.callchain.size()));
    for (const auto ip : s.callchain) w.put<std::uint64_t>(ip);
    for (const auto r : {s.bp, s.sp, s.ip}) w.put<std::uint64_t>(r);
    w.put_bytes(s.stack);
  }
}

void decode_samples(ByteReader& in, std::vector<Sample>& samples) {
  const auto n = in.count(56);
  samples.reserve(n);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) {
    Sample s;
    s.t_ns = in.get<std::int64_t>();
    s.pid = in.get<std::int32_t>();
    s.tid = in.get<std::int32_t>();
    s.cpu = in.get<std::uint32_t>();
    s.period = in.get<std::uint64_t>();
    const auto depth = in.get<std::uint16_t>();
    for (std::uint16_t k = 0; k < depth && !in.bad(); ++k) s.callchain.push_back(in.get<std::uint64_t>());
    for (auto* r : {&s.bp, &s.sp, &s.ip}) *r = in.get<std::uint64_t>();
    s.stack = in.get_bytes();
    samples.push_back(std::move(s));
  }
}

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw UsageError("'" + path + "' is not a readable perfprobe data file: " + why,
                   "record it again with `perfprobe record -o FILE -- CMD`");
}

}  // namespace

std::string encode_data(const RecordData& d) {
  ByteWriter out;
  out.bytes().append(kDataMagic, sizeof kDataMagic);
  out.put<std::uint32_t>(kDataVersion);
  ByteWriter meta, run, config, maps, tasks, samples, end;
  encode_meta(meta, d);
  encode_run(run, d.run);
  encode_config(config, d.profile);
  encode_maps(maps, d.profile.mappings);
  encode_tasks(tasks, d.profile.tasks);
  encode_samples(samples, d.profile.samples);
  section(out, kMeta, meta);
  section(out, kRun, run);
  section(out, kConfig, config);
  section(out, kMaps, maps);
  section(out, kTasks, tasks);
  section(out, kSamples, samples);
  section(out, kEnd, end);  // its presence proves the file is complete
  return std::move(out.bytes());
}

RecordData decode_data(std::string_view bytes, const std::string& path) {
  if (bytes.size() < sizeof kDataMagic + 4 || std::memcmp(bytes.data(), kDataMagic, sizeof kDataMagic) != 0) {
    corrupt(path, "no PPRECORD header");
  }
  ByteReader in(bytes.substr(sizeof kDataMagic));
  const auto version = in.get<std::uint32_t>();
  if (version != kDataVersion) {
    corrupt(path, "format version " + std::to_string(version) + ", this perfprobe reads version " +
                      std::to_string(kDataVersion));
  }
  RecordData d;
  bool ended = false;
  while (!in.at_end() && !in.bad() && !ended) {
    const auto id = in.get<std::uint32_t>();
    const auto len = in.get<std::uint64_t>();
    const std::size_t start = sizeof kDataMagic + in.pos();
    if (in.bad() || len > bytes.size() - start) corrupt(path, "truncated section");
    ByteReader body(bytes.substr(start, len));
    if (id == kMeta) decode_meta(body, d);
    if (id == kRun) decode_run(body, d.run);
    if (id == kConfig) decode_config(body, d.profile);
    if (id == kMaps) decode_maps(body, d.profile.mappings);
    if (id == kTasks) decode_tasks(body, d.profile.tasks);
    if (id == kSamples) decode_samples(body, d.profile.samples);
    ended = id == kEnd;
    if (body.bad()) corrupt(path, "malformed section");
    in.skip(len);  // unknown sections too
  }
  if (!ended) corrupt(path, "it ends early (the recording was cut short)");
  return d;
}

void write_data_file(const std::string& path, const RecordData& data) {
  sys::write_file_atomic(path, encode_data(data));
}

RecordData read_data_file(const std::string& path) {
  std::string bytes;
  if (!sys::read_file(path, bytes)) {
    throw UsageError("cannot read data file '" + path + "'", "record one with `perfprobe record -o FILE -- CMD`");
  }
  return decode_data(bytes, path);
}

}  // namespace perfprobe::sampling
