// grpc.health.v1.Health for load balancers and Kubernetes gRPC probes: the
// same verdict as GET /healthz (store answers, not shutting down), for the
// whole server ("") and for each service it serves by name.
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { Clock, Scheduler } from "../clock.js";
import { type Health, HealthCheckResponse_ServingStatus as Status } from "./generated/health/v1/health_pb.js";

export interface HealthDeps {
  /** Fully-qualified names of the services served; "" (the server) is always known. */
  services: readonly string[];
  healthy: () => Promise<boolean>;
  clock: Clock & Scheduler;
  /** How often a Watch stream looks at the verdict again. */
  watchIntervalMs: number;
  /** Aborts every Watch when the server shuts down (after a last NOT_SERVING). */
  shutdown: AbortSignal;
}

export function healthServiceImpl(deps: HealthDeps): ServiceImpl<typeof Health> {
  const known = new Set(["", ...deps.services]);
  const status = async () => ((await deps.healthy().catch(() => false)) ? Status.SERVING : Status.NOT_SERVING);
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return { status: await status() };
    },

    async list() {
      const current = await status();
      return { statuses: Object.fromEntries([...known].map((name) => [name, { status: current }])) };
    },

    async *watch(req, ctx) {
      const signal = AbortSignal.any([ctx.signal, deps.shutdown]);
      if (!known.has(req.service)) {
        // The protocol: SERVICE_UNKNOWN, then the stream stays open (the service may appear later).
        yield { status: Status.SERVICE_UNKNOWN };
        await sleep(deps.clock, Infinity, signal);
        return;
      }
      let last: Status | undefined;
      while (!signal.aborted) {
        const current = await status();
        if (current !== last) yield { status: (last = current) };
        await sleep(deps.clock, deps.watchIntervalMs, signal);
      }
      if (deps.shutdown.aborted && last !== Status.NOT_SERVING) yield { status: Status.NOT_SERVING };
    },
  };
}

/** Waits `ms` on the injected clock, or until `signal` aborts. */
function sleep(clock: Clock & Scheduler, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      timer?.cancel();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? clock.schedule(clock.now() + ms, done) : undefined;
    signal.addEventListener("abort", done, { once: true });
  });
}
