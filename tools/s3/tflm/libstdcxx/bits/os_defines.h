// libstdc++'s operating-system settings for the bare-metal ESP32-S3 guest (found before the host's
// gnu-linux one, which includes glibc's <features.h>): no OS, no threads, C library headers from
// picolibc. Only libstdc++'s headers are used (templates); nothing of libstdc++.so is linked.
#ifndef _GLIBCXX_OS_DEFINES
#define _GLIBCXX_OS_DEFINES 1
#define __NO_CTYPE 1
#endif
