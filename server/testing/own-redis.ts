// A redis-server of a test's own, on a free port, that the test can kill,
// freeze (SIGSTOP), thaw and restart, empty or with what it had written to
// disk. Needs `redis-server` on the PATH; a test that uses it fails (never
// skips) when it is missing.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface OwnRedisOptions {
  /** Keep every write on disk (append-only file, fsync always), so a restart brings the data back. */
  persistent?: boolean;
}

export class OwnRedis {
  private child: ChildProcess | undefined;
  private readonly dir: string | undefined;

  private constructor(
    readonly port: number,
    options: OwnRedisOptions,
  ) {
    this.dir = options.persistent ? mkdtempSync(join(tmpdir(), "cohost-redis-")) : undefined;
  }

  static async start(options: OwnRedisOptions = {}): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), options);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts redis-server (again) on the same port: empty, or with its files when persistent. */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) throw new Error("redis-server is still running");
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", ""];
    args.push(...(this.dir ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", this.dir] : ["--appendonly", "no"]));
    const child = spawn("redis-server", args, { stdio: "ignore" });
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once("error", (err) => reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`)));
      child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPing(this.url), failed]);
  }

  /** SIGKILL: gone at once, nothing flushed beyond what was already on disk. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): void {
    this.child?.kill("SIGSTOP");
  }

  /** SIGCONT: answers again, including everything sent while frozen. */
  thaw(): void {
    this.child?.kill("SIGCONT");
  }

  /** Kills the server (a frozen one too) and removes its files. */
  async stop(): Promise<void> {
    this.thaw();
    await this.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    probe.on("error", () => {});
    const pong = await probe.connect().then(
      () => probe.ping(),
      () => "",
    );
    probe.disconnect();
    if (pong === "PONG") return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${url} did not answer within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
