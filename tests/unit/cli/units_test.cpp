#include "perfprobe/cli/units.hpp"

#include <gtest/gtest.h>

#include "perfprobe/error.hpp"

using namespace perfprobe::cli;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration_ns("100ms", "x"), 100'000'000);
  EXPECT_EQ(parse_duration_ns("1.2s", "x"), 1'200'000'000);
  EXPECT_EQ(parse_duration_ns("250us", "x"), 250'000);
  EXPECT_EQ(parse_duration_ns("5 ns", "x"), 5);
  EXPECT_EQ(parse_duration_ns("2min", "x"), 120'000'000'000);
  EXPECT_EQ(parse_duration_ns("15", "x"), 15'000'000);  // bare number: the default unit, ms
  EXPECT_EQ(parse_duration_ns("3", "x", "s"), 3'000'000'000);
}

TEST(ParseDuration, RejectsMalformedValuesNamingThem) {
  try {
    (void)parse_duration_ns("10parsecs", "--interval");
    FAIL();
  } catch (const perfprobe::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--interval"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("10parsecs"), std::string::npos);
  }
  EXPECT_THROW((void)parse_duration_ns("", "x"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_duration_ns("ms", "x"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_duration_ns("-5ms", "x"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_duration_ns("nan", "x"), perfprobe::UsageError);
}

TEST(ParseSize, DistinguishesDecimalAndBinaryUnits) {
  EXPECT_EQ(parse_size_bytes("15MiB", "x"), 15ULL << 20);
  EXPECT_EQ(parse_size_bytes("2.5MB", "x"), 2'500'000ULL);
  EXPECT_EQ(parse_size_bytes("1GiB", "x"), 1ULL << 30);
  EXPECT_EQ(parse_size_bytes("4096", "x"), 4096ULL);
  EXPECT_EQ(parse_size_bytes("1 KiB", "x"), 1024ULL);
  EXPECT_THROW((void)parse_size_bytes("15 furlongs", "--max-size"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_size_bytes("abc", "--max-size"), perfprobe::UsageError);
}

TEST(ParseStrictly, HexInfAndExponentOverflowAreRejectedNamingTheRange) {
  EXPECT_THROW((void)parse_duration_ns("0x10ms", "--interval"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_duration_ns("inf", "x"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_size_bytes("0x10MiB", "x"), perfprobe::UsageError);
  for (const char* huge : {"1e30s", "9300000000s"}) {
    try {
      (void)parse_duration_ns(huge, "--max-wall");
      FAIL() << huge;
    } catch (const perfprobe::UsageError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(huge), std::string::npos) << what;
      EXPECT_NE(what.find("out of range"), std::string::npos) << what;
      EXPECT_NE(what.find("1000000000s"), std::string::npos) << what;
    }
  }
  EXPECT_EQ(parse_duration_ns("1000000000s", "x"), 1'000'000'000'000'000'000);
  EXPECT_EQ(parse_duration_ns("1.5e3ms", "x"), 1'500'000'000);
  EXPECT_THROW((void)parse_size_bytes("1e30GiB", "--max-size"), perfprobe::UsageError);
  EXPECT_THROW((void)parse_size_bytes("20000000TiB", "--max-size"), perfprobe::UsageError);
  EXPECT_EQ(parse_number("12.5%", "x").number, 12.5);
  EXPECT_EQ(parse_number("12.5%", "x").unit, "%");
}

TEST(ParseListenAddress, LocalhostUnlessAnAddressIsGiven) {
  EXPECT_EQ(parse_listen_address("9464", "--serve").host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address("9464", "--serve").port, 9464);
  EXPECT_EQ(parse_listen_address(":0", "--serve").host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address(":0", "--serve").port, 0);
  EXPECT_EQ(parse_listen_address("0.0.0.0:9100", "--serve").host, "0.0.0.0");
  EXPECT_EQ(parse_listen_address("[::1]:65535", "--serve").host, "::1");
  EXPECT_EQ(parse_listen_address("[::1]:65535", "--serve").port, 65535);
  EXPECT_EQ(parse_listen_address("localhost:80", "--serve").host, "localhost");
}

TEST(ParseListenAddress, RejectsMalformedValuesNamingThem) {
  for (const char* bad : {"", ":", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "host:http", "::1:9100",
                          "[::1:9100", "[]:9100", "1234567"}) {
    try {
      (void)parse_listen_address(bad, "--serve");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const perfprobe::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("--serve '") + bad + "'"), std::string::npos) << e.what();
    }
  }
}
