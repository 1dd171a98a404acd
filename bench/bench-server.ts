// A server process for the bench: the reference server ("cohost"), or the
// same stack (transport, Connect, auth and error interceptors) with no-op
// handlers ("noop") as the baseline. GET /bench/stats
// reports its CPU time and memory, so the bench measures the server alone.
import { parseArgs } from "node:util";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { listen } from "../server/http/listener.js";
import { silentLogger } from "../server/logger.js";
import { CoHostServer } from "../server/server.js";
import { createStore } from "../server/store/create-store.js";
import { systemClock } from "../server/clock.js";
import { loadConfig } from "../server/config.js";
import { HostAuthenticator } from "../server/service/auth.js";
import { errorBoundary, hostAuthInterceptor } from "../server/service/interceptors.js";

export const BENCH_SECRET = "bench-secret-0123456789abcdef0123456789";
export const BENCH_ADMIN_KEY = "bench-admin-key-0123";

const { values } = parseArgs({ options: { mode: { type: "string", default: "cohost" }, store: { type: "string", default: "memory" } } });

const noop: ServiceImpl<typeof CoHostService> = {
  async requestHostConnection() {
    return {};
  },
  async cancelHostConnection() {
    return {};
  },
  async acceptHostConnection() {
    return {};
  },
  async rejectHostConnection() {
    return {};
  },
  async exitHostConnection() {
    return {};
  },
  async getCoHostCandidates() {
    return {};
  },
  // eslint-disable-next-line require-yield -- an idle stream: it only waits for the client to leave
  async *watchCoHost(_req, ctx) {
    await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
  },
};

let routes: (router: ConnectRouter) => void;
if (values.mode === "noop") {
  routes = (router) => {
    // Same interceptors as the reference server: only the handler is a no-op.
    router.service(CoHostService, noop, {
      interceptors: [errorBoundary(silentLogger), hostAuthInterceptor(new HostAuthenticator(BENCH_SECRET, systemClock))],
    });
    router.service(RoomAdminService, {
      async openRoom() {
        return {};
      },
    });
  };
} else {
  const config = loadConfig({
    COHOST_TOKEN_SECRET: BENCH_SECRET,
    COHOST_ADMIN_KEY: BENCH_ADMIN_KEY,
    COHOST_STORE: values.store,
  });
  const store = await createStore(config, systemClock, silentLogger);
  // The load generator is one room sending as fast as it can: no rate limit (outside the spec's R19 bounds on purpose).
  const rateLimit = { burst: 1e6, refillPerSecond: 1e6 };
  routes = new CoHostServer({
    tokenSecret: BENCH_SECRET,
    adminKey: BENCH_ADMIN_KEY,
    store,
    engine: { rateLimit },
    // The fan-out section holds 10,000 streams over 20 connections.
    limits: { maxStreams: 100_000, maxStreamsPerConnection: 100_000 },
  }).routes;
}

const handler = connectNodeAdapter({
  routes,
  fallback(req, res) {
    if (req.url?.startsWith("/bench/stats")) {
      // The full GC (for steady memory figures) must fall outside a measured window:
      // at a window's start it runs before the CPU reading, at its end after it.
      const start = req.url.includes("window=start");
      if (start) globalThis.gc?.();
      const cpu = process.cpuUsage();
      if (!start) globalThis.gc?.();
      const memory = process.memoryUsage();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          cpuMicros: cpu.user + cpu.system,
          heapUsed: memory.heapUsed,
          external: memory.external,
          arrayBuffers: memory.arrayBuffers,
          rss: memory.rss,
        }),
      );
      return;
    }
    res.writeHead(404);
    res.end();
  },
});
const listener = await listen({
  port: 0,
  host: "127.0.0.1",
  handler,
  corsOrigins: [],
  logger: silentLogger,
  health: async () => ({ healthy: true, details: {} }),
  limits: { maxConcurrentStreams: 100_000 },
});
process.stdout.write(`${JSON.stringify({ url: listener.url, pid: process.pid })}\n`);
process.on("SIGTERM", () => void listener.close(100).then(() => process.exit(0)));
