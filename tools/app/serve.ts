/*
 * The simulator serves the page (the app, tools/app) as its own, at / (same origin, so the page's
 * WebSocket is the simulator's own and passes its Origin check). The page is the static build in
 * build/app (`npm run build:app`); when it is missing or older than its sources, the first request
 * builds it (a few seconds), so `npm start` itself stays fast.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
export const APP_OUT = join(ROOT, "build", "app");
const SOURCES = [join(HERE, "src"), join(HERE, "public"), join(HERE, "index.html"), join(ROOT, "modules", "link"), join(ROOT, "modules", "emotion"), join(ROOT, "modules", "app")];

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

/**
 * Builds the page into build/app with Vite, in a child process (`npm start` does not load Vite, and
 * a build failure is its one line of stderr).
 */
export function buildApp(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [vite, "build", "--config", join(HERE, "vite.config.ts"), "--logLevel", "warn"], { cwd: ROOT }, (err, _out, stderr) => {
      if (err) reject(new Error(stderr.trim().split("\n").find((l) => l.trim()) ?? err.message));
      else resolve();
    });
  });
}

let building: Promise<void> | undefined;

/**
 * Answers a GET or HEAD for a file of the page (`/` is its index.html) with `headers` added, after
 * building it when stale; 404 for anything that is not in build/app.
 */
export function serveApp(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string> = {}): void {
  if (!building && appStale()) building = buildApp().finally(() => (building = undefined));
  void (building ?? Promise.resolve()).then(
    () => sendFile(res, APP_OUT, path === "/" ? "index.html" : path.slice(1), headers, req.method === "HEAD"),
    (e: Error) => {
      res.writeHead(500, { ...headers, "content-type": "text/plain; charset=utf-8" });
      res.end(`the page did not build: ${e.message.split("\n")[0]} (try npm run build:app)\n`);
    },
  );
}

/** Sends `rel` from the folder `root`, or 404 (nothing outside `root`). */
export function sendFile(res: ServerResponse, root: string, rel: string, headers: Record<string, string> = {}, head = false): void {
  let file: string;
  try {
    file = normalize(join(root, decodeURIComponent(rel)));
  } catch {
    file = "";
  }
  if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404, { ...headers, "content-type": "text/plain; charset=utf-8" });
    res.end("not found\n");
    return;
  }
  const body = readFileSync(file);
  res.writeHead(200, { "cache-control": "no-cache", ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": String(body.length) });
  res.end(head ? undefined : body);
}
