// The ServerMetrics hooks as Prometheus series (prom-client), each on this
// server's own registry so several servers in one process never collide.
// Names and labels are documented in README "Operations".
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CallRecord, ServerMetrics, StoreCensus } from "./server-metrics.js";

export interface PrometheusMetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC): on in the server process. */
  processMetrics?: boolean;
}

/** What the store gauges read on each scrape. */
export interface CensusSource {
  census?(): Promise<StoreCensus>;
  ping(): Promise<boolean>;
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const MAX_CONNECTION_SIZE = 9; // the largest layout capacity (R6)

export class PrometheusMetrics implements ServerMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<"service" | "method" | "code" | "reason">;
  private readonly callSeconds: Histogram<"service" | "method">;
  private readonly rateLimited: Counter;
  private readonly watches: Gauge;
  private readonly deliveryLag: Histogram;
  private readonly replayedMessages: Counter;
  private readonly resyncs: Counter;
  private readonly overflows: Counter;
  private readonly lateness: Histogram;
  private readonly attempts: Counter;
  private readonly conflicts: Counter;
  private readonly roundTrips: Histogram;
  private readonly pubsubLag: Histogram;
  // prom-client hashes label values on every call; children are looked up once per combination.
  private readonly callChildren = new Map<
    string,
    { count: Counter.Internal; seconds: Histogram.Internal<"service" | "method"> | undefined }
  >();

  constructor(options: PrometheusMetricsOptions = {}) {
    const registers = [this.registry];
    this.calls = new Counter({
      name: "cohost_rpc_calls_total",
      help: "Finished RPCs by service, method, status code and CoHostErrorReason (empty when none).",
      labelNames: ["service", "method", "code", "reason"],
      registers,
    });
    this.callSeconds = new Histogram({
      name: "cohost_rpc_duration_seconds",
      help: "Duration of unary RPCs, from the first interceptor to the response.",
      labelNames: ["service", "method"],
      buckets: latencyBuckets,
      registers,
    });
    this.rateLimited = new Counter({
      name: "cohost_rate_limit_refusals_total",
      help: "RequestHostConnection calls refused with RATE_LIMITED (R19).",
      registers,
    });
    this.watches = new Gauge({ name: "cohost_watch_streams_open", help: "Open WatchCoHost streams on this instance.", registers });
    this.deliveryLag = new Histogram({
      name: "cohost_feed_delivery_lag_seconds",
      help: "From a transition's commit to its CHANGE being written to a watcher.",
      buckets: latencyBuckets,
      registers,
    });
    this.replayedMessages = new Counter({
      name: "cohost_feed_messages_replayed_total",
      help: "CHANGE messages sent from the replay log to resuming watchers (R16).",
      registers,
    });
    this.resyncs = new Counter({
      name: "cohost_feed_resyncs_total",
      help: "Resuming watchers that got a RESYNC snapshot because the replay log no longer had their position (R16).",
      registers,
    });
    this.overflows = new Counter({
      name: "cohost_watch_overflows_total",
      help: "Watchers cut off (UNAVAILABLE) for falling too far behind their feed.",
      registers,
    });
    this.lateness = new Histogram({
      name: "cohost_deadline_lateness_seconds",
      help: "How long after its deadline a request's timeout (R7) was committed by the deadline timer.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.attempts = new Counter({
      name: "cohost_redis_transaction_attempts_total",
      help: "Runs of transitions against Redis (WATCH ... EXEC), retries included.",
      registers,
    });
    this.conflicts = new Counter({
      name: "cohost_redis_transaction_conflicts_total",
      help: "Transition attempts aborted because another instance changed a key they read.",
      registers,
    });
    this.roundTrips = new Histogram({
      name: "cohost_redis_round_trips_per_transition",
      help: "Redis round trips one transition needed, retries included.",
      buckets: [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50],
      registers,
    });
    this.pubsubLag = new Histogram({
      name: "cohost_redis_pubsub_lag_seconds",
      help: "From a transition's commit on any instance to its feed message arriving here over Redis pub/sub.",
      buckets: latencyBuckets,
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Adds the store gauges (rooms, requests, connections, store up), read from `store` on each scrape. */
  watchStore(store: CensusSource): void {
    if (this.registry.getSingleMetric("cohost_store_up")) throw new Error("metrics already watch a store");
    new Gauge({
      name: "cohost_store_up",
      help: "1 when the store answers (as /healthz), else 0.",
      registers: [this.registry],
      async collect() {
        this.set((await store.ping().catch(() => false)) ? 1 : 0);
      },
    });
    if (store.census) this.censusGauges(() => store.census!());
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  callEnded(call: CallRecord): void {
    const key = `${call.service}/${call.method}/${call.code}/${call.reason}`;
    let child = this.callChildren.get(key);
    if (!child) {
      const { service, method, code, reason } = call;
      child = {
        count: this.calls.labels({ service, method, code, reason }),
        seconds: call.streaming ? undefined : this.callSeconds.labels({ service, method }),
      };
      this.callChildren.set(key, child);
    }
    child.count.inc();
    child.seconds?.observe(call.seconds);
    if (call.reason === "RATE_LIMITED") this.rateLimited.inc();
  }

  deadlineFired(latenessMs: number): void {
    this.lateness.observe(Math.max(0, latenessMs) / 1000);
  }

  watchOpened(): void {
    this.watches.inc();
  }

  watchClosed(): void {
    this.watches.dec();
  }

  delivered(lagMs: number): void {
    this.deliveryLag.observe(Math.max(0, lagMs) / 1000);
  }

  replayed(count: number): void {
    this.replayedMessages.inc(count);
  }

  resynced(): void {
    this.resyncs.inc();
  }

  overflowed(): void {
    this.overflows.inc();
  }

  redisTransaction(attempts: number, roundTrips: number): void {
    this.attempts.inc(attempts);
    if (attempts > 1) this.conflicts.inc(attempts - 1);
    this.roundTrips.observe(roundTrips);
  }

  pubsubDelivered(lagMs: number): void {
    this.pubsubLag.observe(Math.max(0, lagMs) / 1000);
  }

  private censusGauges(census: () => Promise<StoreCensus>): void {
    const registers = [this.registry];
    // A scrape collects every gauge at once: they share one store read. A failed read
    // leaves the last values (cohost_store_up tells the outage).
    let pending: Promise<StoreCensus | undefined> | undefined;
    const read = () =>
      (pending ??= census()
        .catch(() => undefined)
        .finally(() => {
          pending = undefined;
        }));
    new Gauge({
      name: "cohost_rooms_open",
      help: "Open rooms (in the whole store: all instances sharing it see the same).",
      registers,
      async collect() {
        const c = await read();
        if (c) this.set(c.rooms);
      },
    });
    new Gauge({
      name: "cohost_requests_pending",
      help: "Pending co-host requests (R4), store-wide.",
      registers,
      async collect() {
        const c = await read();
        if (c) this.set(c.pendingRequests);
      },
    });
    new Gauge({
      name: "cohost_connections",
      help: "Connections by their number of member rooms (label size, 2..9), store-wide.",
      labelNames: ["size"],
      registers,
      async collect() {
        const c = await read();
        if (c) for (let size = 2; size <= MAX_CONNECTION_SIZE; size++) this.set({ size: String(size) }, c.connectionsBySize.get(size) ?? 0);
      },
    });
  }
}
