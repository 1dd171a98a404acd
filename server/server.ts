// Assembles the reference server: store + engine + services + transport.
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "./clock.js";
import { CoHostCore } from "./core.js";
import { CoHostEngine, defaultEngineConfig, type EngineConfig } from "./engine/engine.js";
import type { WatchOptions } from "./feed/watch.js";
import { listen, type NodeHandlerFn, type RunningListener } from "./http/listener.js";
import { silentLogger, type Logger } from "./logger.js";
import { roomAdminServiceImpl } from "./service/admin-service.js";
import { AdminAuthenticator, HostAuthenticator } from "./service/auth.js";
import { coHostServiceImpl } from "./service/cohost-service.js";
import { adminAuthInterceptor, errorBoundary, hostAuthInterceptor } from "./service/interceptors.js";
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
  /** Largest request message accepted, in bytes. */
  readMaxBytes?: number;
  /** Extra interceptors around both services, outermost first. */
  interceptors?: Interceptor[];
}

export const defaultWatchOptions: WatchOptions = { keepAliveMs: 15_000, maxQueued: 1_024 };

export class CoHostServer {
  readonly core: CoHostCore;
  readonly store: StateStore;
  readonly clock: Clock & Scheduler;
  readonly routes: (router: ConnectRouter) => void;
  private readonly logger: Logger;
  private readonly shutdown = new AbortController();
  private readonly listeners = new Set<RunningListener>();

  constructor(options: CoHostServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.store = options.store ?? new MemoryStore({ clock: this.clock });
    const engine = new CoHostEngine({ ...defaultEngineConfig, ...options.engine });
    this.core = new CoHostCore(this.store, engine, this.clock);
    const hostAuth = new HostAuthenticator(options.tokenSecret, this.clock);
    const adminAuth = new AdminAuthenticator(options.adminKey);
    const outer = [...(options.interceptors ?? []), errorBoundary(this.logger)];
    const handlerOptions = { readMaxBytes: options.readMaxBytes ?? 1024 * 1024 };
    const coHost = coHostServiceImpl({
      core: this.core,
      clock: this.clock,
      watch: { ...defaultWatchOptions, ...options.watch },
      shutdown: this.shutdown.signal,
    });
    const admin = roomAdminServiceImpl(this.core);
    this.routes = (router) => {
      router.service(CoHostService, coHost, { ...handlerOptions, interceptors: [...outer, hostAuthInterceptor(hostAuth)] });
      router.service(RoomAdminService, admin, { ...handlerOptions, interceptors: [...outer, adminAuthInterceptor(adminAuth)] });
    };
  }

  /** A Node request handler for Connect, gRPC and gRPC-Web. */
  handler(): NodeHandlerFn {
    return connectNodeAdapter({ routes: this.routes });
  }

  async listen(options: { port?: number; host?: string; corsOrigins?: string[] } = {}): Promise<RunningListener> {
    const listener = await listen({
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1",
      handler: this.handler(),
      corsOrigins: options.corsOrigins ?? ["*"],
      logger: this.logger,
      health: async () => {
        const healthy = !this.shutdown.signal.aborted && (await this.store.ping());
        return { healthy, details: { store: this.store.kind } };
      },
    });
    this.listeners.add(listener);
    return listener;
  }

  /** Ends every stream (UNAVAILABLE, so clients resume), closes listeners and the store. */
  async close(graceMs = 2_000): Promise<void> {
    this.shutdown.abort();
    await Promise.all([...this.listeners].map((l) => l.close(graceMs)));
    this.listeners.clear();
    await this.store.close();
  }
}
