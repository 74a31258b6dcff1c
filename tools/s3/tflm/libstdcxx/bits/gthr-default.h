// libstdc++'s threads for the bare-metal ESP32-S3 guest: one thread (GCC's gthr-single), instead of
// the host's POSIX threads.
#include <bits/gthr-single.h>
