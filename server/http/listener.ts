// One TCP port for everything: HTTP/2 cleartext (gRPC, and Connect or
// gRPC-Web over h2) and HTTP/1.1 (browsers, curl, Connect and gRPC-Web).
// Node cannot negotiate h2c and HTTP/1.1 on one plain server, so we look at
// the first bytes of each connection: an HTTP/2 client starts with the
// "PRI * HTTP/2.0" preface, which no HTTP/1 request does.
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import { cors as connectCors } from "@connectrpc/connect";
import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** What connectNodeAdapter returns: a handler for http, https and http2 requests. */
export type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
import type { Logger } from "../logger.js";

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
  const onRequest = requestListener(options);
  const h1 = http.createServer(onRequest as http.RequestListener);
  const h2 = http2.createServer({}, onRequest as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  const sockets = new Set<net.Socket>();
  // HTTP/1.1 keep-alive sockets with no request in flight; closed at once on shutdown.
  const busy = new Map<net.Socket, number>();
  let closing = false;
  h1.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A response sent before the request body was read (e.g. RESOURCE_EXHAUSTED for an
    // oversized message) leaves unread bytes on the connection: close it, rather than
    // let the client reuse it and run into a reset.
    const writeHead = res.writeHead;
    res.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
      if (!req.complete) this.shouldKeepAlive = false;
      return writeHead.apply(this, args);
    } as typeof writeHead;
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
    session.on("close", () => sessions.delete(session));
  });

  const h2Sockets = new WeakSet<net.Socket>();
  const isH2Socket = (socket: net.Socket) => h2Sockets.has(socket);
  // noDelay: the protocol servers would set it themselves; without it Nagle delays small frames.
  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && head.length < PREFACE.length) return; // need more bytes to decide
      socket.off("data", onData);
      socket.pause();
      socket.unshift(head);
      if (isH2) h2Sockets.add(socket);
      (isH2 ? h2 : h1).emit("connection", socket);
      if (!isH2) socket.resume();
    };
    socket.on("data", onData);
  });

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

function requestListener(options: ListenOptions) {
  const allowAnyOrigin = options.corsOrigins.includes("*");
  const allowedHeaders = [...connectCors.allowedHeaders, "Authorization"].join(", ");
  const exposedHeaders = connectCors.exposedHeaders.join(", ");
  const allowedMethods = connectCors.allowedMethods.join(", ");
  const routes = options.routes ?? [];

  return (req: AnyRequest, res: AnyResponse) => {
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
      void options.health().then(
        ({ healthy, details }) => {
          res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: healthy ? "ok" : "unavailable", ...details }));
        },
        () => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: "unavailable" }));
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
  };
}
