// The differential profile: shares of samples per function, old against new, per scope; and the
// two-column folded stacks. Shares, not counts, are compared: the two runs need not be equally long.
#include "perfprobe/report/profile_diff.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

ScopeDiff diff_scope(const std::string& name, std::uint64_t old_n, std::uint64_t new_n,
                     const std::vector<FunctionStat>& old_f, const std::vector<FunctionStat>& new_f, std::size_t top) {
  ScopeDiff d{name, old_n, new_n, {}};
  std::map<std::string, FunctionDelta> rows;
  for (const auto& f : old_f) {
    auto& r = rows[f.name];
    r.name = f.name;
    r.old_self_pct = f.self_pct;
    r.old_total_pct = f.total_pct;
  }
  for (const auto& f : new_f) {
    auto& r = rows[f.name];
    r.name = f.name;
    r.new_self_pct = f.self_pct;
    r.new_total_pct = f.total_pct;
  }
  for (auto& [key, r] : rows) d.functions.push_back(r);
  std::stable_sort(d.functions.begin(), d.functions.end(), [](const FunctionDelta& a, const FunctionDelta& b) {
    return std::fabs(a.self_delta()) > std::fabs(b.self_delta());
  });
  if (top != 0 && d.functions.size() > top) d.functions.resize(top);
  return d;
}

std::map<std::string, std::uint64_t> parse_folded(const std::string& text) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] += std::strtoull(line.c_str() + space + 1, nullptr, 10);
  }
  return out;
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

std::string signed_pp(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f pp", v);
  return buf;
}

}  // namespace

ProfileDiff diff_profiles(const ProfileReport& o, const ProfileReport& n, std::size_t top) {
  ProfileDiff d;
  d.old_command = o.command;
  d.new_command = n.command;
  d.scopes.push_back(diff_scope("whole run", o.samples, n.samples, o.functions, n.functions, top));
  for (const auto& op : o.phases) {
    for (const auto& np : n.phases) {
      if (np.name == op.name) {
        d.scopes.push_back(diff_scope("phase " + op.name, op.samples, np.samples, op.functions, np.functions, top));
        break;
      }
    }
  }
  return d;
}

void write_profile_diff_text(std::ostream& out, const ProfileDiff& d) {
  const auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& w : v) s += (s.empty() ? "" : " ") + w;
    return s;
  };
  out << "old: " << join(d.old_command) << "\nnew: " << join(d.new_command) << "\n";
  for (const auto& s : d.scopes) {
    out << "\n" << s.name << ": " << s.old_samples << " -> " << s.new_samples << " samples\n";
    out << "  " << pad_left("self old", 9) << pad_left("self new", 10) << pad_left("change", 11)
        << pad_left("total old", 11) << pad_left("total new", 11) << "  function\n";
    for (const auto& f : s.functions) {
      out << "  " << pad_left(pct(f.old_self_pct), 9) << pad_left(pct(f.new_self_pct), 10)
          << pad_left(signed_pp(f.self_delta()), 11) << pad_left(pct(f.old_total_pct), 11)
          << pad_left(pct(f.new_total_pct), 11) << "  " << f.name << "\n";
    }
  }
}

std::string profile_diff_to_json(const ProfileDiff& d) {
  nlohmann::json scopes = nlohmann::json::array();
  for (const auto& s : d.scopes) {
    nlohmann::json fns = nlohmann::json::array();
    for (const auto& f : s.functions) {
      fns.push_back({{"name", f.name},
                     {"old_self_pct", f.old_self_pct},
                     {"new_self_pct", f.new_self_pct},
                     {"self_change_pp", f.self_delta()},
                     {"old_total_pct", f.old_total_pct},
                     {"new_total_pct", f.new_total_pct}});
    }
    scopes.push_back(
        {{"scope", s.name}, {"old_samples", s.old_samples}, {"new_samples", s.new_samples}, {"functions", fns}});
  }
  nlohmann::json doc{{"schema_version", kProfileSchemaVersion},
                     {"old_command", d.old_command},
                     {"new_command", d.new_command},
                     {"scopes", std::move(scopes)}};
  return dump_json(doc, 2) + "\n";
}

std::string diff_folded(const std::string& old_folded, const std::string& new_folded) {
  const auto o = parse_folded(old_folded);
  const auto n = parse_folded(new_folded);
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> both;
  for (const auto& [stack, c] : o) both[stack].first = c;
  for (const auto& [stack, c] : n) both[stack].second = c;
  std::string out;
  for (const auto& [stack, c] : both)
    out += stack + " " + std::to_string(c.first) + " " + std::to_string(c.second) + "\n";
  return out;
}

}  // namespace perfprobe::report
