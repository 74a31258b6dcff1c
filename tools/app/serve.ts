/*
 * The simulator serves the stimulus app under /app/ (same origin, so the app's default WebSocket is
 * the simulator's own and passes its Origin check). The app is the static build in build/app
 * (`npm run build:app`); when it is missing or older than its sources, the first request to /app/
 * builds it (a few seconds), so `npm start` itself stays fast.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
export const APP_OUT = join(ROOT, "build", "app");
const SOURCES = [join(HERE, "src"), join(HERE, "index.html"), join(ROOT, "modules", "link"), join(ROOT, "modules", "emotion")];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

/** True when build/app is missing or older than the app's sources. */
export function appStale(): boolean {
  const built = join(APP_OUT, "index.html");
  return !existsSync(built) || statSync(built).mtimeMs < Math.max(...SOURCES.map(newest));
}

/** Builds the app into build/app with Vite (loaded only now: `npm start` does not pay for it). */
export async function buildApp(): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: join(HERE, "vite.config.ts"), logLevel: "warn" });
}

let building: Promise<void> | undefined;

/** Answers a request for /app or /app/...; returns false for any other path. */
export function serveApp(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path !== "/app" && !path.startsWith("/app/")) return false;
  if (path === "/app") {
    res.writeHead(308, { location: "/app/" });
    res.end();
    return true;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "content-type": "text/plain" });
    res.end("method not allowed\n");
    return true;
  }
  if (!building && appStale()) building = buildApp().finally(() => (building = undefined));
  void (building ?? Promise.resolve()).then(
    () => sendFile(res, APP_OUT, path.slice("/app/".length) || "index.html"),
    (e: Error) => {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`the stimulus app did not build: ${e.message.split("\n")[0]} (try npm run build:app)\n`);
    },
  );
  return true;
}

/** Sends `rel` from the folder `root`, or 404 (nothing outside `root`). */
export function sendFile(res: ServerResponse, root: string, rel: string): void {
  const file = normalize(join(root, decodeURIComponent(rel)));
  if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
  res.end(readFileSync(file));
}
