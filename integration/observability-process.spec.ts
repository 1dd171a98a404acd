// What an operator sees of the compiled `cohost-server` bin: /metrics with
// process metrics (on the main port, on its own port, or off) and the JSON
// call log at debug.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { scrapeMetrics } from "@cohost-kit/server/testing";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.kill();
});

const secrets = { COHOST_TOKEN_SECRET: "s".repeat(40), COHOST_ADMIN_KEY: "k".repeat(24) };

function start(env: Record<string, string>): ServerProcess {
  const server = startServerProcess({ PORT: "0", COHOST_MODE: "production", COHOST_HOST: "127.0.0.1", ...secrets, ...env });
  running.push(server);
  return server;
}

function listeningLine(server: ServerProcess): Record<string, unknown> {
  const line = server
    .output()
    .stdout.split("\n")
    .find((l) => l.includes('"msg":"listening"'))!;
  return JSON.parse(line) as Record<string, unknown>;
}

describe("cohost-server bin: metrics and logs", () => {
  it("serves /metrics with process metrics, and logs each call at debug without credentials", async () => {
    const server = start({ COHOST_LOG_LEVEL: "debug" });
    const url = await server.listening();
    expect(listeningLine(server).metrics).toBe(`${url}/metrics`);
    const admin = createClient(RoomAdminService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    await admin.openRoom({ liveId: "proc-a", userId: "alice" }, { headers: { authorization: `Bearer ${secrets.COHOST_ADMIN_KEY}` } });
    await admin.getRoom({ liveId: "proc-a" }, { headers: { authorization: "Bearer wrong-key-0123456789" } }).catch(() => {});
    const m = await scrapeMetrics(`${url}/metrics`);
    expect(m.get('cohost_rpc_calls_total{service="cohost.v1.RoomAdminService",method="OpenRoom",code="ok",reason=""}')).toBe(1);
    expect(m.get("cohost_rooms_open")).toBe(1);
    expect(m.get("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(m.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);
    const lines = server
      .output()
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.method === "OpenRoom")).toEqual([
      expect.objectContaining({ level: "debug", msg: "call", room: "proc-a", code: "ok", service: "cohost.v1.RoomAdminService" }),
    ]);
    expect(lines.filter((l) => l.method === "GetRoom")).toEqual([
      expect.objectContaining({ level: "info", msg: "call refused", code: "unauthenticated", reason: "ADMIN_KEY_INVALID" }),
    ]);
    expect(server.output().stdout).not.toContain(secrets.COHOST_ADMIN_KEY);
    expect(server.output().stdout).not.toContain("wrong-key-0123456789");
    expect(server.output().stderr).toBe("");
  });

  it("moves /metrics to a port of its own with COHOST_METRICS_PORT, and turns it off with COHOST_METRICS=off", async () => {
    const moved = start({ COHOST_METRICS_PORT: "0" });
    const url = await moved.listening();
    const metricsUrl = String(listeningLine(moved).metrics);
    expect(metricsUrl).not.toBe(`${url}/metrics`);
    expect((await scrapeMetrics(metricsUrl)).get("cohost_store_up")).toBe(1);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    const off = start({ COHOST_METRICS: "off" });
    const offUrl = await off.listening();
    expect(listeningLine(off).metrics).toBe("off");
    expect((await fetch(`${offUrl}/metrics`)).status).toBe(404);
  });
});
