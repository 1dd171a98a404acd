// GET /metrics in the Prometheus text format, on the main port or its own.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { PrometheusMetrics } from "../metrics/prometheus-metrics.js";
import type { AnyResponse, HttpRoute } from "./listener.js";

export function metricsRoute(metrics: PrometheusMetrics, logger: Logger): HttpRoute {
  return (path, _req, res) => {
    if (path !== "/metrics") return false;
    void serveMetrics(metrics, logger, res);
    return true;
  };
}

async function serveMetrics(metrics: PrometheusMetrics, logger: Logger, res: AnyResponse): Promise<void> {
  try {
    const { contentType, body } = await metrics.scrape();
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
    res.end(body);
  } catch (err) {
    logger.warn("metrics scrape failed", { error: err instanceof Error ? err.message : String(err) });
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("metrics unavailable\n");
  }
}

/** A separate HTTP/1.1 listener serving only /metrics (COHOST_METRICS_PORT). */
export async function listenMetrics(
  metrics: PrometheusMetrics,
  logger: Logger,
  options: { port: number; host: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const route = metricsRoute(metrics, logger);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if ((req.method === "GET" || req.method === "HEAD") && route(path, req, res)) return;
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
