// Assembles the reference server: store + engine + services + transport.
import { setMaxListeners } from "node:events";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "./clock.js";
import { CoHostCore } from "./core.js";
import { CoHostEngine, defaultEngineConfig, type EngineConfig } from "./engine/engine.js";
import { Health } from "./grpc/generated/health/v1/health_pb.js";
import { healthServiceImpl } from "./grpc/health-service.js";
import { reflectionServices } from "./grpc/reflection-service.js";
import type { WatchOptions } from "./feed/watch.js";
import { listen, type HttpRoute, type RunningListener } from "./http/listener.js";
import { listenMetrics, metricsRoute } from "./http/metrics-route.js";
import { nodeAdapter, type NodeHandlerFn } from "./http/node-adapter.js";
import { defaultServerLimits, type ServerLimits } from "./limits.js";
import { silentLogger, type Logger } from "./logger.js";
import { PrometheusMetrics } from "./metrics/prometheus-metrics.js";
import { noMetrics } from "./metrics/server-metrics.js";
import { roomAdminServiceImpl } from "./service/admin-service.js";
import { AdminAuthenticator, HostAuthenticator } from "./service/auth.js";
import { coHostServiceImpl } from "./service/cohost-service.js";
import { callObserver } from "./service/call-observer.js";
import { adminAuthInterceptor, errorBoundary, hostAuthInterceptor } from "./service/interceptors.js";
import { StreamGate } from "./service/stream-gate.js";
import { MemoryStore } from "./store/memory-store.js";
import type { StateStore } from "./store/state-store.js";

export interface CoHostServerOptions {
  /** HS256 secret that host tokens are signed with (R2). */
  tokenSecret: string;
  /** Bearer credential of RoomAdminService. */
  adminKey: string;
  /** Defaults to a new in-memory store. */
  store?: StateStore;
  clock?: Clock & Scheduler;
  engine?: Partial<EngineConfig>;
  watch?: Partial<WatchOptions>;
  logger?: Logger;
  /** Request size, connection and stream limits; defaults in limits.ts. */
  limits?: Partial<ServerLimits>;
  /** Extra interceptors around both services, outermost first. */
  interceptors?: Interceptor[];
  /**
   * Where the server reports its metrics (served at GET /metrics); a new
   * registry by default, `false` for none. Pass the same instance to a
   * RedisStore you create, so its series land in the same registry.
   */
  metrics?: PrometheusMetrics | false;
}

export interface ListenOptions {
  port?: number;
  host?: string;
  corsOrigins?: string[];
  /** Serve GET /metrics on this listener (default true when the server has metrics). */
  metricsRoute?: boolean;
  /** More GET endpoints (e.g. the playground's files). */
  routes?: HttpRoute[];
}

export const defaultWatchOptions: WatchOptions = { keepAliveMs: 15_000, maxQueued: 1_024 };

export class CoHostServer {
  readonly core: CoHostCore;
  readonly store: StateStore;
  readonly clock: Clock & Scheduler;
  readonly routes: (router: ConnectRouter) => void;
  /** Undefined when the server was made with `metrics: false`. */
  readonly metrics: PrometheusMetrics | undefined;
  readonly limits: ServerLimits;
  private readonly logger: Logger;
  private readonly shutdown = new AbortController();
  private readonly listeners = new Set<RunningListener>();
  private readonly extraListeners = new Set<{ close(): Promise<void> }>();

  constructor(options: CoHostServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.limits = { ...defaultServerLimits, ...options.limits };
    // Every open stream listens for shutdown (bounded by maxStreams): not a leak to warn about.
    setMaxListeners(0, this.shutdown.signal);
    this.store = options.store ?? new MemoryStore({ clock: this.clock });
    this.metrics = options.metrics === false ? undefined : (options.metrics ?? new PrometheusMetrics());
    this.metrics?.watchStore(this.store);
    const metrics = this.metrics ?? noMetrics;
    const engine = new CoHostEngine({ ...defaultEngineConfig, ...options.engine });
    this.core = new CoHostCore(this.store, engine, this.clock, metrics);
    const hostAuth = new HostAuthenticator(options.tokenSecret, this.clock);
    const adminAuth = new AdminAuthenticator(options.adminKey);
    const outer = [callObserver(this.logger, metrics), ...(options.interceptors ?? []), errorBoundary(this.logger)];
    const handlerOptions = {
      // A backstop: the node adapter refuses larger bodies first, with a reason.
      readMaxBytes: this.limits.maxRequestBytes + 64,
      // Compressed requests cost CPU before authentication (a small gzip body expands to the limit).
      acceptCompression: [],
      binaryOptions: { readUnknownFields: false },
    };
    const coHost = coHostServiceImpl({
      core: this.core,
      clock: this.clock,
      watch: { ...defaultWatchOptions, ...options.watch },
      shutdown: this.shutdown.signal,
      metrics,
      streams: new StreamGate(this.limits),
    });
    const admin = roomAdminServiceImpl(this.core);
    // Standard gRPC services beside the contract: health (as /healthz) and reflection, without auth.
    const health = healthServiceImpl({
      services: [CoHostService.typeName, RoomAdminService.typeName],
      healthy: () => this.healthy(),
      clock: this.clock,
      watchIntervalMs: 1_000,
      shutdown: this.shutdown.signal,
    });
    const reflection = reflectionServices([CoHostService, RoomAdminService, Health]);
    this.routes = (router) => {
      router.service(CoHostService, coHost, { ...handlerOptions, interceptors: [...outer, hostAuthInterceptor(hostAuth)] });
      router.service(RoomAdminService, admin, { ...handlerOptions, interceptors: [...outer, adminAuthInterceptor(adminAuth)] });
      router.service(Health, health, { ...handlerOptions, interceptors: outer });
      for (const { service, impl } of reflection) router.service(service, impl, { ...handlerOptions, interceptors: outer });
    };
  }

  /** A Node request handler for Connect, gRPC and gRPC-Web. */
  handler(): NodeHandlerFn {
    return nodeAdapter({ routes: this.routes, maxRequestBytes: this.limits.maxRequestBytes, logger: this.logger });
  }

  async listen(options: ListenOptions = {}): Promise<RunningListener> {
    const routes = [...(options.routes ?? [])];
    if (this.metrics && options.metricsRoute !== false) routes.unshift(metricsRoute(this.metrics, this.logger));
    const listener = await listen({
      routes,
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1",
      handler: this.handler(),
      corsOrigins: options.corsOrigins ?? ["*"],
      logger: this.logger,
      limits: this.limits,
      health: async () => ({ healthy: await this.healthy(), details: { store: this.store.kind } }),
    });
    this.listeners.add(listener);
    return listener;
  }

  /** What /healthz and grpc.health.v1 report: the store answers and the server is not shutting down. */
  async healthy(): Promise<boolean> {
    return !this.shutdown.signal.aborted && (await this.store.ping());
  }

  /** Serves only GET /metrics on a port of its own (closed with the server). */
  async listenMetrics(options: { port: number; host: string }): Promise<{ url: string }> {
    if (!this.metrics) throw new Error("this server has no metrics");
    const listener = await listenMetrics(this.metrics, this.logger, options);
    this.extraListeners.add(listener);
    return listener;
  }

  /** Ends every stream (UNAVAILABLE, so clients resume), closes listeners and the store. */
  async close(graceMs = 2_000): Promise<void> {
    this.shutdown.abort();
    await Promise.all([...this.listeners].map((l) => l.close(graceMs)));
    await Promise.all([...this.extraListeners].map((l) => l.close()));
    this.extraListeners.clear();
    this.listeners.clear();
    await this.store.close();
  }
}
