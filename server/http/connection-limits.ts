// Bounds on what one connection may hold: how long a client may take to send
// its headers and its request, how long an idle connection stays open, how
// many streams an HTTP/2 connection carries, and how much of a refused body
// is read so the refusal reaches the client. Without them a silent or
// trickling client holds a socket (and its memory) forever.
import type * as http from "node:http";
import * as http2 from "node:http2";
import type * as net from "node:net";

export interface ConnectionLimits {
  /** A new connection must send its first request's headers within this (ms); so must every later request, once started. */
  headersTimeoutMs: number;
  /** A request's body must be complete within this (ms) of its start. */
  requestTimeoutMs: number;
  /** A connection with no call in flight is closed after this (ms). */
  idleTimeoutMs: number;
  /** Open TCP connections; more are closed on accept. */
  maxConnections: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: streams one connection may have open at once. */
  maxConcurrentStreams: number;
  /** Of a request body the server refused before reading it, this much more is read and discarded (then the connection is cut). */
  maxDrainBytes: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  maxConnections: 10_000,
  maxConcurrentStreams: 200,
  maxDrainBytes: 4 * 1024 * 1024,
};

/** The HTTP/1.1 server's own timeouts, for sockets it is handed with emit("connection"). */
export function http1Options(limits: ConnectionLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // How often Node checks the two timeouts above.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
  };
}

/**
 * Node checks headersTimeout and requestTimeout only for servers that listen;
 * ours is handed sockets, so start the checks it would start on "listening".
 */
export function armHttp1Timeouts(h1: http.Server): void {
  h1.emit("listening");
}

export function http2Settings(limits: ConnectionLimits): http2.Settings {
  return { maxConcurrentStreams: limits.maxConcurrentStreams };
}

/**
 * An HTTP/2 session is closed (GOAWAY) when it opened no stream within the
 * headers timeout, or has had none open for the idle timeout.
 */
export function limitHttp2Session(session: http2.ServerHttp2Session, limits: ConnectionLimits): void {
  let open = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const idle = (ms: number) => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (open === 0 && !session.closed && !session.destroyed) session.close();
    }, ms);
    idleTimer.unref();
  };
  idle(limits.headersTimeoutMs);
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open++;
    clearTimeout(idleTimer);
    stream.once("close", () => {
      if (--open === 0) idle(limits.idleTimeoutMs);
    });
  });
  session.once("close", () => clearTimeout(idleTimer));
}

/** A connection must show what it speaks (its first bytes) within the headers timeout. */
export function limitUndecidedSocket(socket: net.Socket, limits: ConnectionLimits): () => void {
  const timer = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
  timer.unref();
  return () => clearTimeout(timer);
}

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/**
 * Per request: an HTTP/2 request body must be complete within the request
 * timeout (Node enforces it for HTTP/1.1). Once the response is sent, what is
 * left of an unread body is read and discarded, so the client, still
 * sending, gets the response instead of a reset; past `maxDrainBytes` or the
 * request timeout the connection (HTTP/1.1) or stream (HTTP/2) is cut.
 */
export function limitRequest(req: AnyRequest, res: AnyResponse, limits: ConnectionLimits): void {
  const cut = () => {
    if ("stream" in req) req.stream.close(http2.constants.NGHTTP2_CANCEL);
    else req.socket.destroy();
  };
  if (!("stream" in req)) lingerOnClose(req);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!req.complete) cut();
    }, ms);
    timer.unref();
  };
  if ("stream" in req) arm(limits.requestTimeoutMs);
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  res.once("finish", () => {
    if (req.complete) return;
    let drained = 0;
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > limits.maxDrainBytes) cut();
    });
    req.resume();
    arm(Math.max(0, limits.requestTimeoutMs - (Date.now() - started)));
  });
}

/**
 * When Node ends an HTTP/1.1 connection after its last response (the client
 * sent `Connection: close`, or the server may not keep it) while the request
 * body is still arriving, closing the socket with unread bytes makes the
 * kernel send a reset, and the reset discards the response the client has
 * not read yet; even a half-close makes many clients fail the write they
 * are in. So the connection stays open until the rest of the body is in
 * (limitRequest discards it, and cuts it at its bounds), then closes.
 */
function lingerOnClose(req: http.IncomingMessage): void {
  const socket = req.socket;
  const destroySoon = socket.destroySoon;
  socket.destroySoon = function (this: typeof socket) {
    if (req.complete) return destroySoon.call(this);
    req.once("end", () => destroySoon.call(this));
  };
  req.once("close", () => {
    if (socket.destroySoon !== destroySoon) socket.destroySoon = destroySoon;
  });
}
