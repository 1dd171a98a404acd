// A server process for the bench, in one of three modes:
//   bare:   the floor. http2.createServer + connectNodeAdapter, no interceptors, no auth;
//           constant answers, and a constant CHANGE broadcast to the rooms' streams.
//   noop:   the project's own stack (one-port listener, node adapter, call observer with
//           metrics, error boundary, host auth) around the same constant handlers.
//   cohost: the reference server as `cohost-server` runs it (CoHostServer.listen).
// GET /bench/stats reports its CPU time, memory and Redis round trips, so the
// bench measures the server alone.
import * as http2 from "node:http2";
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectRouter } from "@connectrpc/connect";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { listen, type AnyRequest, type AnyResponse, type HttpRoute } from "../server/dist/http/listener.js";
import { nodeAdapter } from "../server/dist/http/node-adapter.js";
import { defaultServerLimits } from "../server/dist/limits.js";
import { silentLogger } from "../server/dist/logger.js";
import { PrometheusMetrics } from "../server/dist/metrics/prometheus-metrics.js";
import { CoHostServer } from "../server/dist/server.js";
import { createStore } from "../server/dist/store/create-store.js";
import { systemClock } from "../server/dist/clock.js";
import { loadConfig } from "../server/dist/config.js";
import { AdminAuthenticator, HostAuthenticator } from "../server/dist/service/auth.js";
import { callObserver } from "../server/dist/service/call-observer.js";
import { adminAuthInterceptor, errorBoundary, hostAuthInterceptor } from "../server/dist/service/interceptors.js";
import { Broadcaster, constantAdminService, constantCoHostService } from "./bench-handlers.js";
import { BENCH_ADMIN_KEY, BENCH_SECRET } from "./constants.js";

const { values } = parseArgs({ options: { mode: { type: "string", default: "cohost" }, store: { type: "string", default: "memory" } } });

/** Counts Redis round trips per transition besides reporting them. */
class BenchMetrics extends PrometheusMetrics {
  tripsSeen = 0;
  transitions = 0;
  override redisTransaction(attempts: number, roundTrips: number): void {
    super.redisTransaction(attempts, roundTrips);
    this.tripsSeen += roundTrips;
    this.transitions += 1;
  }
}
const metrics = new BenchMetrics();

// The fan-out holds 10,000 streams over 20 connections; the call mix is one room pair
// per worker sending as fast as it can (rate limits outside the spec's R19 bounds on purpose).
const limits = { maxStreams: 100_000, maxStreamsPerConnection: 100_000, maxConcurrentStreams: 100_000 };

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

function statsRoute(path: string, req: AnyRequest, res: AnyResponse): boolean {
  if (path === "/bench/profile") return profileRoute(req, res);
  if (path !== "/bench/stats") return false;
  // The full GC (for steady memory figures) must fall outside a measured window:
  // at a window's start it runs before the CPU reading, at its end after it.
  const start = req.url?.includes("window=start") ?? false;
  if (start) globalThis.gc?.();
  const cpu = process.cpuUsage();
  // The longest the event loop was held up in the window (GC pauses, long tasks): what a call's tail waits for.
  const loopMaxMs = loopDelay.max / 1e6;
  if (start) loopDelay.reset();
  if (!start) globalThis.gc?.();
  const memory = process.memoryUsage();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      cpuMicros: cpu.user + cpu.system,
      heapUsed: memory.heapUsed,
      external: memory.external,
      rss: memory.rss,
      loopMaxMs,
      roundTrips: metrics.tripsSeen,
      transitions: metrics.transitions,
    }),
  );
  return true;
}

// GET /bench/profile?start starts V8's CPU profiler (the one behind --cpu-prof) for a measured
// window; ?stop=FILE writes the .cpuprofile, so start-up and set-up stay out of it.
const inspector = new Session();
inspector.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => inspector.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));

function profileRoute(req: AnyRequest, res: AnyResponse): boolean {
  const query = new URLSearchParams(req.url?.split("?")[1] ?? "");
  const stopFile = query.get("stop");
  const done = (err?: unknown) => {
    res.writeHead(err ? 500 : 200, { "content-type": "text/plain" });
    res.end(err ? String(err) : "ok");
  };
  if (stopFile) {
    post("Profiler.stop")
      .then((r) => writeFileSync(stopFile, JSON.stringify((r as { profile: unknown }).profile)))
      .then(() => done(), done);
  } else {
    post("Profiler.enable")
      .then(() => post("Profiler.setSamplingInterval", { interval: 100 }))
      .then(() => post("Profiler.start"))
      .then(() => done(), done);
  }
  return true;
}

let url: string;
let close: () => Promise<void>;
if (values.mode === "bare") {
  const feeds = new Broadcaster();
  const server = http2.createServer(
    { settings: { maxConcurrentStreams: limits.maxConcurrentStreams } },
    connectNodeAdapter({
      routes(router: ConnectRouter) {
        router.service(CoHostService, constantCoHostService(feeds));
        router.service(RoomAdminService, constantAdminService);
      },
      fallback(req, res) {
        if (statsRoute(req.url?.split("?")[0] ?? "", req as AnyRequest, res as AnyResponse)) return;
        res.writeHead(404);
        res.end();
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  close = async () => {
    // Clients keep their sessions open: end them, or close() waits forever.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => void server.close(() => resolve()));
  };
} else if (values.mode === "noop") {
  const feeds = new Broadcaster();
  const outer = [callObserver(silentLogger, metrics), errorBoundary(silentLogger)];
  const handlerOptions = {
    readMaxBytes: defaultServerLimits.maxRequestBytes + 64,
    acceptCompression: [],
    binaryOptions: { readUnknownFields: false },
  };
  const handler = nodeAdapter({
    routes(router) {
      const hostAuth = hostAuthInterceptor(new HostAuthenticator(BENCH_SECRET, systemClock));
      router.service(CoHostService, constantCoHostService(feeds), { ...handlerOptions, interceptors: [...outer, hostAuth] });
      const adminAuth = adminAuthInterceptor(new AdminAuthenticator(BENCH_ADMIN_KEY));
      router.service(RoomAdminService, constantAdminService, { ...handlerOptions, interceptors: [...outer, adminAuth] });
    },
    maxRequestBytes: defaultServerLimits.maxRequestBytes,
    logger: silentLogger,
  });
  const listener = await listen({
    port: 0,
    host: "127.0.0.1",
    handler,
    routes: [statsRoute as HttpRoute],
    corsOrigins: ["*"],
    logger: silentLogger,
    health: async () => ({ healthy: true, details: {} }),
    limits: { ...defaultServerLimits, ...limits },
  });
  url = listener.url;
  close = () => listener.close(100);
} else {
  const config = loadConfig({
    COHOST_TOKEN_SECRET: BENCH_SECRET,
    COHOST_ADMIN_KEY: BENCH_ADMIN_KEY,
    COHOST_STORE: values.store,
    // A loaded machine must slow the Redis pair down, not fail its calls.
    COHOST_STORE_TIMEOUT_MS: "10000",
  });
  const store = await createStore(config, systemClock, silentLogger, metrics);
  const server = new CoHostServer({
    tokenSecret: BENCH_SECRET,
    adminKey: BENCH_ADMIN_KEY,
    store,
    metrics,
    engine: { rateLimit: { burst: 1e6, refillPerSecond: 1e6 } },
    // No keep-alives during the bench (an hour): the baselines send none, and 10,000 streams
    // opened together would send theirs in one burst into some other server's window.
    watch: { keepAliveMs: 3_600_000 },
    limits,
  });
  const listener = await server.listen({ routes: [statsRoute as HttpRoute] });
  url = listener.url;
  close = () => server.close(100);
}
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
// Exiting through process.exit writes the --cpu-prof profile, if one was asked for.
process.on("SIGTERM", () => void close().finally(() => process.exit(0)));
