// Field order here is the file format (docs/record.md, section RUN): append, never reorder.
#include "run_codec.hpp"

namespace perfprobe::sampling {

namespace {

void put_counter(ByteWriter& w, const CounterReading& c) {
  w.put_string(c.name);
  w.put<std::uint8_t>(c.supported ? 1 : 0);
  w.put_string(c.reason);
  w.put_string(c.note);
  w.put<std::uint64_t>(c.raw);
  w.put<double>(c.value);
  w.put<std::uint64_t>(c.time_enabled_ns);
  w.put<std::uint64_t>(c.time_running_ns);
  w.put<std::uint8_t>(c.exclude_kernel ? 1 : 0);
  w.put_string(c.unit);
  w.put<std::uint8_t>(c.hardware ? 1 : 0);
}

CounterReading get_counter(ByteReader& in) {
  CounterReading c;
  c.name = in.get_string();
  c.supported = in.get<std::uint8_t>() != 0;
  c.reason = in.get_string();
  c.note = in.get_string();
  c.raw = in.get<std::uint64_t>();
  c.value = in.get<double>();
  c.time_enabled_ns = in.get<std::uint64_t>();
  c.time_running_ns = in.get<std::uint64_t>();
  c.exclude_kernel = in.get<std::uint8_t>() != 0;
  c.unit = in.get_string();
  c.hardware = in.get<std::uint8_t>() != 0;
  return c;
}

void put_counters(ByteWriter& w, const std::vector<CounterReading>& v) {
  w.put<std::uint32_t>(static_cast<std::uint32_t>(v.size()));
  for (const auto& c : v) put_counter(w, c);
}

std::vector<CounterReading> get_counters(ByteReader& in) {
  std::vector<CounterReading> v;
  const auto n = in.count(8);
  for (std::uint32_t i = 0; i < n && !in.bad(); ++i) v.push_back(get_counter(in));
  return v;
}

void put_rss(ByteWriter& w, const RssSample& s) {
  w.put<std::int64_t>(s.t_ns);
  w.put<std::uint64_t>(s.rss_bytes);
  w.put<std::uint64_t>(s.anon_bytes);
  w.put<std::uint64_t>(s.file_bytes);
  w.put<std::uint64_t>(s.shmem_bytes);
  w.put<std::uint32_t>(s.processes);
}

RssSample get_rss(ByteReader& in) {
  RssSample s;
  s.t_ns = in.get<std::int64_t>();
  s.rss_bytes = in.get<std::uint64_t>();
  s.anon_bytes = in.get<std::uint64_t>();
  s.file_bytes = in.get<std::uint64_t>();
  s.shmem_bytes = in.get<std::uint64_t>();
  s.processes = in.get<std::uint32_t>();
  return s;
}

void put_event(ByteWriter& w, const Event& e) {
  w.put<std::int64_t>(e.t_ns);
  w.put<std::uint8_t>(static_cast<std::uint8_t>(e.kind));
  w.put_string(std::string(to_string(e.source)));
  w.put_string(e.name);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(e.args.size()));
  for (const auto a : e.args) w.put<std::int64_t>(a);
  w.put<std::uint8_t>(e.rss ? 1 : 0);
  if (e.rss) put_rss(w, *e.rss);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(e.values.size()));
  for (const auto& [k, v] : e.values) {
    w.put_string(k);
    w.put<double>(v);
  }
  w.put_string(e.text);
}

Event get_event(ByteReader& in) {
  Event e;
  e.t_ns = in.get<std::int64_t>();
  const auto kind = in.get<std::uint8_t>();
  e.kind = kind <= static_cast<std::uint8_t>(EventKind::warning) ? static_cast<EventKind>(kind) : EventKind::warning;
  e.source = event_source_named(in.get_string());
  e.name = in.get_string();
  const auto nargs = in.count(8);
  for (std::uint32_t i = 0; i < nargs; ++i) e.args.push_back(in.get<std::int64_t>());
  if (in.get<std::uint8_t>() != 0) e.rss = get_rss(in);
  const auto nvalues = in.count(12);
  for (std::uint32_t i = 0; i < nvalues && !in.bad(); ++i) {
    auto k = in.get_string();
    e.values.emplace_back(std::move(k), in.get<double>());
  }
  e.text = in.get_string();
  return e;
}

void put_phase(ByteWriter& w, const PhaseResult& p) {
  w.put_string(p.name);
  w.put<std::int64_t>(p.start_ns);
  w.put<std::int64_t>(p.end_ns);
  w.put<std::int64_t>(p.rss_delta_bytes);
  w.put<std::int64_t>(p.rss_anon_delta_bytes);
  w.put<std::int64_t>(p.rss_file_delta_bytes);
  put_counters(w, p.counters);
}

PhaseResult get_phase(ByteReader& in) {
  PhaseResult p;
  p.name = in.get_string();
  p.start_ns = in.get<std::int64_t>();
  p.end_ns = in.get<std::int64_t>();
  p.rss_delta_bytes = in.get<std::int64_t>();
  p.rss_anon_delta_bytes = in.get<std::int64_t>();
  p.rss_file_delta_bytes = in.get<std::int64_t>();
  p.counters = get_counters(in);
  return p;
}

void put_tokens(ByteWriter& w, const std::optional<TokenStats>& t) {
  w.put<std::uint8_t>(t ? 1 : 0);
  if (!t) return;
  w.put<std::uint64_t>(t->count);
  w.put<std::uint8_t>(t->ttft_ns ? 1 : 0);
  w.put<std::int64_t>(t->ttft_ns.value_or(0));
  w.put<double>(t->tokens_per_s);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(t->latency_ms.size()));
  for (const double l : t->latency_ms) w.put<double>(l);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(t->stalls.size()));
  for (const auto& s : t->stalls) {
    w.put<std::uint64_t>(s.index);
    w.put<std::int64_t>(s.t_ns);
    w.put<double>(s.latency_ms);
  }
  w.put<std::uint32_t>(static_cast<std::uint32_t>(t->per_token.size()));
  for (const auto& [name, v] : t->per_token) {
    w.put_string(name);
    w.put<double>(v);
  }
}

std::optional<TokenStats> get_tokens(ByteReader& in) {
  if (in.get<std::uint8_t>() == 0) return std::nullopt;
  TokenStats t;
  t.count = in.get<std::uint64_t>();
  const bool has_ttft = in.get<std::uint8_t>() != 0;
  const auto ttft = in.get<std::int64_t>();
  if (has_ttft) t.ttft_ns = ttft;
  t.tokens_per_s = in.get<double>();
  const auto n = in.count(8);
  for (std::uint32_t i = 0; i < n; ++i) t.latency_ms.push_back(in.get<double>());
  const auto ns = in.count(24);
  for (std::uint32_t i = 0; i < ns; ++i) {
    Stall s;
    s.index = in.get<std::uint64_t>();
    s.t_ns = in.get<std::int64_t>();
    s.latency_ms = in.get<double>();
    t.stalls.push_back(s);
  }
  const auto nper = in.count(12);
  for (std::uint32_t i = 0; i < nper && !in.bad(); ++i) {
    auto name = in.get_string();
    t.per_token[name] = in.get<double>();
  }
  return t;
}

}  // namespace

void encode_run(ByteWriter& w, const RunResult& r) {
  w.put<std::int32_t>(r.exit_code);
  w.put<std::int32_t>(r.signal.value_or(0));
  w.put<std::uint8_t>(static_cast<std::uint8_t>((r.core_dumped ? 1 : 0) | (r.interrupted ? 2 : 0)));
  for (const std::int64_t v : {r.wall_ns, r.user_ns, r.sys_ns}) w.put<std::int64_t>(v);
  for (const std::uint64_t v : {r.peak_rss_bytes, r.peak_tree_rss_bytes, r.minor_faults, r.major_faults,
                                r.voluntary_ctxt_switches, r.involuntary_ctxt_switches}) {
    w.put<std::uint64_t>(v);
  }
  put_counters(w, r.counters);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(r.rss.size()));
  for (const auto& s : r.rss) put_rss(w, s);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(r.events.size()));
  for (const auto& e : r.events) put_event(w, e);
  w.put<double>(r.rss_sample_cost_us);
  w.put<std::uint8_t>(r.startup_ns ? 1 : 0);
  w.put<std::int64_t>(r.startup_ns.value_or(0));
  w.put<std::uint32_t>(static_cast<std::uint32_t>(r.phases.size()));
  for (const auto& p : r.phases) put_phase(w, p);
  put_tokens(w, r.tokens);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(r.marker_counts.size()));
  for (const auto& [name, n] : r.marker_counts) {
    w.put_string(name);
    w.put<std::uint64_t>(n);
  }
  w.put<std::uint64_t>(r.markers_dropped);
}

void decode_run(ByteReader& in, RunResult& r) {
  r.exit_code = in.get<std::int32_t>();
  if (const auto sig = in.get<std::int32_t>(); sig != 0) r.signal = sig;
  const auto flags = in.get<std::uint8_t>();
  r.core_dumped = (flags & 1) != 0;
  r.interrupted = (flags & 2) != 0;
  for (std::int64_t* v : {&r.wall_ns, &r.user_ns, &r.sys_ns}) *v = in.get<std::int64_t>();
  for (std::uint64_t* v : {&r.peak_rss_bytes, &r.peak_tree_rss_bytes, &r.minor_faults, &r.major_faults,
                           &r.voluntary_ctxt_switches, &r.involuntary_ctxt_switches}) {
    *v = in.get<std::uint64_t>();
  }
  r.counters = get_counters(in);
  // Reserved at their counts (bounded by the bytes left): a long run's RSS timeline grown by
  // doubling held up to twice its memory for the whole report.
  const auto nrss = in.count(44);
  r.rss.reserve(r.rss.size() + nrss);
  for (std::uint32_t i = 0; i < nrss; ++i) r.rss.push_back(get_rss(in));
  const auto nev = in.count(8);
  r.events.reserve(r.events.size() + nev);
  for (std::uint32_t i = 0; i < nev && !in.bad(); ++i) r.events.push_back(get_event(in));
  r.rss_sample_cost_us = in.get<double>();
  const bool has_startup = in.get<std::uint8_t>() != 0;
  const auto startup = in.get<std::int64_t>();
  if (has_startup) r.startup_ns = startup;
  const auto nph = in.count(8);
  for (std::uint32_t i = 0; i < nph && !in.bad(); ++i) r.phases.push_back(get_phase(in));
  r.tokens = get_tokens(in);
  const auto nmarks = in.count(12);
  for (std::uint32_t i = 0; i < nmarks && !in.bad(); ++i) {
    auto name = in.get_string();
    r.marker_counts[name] = in.get<std::uint64_t>();
  }
  r.markers_dropped = in.get<std::uint64_t>();
}

}  // namespace perfprobe::sampling
