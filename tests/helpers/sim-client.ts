/*
 * A WebSocket client of the simulator for tests: records every message, knows its client number
 * from the simulator's "client" message, waits for the next message matching a predicate, and sends
 * one message and waits for its reply (ACK, DONE or ERROR).
 */
import WebSocket from "ws";
import { MSG_ACK, MSG_DONE, MSG_ERROR } from "../../modules/link/codec.js";

type Message = Uint8Array | string;

export class SimClient {
  readonly ws: WebSocket;
  readonly got: Message[] = [];
  /** The simulator's number for this client, once its "client" message came (-1 before). */
  id = -1;
  private waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    // A refused or dropped socket is what several tests provoke: open() and numbered() report it.
    this.ws.on("error", () => {});
    this.ws.on("message", (d, isBinary) => {
      const m: Message = isBinary ? new Uint8Array(d as Buffer) : String(d);
      this.got.push(m);
      if (typeof m === "string" && m.includes('"type":"client"')) this.id = (JSON.parse(m) as { client: number }).client;
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }

  /** The socket is open; rejects on an HTTP refusal or a socket error. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** The simulator has told this client its number; rejects on an HTTP refusal. */
  numbered(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.id >= 0) return resolve();
      this.next((m) => typeof m === "string" && m.includes('"type":"client"')).then(() => resolve());
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  next(pred: (m: Message) => boolean): Promise<Message> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Sends one message and waits for its reply (ACK, DONE or ERROR). */
  async call(bytes: Uint8Array): Promise<Uint8Array> {
    const reply = this.next((m) => m instanceof Uint8Array && (m[0] === MSG_ACK || m[0] === MSG_DONE || m[0] === MSG_ERROR));
    this.ws.send(bytes);
    return (await reply) as Uint8Array;
  }

  close(): void {
    this.ws.terminate();
  }
}
