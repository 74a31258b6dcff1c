/* The simulator over its WebSocket (docs/protocol.md, docs/simulator.md), reconnecting on drop. */
import type { Transport, TransportEvents } from "./transport.js";

const MSG_GLASS = 0xa0;

export class SimulatorTransport implements Transport {
  readonly kind = "simulator" as const;
  readonly pairing = "app" as const;
  readonly label: string;
  private ws: WebSocket | undefined;
  private closed = false;
  private retryMs = 500;

  private constructor(
    private readonly url: string,
    private readonly on: TransportEvents,
  ) {
    this.label = `simulator at ${url}`;
  }

  /** Connects; resolves once the socket is open, rejects with one line if the first try fails. */
  static connect(url: string, on: TransportEvents): Promise<SimulatorTransport> {
    const t = new SimulatorTransport(url, on);
    return t.open(true).then(() => t);
  }

  private open(first: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(this.url);
      } catch {
        reject(new Error(`"${this.url}" is not a WebSocket address (ws://host:port/)`));
        return;
      }
      ws.binaryType = "arraybuffer";
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.ws = ws;
        this.retryMs = 500;
        this.on.up(this);
        resolve();
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data === "string") {
          const m = JSON.parse(ev.data) as { type: string };
          if (m.type === "hello") this.on.hello?.(m as never);
          return;
        }
        const b = new Uint8Array(ev.data as ArrayBuffer);
        if (b[0] === MSG_GLASS) this.on.glass?.(b.subarray(2), b[1]);
        else this.on.message(b);
      };
      ws.onclose = () => {
        this.ws = undefined;
        if (first && !opened) {
          reject(new Error(`no simulator answered at ${this.url} (is moodface sim running, and is this page allowed to connect?)`));
          return;
        }
        if (this.closed) return;
        this.on.down("the simulator went away", true);
        setTimeout(() => void this.open(false).catch(() => undefined), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 5000);
      };
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new Error("not connected: waiting for the simulator to come back");
    this.ws.send(bytes as Uint8Array<ArrayBuffer>);
  }

  async refresh(): Promise<void> {}

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
