// Starts bench servers (bench-server.ts) as processes of their own, pinned to
// the server cores when `taskset` is available, optionally with --cpu-prof.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as http2 from "node:http2";
import { cpus } from "node:os";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { adminAuth } from "./constants.js";

export type ServerMode = "bare" | "noop" | "cohost";

export interface Stats {
  cpuMicros: number;
  heapUsed: number;
  external: number;
  rss: number;
  /** The longest event-loop delay since the last window's start (ms). */
  loopMaxMs: number;
  /** Redis round trips and transitions so far (reference server on Redis only). */
  roundTrips: number;
  transitions: number;
}

export interface BenchServer {
  mode: ServerMode;
  url: string;
  /** CPU and memory; `start` runs the full GC before the CPU reading instead of after. */
  stats(window?: "start"): Promise<Stats>;
  /** Starts the CPU profiler, or stops it and writes the .cpuprofile to `file`. */
  profile(file?: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where processes run: with taskset and at least two cores, servers on the
 * last core and the load generator (this process, the change driver) on the
 * others; otherwise wherever the OS puts them.
 */
export const pinning = (() => {
  const n = cpus().length;
  if (n < 2 || process.env.COHOST_BENCH_PIN === "off" || spawnSync("taskset", ["-V"]).status !== 0) return undefined;
  const server = String(n - 1);
  const load = n === 2 ? "0" : `0-${n - 2}`;
  // Pin this process (the load generator) now; children started with taskset get theirs.
  if (spawnSync("taskset", ["-pc", load, String(process.pid)]).status !== 0) return undefined;
  return { server, load };
})();

export function pinningNote(): string {
  return pinning
    ? `servers pinned to core ${pinning.server}, load generator and change driver to core(s) ${pinning.load} (taskset)`
    : "not pinned (no taskset or one core): load generator and servers share the cores";
}

const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

const children = new Set<ChildProcess>();
// Whatever way the bench ends, its servers and drivers end with it.
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/**
 * `node <args>`, under taskset on the given cores when pinning is on. Servers
 * run the compiled packages (server/dist, gen/dist), as cohost-server does;
 * only the bench's own files go through tsx. Load generators may run sources.
 */
export function spawnNode(args: string[], cores: "server" | "load", stdio: "inherit" | "pipe" = "pipe"): ChildProcess {
  const node = [process.execPath, ...(cores === "load" ? ["--conditions=@cohost-kit/source"] : []), "--import", tsx, ...args];
  const argv = pinning ? ["taskset", "-c", pinning[cores], ...node] : node;
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", stdio === "pipe" ? "pipe" : "inherit", "inherit"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export async function startServer(mode: ServerMode, options: { store?: string; cpuProfDir?: string } = {}): Promise<BenchServer> {
  const flags = ["--expose-gc", "--max-old-space-size=4096"];
  if (options.cpuProfDir) flags.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
  const script = new URL("./bench-server.ts", import.meta.url).pathname;
  const child = spawnNode([...flags, script, "--mode", mode, "--store", options.store ?? "memory"], "server");
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on("exit", (code) => reject(new Error(`bench server (${mode}) exited ${code}`)));
  });
  return {
    mode,
    url,
    stats: async (window?: "start") => JSON.parse(await get(url, `/bench/stats${window ? "?window=start" : ""}`)) as Stats,
    profile: async (file?: string) => void (await get(url, `/bench/profile${file ? `?stop=${encodeURIComponent(file)}` : "?start"}`)),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

export function transports(urls: string[], perUrl: number): Transport[] {
  return urls.flatMap((baseUrl) => Array.from({ length: perUrl }, () => createConnectTransport({ baseUrl, httpVersion: "2" })));
}

export async function openRooms(transport: Transport, ids: string[]): Promise<void> {
  const admin = createClient(RoomAdminService, transport);
  for (let i = 0; i < ids.length; i += 200) {
    await Promise.all(ids.slice(i, i + 200).map((id) => admin.openRoom({ liveId: id, userId: `u-${id}`, userName: id }, adminAuth)));
  }
}

/** A GET over HTTP/2 (the bare server speaks nothing else). */
function get(url: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const req = session.request({ ":path": path });
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("error", reject);
    req.on("end", () => {
      session.close();
      resolve(body);
    });
    req.end();
  });
}
