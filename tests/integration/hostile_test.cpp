// perfprobe against hostile files, odd inputs and careless use: links planted by another user in a
// shared directory, closed standard descriptors, FIFOs and devices where files are expected, outputs
// that cannot be written, truncated or lying ELF files. Unprivileged attackers are the real user
// perfprobe-test (setpriv), perfprobe runs as root as it often does.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::TempDir;

namespace {

std::vector<std::string> as_test_user() { return harness::as_user("perfprobe-test"); }

std::string sh_quote(const std::string& s) { return "'" + s + "'"; }

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

// A root-only file that must survive: stands for /etc/passwd.
class Victim {
 public:
  Victim() {
    ::chmod(dir_.path().c_str(), 0700);
    write_text(path(), "root:x:0:0:root:/root:/bin/sh\n");
  }
  [[nodiscard]] std::string path() const { return dir_.file("passwd"); }
  [[nodiscard]] bool intact() const { return harness::read_text(path()) == "root:x:0:0:root:/root:/bin/sh\n"; }

 private:
  TempDir dir_;
};

// A sticky world-writable directory like /tmp, with fs.protected_symlinks off (as in many containers)
// for as long as the test runs, so only perfprobe's own care stands between the link and the victim.
class SharedDir {
 public:
  SharedDir() {
    ::chmod(dir_.path().c_str(), 01777);
    saved_ = harness::read_text("/proc/sys/fs/protected_symlinks");
    std::ofstream("/proc/sys/fs/protected_symlinks") << "0\n";
  }
  ~SharedDir() {
    if (!saved_.empty()) std::ofstream("/proc/sys/fs/protected_symlinks") << saved_;
  }
  SharedDir(const SharedDir&) = delete;
  SharedDir& operator=(const SharedDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return dir_.file(name); }
  // The unprivileged user plants a link at `name` pointing at `target`.
  void plant_link(const std::string& name, const std::string& target) const {
    harness::RunOptions opt;
    opt.prefix = as_test_user();
    ASSERT_EQ(harness::run({"ln", "-s", target, file(name)}, opt).exit_code, 0);
  }

 private:
  TempDir dir_;
  std::string saved_;
};

}  // namespace

TEST(HostileOutputs, JsonlNeverFollowsAnotherUsersLink) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const Victim victim;
  const SharedDir shared;
  shared.plant_link("out.jsonl", victim.path());
  const auto r = harness::run({perfprobe(), "run", "-q", "--jsonl", shared.file("out.jsonl"), "--", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(victim.intact());
}

TEST(HostileOutputs, JsonTemporaryNameCannotBePredicted) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const Victim victim;
  const SharedDir shared;
  // The shell plants the link at the name the temporary would have had with its own pid, then
  // becomes perfprobe (exec keeps the pid).
  const std::string out = shared.file("out.json");
  const std::string script = "setpriv --reuid=perfprobe-test --regid=perfprobe-test --clear-groups ln -s " +
                             sh_quote(victim.path()) + " " + sh_quote(out) + ".tmp.$$ && exec " + perfprobe() +
                             " run -q --json " + sh_quote(out) + " -- true";
  const auto r = harness::run({"sh", "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(victim.intact());
  EXPECT_NO_THROW((void)harness::read_json(out));
}

TEST(HostileOutputs, JsonRefusesAnotherUsersLinkAtItsPath) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const Victim victim;
  const SharedDir shared;
  shared.plant_link("out.json", victim.path());
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", shared.file("out.json"), "--", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(victim.intact());
}

// Every other output option takes the same path: the HTML pages of run, check, record, attach and
// report, record's data file (-o) and report --pprof refuse a link another user planted, before any
// work, and leave its target alone.
TEST(HostileOutputs, HtmlDataFileAndPprofRefuseAnotherUsersLink) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const Victim victim;
  const SharedDir shared;
  const TempDir own;
  const std::string data = own.file("p.data");
  ASSERT_EQ(harness::run({perfprobe(), "record", "-q", "-o", data, "--", fixture("spin"), "50"}).exit_code, 0);
  const pid_t spin = fork();
  if (spin == 0) {
    execl(fixture("spin").c_str(), "spin", "60000", static_cast<char*>(nullptr));  // killed below
    _exit(127);
  }
  const std::string ran = own.file("ran");
  const std::vector<std::vector<std::string>> cases = {
      {"run", "-q", "--html", "@", "--", "touch", ran},
      {"check", "--max-wall", "10s", "--html", "@", "--", "touch", ran},
      {"record", "-q", "-o", own.file("r.data"), "--html", "@", "--", "touch", ran},
      {"record", "-q", "-o", "@", "--", "touch", ran},
      {"attach", "-q", "-p", std::to_string(spin), "--duration", "200ms", "--html", "@"},
      {"attach", "-q", "-p", std::to_string(spin), "--duration", "200ms", "-o", "@"},
      {"report", "--html", "@", data},
      {"report", "--pprof", "@", data},
      {"run", "-q", "--openmetrics", "@", "--", "touch", ran},
      {"check", "--max-wall", "10s", "--bmf", "@", "--", "touch", ran},
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string link = "out" + std::to_string(n++);
    shared.plant_link(link, victim.path());
    std::vector<std::string> argv = {perfprobe()};
    for (const auto& a : c) argv.push_back(a == "@" ? shared.file(link) : a);
    const auto r = harness::run(argv);
    std::string what;
    for (const auto& a : argv) what += a + " ";
    EXPECT_EQ(r.exit_code, 2) << what << ": " << r.err;
    EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << what << ": " << r.err;
    EXPECT_TRUE(victim.intact()) << what;
    EXPECT_NE(::access(ran.c_str(), F_OK), 0) << what << ": the target ran";
  }
  kill(spin, SIGKILL);
  waitpid(spin, nullptr, 0);
}

// --textfile DIR writes DIR/perfprobe.prom: a DIR that another user made a link in /tmp is refused
// (with or without a trailing slash) before the target runs, and nothing lands where it points.
TEST(HostileOutputs, TextfileRefusesAnotherUsersLinkAsItsDirectory) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const Victim victim;
  const SharedDir shared;
  const TempDir own;
  const std::string victim_dir = victim.path().substr(0, victim.path().rfind('/'));
  const std::string ran = own.file("ran");
  shared.plant_link("metrics", victim_dir);
  for (const std::string& dir : {shared.file("metrics"), shared.file("metrics") + "/"}) {
    const auto r = harness::run({perfprobe(), "run", "-q", "--textfile", dir, "--", "touch", ran});
    EXPECT_EQ(r.exit_code, 2) << dir << ": " << r.err;
    EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << dir << ": " << r.err;
    EXPECT_NE(::access((victim_dir + "/perfprobe.prom").c_str(), F_OK), 0) << dir << ": written through the link";
    EXPECT_NE(::access(ran.c_str(), F_OK), 0) << dir << ": the target ran";
  }
}

TEST(HostileOutputs, ExistingFileKeepsItsMode) {
  const TempDir dir;
  for (const char* option : {"--json", "--trace"}) {
    const std::string out = dir.file(std::string("private") + option);
    write_text(out, "{}");
    ::chmod(out.c_str(), 0600);
    const auto r = harness::run({perfprobe(), "run", "-q", option, out, "--", "true"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(mode_of(out) & 07777, 0600u) << option;
    EXPECT_GT(harness::read_text(out).size(), 2u);
  }
}

TEST(HostileOutputs, DeviceIsWrittenNeverReplaced) {
  if (!harness::is_root()) GTEST_SKIP() << "needs root for mknod";
  const TempDir dir;
  const std::string null = dir.file("null");
  ASSERT_EQ(::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  for (const char* option : {"--json", "--jsonl", "--trace"}) {
    const auto r = harness::run({perfprobe(), "run", "-q", option, null, "--", "true"});
    EXPECT_EQ(r.exit_code, 0) << option << ": " << r.err;
    EXPECT_TRUE(S_ISCHR(mode_of(null))) << option << " replaced the device";
  }
}

TEST(HostileOutputs, NoTemporaryLeftBehind) {
  const TempDir dir;
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", dir.file("a.json"), "--", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ls = harness::run({"ls", "-A", dir.path()});
  EXPECT_EQ(ls.out, "a.json\n");
}

TEST(HostileOutputs, StaleTemporaryOfAKilledRunIsRemoved) {
  const TempDir dir;
  // What a perfprobe killed by SIGKILL leaves with the old naming: a pid that no longer exists.
  const std::string stale = dir.file("a.json.tmp.999999999");
  write_text(stale, std::string(1 << 20, 'x'));
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", dir.file("a.json"), "--", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  (void)harness::read_json(dir.file("a.json"));
  // O_TMPFILE leaves nothing to clean; the named fallback cleans its directory. Either way a stale
  // temporary never grows in number, and ours is never left.
  const auto ls = harness::run({"sh", "-c", "ls -A " + sh_quote(dir.path()) + " | grep -c perfprobe- || true"});
  EXPECT_EQ(ls.out, "0\n");
}

TEST(HostileOutputs, ClosedStandardDescriptorsDoNotReachTheTarget) {
  const TempDir dir;
  const std::string out = dir.file("run.json");
  const std::string script = perfprobe() + " run -q --json " + sh_quote(out) + " -- sh -c 'echo x' >&- 2>&-";
  const auto r = harness::run({"sh", "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = harness::read_json(out);
  EXPECT_EQ(j["runs"][0]["exit_code"], 0);
}

TEST(HostileOutputs, OutputCheckedBeforeTheTargetRuns) {
  const TempDir dir;
  const std::string ran = dir.file("ran");
  const std::vector<std::vector<std::string>> cases = {
      {"run", "-q", "--json", dir.path()},
      {"run", "-q", "--jsonl", dir.path()},
      {"run", "-q", "--trace", dir.path() + "/"},
      {"record", "-q", "-o", dir.path()},
      {"check", "--max-wall", "10s", "--json", dir.path()},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {perfprobe()};
    argv.insert(argv.end(), c.begin(), c.end());
    argv.insert(argv.end(), {"--", "touch", ran});
    const auto r = harness::run(argv);
    EXPECT_EQ(r.exit_code, 2) << c[2] << ": " << r.err;
    EXPECT_NE(r.err.find("directory"), std::string::npos) << r.err;
    EXPECT_NE(::access(ran.c_str(), F_OK), 0) << c[2] << ": the target ran";
  }
}

TEST(HostileOutputs, UnwritableFolderIsAUsageErrorBeforeTheTarget) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  const TempDir dir;
  const std::string locked = dir.file("locked");
  ASSERT_EQ(::mkdir(locked.c_str(), 0755), 0);
  harness::RunOptions opt;
  opt.prefix = as_test_user();
  const std::string ran = dir.file("ran");
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", locked + "/out.json", "--", "touch", ran}, opt);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(::access(ran.c_str(), F_OK), 0);
}

TEST(HostileOutputs, FullDiskIsAWarningNotSilence) {
  const TempDir dir;
  harness::RunOptions opt;
  opt.env = {"TMPDIR=" + dir.path()};
  const auto jsonl = harness::run({perfprobe(), "run", "-q", "--jsonl", "/dev/full", "--", "true"}, opt);
  EXPECT_EQ(jsonl.exit_code, 0);  // the target's status: the contract of run
  EXPECT_NE(jsonl.err.find("No space left on device"), std::string::npos) << jsonl.err;
  const auto json = harness::run({perfprobe(), "run", "-q", "--json", "/dev/full", "--", "true"}, opt);
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.err.find("No space left on device"), std::string::npos) << json.err;
  EXPECT_NE(json.err.find("saved it in '" + dir.path()), std::string::npos) << json.err;
}

TEST(HostileInputs, FifosAndDevicesAreRefusedNotWaitedOn) {
  const TempDir dir;
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::vector<std::vector<std::string>> cases = {
      {"report", fifo},
      {"report", "/dev/zero"},
      {"size", fifo},
      {"size", "--diff", fifo, "/bin/true"},
      {"probes", fifo},
      {"check", "--binary", fifo, "--max-size", "1G"},
      {"check", "--baseline", fifo, "--", "true"},
      {"check", "--config", fifo, "--", "true"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {perfprobe()};
    argv.insert(argv.end(), c.begin(), c.end());
    harness::RunOptions opt;
    opt.timeout_s = 10;
    const auto r = harness::run(argv, opt);
    EXPECT_EQ(r.exit_code, 2) << c[0] << " " << c[1] << ": " << r.err;
    EXPECT_TRUE(r.err.find("FIFO") != std::string::npos || r.err.find("device") != std::string::npos) << r.err;
  }
}

TEST(HostileInputs, TruncatedElfIsAnErrorNotNoProbes) {
  const TempDir dir;
  const std::string cut = dir.file("cut");
  const std::string whole = harness::read_text(fixture("sdt_target"));
  ASSERT_GT(whole.size(), 4096u);
  write_text(cut, whole.substr(0, whole.size() / 2));
  const auto r = harness::run({perfprobe(), "probes", cut});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
}

TEST(HostileInputs, SizeOnPnXnumWithoutItsCountIsAnError) {
  const TempDir dir;
  const std::string odd = dir.file("odd");
  std::string bytes = harness::read_text("/bin/true");
  ASSERT_EQ(bytes.compare(0, 4, "\177ELF"), 0);
  ASSERT_EQ(bytes[4], 2);  // ELFCLASS64: e_phnum at offset 56
  bytes[56] = '\xff';
  bytes[57] = '\xff';
  write_text(odd, bytes);
  const auto r = harness::run({perfprobe(), "size", odd});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("PN_XNUM"), std::string::npos) << r.err;
}

TEST(HostileInputs, AttachToAKernelThreadSaysSo) {
  if (harness::read_text("/proc/2/comm") != "kthreadd\n") GTEST_SKIP() << "pid 2 is not kthreadd here";
  const auto r = harness::run({perfprobe(), "attach", "-p", "2", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("kernel thread"), std::string::npos) << r.err;
}

TEST(HostileInputs, UnbufferReadsOnlyTheHeadOfAHugeScript) {
  if (harness::kAsan) {
    GTEST_SKIP() << "ASan reserves terabytes of shadow address space, which the address-space limit forbids";
  }
  const TempDir dir;
  const std::string script = dir.file("huge.sh");
  write_text(script, "#!/bin/sh\nexit 0\n");
  ASSERT_EQ(::truncate(script.c_str(), 1LL << 30), 0);  // 1 GiB, sparse
  ::chmod(script.c_str(), 0755);
  // With 512 MiB of address space, reading the whole script would fail.
  const auto r = harness::run(
      {"sh", "-c", "ulimit -v 524288 && exec " + perfprobe() + " run -q --unbuffer -- " + sh_quote(script)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(HostilePrivilege, FileCapabilitiesNeverReachAnotherUsersProcess) {
  if (!harness::is_root() || as_test_user().empty()) GTEST_SKIP() << "needs root and the user perfprobe-test";
  if (::access("/usr/sbin/setcap", X_OK) != 0) GTEST_SKIP() << "setcap (libcap2-bin) is not installed";
  const TempDir dir;
  const std::string copy = dir.file("perfprobe");
  ASSERT_EQ(harness::run({"cp", perfprobe(), copy}).exit_code, 0);
  ASSERT_EQ(::chmod(copy.c_str(), 0755), 0);
  ASSERT_EQ(harness::run({"/usr/sbin/setcap", "cap_perfmon=ep", copy}).exit_code, 0);
  // A root process with a secret on its stack, and the unprivileged user with the capable copy.
  const pid_t victim = fork();
  if (victim == 0) {
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  harness::RunOptions opt;
  opt.prefix = as_test_user();
  opt.timeout_s = 20;
  const auto r = harness::run({copy, "attach", "-p", std::to_string(victim), "--duration", "1s"}, opt);
  kill(victim, SIGKILL);
  waitpid(victim, nullptr, 0);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not yours"), std::string::npos) << r.err;
  // Whatever it starts cannot gain privilege while measured.
  const auto nnp = harness::run({copy, "run", "-q", "--", "sh", "-c", "grep NoNewPrivs /proc/self/status"}, opt);
  EXPECT_EQ(nnp.exit_code, 0) << nnp.err;
  EXPECT_NE(nnp.out.find("NoNewPrivs:\t1"), std::string::npos) << nnp.out;
}

TEST(HostileLifetime, TargetDiesWithAKilledPerfprobe) {
  const TempDir dir;
  const std::string pidfile = dir.file("pid");
  // perfprobe is SIGKILLed 200 ms into the run; the target would sleep 30 s.
  harness::RunOptions opt;
  opt.signal_after_ms = 200;
  opt.signal = SIGKILL;
  opt.signal_once_file = pidfile;  // counted from the target's start
  const auto r =
      harness::run({perfprobe(), "run", "-q", "--", "sh", "-c", "echo $$ > " + pidfile + "; exec sleep 30"}, opt);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  const pid_t target = static_cast<pid_t>(std::stol("0" + harness::read_text(pidfile)));
  ASSERT_GT(target, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    // Gone, or a zombie waiting for init to reap it.
    const std::string stat = harness::read_text("/proc/" + std::to_string(target) + "/stat");
    gone = stat.empty() || stat.find(") Z") != std::string::npos;
    if (!gone) usleep(20000);
  }
  if (!gone) kill(target, SIGKILL);
  EXPECT_TRUE(gone) << "the target outlived perfprobe";
}

TEST(HostileLifetime, ThirdInterruptKillsTheWholeTree) {
  const TempDir dir;
  const std::string pidfile = dir.file("pid");
  // The target starts a background child in a process group of its own, and ignores SIGINT.
  const std::string script = "trap '' INT; setsid sh -c 'echo $$ > " + pidfile + "; exec sleep 30' & sleep 30";
  // python3 drives it: a background job of sh would start with SIGINT ignored.
  const std::string driver =
      "import os, subprocess, sys, time\n"
      "p = subprocess.Popen(sys.argv[2:])\n"
      "while not os.path.exists(sys.argv[1]) or os.path.getsize(sys.argv[1]) == 0: time.sleep(0.01)\n"
      "time.sleep(0.2)\n"
      "for _ in range(3):\n"
      "    p.send_signal(2); time.sleep(0.1)\n"
      "p.wait(timeout=10)\n";
  harness::RunOptions opt;
  opt.timeout_s = 20;
  // The interrupts start once the grandchild has written its pid (a sanitizer build starts slowly).
  const auto r =
      harness::run({"python3", "-c", driver, pidfile, perfprobe(), "run", "-q", "--", "sh", "-c", script}, opt);
  EXPECT_EQ(r.err.find("[harness: killed"), std::string::npos) << "perfprobe did not end";
  const pid_t grandchild = static_cast<pid_t>(std::stol("0" + harness::read_text(pidfile)));
  ASSERT_GT(grandchild, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    const std::string stat = harness::read_text("/proc/" + std::to_string(grandchild) + "/stat");
    gone = stat.empty() || stat.find(") Z") != std::string::npos;
    if (!gone) usleep(20000);
  }
  if (!gone) kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "a process the target started survived three Ctrl-C";
}

TEST(HostileText, BytesThatAreNotUtf8AreReplacedNeverFatal) {
  const TempDir dir;
  const std::string bad = "caf\xe9\xff";
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--jsonl", dir.file("r.jsonl"),
                               "--trace", dir.file("t.json"), "--", "sh", "-c", "printf '\\377\\n'; exit 3", bad});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "\xff\n");  // the target's output passes through byte-exact
  const auto j = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(j["command"].back(), "caf\xef\xbf\xbd\xef\xbf\xbd");
  bool said = false;
  for (const auto& w : j["warnings"]) said |= w.get<std::string>().find("UTF-8") != std::string::npos;
  EXPECT_TRUE(said) << j["warnings"];
  EXPECT_GE(harness::read_jsonl(dir.file("r.jsonl")).size(), 2u);
  EXPECT_NO_THROW((void)harness::read_json(dir.file("t.json")));
}
