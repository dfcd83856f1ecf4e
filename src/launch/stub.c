// The launch stub: a few hundred bytes of static code that perfprobe's forked child execs instead of the
// target. It forks the real target process and exits, so the target is a fork of this tiny process, not
// of perfprobe: the kernel records the pre-exec memory's high-water mark in the target's peak RSS, and
// a fork of perfprobe would add perfprobe's own size (docs/kernel-facts.md, "Peak RSS").
// Built freestanding (no libc) and embedded in perfprobe; see child.cpp for the protocol.
//
// argv: stub GO_FD ERR_FD REPORT_FD PARENT_PID CTTY_FD PATH ARG0 ARG1 ...; envp is the target's.
// The stub writes the new process's pid (4 bytes) to REPORT_FD and exits 0. The new process waits for
// one byte on GO_FD (perfprobe opens its events meanwhile), asks to be killed when perfprobe dies,
// takes CTTY_FD as controlling terminal when >= 0, and execs PATH; an exec error goes to ERR_FD as errno.
#include <asm/unistd.h>
#include <linux/prctl.h>

#define STUB_SIGCHLD 17
#define STUB_SIGKILL 9
#define STUB_F_SETFD 2
#define STUB_FD_CLOEXEC 1
#define STUB_TIOCSCTTY 0x540E
#define STUB_EINTR 4

#if defined(__x86_64__)
__asm__(
    ".text\n.global _start\n_start:\n"
    "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call stub_main\n  hlt\n");

static long sys6(long n, long a, long b, long c, long d, long e) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
__asm__(
    ".text\n.global _start\n_start:\n"
    "  mov x29, #0\n  mov x30, #0\n  mov x0, sp\n  bl stub_main\n  brk #0\n");

static long sys6(long n, long a, long b, long c, long d, long e) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
}
#else
#error "the launch stub supports x86_64 and aarch64; build with PERFPROBE_LAUNCH_STUB=OFF elsewhere"
#endif

static long sys3(long n, long a, long b, long c) { return sys6(n, a, b, c, 0, 0); }

static __attribute__((noreturn)) void leave(int code) {
  for (;;) sys3(__NR_exit_group, code, 0, 0);
}

static long number(const char* s) {
  long v = 0;
  int neg = 0;
  if (*s == '-') {
    neg = 1;
    ++s;
  }
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return neg ? -v : v;
}

static void report_errno(long fd, long err) {
  int e = (int)err;
  sys3(__NR_write, fd, (long)&e, sizeof e);
}

__attribute__((used)) void stub_main(long* sp) {
  const long argc = sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;
  if (argc < 8) leave(127);
  const long go = number(argv[1]);
  const long err = number(argv[2]);
  const long report = number(argv[3]);
  const long parent = number(argv[4]);
  const long ctty = number(argv[5]);

  const long pid = sys6(__NR_clone, STUB_SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) {
    report_errno(err, -pid);
    leave(127);
  }
  if (pid > 0) {
    int p = (int)pid;
    leave(sys3(__NR_write, report, (long)&p, sizeof p) == sizeof p ? 0 : 127);
  }

  // The target-to-be.
  sys3(__NR_close, report, 0, 0);
  char byte = 0;
  long n;
  do {
    n = sys3(__NR_read, go, (long)&byte, 1);
  } while (n == -STUB_EINTR);
  if (n != 1) leave(127);  // perfprobe gave up before releasing us
  sys3(__NR_close, go, 0, 0);
  // Released only after the stub was reaped, so our parent is perfprobe (its subreaper) by now.
  sys6(__NR_prctl, PR_SET_PDEATHSIG, STUB_SIGKILL, 0, 0, 0);
  if (sys3(__NR_getppid, 0, 0, 0) != parent) leave(127);  // perfprobe died meanwhile
  if (ctty >= 0) {
    sys3(__NR_setsid, 0, 0, 0);
    sys3(__NR_ioctl, ctty, STUB_TIOCSCTTY, 0);
  }
  sys3(__NR_fcntl, err, STUB_F_SETFD, STUB_FD_CLOEXEC);
  const long e = sys3(__NR_execve, (long)argv[6], (long)(argv + 7), (long)envp);
  report_errno(err, -e);
  leave(127);
}
