// The reference server for the scripted cases, started as its users start
// it: the `cohost-server` bin of the installed @cohost-kit/server (an
// optional peer dependency; the suite never imports it), in production
// mode with secrets made for this run, on a free port.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface RunningReferenceServer {
  url: string;
  pid: number;
  adminKey: string;
  tokenSecret: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** The path of the installed `cohost-server` bin, or an error that says how to get one. */
export function referenceServerBin(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve("@cohost-kit/server/package.json");
  } catch {
    throw new Error("the reference server is not installed: `npm install @cohost-kit/server`, or pass --url of a running server");
  }
  const bin = (JSON.parse(readFileSync(manifest, "utf8")) as { bin?: Record<string, string> }).bin?.["cohost-server"];
  if (!bin) throw new Error(`${manifest} names no cohost-server bin`);
  return join(dirname(manifest), bin);
}

export async function startReferenceServer(timeoutMs = 20_000): Promise<RunningReferenceServer> {
  const adminKey = randomBytes(16).toString("hex");
  const tokenSecret = randomBytes(32).toString("hex");
  const child = spawn(process.execPath, [referenceServerBin()], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      COHOST_HOST: "127.0.0.1",
      COHOST_MODE: "production",
      COHOST_ADMIN_KEY: adminKey,
      COHOST_TOKEN_SECRET: tokenSecret,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null) => fail(`exited with code ${code}`);
    function fail(why: string) {
      clearTimeout(timer);
      void stop();
      reject(new Error(`the reference server ${why}: ${stderr.slice(-2_000)}`));
    }
    child.on("error", (err) => fail(`could not start (${err.message})`));
    child.on("exit", onExit);
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-16_384)));
    const onData = (d: Buffer) => {
      stdout += d.toString();
      const lines = stdout.split("\n");
      stdout = lines.pop() ?? "";
      const listening = lines.find((line) => line.includes('"msg":"listening"'));
      if (!listening) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining its log
      resolve((JSON.parse(listening) as { url: string }).url);
    };
    child.stdout.on("data", onData);
  });
  return { url, pid: child.pid!, adminKey, tokenSecret, stop };
}
