// One TCP port for everything: HTTP/2 cleartext (gRPC, and Connect or
// gRPC-Web over h2) and HTTP/1.1 (browsers, curl, Connect and gRPC-Web).
// Node cannot negotiate h2c and HTTP/1.1 on one plain server, so we look at
// the first bytes of each connection: an HTTP/2 client starts with the
// "PRI * HTTP/2.0" preface, which no HTTP/1 request does.
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { cors as connectCors } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import {
  armHttp1Timeouts,
  defaultConnectionLimits,
  http1Options,
  http2Settings,
  limitHttp2Session,
  limitRequest,
  limitUndecidedSocket,
  type ConnectionLimits,
} from "./connection-limits.js";
import type { NodeHandlerFn } from "./node-adapter.js";

export type { NodeHandlerFn } from "./node-adapter.js";

export interface ListenOptions {
  port: number;
  host: string;
  handler: NodeHandlerFn;
  /** Body of GET /healthz; unhealthy answers 503. */
  health: () => Promise<{ healthy: boolean; details: Record<string, unknown> }>;
  /** Origins browsers may call from; ["*"] for any. */
  corsOrigins: string[];
  logger: Logger;
  /** Plain GET endpoints beside the RPCs (e.g. /metrics, the playground), tried in order. */
  routes?: readonly HttpRoute[];
  /** Timeouts and caps per connection; defaults in connection-limits.ts. */
  limits?: Partial<ConnectionLimits>;
  /** GET /healthz answers 503 if the check takes longer than this (ms). */
  healthTimeoutMs?: number;
}

export type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/**
 * Answers a GET or HEAD request for `path` (the URL without its query) and
 * returns true, or returns false to leave it to the next route.
 */
export type HttpRoute = (path: string, req: AnyRequest, res: AnyResponse) => boolean;

export interface RunningListener {
  port: number;
  url: string;
  /** Stops accepting, then closes every connection after `graceMs`. */
  close(graceMs?: number): Promise<void>;
  /** Cuts every open connection at once, as a network failure would. */
  dropConnections(): void;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0");

export async function listen(options: ListenOptions): Promise<RunningListener> {
  const limits = { ...defaultConnectionLimits, ...options.limits };
  const onRequest = requestListener(options, limits);
  const h1 = http.createServer(http1Options(limits), onRequest as http.RequestListener);
  armHttp1Timeouts(h1);
  const h2 = http2.createServer(
    { settings: http2Settings(limits) },
    onRequest as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
  );
  const sockets = new Set<net.Socket>();
  // HTTP/1.1 keep-alive sockets with no request in flight; closed at once on shutdown.
  const busy = new Map<net.Socket, number>();
  let closing = false;
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.on("close", () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) return void busy.set(socket, left);
      busy.delete(socket);
      if (closing) socket.destroy();
    });
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    limitHttp2Session(session, limits);
    session.on("close", () => sessions.delete(session));
  });

  const h2Sockets = new WeakSet<net.Socket>();
  const isH2Socket = (socket: net.Socket) => h2Sockets.has(socket);
  // noDelay: the protocol servers would set it themselves; without it Nagle delays small frames.
  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const decided = limitUndecidedSocket(socket, limits);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && head.length < PREFACE.length) return; // need more bytes to decide
      decided();
      socket.off("data", onData);
      socket.pause();
      socket.unshift(head);
      if (isH2) h2Sockets.add(socket);
      (isH2 ? h2 : h1).emit("connection", socket);
      if (!isH2) socket.resume();
    };
    socket.on("data", onData);
  });
  tcp.maxConnections = limits.maxConnections;

  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, () => resolve());
  });
  const address = tcp.address() as net.AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    port: address.port,
    url: `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async close(graceMs = 2_000) {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      closing = true;
      h1.close(); // stops Node's timeout checks; h1 itself never listened
      for (const session of sessions) session.close();
      for (const socket of sockets) if (!busy.has(socket) && !isH2Socket(socket)) socket.destroy();
      const force = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      force.unref();
      await closed;
      clearTimeout(force);
    },
  };
}

function requestListener(options: ListenOptions, limits: ConnectionLimits) {
  const allowAnyOrigin = options.corsOrigins.includes("*");
  const allowedHeaders = [...connectCors.allowedHeaders, "Authorization"].join(", ");
  const exposedHeaders = connectCors.exposedHeaders.join(", ");
  const allowedMethods = connectCors.allowedMethods.join(", ");
  const routes = options.routes ?? [];

  const healthTimeoutMs = options.healthTimeoutMs ?? 2_000;
  return (req: AnyRequest, res: AnyResponse) => {
    limitRequest(req, res, limits);
    try {
      serve(req, res);
    } catch (err) {
      // No request may end the process: whatever escaped is this request's failure alone.
      options.logger.warn("request failed", { url: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end();
    }
  };

  function serve(req: AnyRequest, res: AnyResponse) {
    const origin = req.headers.origin;
    if (typeof origin === "string" && (allowAnyOrigin || options.corsOrigins.includes(origin))) {
      res.setHeader("Access-Control-Allow-Origin", allowAnyOrigin ? "*" : origin);
      res.setHeader("Access-Control-Expose-Headers", exposedHeaders);
      if (!allowAnyOrigin) res.setHeader("Vary", "Origin");
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", allowedMethods);
        res.setHeader("Access-Control-Allow-Headers", allowedHeaders);
        res.setHeader("Access-Control-Max-Age", "7200");
        res.writeHead(204);
        res.end();
        return;
      }
    }
    if (req.method === "GET" && (req.url === "/healthz" || req.url === "/readyz")) {
      void withTimeout(options.health(), healthTimeoutMs).then(
        ({ healthy, details }) => {
          res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: healthy ? "ok" : "unavailable", ...details }));
        },
        (err: unknown) => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: "unavailable", error: err instanceof Error ? err.message : String(err) }));
        },
      );
      return;
    }
    if (routes.length > 0 && (req.method === "GET" || req.method === "HEAD")) {
      const url = req.url ?? "/";
      const query = url.indexOf("?");
      const path = query < 0 ? url : url.slice(0, query);
      for (const route of routes) if (route(path, req, res)) return;
    }
    options.handler(req, res);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
