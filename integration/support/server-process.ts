// Starts the reference server as users do, from its compiled bin
// (`cohost-server`, server/dist/main.js), in a fresh temporary directory, and
// stops it by its own PID. The directory is removed once the process exits.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const serverBin = fileURLToPath(new URL("../../server/dist/main.js", import.meta.url));

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

export function startServerProcess(env: Record<string, string>, cwd?: string): ServerProcess {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), "cohost-server-"));
  const child = spawn(process.execPath, [serverBin], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      if (!cwd) rmSync(dir, { recursive: true, force: true });
      resolve(code);
    }),
  );
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
