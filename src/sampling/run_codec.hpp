// The RUN section of the data file: a RunResult (measurements and timeline) in binary form.
#pragma once

#include "byte_io.hpp"
#include "perfprobe/model.hpp"

namespace perfprobe::sampling {

void encode_run(ByteWriter& w, const RunResult& r);
void decode_run(ByteReader& in, RunResult& r);

}  // namespace perfprobe::sampling
