/* Test double of the NimBLE store, so the esp32 set (native/link/bonds.c) links on the host. */
#include "host/ble_store.h"

int ble_store_clear(void) { return 0; }
