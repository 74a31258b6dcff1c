/*
 * The simulator link's guards, each a small pure piece with its own tests (tests/sim/link.test.ts):
 * which Host and Origin headers may open the WebSocket, a token bucket for message rates, and the
 * send policy for slow readers. No sockets here; tools/sim/link.ts wires them to `ws`.
 */
import { isIP } from "node:net";

/** True for an address that only this machine can reach. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "").toLowerCase();
  return a === "localhost" || a === "::1" || a.startsWith("127.") || a === "::ffff:127.0.0.1";
}

/** The host name of a Host header value ("127.0.0.1:8080", "[::1]:80", "evil.example.com"). */
export function hostName(host: string): string {
  const m = /^\[([^\]]*)\](?::\d+)?$/.exec(host);
  if (m) return m[1].toLowerCase();
  const i = host.lastIndexOf(":");
  return (i >= 0 && host.indexOf(":") === i ? host.slice(0, i) : host).toLowerCase();
}

export interface OriginPolicy {
  /** Extra host names a Host header may carry (besides localhost and IP addresses). */
  allowedHosts?: readonly string[];
  /** Extra page origins allowed to open the socket ("http://localhost:5173"). */
  allowedOrigins?: readonly string[];
}

/**
 * Why a WebSocket upgrade is refused, or undefined when it may go ahead.
 *
 * Host: an IP address or localhost (a name only by --allow-host), so a page on a foreign name that
 * resolves to this machine (DNS rebinding) cannot reach the robot. Origin: absent (a program, not a
 * page: it could send any header anyway), the simulator's own origin (same scheme, host and port as
 * the Host header) or one allowed explicitly. Everything else is a page on some other site.
 */
export function refuseUpgrade(headers: { host?: string; origin?: string }, policy: OriginPolicy = {}): string | undefined {
  const host = headers.host;
  if (!host) return "no Host header";
  const name = hostName(host);
  if (!(name === "localhost" || isIP(name) !== 0 || (policy.allowedHosts ?? []).includes(name))) return `foreign Host ${JSON.stringify(host)}`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  if (origin === `http://${host}` || origin === `https://${host}`) return undefined;
  if ((policy.allowedOrigins ?? []).includes(origin)) return undefined;
  return `foreign Origin ${JSON.stringify(origin)}`;
}

/** A token bucket: `rate` tokens a second, at most `burst` saved up. The clock is passed in (ms). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when a token is available without taking it. */
  ready(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
  }
}

export interface SendLimits {
  /** Above this many unsent bytes, coalescable messages (state, glass, stats) are skipped. */
  softBytes: number;
  /** Above this many unsent bytes the client is disconnected. */
  hardBytes: number;
  /** A client above softBytes for this long (wall ms) without draining is disconnected. */
  stallMs: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { softBytes: 64 * 1024, hardBytes: 1024 * 1024, stallMs: 10_000 };

export type SendDecision = "send" | "coalesce" | "disconnect";

/**
 * What to do with one outgoing message for a client with `buffered` unsent bytes. `since` is when the
 * client went above softBytes (undefined when it is below); the caller keeps it.
 */
export function sendDecision(buffered: number, coalescable: boolean, since: number | undefined, now: number, l: SendLimits): SendDecision {
  if (buffered > l.hardBytes) return "disconnect";
  if (since !== undefined && now - since >= l.stallMs) return "disconnect";
  if (coalescable && buffered > l.softBytes) return "coalesce";
  return "send";
}
