// Configuration comes from the environment. With nothing set the server runs
// in a clearly labelled development mode with generated credentials; in
// production a missing secret stops start-up instead of being made up.
import { randomBytes } from "node:crypto";
import type { ServerLimits } from "./limits.js";
import type { LogLevel } from "./logger.js";

export interface ServerConfig {
  mode: "development" | "production";
  port: number;
  host: string;
  tokenSecret: string;
  adminKey: string;
  /** Which of the credentials above were generated for this run (the others are the operator's, never printed). */
  generated: { tokenSecret: boolean; adminKey: boolean };
  store: { kind: "memory" } | { kind: "redis"; url: string; prefix: string };
  keepAliveMs: number;
  rateLimit: { burst: number; refillPerSecond: number };
  idempotencyTtlMs: number;
  /** request_ids remembered per user (R18); a user's oldest are forgotten first. */
  idempotencyPerUser: number;
  /** Longest wait for any Redis command; calls that need Redis fail UNAVAILABLE after about this long. */
  storeTimeoutMs: number;
  replayLimit: number;
  corsOrigins: string[];
  logLevel: LogLevel;
  /** GET /metrics: off, on the main port (port undefined), or on a port of its own. */
  metrics: { enabled: boolean; port?: number };
  /** The playground page at "/" (on in development, off in production unless asked for). */
  playground: boolean;
  /** README "Limits". */
  limits: ServerLimits;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/** Documented in README "Configuration". */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const problems: string[] = [];
  const mode = env.COHOST_MODE || undefined;
  // A typo must not silently mean development (generated secrets, a banner with credentials).
  if (mode !== undefined && mode !== "development" && mode !== "production") {
    problems.push(`COHOST_MODE must be "development" or "production" (got "${mode}")`);
  }
  const production = mode === "production" || (mode === undefined && env.NODE_ENV === "production");
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  let tokenSecret = env.COHOST_TOKEN_SECRET ?? "";
  let adminKey = env.COHOST_ADMIN_KEY ?? "";
  const generated = { tokenSecret: false, adminKey: false };
  if (production) {
    if (!tokenSecret) problems.push("COHOST_TOKEN_SECRET is required in production");
    if (!adminKey) problems.push("COHOST_ADMIN_KEY is required in production");
  } else {
    generated.tokenSecret = !tokenSecret;
    generated.adminKey = !adminKey;
    if (!tokenSecret) tokenSecret = randomBytes(32).toString("base64url");
    if (!adminKey) adminKey = randomBytes(24).toString("base64url");
  }
  if (tokenSecret && Buffer.byteLength(tokenSecret) < 32) problems.push("COHOST_TOKEN_SECRET must be at least 32 bytes (HS256)");
  if (adminKey && Buffer.byteLength(adminKey) < 16) problems.push("COHOST_ADMIN_KEY must be at least 16 bytes");

  const storeSpec = env.COHOST_STORE ?? "memory";
  let store: ServerConfig["store"] = { kind: "memory" };
  if (storeSpec.startsWith("redis://") || storeSpec.startsWith("rediss://")) {
    const url = new URL(storeSpec);
    const prefix = url.searchParams.get("prefix") ?? env.COHOST_REDIS_PREFIX ?? "cohost:";
    url.searchParams.delete("prefix");
    store = { kind: "redis", url: url.toString(), prefix };
  } else if (storeSpec !== "memory") {
    problems.push(`COHOST_STORE must be "memory" or a redis:// URL (got "${storeSpec}")`);
  }

  const logLevel = (env.COHOST_LOG_LEVEL ?? "info") as LogLevel;
  if (!["debug", "info", "warn", "error", "silent"].includes(logLevel)) problems.push(`COHOST_LOG_LEVEL "${logLevel}" is not a level`);

  const config: ServerConfig = {
    mode: production ? "production" : "development",
    port: number("PORT", 8080, 0, 65535),
    host: env.COHOST_HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    tokenSecret,
    adminKey,
    generated,
    store,
    // The spec's bounds: keep_alive_interval 1 to 60 s; a replay window of at least 256 (R16).
    keepAliveMs: number("COHOST_KEEPALIVE_SECONDS", 15, 1, 60) * 1000,
    rateLimit: {
      burst: number("COHOST_RATE_LIMIT_BURST", 20, 10, 100),
      refillPerSecond: number("COHOST_RATE_LIMIT_PER_SECOND", 2, 1 / 60, 9),
    },
    idempotencyTtlMs: number("COHOST_IDEMPOTENCY_TTL_SECONDS", 600, 600, 86_400) * 1000,
    idempotencyPerUser: number("COHOST_IDEMPOTENCY_PER_USER", 1_000, 100, 1e6),
    storeTimeoutMs: number("COHOST_STORE_TIMEOUT_MS", 2_000, 100, 60_000),
    replayLimit: number("COHOST_REPLAY_LIMIT", 256, 256, 100_000),
    corsOrigins: (env.COHOST_CORS_ORIGINS ?? "*")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel,
    metrics: { enabled: true },
    playground: !production,
    limits: {
      maxRequestBytes: number("COHOST_MAX_REQUEST_BYTES", 65_536, 65_536, 1_048_576),
      headersTimeoutMs: number("COHOST_HEADERS_TIMEOUT_SECONDS", 10, 1, 600) * 1000,
      requestTimeoutMs: number("COHOST_REQUEST_TIMEOUT_SECONDS", 30, 1, 3600) * 1000,
      idleTimeoutMs: number("COHOST_IDLE_TIMEOUT_SECONDS", 60, 1, 3600) * 1000,
      maxConnections: number("COHOST_MAX_CONNECTIONS", 10_000, 1, 1e6),
      maxConcurrentStreams: number("COHOST_MAX_STREAMS_PER_CONNECTION", 100, 1, 10_000) + 100,
      maxDrainBytes: 4 * 1024 * 1024,
      maxStreams: number("COHOST_MAX_STREAMS", 10_000, 1, 1e6),
      maxStreamsPerUser: number("COHOST_MAX_STREAMS_PER_USER", 64, 1, 1e6),
      maxStreamsPerRoom: number("COHOST_MAX_STREAMS_PER_ROOM", 32, 1, 1e6),
      maxStreamsPerConnection: number("COHOST_MAX_STREAMS_PER_CONNECTION", 100, 1, 10_000),
    },
  };
  const metricsSwitch = env.COHOST_METRICS ?? "on";
  if (!["on", "off"].includes(metricsSwitch)) problems.push(`COHOST_METRICS must be "on" or "off" (got "${metricsSwitch}")`);
  const metricsPort = env.COHOST_METRICS_PORT ? number("COHOST_METRICS_PORT", 0, 0, 65535) : undefined;
  config.metrics = { enabled: metricsSwitch !== "off", port: metricsPort };
  const playground = env.COHOST_PLAYGROUND;
  if (playground !== undefined && !["on", "off"].includes(playground))
    problems.push(`COHOST_PLAYGROUND must be "on" or "off" (got "${playground}")`);
  if (playground !== undefined) config.playground = playground === "on";
  // R19: at least 10 attempts pass at once, at most 100 within 10 s, retry_after at most 60 s.
  const { burst, refillPerSecond } = config.rateLimit;
  if (burst + 10 * refillPerSecond > 100) {
    problems.push("COHOST_RATE_LIMIT_BURST + 10 * COHOST_RATE_LIMIT_PER_SECOND must be at most 100 (the spec's R19 bound)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
