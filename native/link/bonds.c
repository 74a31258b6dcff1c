/*
 * "Forget phones" on the esp32 (modules/link/ble-peripheral.ts): deletes every bond NimBLE keeps in
 * NVS with ble_store_clear(). Returns NimBLE's error code, 0 on success. The SDK's
 * SM.deleteAllBondings() belongs to the BLEServer API (not the ECMA-419 peripheral this firmware
 * uses) and stops after the first bond (modules/network/ble/nimble/modBLESM.c, SDK 8.2.3).
 */
#include "xsmc.h"
#include "host/ble_store.h"

void xs_link_forget_bonds(xsMachine *the)
{
	int err = ble_store_clear();
	xsmcSetInteger(xsResult, err);
}
