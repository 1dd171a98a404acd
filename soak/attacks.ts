// What the soak throws at the server while the well-behaved client works:
// idle and half-sent sockets, one token trying to open thousands of streams,
// requests built to crash or burn it, and clients on a flaky network. Each
// attack runs until `until`, and counts what it did and what it got back.
import { setMaxListeners } from "node:events";
import * as http2 from "node:http2";
import * as net from "node:net";
import { gzipSync } from "node:zlib";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CoHostErrorDetailSchema, CoHostErrorReason, CoHostService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

export type Counts = Record<string, number>;

const count = (counts: Counts, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RPC = "/cohost.v1.CoHostService/ExitHostConnection";
const WATCH = "/cohost.v1.CoHostService/WatchCoHost";
const H2_PREFACE = Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

export interface Target {
  url: string;
  port: number;
  until: number;
}

/**
 * Holds `n` connections open: silent ones, ones trickling HTTP/1.1 headers,
 * HTTP/2 ones that never open a stream. Each one the server closes is
 * opened again at once, so the server always sees about `n`.
 */
export async function holdSockets(target: Target, n: number): Promise<Counts> {
  const counts: Counts = {};
  let open = 0;
  let most = 0;
  const one = async (kind: number): Promise<void> => {
    while (Date.now() < target.until) {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(target.port, "127.0.0.1");
        let trickle: NodeJS.Timeout | undefined;
        const stop = setTimeout(() => socket.destroy(), Math.max(0, target.until - Date.now()));
        socket.on("connect", () => {
          most = Math.max(most, ++open);
          count(counts, "opened");
          if (kind === 1) {
            socket.write(`POST ${RPC} HTTP/1.1\r\nHost: soak\r\nX-Slow: `);
            trickle = setInterval(() => socket.write("a"), 1_000);
          } else if (kind === 2) {
            socket.write(H2_PREFACE);
          }
        });
        socket.on("error", () => {});
        socket.resume();
        socket.on("close", () => {
          clearInterval(trickle);
          clearTimeout(stop);
          open = Math.max(0, open - 1);
          resolve(Date.now() < target.until);
        });
      });
      if (closed)
        count(
          counts,
          ["closed by the server: silent", "closed by the server: half-sent headers", "closed by the server: idle HTTP/2"][kind]!,
        );
      await sleep(50);
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => one(i % 3)));
  counts["held at once, at most"] = most;
  return counts;
}

/**
 * One token (one user, hosting `rooms`) tries to open `attempts` WatchCoHost
 * streams, spread evenly until `until`, keeping every one it gets until the end.
 */
export async function manyStreams(target: Target, rooms: string[], token: string, attempts: number, connections = 20): Promise<Counts> {
  const counts: Counts = {};
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal ends every stream
  const started = Date.now();
  const perMs = attempts / Math.max(1, target.until - started);
  const clients = Array.from({ length: connections }, () =>
    createClient(CoHostService, createConnectTransport({ baseUrl: target.url, httpVersion: "2" })),
  );
  const headers = { authorization: `Bearer ${token}` };
  let next = 0;
  const worker = async () => {
    while (next < attempts && Date.now() < target.until) {
      const due = started + next / perMs;
      if (Date.now() < due) {
        await sleep(due - Date.now());
        continue;
      }
      const i = next++;
      const stream = clients[i % clients.length]!.watchCoHost({ liveId: rooms[i % rooms.length]! }, { headers, signal: abort.signal });
      const it = stream[Symbol.asyncIterator]();
      try {
        await it.next();
        count(counts, "opened");
        // Held open (its messages drained) until the soak ends.
        void (async () => {
          try {
            for (;;) if ((await it.next()).done) return;
          } catch {
            // ended by the abort below, or by the server
          }
        })();
      } catch (err) {
        const e = ConnectError.from(err);
        const reason = e.findDetails(CoHostErrorDetailSchema)[0]?.reason;
        count(counts, `refused ${Code[e.code]}${reason ? `/${CoHostErrorReason[reason]}` : ""}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  counts.attempts = next;
  while (Date.now() < target.until) await sleep(100);
  abort.abort();
  return counts;
}

/** Raw requests that once ended the process or burned its CPU, each on a connection of its own. */
function malformedRequests(token: string): { name: string; bytes: Buffer }[] {
  const head = (lines: string[], body: Buffer | string = "{}") =>
    Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`), Buffer.from(body)]);
  const json = "Content-Type: application/json";
  const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x78));
  return [
    { name: "HTTP/1.0 without Host", bytes: head([`POST ${RPC} HTTP/1.0`, json]) },
    { name: "empty Host", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: ", json]) },
    { name: "Host a b", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: a b", json]) },
    { name: "Host x:99999", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: x:99999", json]) },
    { name: "Host [", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: [", json]) },
    {
      name: "gzip bomb",
      bytes: head([`POST ${RPC} HTTP/1.1`, "Host: soak", "Content-Type: application/proto", "Content-Encoding: gzip"], bomb),
    },
    {
      name: "2 MiB body",
      bytes: head([`POST ${RPC} HTTP/1.1`, "Host: soak", json, `Authorization: Bearer ${token}`], "x".repeat(2 * 1024 * 1024)),
    },
    {
      name: "garbage protobuf",
      bytes: head(
        [`POST ${RPC} HTTP/1.1`, "Host: soak", "Content-Type: application/proto", `Authorization: Bearer ${token}`],
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
      ),
    },
    { name: "32 KB header", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: soak", json, `X-Big: ${"b".repeat(32 * 1024)}`]) },
    { name: "forged token", bytes: head([`POST ${RPC} HTTP/1.1`, "Host: soak", json, "Authorization: Bearer eyJhbGciOiJub25lIn0.e30."]) },
  ];
}

/** Sends the malformed requests round-robin, `perSecond` of them, and counts the answers by status. */
export async function malformed(target: Target, token: string, perSecond: number): Promise<Counts> {
  const counts: Counts = {};
  const requests = malformedRequests(token);
  let i = 0;
  const send = (r: { name: string; bytes: Buffer }) =>
    new Promise<void>((resolve) => {
      const socket = net.connect(target.port, "127.0.0.1", () => socket.end(r.bytes));
      let head = "";
      socket.on("data", (d: Buffer) => {
        head += d.toString("latin1", 0, 64);
        socket.destroy();
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        count(counts, `${r.name} -> ${head.split("\r\n")[0]?.split(" ")[1] ?? "closed"}`);
        resolve();
      });
      socket.setTimeout(10_000, () => socket.destroy());
    });
  const badAuthority = () =>
    new Promise<void>((resolve) => {
      const session = http2.connect(target.url);
      session.on("error", () => {});
      const req = session.request({
        ":method": "POST",
        ":path": RPC,
        ":authority": i % 2 ? "x:99999" : "[",
        "content-type": "application/json",
      });
      let answered = false;
      req.on("response", (h) => {
        answered = true;
        count(counts, `HTTP/2 bad :authority -> ${h[":status"]}`);
      });
      req.on("error", () => {});
      req.setTimeout(10_000, () => req.close(http2.constants.NGHTTP2_CANCEL)); // as send() bounds its socket
      req.on("close", () => {
        if (!answered) count(counts, "HTTP/2 bad :authority -> closed");
        session.close();
        resolve();
      });
      req.resume();
      req.end("{}");
    });
  // Every kind once first, so each has its answer however slow the machine is.
  await Promise.all([...requests.map(send), badAuthority()]);
  while (Date.now() < target.until) {
    const started = Date.now();
    const batch = [];
    for (let k = 0; k < perSecond / 10; k++)
      batch.push(i++ % (requests.length + 1) === requests.length ? badAuthority() : send(requests[i % requests.length]!));
    await Promise.all(batch);
    await sleep(Math.max(0, 100 - (Date.now() - started)));
  }
  return counts;
}

/**
 * Clients on a bad network: a watch whose connection dies after its first
 * bytes, a request whose body stops half-way, an HTTP/2 session torn down
 * with a stream open. `perSecond` of them.
 */
export async function flaky(target: Target, rooms: { liveId: string; token: string }[], perSecond: number): Promise<Counts> {
  const counts: Counts = {};
  let i = 0;
  const one = async () => {
    const { liveId, token } = rooms[i % rooms.length]!;
    const body = Buffer.from(JSON.stringify({ liveId }));
    const envelope = Buffer.concat([Buffer.from([0, 0, 0, 0, body.length]), body]);
    const kind = i++ % 3;
    if (kind === 2) {
      await new Promise<void>((resolve) => {
        const session = http2.connect(target.url);
        session.on("error", () => {});
        const req = session.request({
          ":method": "POST",
          ":path": WATCH,
          "content-type": "application/connect+json",
          authorization: `Bearer ${token}`,
        });
        req.on("error", () => {});
        req.once("data", () => {
          count(counts, "HTTP/2 session torn down mid-stream");
          session.destroy();
        });
        req.on("close", () => resolve());
        setTimeout(() => session.destroy(), 5_000);
        req.end(envelope);
      });
      return;
    }
    await new Promise<void>((resolve) => {
      const socket = net.connect(target.port, "127.0.0.1", () => {
        socket.write(
          `POST ${WATCH} HTTP/1.1\r\nHost: soak\r\nContent-Type: application/connect+json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${envelope.length}\r\n\r\n`,
        );
        if (kind === 0) socket.write(envelope);
        else {
          socket.write(envelope.subarray(0, 6));
          setTimeout(() => {
            count(counts, "request body cut half-way");
            socket.destroy();
          }, 50);
        }
      });
      socket.on("error", () => {});
      socket.once("data", () => {
        count(counts, "watch connection dropped after its first bytes");
        socket.destroy();
      });
      socket.on("close", () => resolve());
      setTimeout(() => socket.destroy(), 5_000);
    });
  };
  const running = new Set<Promise<void>>();
  while (Date.now() < target.until) {
    const p = one().finally(() => running.delete(p));
    running.add(p);
    await sleep(1000 / perSecond);
  }
  await Promise.all(running);
  return counts;
}
