// GET /metrics after a scripted flow over the wire: every series the README
// documents moves as the flow says it must. In-memory store, fake clock.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate, WatchMessageKind, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { RunningListener } from "../http/listener.js";
import type { CoHostServer } from "../server.js";
import { FakeClock } from "../testing/fake-clock.js";
import { scrapeMetrics } from "../testing/metrics-text.js";
import { Clients, newServer, transportFor } from "../testing/service-harness.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const clock = new FakeClock();
let server: CoHostServer;
let listener: RunningListener;
let c: Clients;

beforeAll(async () => {
  server = newServer({ clock, engine: { rateLimit: { burst: 3, refillPerSecond: 0.001 } }, watch: { keepAliveMs: 60_000 } });
  listener = await server.listen({ port: 0, host: "127.0.0.1" });
  c = new Clients(transportFor(listener.url, "connect", "1.1"), clock);
});

afterAll(async () => {
  await server.close(100);
});

/** Collects a watch's messages until `until` says stop. */
function watch(liveId: string, headers: { headers: Record<string, string> }, extra: object = {}) {
  const abort = new AbortController();
  const messages: WatchCoHostResponse[] = [];
  const done = (async () => {
    try {
      for await (const m of c.cohost.watchCoHost({ liveId, ...extra }, { ...headers, signal: abort.signal })) messages.push(m);
    } catch (err) {
      if (ConnectError.from(err).code !== Code.Canceled) throw err;
    }
  })();
  return { messages, stop: async () => (abort.abort(), await done) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

const series = (name: string, labels: Record<string, string> = {}) =>
  `${name}${
    Object.keys(labels).length
      ? `{${Object.entries(labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(",")}}`
      : ""
  }`;

describe("GET /metrics", () => {
  it("counts calls, streams, feed delivery, replay, resync, rooms, requests, connections, deadlines and rate limits", async () => {
    for (const id of ["m-a", "m-b", "m-c", "m-d"]) await c.openRoom(id);
    const a = await c.hostHeaders("user-m-a");
    const b = await c.hostHeaders("user-m-b");
    const d = await c.hostHeaders("user-m-d");
    const watcher = watch("m-a", a);
    await until(() => watcher.messages.length === 1);
    let m = await scrapeMetrics(`${listener.url}/metrics`);
    expect(m.get("cohost_watch_streams_open")).toBe(1);
    expect(m.get("cohost_rooms_open")).toBe(4);

    await c.cohost.requestHostConnection({ liveId: "m-a", targetHostLiveId: "m-b", layoutTemplate: GRID, timeoutSeconds: 30 }, a);
    await c.cohost.acceptHostConnection({ liveId: "m-b", fromHostLiveId: "m-a" }, b);
    await c.cohost.requestHostConnection({ liveId: "m-a", targetHostLiveId: "m-c", layoutTemplate: GRID, timeoutSeconds: 5 }, a);
    await until(() => watcher.messages.length === 4); // snapshot, request, accept, request
    m = await scrapeMetrics(`${listener.url}/metrics`);
    expect(m.get("cohost_requests_pending")).toBe(1);
    expect(m.get(series("cohost_connections", { size: "2" }))).toBe(1);
    expect(m.get(series("cohost_connections", { size: "3" }))).toBe(0);
    expect(m.get("cohost_feed_delivery_lag_seconds_count")).toBe(3);

    // Refusals: a reason, an auth failure, and R19's rate limit (burst 3: the fourth request from m-d).
    await expect(c.cohost.acceptHostConnection({ liveId: "m-d", fromHostLiveId: "m-a" }, d)).rejects.toThrow();
    await expect(c.cohost.exitHostConnection({ liveId: "m-d" }, { headers: { authorization: "Bearer nope" } })).rejects.toThrow();
    for (let i = 0; i < 4; i++) {
      await c.cohost
        .requestHostConnection({ liveId: "m-d", targetHostLiveId: "m-d", layoutTemplate: GRID, timeoutSeconds: 5 }, d)
        .catch(() => {});
    }

    // R7: m-a -> m-c times out when the clock passes its deadline.
    await clock.advance(5_000);
    await until(() => watcher.messages.length === 5);
    expect(watcher.messages[4]!.events[0]!.event.case).toBe("requestTimeout");
    await watcher.stop();

    // R16: a resume that can be replayed, and one from an unknown epoch (RESYNC).
    const epoch = watcher.messages[0]!.epoch;
    const resumed = watch("m-a", a, { resumeEpoch: epoch, resumeAfterSequence: 2n });
    await until(() => resumed.messages.length === 3); // keep-alive, then sequences 3 and 4
    const resynced = watch("m-a", a, { resumeEpoch: "gone", resumeAfterSequence: 1n });
    await until(() => resynced.messages.length === 1);
    expect(resynced.messages[0]!.kind).toBe(WatchMessageKind.RESYNC);
    await resumed.stop();
    await resynced.stop();

    // The server sees a client's cancel when the connection tells it: scrape until it has.
    for (let i = 0; i < 200; i++) {
      m = await scrapeMetrics(`${listener.url}/metrics`);
      if (m.get("cohost_watch_streams_open") === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const calls = (service: string, method: string, code: string, reason = "") =>
      m.get(series("cohost_rpc_calls_total", { service, method, code, reason })) ?? 0;
    expect(calls("cohost.v1.RoomAdminService", "OpenRoom", "ok")).toBe(4);
    expect(calls("cohost.v1.CoHostService", "RequestHostConnection", "ok")).toBe(2);
    expect(calls("cohost.v1.CoHostService", "AcceptHostConnection", "ok")).toBe(1);
    expect(calls("cohost.v1.CoHostService", "AcceptHostConnection", "failed_precondition", "REQUEST_NOT_FOUND")).toBe(1);
    expect(calls("cohost.v1.CoHostService", "ExitHostConnection", "unauthenticated", "TOKEN_INVALID")).toBe(1);
    expect(calls("cohost.v1.CoHostService", "RequestHostConnection", "invalid_argument", "SELF_REQUEST")).toBe(3);
    expect(calls("cohost.v1.CoHostService", "RequestHostConnection", "resource_exhausted", "RATE_LIMITED")).toBe(1);
    expect(calls("cohost.v1.CoHostService", "WatchCoHost", "canceled")).toBe(3);
    expect(m.get("cohost_rate_limit_refusals_total")).toBe(1);
    expect(
      m.get(series("cohost_rpc_duration_seconds_count", { service: "cohost.v1.CoHostService", method: "RequestHostConnection" })),
    ).toBe(6);
    // Streams are counted as calls but kept out of the latency histogram.
    expect(m.has(series("cohost_rpc_duration_seconds_count", { service: "cohost.v1.CoHostService", method: "WatchCoHost" }))).toBe(false);
    expect(m.get("cohost_watch_streams_open")).toBe(0);
    expect(m.get("cohost_feed_messages_replayed_total")).toBe(2);
    expect(m.get("cohost_feed_resyncs_total")).toBe(1);
    expect(m.get("cohost_deadline_lateness_seconds_count")).toBe(1);
    expect(m.get("cohost_requests_pending")).toBe(0);
    expect(m.get("cohost_store_up")).toBe(1);
    expect(m.get("cohost_feed_delivery_lag_seconds_count")).toBe(4);
    // No room or user id ever becomes a label value.
    const text = await (await fetch(`${listener.url}/metrics`)).text();
    expect(text).not.toMatch(/m-a|user-m/);
  });

  it("answers with the Prometheus content type, and can be left off a listener", async () => {
    const res = await fetch(`${listener.url}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const quiet = await server.listen({ port: 0, host: "127.0.0.1", metricsRoute: false });
    expect((await fetch(`${quiet.url}/metrics`)).status).not.toBe(200);
    const own = await server.listenMetrics({ port: 0, host: "127.0.0.1" });
    expect((await scrapeMetrics(own.url)).get("cohost_rooms_open")).toBe(4);
  });
});
