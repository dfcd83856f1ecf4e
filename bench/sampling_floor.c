/* sampling_floor MODE PROGRAM ARG: the least a 999 Hz cpu-clock sampler can cost on this machine.
 * Launches PROGRAM like perfprobe does (fork, go-pipe, per-CPU events with inherit and
 * enable_on_exec, a 64-page ring per CPU drained every 10 ms) but with the smallest sample the kernel
 * offers, so bench/record.sh can tell perfprobe's own cost from the kernel's per-sample cost.
 *   MODE 0: no events (bare), 1: IP|TID|TIME, 2: + call chain, 3: + 512-byte stack copy,
 *   4: + side-band records and use_clockid (what perfprobe asks for), 5: + wakeup_events 1024.
 * Prints "MODE WALL_ms". */
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  if(argc<4){fprintf(stderr,"usage: %s MODE PROGRAM ARG\n",argv[0]);return 2;}
  int mode=atoi(argv[1]);
  int go[2]; pipe(go);
  double t0=now();
  pid_t c=fork();
  if(!c){char b; read(go[0],&b,1); execl(argv[2],argv[2],argv[3],NULL); _exit(127);}
  int fds[2]={-1,-1}; void* rings[2]={0};
  if(mode>0) for(int cpu=0;cpu<2;cpu++){
    struct perf_event_attr a; memset(&a,0,sizeof a); a.size=sizeof a; a.type=PERF_TYPE_SOFTWARE; a.config=PERF_COUNT_SW_CPU_CLOCK;
    a.freq=1; a.sample_freq=999; a.sample_type=PERF_SAMPLE_IP|PERF_SAMPLE_TID|PERF_SAMPLE_TIME;
    if(mode>=2) a.sample_type|=PERF_SAMPLE_CALLCHAIN;
    if(mode>=3){a.sample_type|=PERF_SAMPLE_REGS_USER|PERF_SAMPLE_STACK_USER; a.sample_regs_user=(1<<6)|(1<<7)|(1<<8); a.sample_stack_user=512;}
    if(mode>=4){a.mmap=a.mmap2=a.comm=a.task=a.sample_id_all=1; a.use_clockid=1; a.clockid=CLOCK_MONOTONIC;}
    a.exclude_kernel=1;a.exclude_hv=1;a.exclude_callchain_kernel=1;a.inherit=1;a.disabled=1;a.enable_on_exec=1;
    if(mode>=5) a.wakeup_events=1024;
    fds[cpu]=syscall(SYS_perf_event_open,&a,c,cpu,-1,0);
    if(fds[cpu]<0){perror("open");return 1;}
    rings[cpu]=mmap(0,(1+64)*4096,PROT_READ|PROT_WRITE,MAP_SHARED,fds[cpu],0);
  }
  write(go[1],"x",1);
  int st; long n=0;
  for(;;){ usleep(10000); for(int cpu=0;cpu<2&&mode>0;cpu++){ struct perf_event_mmap_page*m=rings[cpu]; unsigned long h=__atomic_load_n(&m->data_head,__ATOMIC_ACQUIRE); n+=h-m->data_tail; __atomic_store_n(&m->data_tail,h,__ATOMIC_RELEASE);} if(waitpid(c,&st,WNOHANG)==c)break;}
  printf("%d %.1f\n",mode,(now()-t0)*1e3); (void)n;
  return 0;
}
