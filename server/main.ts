#!/usr/bin/env node
// `npm start`: the reference server as a process. Configuration: README.
import { fileURLToPath } from "node:url";
import { systemClock } from "./clock.js";
import { ConfigError, loadConfig, type ServerConfig } from "./config.js";
import { devCredentialsPath, writeDevCredentials } from "./dev-credentials.js";
import { playgroundRoutes } from "./http/playground-route.js";
import { createLogger } from "./logger.js";
import { PrometheusMetrics } from "./metrics/prometheus-metrics.js";
import { CoHostServer } from "./server.js";
import { mintHostToken } from "./service/auth.js";
import { createStore } from "./store/create-store.js";

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cohost server: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const metrics = config.metrics.enabled ? new PrometheusMetrics({ processMetrics: true }) : undefined;
  const store = await createStore(config, systemClock, logger, metrics);
  const server = new CoHostServer({
    tokenSecret: config.tokenSecret,
    adminKey: config.adminKey,
    store,
    logger,
    metrics: metrics ?? false,
    engine: { rateLimit: config.rateLimit, idempotencyTtlMs: config.idempotencyTtlMs },
    watch: { keepAliveMs: config.keepAliveMs },
    limits: config.limits,
  });
  // The page is built next to this file (dist/playground) by `npm run build`.
  const playground = config.playground
    ? playgroundRoutes({
        dir: fileURLToPath(new URL("./playground", import.meta.url)),
        // Only credentials generated for this run, like the banner: an operator's own are never handed out.
        devCredentials:
          config.mode === "development" && config.generated.adminKey && config.generated.tokenSecret
            ? { adminKey: config.adminKey, tokenSecret: config.tokenSecret, clock: systemClock }
            : undefined,
      })
    : undefined;
  if (config.playground && !playground) logger.warn("playground not built: run npm run build", {});
  const listener = await server.listen({
    port: config.port,
    host: config.host,
    corsOrigins: config.corsOrigins,
    metricsRoute: config.metrics.port === undefined,
    routes: playground ?? [],
  });
  const metricsUrl =
    config.metrics.port === undefined
      ? metrics && `${listener.url}/metrics`
      : (await server.listenMetrics({ port: config.metrics.port, host: config.host })).url;
  if (config.mode === "development") await printDevBanner(config, listener.url, playground !== undefined);
  // Logged last: "listening" tells supervisors and tests that everything is ready.
  logger.info("listening", {
    url: listener.url,
    pid: process.pid,
    mode: config.mode,
    store: store.kind,
    metrics: metricsUrl ?? "off",
    playground: playground ? `${listener.url}/` : "off",
    protocols: ["connect", "grpc", "grpc-web"],
    http: ["1.1", "2 (h2c, prior knowledge)"],
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn("second signal: exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info("shutting down", { signal });
    server.close(5_000).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error("shutdown failed", { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function printDevBanner(config: ServerConfig, url: string, playground: boolean): Promise<void> {
  // Only what this run generated is shown or saved: an operator's own credentials never reach a log.
  const { generated } = config;
  if (generated.tokenSecret && generated.adminKey) {
    writeDevCredentials({ url, tokenSecret: config.tokenSecret, adminKey: config.adminKey });
  }
  const alice = generated.tokenSecret ? await mintHostToken(config.tokenSecret, "alice", { ttlSeconds: 86_400 }) : undefined;
  const lines = [
    "",
    "  CoHost reference server: DEVELOPMENT MODE (not for production; set COHOST_MODE=production)",
    `  listening      ${url}  (Connect and gRPC-Web on HTTP/1.1 and h2c; gRPC on h2c)`,
    `  store          ${config.store.kind}`,
    ...(playground ? [`  playground     ${url}/  (open it in a browser)`] : []),
    `  admin key      ${generated.adminKey ? config.adminKey : "(from COHOST_ADMIN_KEY, not shown)"}`,
    `  token secret   ${generated.tokenSecret ? config.tokenSecret : "(from COHOST_TOKEN_SECRET, not shown)"}`,
    generated.tokenSecret && generated.adminKey ? `  (generated for this run, saved to ${devCredentialsPath})` : "",
    "",
    ...(alice ? ["  A host token for user alice (24 h):", `    ${alice}`] : []),
    "  Mint others with:  npm run -s token -- --user bob",
    "  Watch two hosts connect:  npm run demo -- --url " + url,
    "",
  ];
  process.stderr.write(`${lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`cohost server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
