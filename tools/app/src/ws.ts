/* The simulator over its WebSocket (docs/protocol.md, docs/simulator.md), reconnecting on drop. */
import { MSG_GLASS, MSG_STATE } from "../../../modules/link/codec.js";
import type { Hello, Stats, Transport, TransportEvents } from "./transport.js";

export class SimulatorTransport implements Transport {
  readonly kind = "simulator" as const;
  readonly pairing = "app" as const;
  readonly label: string;
  private ws: WebSocket | undefined;
  private closed = false;
  private retryMs = 500;
  /** The session key the simulator gave this page once paired: POST /sense and /control send it (docs/protocol.md). */
  key = "";
  /** This page's number on the simulator (the terminal prints it beside each passkey). */
  client = 0;

  private constructor(
    readonly url: string,
    private readonly on: TransportEvents,
  ) {
    this.label = `simulator at ${url}`;
  }

  /** Connects; resolves once the socket is open, rejects with one line if the first try fails. */
  static connect(url: string, on: TransportEvents): Promise<SimulatorTransport> {
    const t = new SimulatorTransport(url, on);
    return t.open(true).then(() => t);
  }

  /** The simulator's HTTP address (for /sense, /model.json, /control): the WebSocket's, over http. */
  get httpUrl(): string {
    return this.url.replace(/^ws/, "http");
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
          let m: { type?: string; message?: string; lines?: string[] };
          try {
            m = JSON.parse(ev.data) as typeof m;
          } catch {
            return;
          }
          if (m.type === "hello") this.on.hello?.(m as unknown as Hello);
          else if (m.type === "stats") this.on.stats?.(m as unknown as Stats);
          else if (m.type === "trace" && Array.isArray(m.lines)) this.on.trace?.(m.lines);
          else if (m.type === "error" && typeof m.message === "string") this.on.note?.(m.message);
          else if (m.type === "client" && typeof (m as { client?: unknown }).client === "number") this.client = (m as { client: number }).client;
          else if (m.type === "session" && typeof (m as { key?: unknown }).key === "string") {
            this.key = (m as { key: string }).key;
            this.on.paired?.();
          }
          return;
        }
        const b = new Uint8Array(ev.data as ArrayBuffer);
        if (b[0] === MSG_GLASS) this.on.glass?.(b.subarray(2), b[1]);
        else if (b[0] === MSG_STATE) this.on.state(b);
        else this.on.reply(b);
      };
      ws.onclose = () => {
        this.ws = undefined;
        // Pairing, and its key, end with the connection.
        this.key = "";
        if (first && !opened) {
          reject(new Error(`no simulator answered at ${this.url} (is moodface sim running, and is this page allowed to connect?)`));
          return;
        }
        if (this.closed) return;
        this.on.down("the simulator is not running (start it with npm start); retrying", true);
        setTimeout(() => void this.open(false).catch(() => undefined), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 1000);
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
