// The fault cases' server: speaks CoHostService on the wire (Connect,
// gRPC, gRPC-Web; HTTP/1.1 on one port, HTTP/2 cleartext on another) and
// does exactly what its case scripts say: which messages each WatchCoHost
// call gets, which gap or error ends it, how each unary call is answered.
// One per case, so cutting every connection touches that case alone.
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, cors, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  CoHostService,
  WatchCoHostResponseSchema,
  type WatchCoHostRequest,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { ConformanceFailure } from "../feed-watcher.js";

/** One WatchCoHost stream, as its script drives it. */
export class ScriptedStream {
  private readonly queue: (WatchCoHostResponse | ConnectError | "end")[] = [];
  private wake: (() => void) | undefined;
  /** The handler returned: the script ended the stream, or the client cancelled it. */
  ended = false;

  constructor(
    readonly request: WatchCoHostRequest,
    readonly authorization: string,
    readonly signal: AbortSignal,
    onActivity: () => void,
  ) {
    signal.addEventListener("abort", () => (this.wake?.(), onActivity()), { once: true });
  }

  send(message: MessageInitShape<typeof WatchCoHostResponseSchema>): this {
    return this.push(create(WatchCoHostResponseSchema, message));
  }

  /** Ends the stream with an error, e.g. UNAVAILABLE for a server going away. */
  fail(error: ConnectError): this {
    return this.push(error);
  }

  /** Ends the stream with OK. */
  end(): this {
    return this.push("end");
  }

  private push(item: WatchCoHostResponse | ConnectError | "end"): this {
    this.queue.push(item);
    this.wake?.();
    return this;
  }

  /** The next item to send, or undefined once the client cancelled. */
  async next(): Promise<WatchCoHostResponse | ConnectError | "end" | undefined> {
    while (this.queue.length === 0) {
      if (this.signal.aborted) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return this.signal.aborted ? undefined : this.queue.shift();
  }
}

/** What the n-th WatchCoHost call gets (0-based; the last script repeats). */
export type WatchScript = (stream: ScriptedStream, call: number) => void | Promise<void>;
export type UnaryScript = (request: Record<string, unknown>, call: UnaryCall) => Promise<object> | object;

export interface UnaryCall {
  method: string;
  request: Record<string, unknown>;
  authorization: string;
  /** How many calls of this method came before. */
  attempt: number;
}

const UNARY = [
  "requestHostConnection",
  "cancelHostConnection",
  "acceptHostConnection",
  "rejectHostConnection",
  "exitHostConnection",
  "getCoHostCandidates",
] as const;

export class ScriptedServer {
  readonly streams: ScriptedStream[] = [];
  readonly calls: UnaryCall[] = [];
  private watchScripts: WatchScript[] = [(s) => void s.fail(new ConnectError("no watch script", Code.Unimplemented))];
  private readonly unary = new Map<string, UnaryScript>();
  private readonly wakers = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  urls = { "1.1": "", "2": "" };

  private constructor(private readonly trace: (line: string) => void) {
    const handler = connectNodeAdapter({
      routes: (router) =>
        router.service(CoHostService, {
          ...Object.fromEntries(UNARY.map((m) => [m, (req: object, ctx: HandlerContext) => this.answer(m, req, ctx)])),
          watchCoHost: (req: WatchCoHostRequest, ctx: HandlerContext) => this.watch(req, ctx),
        } as never),
    });
    const withCors = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("access-control-expose-headers", cors.exposedHeaders.join(", "));
      if (req.method === "OPTIONS") {
        res.setHeader("access-control-allow-methods", cors.allowedMethods.join(", "));
        res.setHeader("access-control-allow-headers", [...cors.allowedHeaders, "Authorization"].join(", "));
        res.writeHead(204);
        return void res.end();
      }
      handler(req as never, res as never);
    };
    this.h1 = http.createServer(withCors);
    this.h2 = http2.createServer({}, withCors);
    for (const server of [this.h1, this.h2] as const) {
      server.on("connection", (socket: Socket) => {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
      });
    }
  }

  static async start(trace: (line: string) => void = () => {}): Promise<ScriptedServer> {
    const server = new ScriptedServer(trace);
    const listen = (s: http.Server | http2.Http2Server) =>
      new Promise<string>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
      });
    server.urls = { "1.1": await listen(server.h1), "2": await listen(server.h2) };
    return server;
  }

  /** Scripts for successive WatchCoHost calls; the last one repeats. */
  onWatch(...scripts: WatchScript[]): this {
    this.watchScripts = scripts;
    return this;
  }

  /** Scripts a unary method (by its local name, e.g. "requestHostConnection"). */
  on(method: (typeof UNARY)[number], script: UnaryScript): this {
    this.unary.set(method, script);
    return this;
  }

  get watchCalls(): ScriptedStream[] {
    return this.streams;
  }

  /** Streams the client has not cancelled and the script has not ended. */
  get openStreams(): number {
    return this.streams.filter((s) => !s.signal.aborted && !s.ended).length;
  }

  /** Cuts every connection at once, as a network failure would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Waits until `condition` holds, re-checking whenever a call or stream changes. */
  async until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ConformanceFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.min(left, 100));
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.wakers.add(wake);
      });
    }
  }

  async close(): Promise<void> {
    this.dropConnections();
    await Promise.all([this.h1, this.h2].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private activity(): void {
    for (const wake of [...this.wakers]) wake();
    this.wakers.clear();
  }

  private async answer(method: string, request: object, context: HandlerContext): Promise<object> {
    const call: UnaryCall = {
      method,
      request: { ...(request as Record<string, unknown>) },
      authorization: context.requestHeader.get("authorization") ?? "",
      attempt: this.calls.filter((c) => c.method === method).length,
    };
    this.calls.push(call);
    this.trace(`server <- ${method} ${JSON.stringify(call.request, (_, v) => (typeof v === "bigint" ? String(v) : v))}`);
    this.activity();
    const script = this.unary.get(method);
    if (!script) throw new ConnectError(`${method} is not part of this case`, Code.Unimplemented);
    return script(call.request, call);
  }

  private async *watch(request: WatchCoHostRequest, context: HandlerContext): AsyncGenerator<WatchCoHostResponse> {
    const n = this.streams.length;
    const script = this.watchScripts[Math.min(n, this.watchScripts.length - 1)]!;
    const stream = new ScriptedStream(request, context.requestHeader.get("authorization") ?? "", context.signal, () => this.activity());
    this.streams.push(stream);
    this.trace(
      `server <- WatchCoHost #${n + 1} resume=${request.resumeEpoch ? `${request.resumeEpoch}@${request.resumeAfterSequence}` : "-"}`,
    );
    this.activity();
    try {
      await script(stream, n);
      for (;;) {
        const item = await stream.next();
        if (item === undefined || item === "end") return;
        if (item instanceof ConnectError) throw item;
        yield item;
      }
    } finally {
      stream.ended = true;
      this.activity();
    }
  }
}
