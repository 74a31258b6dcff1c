/* Test double of NimBLE's host/ble_store.h: only what native/link/bonds.c uses. */
#ifndef MOODFACE_STUB_BLE_STORE_H
#define MOODFACE_STUB_BLE_STORE_H
int ble_store_clear(void);
#endif
