// A WatchCoHost stream ties itself to the server's shutdown signal while it
// runs, and unties itself when it ends: the signal lives as long as the
// server, so anything a stream leaves on it is never freed.
import { getEventListeners } from "node:events";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { CoHostService, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock } from "../clock.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine } from "../engine/engine.js";
import { listen } from "../http/listener.js";
import { nodeAdapter } from "../http/node-adapter.js";
import { silentLogger } from "../logger.js";
import { noMetrics } from "../metrics/server-metrics.js";
import { MemoryStore } from "../store/memory-store.js";
import { FakeClock } from "../testing/fake-clock.js";
import { Clients, newServer, transportFor } from "../testing/service-harness.js";
import { HostAuthenticator, mintHostToken } from "./auth.js";
import { coHostServiceImpl } from "./cohost-service.js";
import { hostAuthInterceptor } from "./interceptors.js";
import { defaultStreamLimits, StreamGate } from "./stream-gate.js";

const SECRET = "watch-shutdown-secret-0123456789abcdef";

/** Listeners plus, on Node versions that keep them, the signals AbortSignal.any made from it. */
function attachedTo(signal: AbortSignal): number {
  const dependants = Object.getOwnPropertySymbols(signal).find((s) => s.description === "kDependantSignals");
  const set = dependants ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants] : undefined;
  return getEventListeners(signal, "abort").length + (set?.size ?? 0);
}

describe("WatchCoHost and the shutdown signal (finding 11)", () => {
  it("leaves nothing attached to the shutdown signal once its streams end", async () => {
    const clock = new FakeClock(Date.now());
    const store = new MemoryStore({ clock });
    const core = new CoHostCore(store, new CoHostEngine(), clock);
    await core.openRoom({ liveId: "a", userId: "alice", userName: "A", avatarUrl: "" });
    const shutdown = new AbortController();
    const gate = new StreamGate(defaultStreamLimits);
    const impl = coHostServiceImpl({
      core,
      clock,
      watch: { keepAliveMs: 15_000, maxQueued: 16 },
      shutdown: shutdown.signal,
      metrics: noMetrics,
      streams: gate,
    });
    const listener = await listen({
      port: 0,
      host: "127.0.0.1",
      handler: nodeAdapter({
        routes: (router) =>
          router.service(CoHostService, impl, { interceptors: [hostAuthInterceptor(new HostAuthenticator(SECRET, clock))] }),
        maxRequestBytes: 65_536,
        logger: silentLogger,
      }),
      health: async () => ({ healthy: true, details: {} }),
      corsOrigins: [],
      logger: silentLogger,
    });
    const client = createClient(CoHostService, createConnectTransport({ baseUrl: listener.url, httpVersion: "2" }));
    const headers = { authorization: `Bearer ${await mintHostToken(SECRET, "alice", { nowMs: clock.now() })}` };
    for (let i = 0; i < 20; i++) {
      const abort = new AbortController();
      for await (const m of client.watchCoHost({ liveId: "a" }, { headers, signal: abort.signal })) {
        expect(attachedTo(shutdown.signal)).toBeGreaterThan(0); // tied while it runs
        expect(m.sequence).toBe(0n);
        abort.abort();
        break;
      }
    }
    while (gate.open > 0) await new Promise((r) => setTimeout(r, 5)); // the server sees each client leave
    expect(attachedTo(shutdown.signal)).toBe(0);
    await listener.close(10);
  });

  it("holds many streams at once without a listener-leak warning on the shutdown signal", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const server = newServer();
    const listener = await server.listen({ port: 0, host: "127.0.0.1" });
    try {
      const c = new Clients(transportFor(listener.url, "connect", "2"), systemClock);
      await c.openRoom("many", "alice");
      const headers = await c.hostHeaders("alice");
      const aborts = Array.from({ length: 20 }, () => new AbortController());
      const first = await Promise.all(
        aborts.map(async (abort) => {
          const it = c.cohost.watchCoHost({ liveId: "many" }, { ...headers, signal: abort.signal })[Symbol.asyncIterator]();
          return (await it.next()).value?.kind;
        }),
      );
      expect(first.every((k) => k === WatchMessageKind.SNAPSHOT)).toBe(true);
      for (const abort of aborts) abort.abort();
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await server.close(10);
    }
  });
});
