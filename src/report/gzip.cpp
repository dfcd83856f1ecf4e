// gzip with zlib's deflate (a gzip header when windowBits is 15 + 16), in one pass: profiles are a
// few MB at most.
#include <zlib.h>

#include "perfprobe/error.hpp"
#include "perfprobe/report/pprof.hpp"

namespace perfprobe::report {

std::string gzip(std::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib: cannot start gzip compression", "check the zlib installation");
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("zlib: gzip compression failed", "report this as a bug");
  return out;
}

}  // namespace perfprobe::report
