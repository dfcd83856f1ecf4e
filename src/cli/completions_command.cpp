// `perfprobe completions SHELL`: bash, zsh and fish completion scripts generated from the CLI11
// definition itself, so a new option completes the day it is added. Values complete where it is
// cheap: files, pids, choices, event names, marker spec prefixes.
#include <map>
#include <sstream>

#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

namespace {

// What follows an option on the command line.
enum class Value { none, other, file, pid, events, spec, choice };

struct OptionSpec {
  std::vector<std::string> names;  // "-r", "--runs"
  Value value = Value::none;
  std::vector<std::string> choices;
  std::string help;
};

struct SubcommandSpec {
  std::string name;
  std::string help;
  std::vector<OptionSpec> options;
  bool files = false;                 // takes file operands
  bool command = false;               // takes a target command after --
  std::vector<std::string> operands;  // fixed operand words (completions' shells)
};

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names{
      "cycles",          "instructions",     "cache-references", "cache-misses", "branches",
      "branch-misses",   "task-clock",       "cpu-clock",        "page-faults",  "major-faults",
      "minor-faults",    "context-switches", "cpu-migrations",   "ref-cycles",   "L1-dcache-load-misses",
      "LLC-load-misses", "dTLB-load-misses"};
  return names;
}

// The marker spec forms of docs/markers.md.
const std::vector<std::string>& spec_prefixes() {
  static const std::vector<std::string> prefixes{
      "usdt:", "uprobe:", "uretprobe:", "mark:", "output:", "output", "tcp:", "http:"};
  return prefixes;
}

OptionSpec option_spec(const CLI::Option& opt) {
  OptionSpec o;
  for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
  o.help = opt.get_description();
  if (opt.get_items_expected_max() == 0) return o;  // a flag
  static const std::map<std::string, std::vector<std::string>> kChoices{{"--color", {"auto", "always", "never"}},
                                                                        {"--call-graph", {"auto", "fp", "dwarf"}},
                                                                        {"--off-cpu", {"auto", "switches", "none"}}};
  const std::string type = opt.get_type_name();
  const std::string lname = opt.get_lnames().empty() ? std::string() : "--" + opt.get_lnames().front();
  if (const auto it = kChoices.find(lname); it != kChoices.end()) {
    o.value = Value::choice;
    o.choices = it->second;
  } else if (type == "FILE" || type == "CMD") {
    o.value = type == "FILE" ? Value::file : Value::other;
  } else if (type == "PID") {
    o.value = Value::pid;
  } else if (type == "EVENTS") {
    o.value = Value::events;
  } else if (type == "SPEC") {
    o.value = Value::spec;
  } else {
    o.value = Value::other;
  }
  return o;
}

std::vector<OptionSpec> options_of(const CLI::App& app) {
  std::vector<OptionSpec> out;
  for (const auto* opt : app.get_options()) {
    if (!opt->nonpositional() || opt->get_group().empty()) continue;  // operands, hidden options
    out.push_back(option_spec(*opt));
  }
  return out;
}

std::vector<SubcommandSpec> subcommands_of(const CLI::App& app) {
  std::vector<SubcommandSpec> out;
  for (const auto* sub : app.get_subcommands({})) {
    SubcommandSpec s{sub->get_name(), sub->get_description(), options_of(*sub), false, false, {}};
    for (const auto* opt : sub->get_options()) {
      if (!opt->get_positional() || opt->nonpositional()) continue;
      if (opt->get_name(true) == "command") {
        s.command = true;
      } else if (opt->get_name(true) == "shell") {
        s.operands = {"bash", "zsh", "fish"};
      } else {
        s.files = true;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string words(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& w : list) s += (s.empty() ? "" : " ") + w;
  return s;
}

// Single-quoted for sh and fish: ' becomes '\''.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash_values(const std::vector<OptionSpec>& options) {
  std::string out;
  for (const auto& o : options) {
    if (o.value == Value::none) continue;
    std::string action;
    switch (o.value) {
      case Value::file:
        action = "COMPREPLY=($(compgen -f -- \"$cur\")); compopt -o filenames 2>/dev/null";
        break;
      case Value::pid:
        action = "COMPREPLY=($(compgen -W \"$(ps -e -o pid= 2>/dev/null)\" -- \"$cur\"))";
        break;
      case Value::events:
        action = "_perfprobe_list \"$_perfprobe_events\"";
        break;
      case Value::spec:
        action = "COMPREPLY=($(compgen -W \"$_perfprobe_specs\" -- \"$cur\")); compopt -o nospace 2>/dev/null";
        break;
      case Value::choice:
        action = "COMPREPLY=($(compgen -W " + quoted(words(o.choices)) + " -- \"$cur\"))";
        break;
      default:
        action = "COMPREPLY=()";
    }
    std::string pattern;
    for (const auto& n : o.names) pattern += (pattern.empty() ? "" : "|") + n;
    out += "        " + pattern + ") " + action + "; return ;;\n";
  }
  return out;
}

std::string bash_script(const std::vector<OptionSpec>& global, const std::vector<SubcommandSpec>& subs) {
  std::ostringstream s;
  std::vector<std::string> sub_names, global_names;
  std::string sub_pattern;  // "run|events|..." for a case label
  for (const auto& sub : subs) {
    sub_names.push_back(sub.name);
    sub_pattern += (sub_pattern.empty() ? "" : "|") + sub.name;
  }
  for (const auto& o : global) global_names.insert(global_names.end(), o.names.begin(), o.names.end());
  s << "# bash completion for perfprobe, generated by `perfprobe completions bash` from its own CLI.\n"
       "_perfprobe_events="
    << quoted(words(event_names()))
    << "\n"
       "_perfprobe_specs="
    << quoted(words(spec_prefixes()))
    << "\n"
       "# A comma-separated list: complete its last element.\n"
       "_perfprobe_list() {\n"
       "  local pre=\"\"\n"
       "  [[ $cur == *,* ]] && pre=\"${cur%,*},\"\n"
       "  COMPREPLY=($(compgen -P \"$pre\" -W \"$1\" -- \"${cur##*,}\"))\n"
       "}\n"
       "_perfprobe() {\n"
       "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" sub=\"\" i\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    case \"${COMP_WORDS[i]}\" in\n"
       "      --)  # the target command and its arguments\n"
       "        if ((i == COMP_CWORD - 1)); then COMPREPLY=($(compgen -c -- \"$cur\"));\n"
       "        else COMPREPLY=($(compgen -f -- \"$cur\")); compopt -o filenames 2>/dev/null; fi\n"
       "        return ;;\n"
       "      "
    << sub_pattern
    << ")\n"
       "        [[ -z $sub ]] && sub=\"${COMP_WORDS[i]}\" ;;\n"
       "    esac\n"
       "  done\n"
       "  case \"$sub\" in\n"
       "    \"\")\n"
       "      case \"$prev\" in\n"
    << bash_values(global)
    << "      esac\n"
       "      COMPREPLY=($(compgen -W "
    << quoted(words(global_names) + " " + words(sub_names))
    << " -- \"$cur\"))\n"
       "      return ;;\n";
  for (const auto& sub : subs) {
    std::vector<std::string> names;
    for (const auto& o : sub.options) names.insert(names.end(), o.names.begin(), o.names.end());
    if (sub.command) names.emplace_back("--");
    s << "    " << sub.name << ")\n      case \"$prev\" in\n" << bash_values(sub.options) << "      esac\n";
    if (!sub.operands.empty()) {
      s << "      [[ $cur != -* ]] && { COMPREPLY=($(compgen -W " << quoted(words(sub.operands))
        << " -- \"$cur\")); return; }\n";
    } else if (sub.files) {
      s << "      [[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- \"$cur\")); compopt -o filenames 2>/dev/null; "
           "return; }\n";
    }
    s << "      COMPREPLY=($(compgen -W " << quoted(words(names)) << " -- \"$cur\")) ;;\n";
  }
  s << "  esac\n}\ncomplete -F _perfprobe perfprobe\n";
  return s.str();
}

std::string zsh_escape(const std::string& help) {
  std::string out;
  for (const char c : help) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out;
}

std::string zsh_action(const OptionSpec& o) {
  switch (o.value) {
    case Value::file:
      return ":file:_files";
    case Value::pid:
      return ":pid:_pids";
    case Value::events:
      return ":events:_sequence compadd - " + words(event_names());
    case Value::spec:
      return ":marker spec:(" + words(spec_prefixes()) + ")";
    case Value::choice:
      return ":value:(" + words(o.choices) + ")";
    case Value::other:
      return ":value: ";
    case Value::none:
      break;
  }
  return {};
}

std::vector<std::string> zsh_specs(const std::vector<OptionSpec>& options) {
  std::vector<std::string> out;
  for (const auto& o : options) {
    const std::string help = "[" + zsh_escape(o.help.substr(0, 120)) + "]";
    if (o.names.size() == 1) {
      out.push_back("'" + o.names[0] + help + zsh_action(o) + "'");
    } else {
      std::string names;
      for (const auto& n : o.names) names += (names.empty() ? "" : ",") + n;
      out.push_back("'(" + words(o.names) + ")'{" + names + "}'" + help + zsh_action(o) + "'");
    }
  }
  return out;
}

// One _arguments call, a spec per line.
std::string zsh_arguments(const std::string& flags, const std::vector<std::string>& specs, const std::string& indent) {
  std::string out = indent + "_arguments" + flags;
  for (const auto& spec : specs) out += " \\\n" + indent + "  " + spec;
  return out + "\n";
}

std::string zsh_script(const std::vector<OptionSpec>& global, const std::vector<SubcommandSpec>& subs) {
  std::ostringstream s;
  s << "#compdef perfprobe\n# zsh completion for perfprobe, generated by `perfprobe completions zsh` from its own "
       "CLI.\n"
       "_perfprobe() {\n  local curcontext=\"$curcontext\" state line\n  local -a subcommands\n  subcommands=(\n";
  for (const auto& sub : subs) s << "    '" << sub.name << ":" << zsh_escape(sub.help) << "'\n";
  auto top = zsh_specs(global);
  top.emplace_back("'1: :->subcommand'");
  top.emplace_back("'*:: :->args'");
  s << "  )\n" << zsh_arguments(" -C", top, "  ");
  s << "  case $state in\n    subcommand) _describe 'subcommand' subcommands ;;\n    args)\n      case $words[1] in\n";
  for (const auto& sub : subs) {
    auto specs = zsh_specs(sub.options);
    if (sub.command) {
      specs.emplace_back("'*::command:_normal'");
    } else if (!sub.operands.empty()) {
      specs.emplace_back("'1:shell:(" + words(sub.operands) + ")'");
    } else if (sub.files) {
      specs.emplace_back("'*:file:_files'");
    }
    s << "        " << sub.name << ")\n" << zsh_arguments(" -s", specs, "          ") << "          ;;\n";
  }
  s << "      esac ;;\n  esac\n}\n_perfprobe \"$@\"\n";
  return s.str();
}

std::string fish_script(const std::vector<OptionSpec>& global, const std::vector<SubcommandSpec>& subs) {
  std::ostringstream s;
  s << "# fish completion for perfprobe, generated by `perfprobe completions fish` from its own CLI.\n"
       "complete -c perfprobe -f\n";
  std::vector<std::string> names;
  for (const auto& sub : subs) names.push_back(sub.name);
  const auto option_lines = [&s](const std::vector<OptionSpec>& options, const std::string& condition) {
    for (const auto& o : options) {
      s << "complete -c perfprobe -n " << quoted(condition);
      for (const auto& n : o.names) s << (n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1));
      switch (o.value) {
        case Value::file:
          s << " -r -F";
          break;
        case Value::pid:
          s << " -x -a '(__fish_complete_pids)'";
          break;
        case Value::events:
          s << " -x -a " << quoted(words(event_names()));
          break;
        case Value::spec:
          s << " -x -a " << quoted(words(spec_prefixes()));
          break;
        case Value::choice:
          s << " -x -a " << quoted(words(o.choices));
          break;
        case Value::other:
          s << " -x";
          break;
        case Value::none:
          break;
      }
      s << " -d " << quoted(o.help.substr(0, 100)) << "\n";
    }
  };
  option_lines(global, "__fish_use_subcommand");
  for (const auto& sub : subs) {
    s << "complete -c perfprobe -n __fish_use_subcommand -a " << sub.name << " -d " << quoted(sub.help) << "\n";
  }
  for (const auto& sub : subs) {
    const std::string cond = "__fish_seen_subcommand_from " + sub.name + "; and not contains -- -- (commandline -opc)";
    option_lines(sub.options, cond);
    if (!sub.operands.empty()) {
      s << "complete -c perfprobe -n " << quoted(cond) << " -a " << quoted(words(sub.operands)) << "\n";
    } else if (sub.files) {
      s << "complete -c perfprobe -n " << quoted(cond) << " -F\n";
    }
    if (sub.command) {
      s << "complete -c perfprobe -n "
        << quoted("__fish_seen_subcommand_from " + sub.name + "; and contains -- -- (commandline -opc)")
        << " -F -a '(__fish_complete_subcommand --fcs-skip=2)'\n";
    }
  }
  return s.str();
}

}  // namespace

void define_completions(CLI::App& app, Options& options) {
  CLI::App* sub = app.add_subcommand("completions", "Print a shell completion script for bash, zsh or fish");
  sub->footer(
      "Usage: perfprobe completions bash|zsh|fish\n"
      "bash: source <(perfprobe completions bash), or save it as "
      "/usr/share/bash-completion/completions/perfprobe.");
  sub->add_option("shell", options.completions.shell, "The shell: bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
}

void finalize_completions(const CLI::App& app, Options& options) {
  const auto subs = subcommands_of(app);
  const auto global = options_of(app);
  const std::string& shell = options.completions.shell;
  if (shell == "bash") {
    options.completions.script = bash_script(global, subs);
  } else if (shell == "zsh") {
    options.completions.script = zsh_script(global, subs);
  } else {
    options.completions.script = fish_script(global, subs);
  }
}

}  // namespace perfprobe::cli
