/* Can this browser reach a robot over Bluetooth? One clear sentence when it cannot. */
export function bluetoothProblem(nav: Navigator = navigator, secure: boolean = window.isSecureContext, host: string = location.hostname): string | undefined {
  if (!secure) {
    return `Bluetooth needs a secure page: this app was opened over http from ${host}. Open it on localhost or over https, or connect to a simulator below.`;
  }
  if (!("bluetooth" in nav) || !(nav as Navigator & { bluetooth?: unknown }).bluetooth) {
    return "This browser has no Web Bluetooth (Firefox and Safari do not support it). Use Chrome or Edge on a computer or Android, or connect to a simulator below.";
  }
  return undefined;
}
