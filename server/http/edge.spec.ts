// Hostile and broken clients at the network edge, against a real listener:
// requests Node cannot route, compressed and oversized bodies, silent and
// trickling connections, and more streams than anyone should hold. After
// each the server still answers a well-formed call.
import * as http2 from "node:http2";
import * as net from "node:net";
import { gzipSync } from "node:zlib";
import { toBinary, create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  CoHostLayoutTemplate,
  RequestHostConnectionRequestSchema,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock } from "../clock.js";
import { createLogger } from "../logger.js";
import type { CoHostServer } from "../server.js";
import { Clients, newServer, transportFor, type HttpVersion, type Protocol } from "../testing/service-harness.js";
import type { RunningListener } from "./listener.js";

const started: CoHostServer[] = [];
const sockets: net.Socket[] = [];

async function serve(options: Parameters<typeof newServer>[0] = {}) {
  const server = newServer(options);
  started.push(server);
  const listener = await server.listen({ port: 0, host: "127.0.0.1" });
  return { server, listener, clients: new Clients(transportFor(listener.url, "connect", "1.1"), systemClock) };
}

afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

afterAll(async () => {
  for (const s of started) await s.close(50);
});

/** Opens a raw TCP connection to the listener. */
function connect(listener: RunningListener): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(listener.port, "127.0.0.1", () => resolve(socket));
    sockets.push(socket);
    socket.on("error", reject);
  });
}

/** Resolves once the server has closed `socket` (or after `ms`, with false). */
function closedByServer(socket: net.Socket, ms = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once("end", done);
    socket.once("close", done);
    socket.once("error", done);
    socket.resume();
  });
}

/** Sends raw HTTP/1.x bytes and returns the first response head (status and headers). */
async function rawHttp1(listener: RunningListener, request: string | Buffer): Promise<{ status: number; head: string }> {
  const socket = await connect(listener);
  return new Promise((resolve, reject) => {
    let data = "";
    const timer = setTimeout(() => reject(new Error(`no response to ${JSON.stringify(String(request).slice(0, 60))}`)), 5_000);
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      clearTimeout(timer);
      resolve({ status: Number(data.split(" ")[1]), head: data.slice(0, end) });
    });
    socket.write(request);
  });
}

const RPC = "/cohost.v1.CoHostService/ExitHostConnection";

/** A call that needs everything to work: the listener, Connect, auth, the engine. */
async function stillServes(clients: Clients): Promise<void> {
  const err = await clients.cohost.exitHostConnection({ liveId: "nowhere" }).catch((e: unknown) => ConnectError.from(e));
  expect(err && (err as ConnectError).code).toBe(Code.Unauthenticated);
}

describe("requests Node cannot turn into a URL (finding 1)", () => {
  it("are answered 400 over HTTP/1.x, and the server keeps serving", async () => {
    const { listener, clients } = await serve();
    const body = "{}";
    const head = (version: string, host: string | undefined) =>
      `POST ${RPC} HTTP/${version}\r\n${host === undefined ? "" : `Host: ${host}\r\n`}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    for (const [version, host] of [
      ["1.0", undefined],
      ["1.1", ""],
      ["1.1", "a b"],
      ["1.1", "x:99999"],
      ["1.1", "["],
    ] as const) {
      const res = await rawHttp1(listener, head(version, host));
      expect(res.status, `HTTP/${version} Host ${JSON.stringify(host)}`).toBe(400);
    }
    await stillServes(clients);
  });

  it("are answered 400 over HTTP/2, and the server keeps serving", async () => {
    const { listener, clients } = await serve();
    const session = http2.connect(listener.url);
    try {
      for (const authority of ["x:99999", "["]) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = session.request({ ":method": "POST", ":path": RPC, ":authority": authority, "content-type": "application/json" });
          req.on("response", (h) => resolve(Number(h[":status"])));
          req.on("error", reject);
          req.end("{}");
        });
        expect(status, `:authority ${authority}`).toBe(400);
      }
    } finally {
      session.close();
    }
    await stillServes(clients);
  });
});

describe("request bodies (finding 2)", () => {
  it("refuses compressed requests without decompressing them (UNIMPLEMENTED, the protocols' answer)", async () => {
    const { listener } = await serve();
    // 1 MiB of one unknown field, a kilobyte on the wire: the shape of the CPU attack.
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x78));
    expect(bomb.length).toBeLessThan(2048);
    const res = await fetch(`${listener.url}${RPC}`, {
      method: "POST",
      headers: { "content-type": "application/proto", "content-encoding": "gzip" },
      body: bomb,
    });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { code: string }).code).toBe("unimplemented");
    const grpcWeb = await fetch(`${listener.url}${RPC}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", "grpc-encoding": "gzip" },
      body: Buffer.concat([Buffer.from([1, 0, 0, (bomb.length >> 8) & 0xff, bomb.length & 0xff]), bomb]),
    });
    // gRPC-Web carries the status in the trailer frame at the end of the body.
    expect(Buffer.from(await grpcWeb.arrayBuffer()).toString("latin1")).toContain(`grpc-status: ${Code.Unimplemented}`);
  });

  const combos: [Protocol, HttpVersion][] = [
    ["connect", "1.1"],
    ["connect", "2"],
    ["grpc", "2"],
    ["grpc-web", "1.1"],
    ["grpc-web", "2"],
  ];
  it.each(combos)(
    "accepts the largest valid request and refuses one byte past the limit with MESSAGE_TOO_LARGE (%s over HTTP/%s)",
    async (protocol, httpVersion) => {
      const { server, listener } = await serve();
      const c = new Clients(transportFor(listener.url, protocol, httpVersion), systemClock);
      const id = "i".repeat(64);
      // Every field at its limit; JSON escapes each control character of extra_info as \u00XX.
      const largest = {
        liveId: id,
        targetHostLiveId: id,
        layoutTemplate: CoHostLayoutTemplate.HOST_VIDEO_UNIFORM_GRID_9_SEATS,
        timeoutSeconds: 300,
        extraInfo: "\u0001".repeat(4096),
        requestId: id,
      };
      expect(JSON.stringify(largest).length).toBeLessThan(server.limits.maxRequestBytes / 2);
      const valid = await c.cohost.requestHostConnection(largest).catch((e: unknown) => ConnectError.from(e));
      expect((valid as ConnectError).code).toBe(Code.Unauthenticated); // read, decoded, then refused for want of a token
      const size = toBinary(RequestHostConnectionRequestSchema, create(RequestHostConnectionRequestSchema, { liveId: "x" })).length;
      const over = { liveId: "x", extraInfo: "e".repeat(server.limits.maxRequestBytes - size) };
      const padding = toBinary(RequestHostConnectionRequestSchema, create(RequestHostConnectionRequestSchema, over)).length;
      const tooLarge = { ...over, extraInfo: "e".repeat(over.extraInfo.length - (padding - server.limits.maxRequestBytes) + 1) };
      expect(toBinary(RequestHostConnectionRequestSchema, create(RequestHostConnectionRequestSchema, tooLarge)).length).toBe(
        server.limits.maxRequestBytes + 1,
      );
      const binary = protocol !== "connect"; // the Connect transport here speaks JSON; its message is larger still
      const err = ConnectError.from(await c.cohost.requestHostConnection(tooLarge).catch((e: unknown) => e));
      expect(err.code).toBe(Code.ResourceExhausted);
      expect(err.findDetails(CoHostErrorDetailSchema)[0]?.reason).toBe(CoHostErrorReason.MESSAGE_TOO_LARGE);
      if (binary) {
        const atLimit = { ...tooLarge, extraInfo: tooLarge.extraInfo.slice(1) };
        const ok = ConnectError.from(await c.cohost.requestHostConnection(atLimit).catch((e: unknown) => e));
        expect(ok.code).toBe(Code.Unauthenticated);
      }
    },
  );
});

describe("refused bodies over HTTP/1.1 (finding 13)", () => {
  it.each(["keep-alive", "close"])("reach a client still sending its body that reads late (Connection: %s)", async (connection) => {
    const { listener } = await serve();
    const socket = await connect(listener);
    let writeError: unknown;
    socket.on("error", (err) => (writeError = err));
    const message = 2 * 1024 * 1024;
    socket.write(
      `POST ${RPC} HTTP/1.1\r\nHost: test\r\nConnection: ${connection}\r\nContent-Type: application/grpc-web+proto\r\nContent-Length: ${message + 5}\r\n\r\n`,
    );
    socket.write(Buffer.from([0, (message >>> 24) & 0xff, (message >>> 16) & 0xff, (message >>> 8) & 0xff, message & 0xff]));
    // A busy client: it sends part of the body, and reads nothing for a while. A server that
    // answers and closes with the rest unread resets the connection, and the reset discards
    // the answer waiting in the client's receive buffer.
    socket.pause();
    let sent = 0;
    const send = () => new Promise<void>((resolve) => socket.write(Buffer.alloc(64 * 1024), () => resolve()));
    for (; sent < 256 * 1024; sent += 64 * 1024) await send();
    await new Promise((r) => setTimeout(r, 300));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.resume();
    for (; sent < message && !writeError; sent += 64 * 1024) await send();
    await until(() => received.includes("grpc-status") || writeError !== undefined);
    expect(writeError).toBeUndefined();
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/grpc-status: 8/i);
    if (connection === "close") {
      expect(await closedByServer(socket)).toBe(true);
      expect(writeError).toBeUndefined();
      return;
    }
    // The same connection serves the next request.
    received = "";
    socket.write(`POST ${RPC} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    await until(() => received.includes("\r\n\r\n"));
    expect(received).toMatch(/^HTTP\/1\.1 401/);
  });
});

describe("clients that hang up mid-request (finding 12)", () => {
  it("are not logged as errors", async () => {
    const lines: string[] = [];
    const { listener, clients } = await serve({ logger: createLogger("debug", (l) => lines.push(l)) });
    await clients.openRoom("hang", "alice");
    const token = (await clients.hostHeaders("alice")).headers.authorization;
    const json = Buffer.from(JSON.stringify({ liveId: "hang" }));
    const envelope = Buffer.concat([Buffer.from([0, 0, 0, 0, json.length]), json]);
    const watch = "/cohost.v1.CoHostService/WatchCoHost";
    // HTTP/1.1: half the request body, then the connection goes.
    const socket = await connect(listener);
    socket.write(
      `POST ${watch} HTTP/1.1\r\nHost: test\r\nContent-Type: application/connect+json\r\nAuthorization: ${token}\r\nContent-Length: ${envelope.length}\r\n\r\n`,
    );
    socket.write(envelope.subarray(0, 8));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    // HTTP/2: the same, then the session goes.
    const session = http2.connect(listener.url);
    session.on("error", () => {});
    const req = session.request({ ":method": "POST", ":path": watch, "content-type": "application/connect+json", authorization: token });
    req.on("error", () => {});
    req.write(envelope.subarray(0, 8));
    await new Promise((r) => setTimeout(r, 100));
    session.destroy();
    await stillServes(clients);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.filter((l) => (JSON.parse(l) as { level: string }).level === "error")).toEqual([]);
  });
});

describe("connection timeouts (finding 3)", () => {
  const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 300 };

  it("closes connections past the maximum as they are accepted", async () => {
    const { listener } = await serve({ limits: { maxConnections: 2 } });
    const held = [await connect(listener), await connect(listener)];
    const third = await connect(listener);
    expect(await closedByServer(third)).toBe(true);
    expect(held.some((s) => s.destroyed)).toBe(false);
  });

  it("closes a connection that never sends a byte", async () => {
    const { listener } = await serve({ limits });
    expect(await closedByServer(await connect(listener))).toBe(true);
  });

  it("closes an HTTP/1.1 connection whose headers never end (408)", async () => {
    const { listener } = await serve({ limits });
    const socket = await connect(listener);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.write(`POST ${RPC} HTTP/1.1\r\nHost: test\r\nX-Slow: `);
    const timer = setInterval(() => socket.write("a"), 50);
    try {
      expect(await closedByServer(socket)).toBe(true);
    } finally {
      clearInterval(timer);
    }
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it("closes an HTTP/1.1 connection whose body never ends", async () => {
    const { listener } = await serve({ limits });
    const socket = await connect(listener);
    socket.write(`POST ${RPC} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    expect(await closedByServer(socket)).toBe(true);
  });

  it("closes an idle HTTP/1.1 keep-alive connection", async () => {
    const { listener } = await serve({ limits });
    const socket = await connect(listener);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n`);
    await until(() => received.includes('"status":"ok"'));
    expect(await closedByServer(socket)).toBe(true);
  });

  it("closes an HTTP/2 session that opens no stream, and one idle after its streams end", async () => {
    const { listener, server } = await serve({ limits });
    const quiet = http2.connect(listener.url);
    quiet.on("error", () => {});
    expect(await sessionClosed(quiet)).toBe(true);

    const c = new Clients(transportFor(listener.url, "connect", "2"), systemClock);
    await stillServes(c); // opens a session, one call, then nothing
    expect(server.limits.idleTimeoutMs).toBe(300);
    const used = http2.connect(listener.url);
    used.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      const req = used.request({ ":method": "GET", ":path": "/healthz" });
      req.on("error", reject);
      req.resume();
      req.on("end", () => resolve());
    });
    expect(await sessionClosed(used)).toBe(true);
  });

  it("resets an HTTP/2 stream whose body never ends", async () => {
    const { listener } = await serve({ limits });
    const session = http2.connect(listener.url);
    session.on("error", () => {});
    try {
      const req = session.request({ ":method": "POST", ":path": RPC, "content-type": "application/json" });
      req.write("{");
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        req.on("error", () => {});
        req.on("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
        req.resume();
      });
      expect(closed).toBe(true);
    } finally {
      session.destroy();
    }
  });
});

describe("stream caps (finding 4)", () => {
  const limits = { maxStreamsPerUser: 3, maxStreamsPerRoom: 2, maxStreamsPerConnection: 4, maxStreams: 5 };

  async function watch(c: Clients, liveId: string, user: string) {
    const abort = new AbortController();
    const it = c.cohost.watchCoHost({ liveId }, { ...(await c.hostHeaders(user)), signal: abort.signal })[Symbol.asyncIterator]();
    const first = await it.next().then(
      () => "open",
      (e: unknown) => {
        const err = ConnectError.from(e);
        return `${Code[err.code]}/${CoHostErrorReason[err.findDetails(CoHostErrorDetailSchema)[0]?.reason ?? 0]}`;
      },
    );
    return { first, close: () => abort.abort() };
  }

  it("refuses streams past the caps per room, user, connection and in total, and frees a slot when one ends", async () => {
    const { listener } = await serve({ limits });
    const c = new Clients(transportFor(listener.url, "connect", "2"), systemClock);
    for (const r of ["a1", "a2", "b1", "c1", "d1"]) await c.openRoom(r, `user-${r[0]}`);
    const open = [];
    for (let i = 0; i < 2; i++) open.push(await watch(c, "a1", "user-a"));
    expect(open.map((s) => s.first)).toEqual(["open", "open"]);
    expect((await watch(c, "a1", "user-a")).first).toBe("ResourceExhausted/TOO_MANY_STREAMS"); // room
    open.push(await watch(c, "a2", "user-a"));
    expect((await watch(c, "a2", "user-a")).first).toBe("ResourceExhausted/TOO_MANY_STREAMS"); // user
    open.push(await watch(c, "b1", "user-b"));
    // Four streams on this client's one HTTP/2 connection.
    expect((await watch(c, "c1", "user-c")).first).toBe("ResourceExhausted/TOO_MANY_STREAMS"); // connection
    const other = new Clients(transportFor(listener.url, "connect", "2"), systemClock);
    open.push(await watch(other, "c1", "user-c"));
    expect(open.map((s) => s.first)).toEqual(["open", "open", "open", "open", "open"]);
    expect((await watch(other, "d1", "user-d")).first).toBe("ResourceExhausted/SERVER_AT_CAPACITY"); // total
    open.pop()!.close();
    let reopened: Awaited<ReturnType<typeof watch>> | undefined;
    await until(async () => (reopened = await watch(other, "d1", "user-d")).first === "open");
    reopened!.close();
    for (const s of open) s.close();
  });

  it("advertises the HTTP/2 stream limit", async () => {
    const { listener } = await serve({ limits: { maxConcurrentStreams: 50 } });
    const session = http2.connect(listener.url);
    try {
      await new Promise<void>((resolve) => session.once("remoteSettings", () => resolve()));
      expect(session.remoteSettings.maxConcurrentStreams).toBe(50);
    } finally {
      session.close();
    }
  });
});

function sessionClosed(session: http2.ClientHttp2Session, ms = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (session.closed || session.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    session.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function until(condition: () => boolean | Promise<boolean>, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
