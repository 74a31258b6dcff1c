/*
 * Files the CLI writes: checked before any work starts (the folder exists, the name is not a folder),
 * written atomically (write-file-atomic, or a temp file renamed into place for streams), and every
 * failure is one line naming the file.
 */
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { UsageError } from "./data.js";

/** A system error as a few words: "permission denied (EACCES)". */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "not permitted",
    ENOENT: "no such file or folder",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "is a folder",
    EEXIST: "already exists",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EMFILE: "too many open files",
    ELOOP: "too many symbolic links",
    ENAMETOOLONG: "name too long",
  };
  if (err?.code && words[err.code]) return `${words[err.code]} (${err.code})`;
  return err?.code ?? (e instanceof Error ? e.message : String(e));
}

/** Throws a UsageError unless `path` can be created as a file: its folder exists, it is not a folder. */
export function checkOutputFile(path: string, option = "-o"): void {
  const dir = dirname(resolve(path));
  let d;
  try {
    d = statSync(dir);
  } catch (e) {
    throw new UsageError(`${option} ${path}: the folder ${dir} ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be used: ${reason(e)}`}`);
  }
  if (!d.isDirectory()) throw new UsageError(`${option} ${path}: ${dir} is not a folder`);
  let s;
  try {
    s = statSync(path);
  } catch {
    return;
  }
  if (s.isDirectory()) throw new UsageError(`${option} ${path}: is a folder; give a file name`);
  if (!s.isFile()) throw new UsageError(`${option} ${path}: is not a regular file`);
}

/** Throws a UsageError unless `path` is a folder or can be created as one (its parent exists). */
export function checkOutputFolder(path: string, option = "-o"): void {
  let s;
  try {
    s = statSync(path);
  } catch {
    const parent = dirname(resolve(path));
    try {
      if (statSync(parent).isDirectory()) return;
    } catch {
      // fall through
    }
    throw new UsageError(`${option} ${path}: the folder ${parent} does not exist`);
  }
  if (!s.isDirectory()) throw new UsageError(`${option} ${path}: is a file; give a folder`);
}

/** writeFileAtomic with one-line errors naming the file. */
export async function writeFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    throw new UsageError(`${path}: cannot write: ${reason(e)}`);
  }
}

/**
 * A file written piece by piece without holding it in memory, appearing under its name only when
 * complete: lines go to `<name>.<pid>.tmp` beside it, renamed on commit(), removed on abort().
 */
export class AtomicStream {
  private readonly tmp: string;
  private fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;

  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.abort();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };

  constructor(readonly path: string) {
    this.tmp = `${resolve(dirname(path), "." + basename(path))}.${process.pid}.tmp`;
    try {
      this.fd = openSync(this.tmp, "w");
    } catch (e) {
      throw new UsageError(`${path}: cannot write: ${reason(e)}`);
    }
    // Interrupted (Ctrl-C, kill): no half-written temp file stays behind.
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  write(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    try {
      writeSync(this.fd, this.pending.join(""));
    } catch (e) {
      this.abort();
      throw new UsageError(`${this.path}: cannot write: ${reason(e)}`);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  commit(): void {
    this.flush();
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    closeSync(this.fd);
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw new UsageError(`${this.path}: cannot write: ${reason(e)}`);
    }
  }

  abort(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
  }
}
