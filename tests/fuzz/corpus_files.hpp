// The files of a committed fuzz seed corpus (tests/fuzz/corpus/NAME), each read whole, for the unit
// tests that replay a corpus so an input that once found a bug stays fixed without a clang build.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace perfprobe::fuzz {

inline std::vector<std::pair<std::filesystem::path, std::string>> corpus_files(const std::string& name) {
  std::vector<std::pair<std::filesystem::path, std::string>> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(PERFPROBE_SOURCE_DIR) / "tests/fuzz/corpus" / name)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out.emplace_back(entry.path(), bytes.str());
  }
  return out;
}

}  // namespace perfprobe::fuzz
