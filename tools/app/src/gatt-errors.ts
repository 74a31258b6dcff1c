/*
 * A failed Web Bluetooth operation in words for people (ble.ts): apart from the Bluetooth types so
 * that the host's tests can run it.
 */
/**
 * A failed GATT operation in words, by the DOMException Web Bluetooth rejects with (its name; the
 * ATT error, where the browser says it, in its message).
 */
export function explainGattError(e: unknown, doing: string): string {
  const err = e as { name?: string; message?: string };
  const m = err.message ?? String(e);
  // Chromium's texts for the ATT errors of an unpaired link: "GATT operation not authorized.",
  // "GATT Error: Not paired.", insufficient authentication or encryption.
  const att = /authenticat|authoriz|encrypt|insufficient|not paired/i.test(m);
  switch (err.name) {
    case "SecurityError":
      return att
        ? `${doing}: the robot wants a paired, encrypted link: pair with the six digits it shows (${m})`
        : `${doing}: the browser refused (${m}); this page must be on localhost or https`;
    case "NotSupportedError":
      return att ? `${doing}: not paired: pair with the six digits the robot shows, then try again (${m})` : `${doing}: the robot does not allow this (${m})`;
    case "NetworkError":
      return att ? `${doing}: not paired: pair with the six digits the robot shows, then try again (${m})` : `${doing}: the robot went out of reach or closed the link (${m}); it reconnects by itself`;
    case "InvalidStateError":
      return `${doing}: not connected to the robot (${m}); it reconnects by itself`;
    case "InvalidModificationError":
      return `${doing}: the message is too long for the robot (${m})`;
    case "NotAllowedError":
      return `${doing}: the system did not allow it (${m}); pairing may have been cancelled: try again and type the six digits the robot shows`;
    case "NotFoundError":
      return `${doing}: the robot has no stimulus service (${m}); is it a moodface?`;
    default:
      return att ? `${doing}: not paired: pair with the six digits the robot shows (${m})` : `${doing}: ${err.name ?? "error"}: ${m}`;
  }
}
