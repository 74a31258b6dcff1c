/*
 * The stimulus app's build: `npm run build:app` writes a static folder (build/app) that any web
 * server can serve; the simulator serves it under /app/. `base: "./"` keeps every URL relative.
 */
import { defineConfig } from "vite";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

export default defineConfig({
  root: here,
  base: "./",
  logLevel: "warn",
  build: { outDir: join(root, "build", "app"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 400 },
  server: { fs: { allow: [root] } },
});
