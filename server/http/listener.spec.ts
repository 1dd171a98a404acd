// The reference server over a real listener on 127.0.0.1: every protocol on
// the HTTP versions it runs on, one port, plus health, CORS and drops.
import * as http from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate, WatchMessageKind, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock } from "../clock.js";
import type { CoHostServer } from "../server.js";
import { Clients, newServer, transportFor, type HttpVersion, type Protocol } from "../testing/service-harness.js";
import type { RunningListener } from "./listener.js";

let server: CoHostServer;
let listener: RunningListener;

beforeAll(async () => {
  server = newServer({ watch: { keepAliveMs: 200 } });
  listener = await server.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server.close(100);
});

const combos: [Protocol, HttpVersion][] = [
  ["connect", "1.1"],
  ["connect", "2"],
  ["grpc", "2"],
  ["grpc-web", "1.1"],
  ["grpc-web", "2"],
];

describe.each(combos)("%s over HTTP/%s", (protocol, httpVersion) => {
  it("opens rooms, requests, accepts and streams the events", async () => {
    const c = new Clients(transportFor(listener.url, protocol, httpVersion), systemClock);
    const tag = `${protocol}-${httpVersion}`;
    await c.openRoom(`${tag}-a`, `${tag}-alice`);
    await c.openRoom(`${tag}-b`, `${tag}-bob`);
    const alice = await c.hostHeaders(`${tag}-alice`);
    const bob = await c.hostHeaders(`${tag}-bob`);
    const abort = new AbortController();
    const received: WatchCoHostResponse[] = [];
    const watching = (async () => {
      for await (const m of c.cohost.watchCoHost({ liveId: `${tag}-a` }, { ...alice, signal: abort.signal })) {
        received.push(m);
        if (m.events.some((e) => e.event.case === "userJoined")) break;
      }
    })();
    await waitFor(() => received.length >= 1);
    await c.cohost.requestHostConnection(
      { liveId: `${tag}-a`, targetHostLiveId: `${tag}-b`, layoutTemplate: CoHostLayoutTemplate.HOST_DYNAMIC_GRID, timeoutSeconds: 30 },
      alice,
    );
    await c.cohost.acceptHostConnection({ liveId: `${tag}-b`, fromHostLiveId: `${tag}-a` }, bob);
    await watching;
    abort.abort();
    const changes = received.filter((m) => m.kind === WatchMessageKind.CHANGE);
    expect(received[0]!.kind).toBe(WatchMessageKind.SNAPSHOT);
    expect(changes.map((m) => m.events.map((e) => e.event.case))).toEqual([[], ["requestAccepted", "userJoined"]]);
    expect(changes.at(-1)!.state?.connected.map((s) => s.liveId)).toEqual([`${tag}-a`, `${tag}-b`]);
  });
});

describe("one port", () => {
  it("serves health as JSON", async () => {
    const res = await fetch(`${listener.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", store: "memory" });
  });

  it("answers CORS preflights for browser clients", async () => {
    const res = await rawRequest("OPTIONS", "/cohost.v1.CoHostService/RequestHostConnection", {
      origin: "http://app.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, connect-protocol-version",
    });
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(String(res.headers["access-control-allow-headers"]).toLowerCase()).toContain("authorization");
    expect(String(res.headers["access-control-expose-headers"]).toLowerCase()).toContain("grpc-status");
  });

  it("answers plain curl-style Connect JSON calls with a clear error", async () => {
    const res = await fetch(`${listener.url}/cohost.v1.CoHostService/ExitHostConnection`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ liveId: "x" }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; details: { type: string }[] };
    expect(body.code).toBe("unauthenticated");
    expect(body.details[0]?.type).toBe("cohost.v1.CoHostErrorDetail");
  });
});

describe("oversized messages over HTTP/1.1", () => {
  it("refuse the message and leave the client's next call on that connection working", async () => {
    for (const protocol of ["connect", "grpc-web"] as const) {
      const c = new Clients(transportFor(listener.url, protocol, "1.1"), systemClock);
      const call = () =>
        c.cohost.exitHostConnection({ liveId: "x" }).then(
          () => "ok",
          (e: unknown) => ConnectError.from(e).code,
        );
      expect(await call()).toBe(Code.Unauthenticated);
      const huge = await c.cohost.requestHostConnection({ liveId: "x", extraInfo: "e".repeat(1_100_000) }).then(
        () => "ok",
        (e: unknown) => ConnectError.from(e).code,
      );
      expect(huge).toBe(Code.ResourceExhausted);
      expect(await call()).toBe(Code.Unauthenticated);
      expect(await call()).toBe(Code.Unauthenticated);
    }
  });
});

describe("dropped connections (R16)", () => {
  it("resume after the server cuts the connection loses and repeats nothing", async () => {
    const c = new Clients(transportFor(listener.url, "connect", "2"), systemClock);
    await c.openRoom("drop-a", "drop-alice");
    const rooms = ["drop-b", "drop-c", "drop-d", "drop-e"];
    for (const r of rooms) await c.openRoom(r, `${r}-host`);
    const alice = await c.hostHeaders("drop-alice");
    const seen: WatchCoHostResponse[] = [];
    const watchOnce = async (resume?: WatchCoHostResponse) => {
      const req = resume ? { liveId: "drop-a", resumeEpoch: resume.epoch, resumeAfterSequence: resume.sequence } : { liveId: "drop-a" };
      try {
        for await (const m of c.cohost.watchCoHost(req, alice)) {
          if (m.kind !== WatchMessageKind.KEEP_ALIVE) seen.push(m);
          if (m.sequence === 8n && m.kind === WatchMessageKind.CHANGE) return "done";
        }
      } catch {
        return "dropped";
      }
      return "ended";
    };
    const first = watchOnce();
    await waitFor(() => seen.length >= 1);
    const grid = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
    for (const r of rooms.slice(0, 2)) {
      await c.cohost.requestHostConnection({ liveId: "drop-a", targetHostLiveId: r, layoutTemplate: grid, timeoutSeconds: 60 }, alice);
    }
    await waitFor(() => seen.length >= 3);
    listener.dropConnections();
    expect(await first).toBe("dropped");
    // Changes while the watcher is away.
    for (const r of rooms.slice(2)) {
      await c.cohost.requestHostConnection({ liveId: "drop-a", targetHostLiveId: r, layoutTemplate: grid, timeoutSeconds: 60 }, alice);
    }
    for (const r of rooms) await c.cohost.cancelHostConnection({ liveId: "drop-a", toHostLiveId: r }, alice);
    expect(await watchOnce(seen.at(-1))).toBe("done");
    expect(seen.map((m) => Number(m.sequence))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

async function waitFor(condition: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rawRequest(method: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const url = new URL(path, listener.url);
    const req = http.request(url, { method, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("error", reject);
    req.end();
  });
}
