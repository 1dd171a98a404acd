// Starts the server the way users do (node --import tsx server/main.ts) in a
// child process, and stops it by its own PID.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Named by path: the process may run in a fresh directory where tsx does not resolve.
const tsx = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

export interface ServerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves with the URL the server logged once it listens. */
  listening(timeoutMs?: number): Promise<string>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies without any clean-up. */
  kill(): Promise<number | null>;
}

export function startServerProcess(env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), "cohost-server-"))): ServerProcess {
  const child = spawn(process.execPath, ["--import", tsx, join(root, "server/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async listening(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const line = stdout.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line) return (JSON.parse(line) as { url: string }).url;
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`server did not start in ${timeoutMs} ms: ${stderr}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      return exited;
    },
  };
}
