// The server as a process: the compiled `cohost-server` bin that `npm start`
// runs, started the way users and process managers start it, stopped by its
// own PID.
import { spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

const running: ServerProcess[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) await server.kill();
});

function start(env: Record<string, string>): ServerProcess {
  const server = startServerProcess(env);
  running.push(server);
  return server;
}

describe("server process", () => {
  it("starts in development mode with generated credentials that work", async () => {
    const server = start({ PORT: "0" });
    const url = await server.listening();
    const { stderr } = server.output();
    expect(stderr).toContain("DEVELOPMENT MODE");
    const adminKey = /admin key\s+(\S+)/.exec(stderr)?.[1];
    const secret = /token secret\s+(\S+)/.exec(stderr)?.[1];
    expect(adminKey && secret).toBeTruthy();
    const transport = createConnectTransport({ baseUrl: url, httpVersion: "1.1" });
    const admin = createClient(RoomAdminService, transport);
    await admin.openRoom({ liveId: "p-a", userId: "alice" }, { headers: { authorization: `Bearer ${adminKey}` } });
    const token = await mintHostToken(secret!, "alice");
    const cohost = createClient(CoHostService, transport);
    const err = await cohost
      .exitHostConnection({ liveId: "p-a" }, { headers: { authorization: `Bearer ${token}` } })
      .catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.FailedPrecondition);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("refuses to start in production without secrets", async () => {
    const server = start({ PORT: "0", COHOST_MODE: "production" });
    expect(await server.exited).toBe(2);
    expect(server.output().stderr).toContain("COHOST_TOKEN_SECRET is required in production");
    expect(server.output().stderr).toContain("COHOST_ADMIN_KEY is required in production");
  });

  it("refuses a mistyped COHOST_MODE instead of running in development mode", async () => {
    const server = start({ PORT: "0", COHOST_MODE: "prod", COHOST_TOKEN_SECRET: "s".repeat(40), COHOST_ADMIN_KEY: "a".repeat(20) });
    expect(await server.exited).toBe(2);
    expect(server.output().stderr).toContain('COHOST_MODE must be "development" or "production" (got "prod")');
  });

  it("never prints credentials the operator supplied, not even in development mode", async () => {
    const secret = "operator-secret-0123456789abcdefghijklmnop";
    const adminKey = "operator-admin-key-0123";
    const server = start({ PORT: "0", COHOST_TOKEN_SECRET: secret, COHOST_ADMIN_KEY: adminKey });
    await server.listening();
    const { stdout, stderr } = server.output();
    expect(stderr).toContain("DEVELOPMENT MODE");
    expect(stderr).toContain("(from COHOST_ADMIN_KEY, not shown)");
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(adminKey);
    }
  });

  it("never prints the password of a Redis URL it cannot reach", async () => {
    const port = await closedPort();
    const server = start({ PORT: "0", COHOST_STORE: `redis://cohost:pw-s3cret-value@127.0.0.1:${port}`, ...devSecrets });
    expect(await server.exited).toBe(1);
    const { stdout, stderr } = server.output();
    expect(stderr).toContain("cannot reach Redis at redis://cohost:***@127.0.0.1");
    expect(stdout + stderr).not.toContain("pw-s3cret-value");
  });

  it("shuts down on SIGTERM with a watch stream open: the stream ends UNAVAILABLE, the process exits 0", async () => {
    const secret = "s".repeat(40);
    const adminKey = "a".repeat(20);
    const server = start({
      PORT: "0",
      COHOST_MODE: "production",
      COHOST_TOKEN_SECRET: secret,
      COHOST_ADMIN_KEY: adminKey,
      COHOST_HOST: "127.0.0.1",
    });
    const url = await server.listening();
    const transport = createConnectTransport({ baseUrl: url, httpVersion: "2" });
    await createClient(RoomAdminService, transport).openRoom(
      { liveId: "p-b", userId: "bob" },
      { headers: { authorization: `Bearer ${adminKey}` } },
    );
    const token = await mintHostToken(secret, "bob");
    const kinds: number[] = [];
    const watching = (async () => {
      try {
        for await (const m of createClient(CoHostService, transport).watchCoHost(
          { liveId: "p-b" },
          { headers: { authorization: `Bearer ${token}` } },
        )) {
          kinds.push(m.kind);
        }
        return "ended";
      } catch (err) {
        return Code[ConnectError.from(err).code];
      }
    })();
    while (kinds.length === 0) await new Promise((r) => setTimeout(r, 20));
    const stopAt = Date.now();
    server.child.kill("SIGTERM");
    expect(await watching).toBe("Unavailable");
    expect(await server.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  });

  it("stops gracefully when a process manager sends SIGTERM to `npm start`, leaving no orphan", { timeout: 180_000 }, async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const env = {
      ...process.env,
      PORT: "0",
      COHOST_MODE: "production",
      COHOST_HOST: "127.0.0.1",
      COHOST_TOKEN_SECRET: "n".repeat(40),
      COHOST_ADMIN_KEY: "k".repeat(20),
    };
    const npm = spawn("npm", ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    npm.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const npmExited = new Promise<number | null>((resolve) => npm.on("exit", (code) => resolve(code)));
    let listening: { url: string; pid: number } | undefined;
    try {
      // `npm start` builds every package first: on a loaded 2-core machine that alone can take a minute.
      const deadline = Date.now() + 150_000;
      while (!listening && Date.now() < deadline) {
        const line = stdout.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line) listening = JSON.parse(line) as { url: string; pid: number };
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(listening, "npm start did not log listening").toBeDefined();
      const serverPid = listening!.pid;
      expect(serverPid).not.toBe(npm.pid);
      npm.kill("SIGTERM");
      await npmExited;
      const stopped = Date.now() + 10_000;
      while (isAlive(serverPid) && Date.now() < stopped) await new Promise((r) => setTimeout(r, 50));
      expect(isAlive(serverPid), "the server outlived npm start").toBe(false);
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
      if (listening && isAlive(listening.pid)) process.kill(listening.pid, "SIGKILL");
    }
  });
});

const devSecrets = { COHOST_TOKEN_SECRET: "d".repeat(40), COHOST_ADMIN_KEY: "k".repeat(20) };

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
