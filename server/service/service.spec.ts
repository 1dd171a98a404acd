import { ConnectError, Code } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CoHostErrorDetailSchema,
  CoHostLayoutTemplate,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { FakeClock } from "../testing/fake-clock.js";
import { reasonName } from "../testing/harness.js";
import { Clients, newServer, TEST_SECRET } from "../testing/service-harness.js";
import type { CoHostServer } from "../server.js";
import { mintHostToken } from "./auth.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;

/** The code, reason and field of a refused call. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; reason: string; field: string }> {
  try {
    await call;
  } catch (err) {
    const e = ConnectError.from(err);
    const detail = e.findDetails(CoHostErrorDetailSchema)[0];
    return { code: Code[e.code], reason: detail ? reasonName(detail.reason) : "(none)", field: detail?.field ?? "" };
  }
  throw new Error("call succeeded");
}

let clock: FakeClock;
let server: CoHostServer;
let c: Clients;
let alice: { headers: Record<string, string> };
let bob: { headers: Record<string, string> };

beforeEach(async () => {
  clock = new FakeClock();
  server = newServer({ clock, watch: { keepAliveMs: 5_000 } });
  c = Clients.inMemory(server);
  await c.openRoom("room-a", "alice");
  await c.openRoom("room-b", "bob");
  alice = await c.hostHeaders("alice");
  bob = await c.hostHeaders("bob");
});

afterEach(async () => {
  await server.close(10);
});

describe("authentication (R2)", () => {
  const call = (headers?: { headers: Record<string, string> }) => c.cohost.exitHostConnection({ liveId: "room-a" }, headers);

  it("refuses a missing token", async () => {
    expect(await refusal(call())).toEqual({ code: "Unauthenticated", reason: "TOKEN_MISSING", field: "" });
  });

  it("refuses a forged token", async () => {
    const forged = await mintHostToken("another-secret-0123456789abcdef0123", "alice");
    expect((await refusal(call({ headers: { authorization: `Bearer ${forged}` } }))).reason).toBe("TOKEN_INVALID");
    expect((await refusal(call({ headers: { authorization: "Bearer not.a.jwt" } }))).reason).toBe("TOKEN_INVALID");
  });

  it("refuses an expired token, also one that was accepted before it expired", async () => {
    const headers = await c.hostHeaders("alice", 60);
    expect((await refusal(call(headers))).reason).toBe("NOT_CONNECTED");
    await clock.advance(60_000);
    expect(await refusal(call(headers))).toEqual({ code: "Unauthenticated", reason: "TOKEN_EXPIRED", field: "" });
  });

  it("refuses a token without exp", async () => {
    const { SignJWT } = await import("jose");
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("alice")
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await refusal(call({ headers: { authorization: `Bearer ${token}` } }))).reason).toBe("TOKEN_INVALID");
  });

  it("checks the token before the fields", async () => {
    expect((await refusal(c.cohost.exitHostConnection({ liveId: "" }))).code).toBe("Unauthenticated");
  });

  it("refuses a room that is not the caller's, and one that is not open", async () => {
    expect(await refusal(c.cohost.exitHostConnection({ liveId: "room-b" }, alice))).toEqual({
      code: "PermissionDenied",
      reason: "NOT_ROOM_HOST",
      field: "live_id",
    });
    expect(await refusal(c.cohost.exitHostConnection({ liveId: "room-x" }, alice))).toEqual({
      code: "NotFound",
      reason: "ROOM_NOT_FOUND",
      field: "live_id",
    });
  });

  it("takes the credential after the scheme Bearer, in any letter case; anything else is a missing token", async () => {
    const token = (await c.hostHeaders("alice")).headers.authorization.slice("Bearer ".length);
    const as = (authorization: string) => call({ headers: { authorization } });
    expect((await refusal(as(`bearer ${token}`))).reason).toBe("NOT_CONNECTED");
    expect((await refusal(as(`BEARER   ${token}  `))).reason).toBe("NOT_CONNECTED");
    for (const header of ["Bearer", "Bearer   ", `Basic ${token}`, token, `Bearer\t${token}`]) {
      expect((await refusal(as(header))).reason, header).toBe("TOKEN_MISSING");
    }
    expect((await refusal(as(`Bearer ${token} extra`))).reason).toBe("TOKEN_INVALID");
  });

  it("checks the signature, then sub, exp and nbf, then expiry, with no leeway", async () => {
    const { SignJWT } = await import("jose");
    const now = Math.floor(clock.now() / 1000);
    const sign = (claims: Record<string, unknown>, secret = TEST_SECRET, alg = "HS256") =>
      new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
    const reason = async (token: string) => (await refusal(call({ headers: { authorization: `Bearer ${token}` } }))).reason;
    expect(await reason(await sign({ sub: "alice", exp: now + 60 }))).toBe("NOT_CONNECTED");
    expect(await reason(await sign({ sub: "alice", exp: now }))).toBe("TOKEN_EXPIRED");
    expect(await reason(await sign({ sub: "alice", exp: now + 60, nbf: now }))).toBe("NOT_CONNECTED");
    expect(await reason(await sign({ sub: "alice", exp: now + 60, nbf: now + 1 }))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ sub: "alice", exp: now + 60, iat: now + 3600 }))).toBe("NOT_CONNECTED");
    expect(await reason(await sign({ sub: "", exp: now + 60 }))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ exp: now + 60 }))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ sub: "alice", exp: String(now + 60) }))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ sub: "alice", exp: now + 60 }, TEST_SECRET, "HS512"))).toBe("TOKEN_INVALID");
    // Order: a bad signature wins over expiry, and a missing sub or a future nbf over expiry.
    expect(await reason(await sign({ sub: "alice", exp: now - 60 }, `${TEST_SECRET}-other`))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ exp: now - 60 }))).toBe("TOKEN_INVALID");
    expect(await reason(await sign({ sub: "alice", exp: now - 60, nbf: now + 60 }))).toBe("TOKEN_INVALID");
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(`{"sub":"alice","exp":${now + 60}}`).toString("base64url")}.`;
    expect(await reason(unsigned)).toBe("TOKEN_INVALID");
  });

  it("refuses a wrong or missing admin key", async () => {
    const open = (key?: string) =>
      c.admin.openRoom({ liveId: "room-z", userId: "zed" }, key === undefined ? undefined : c.adminHeaders(key));
    expect(await refusal(open())).toEqual({ code: "Unauthenticated", reason: "ADMIN_KEY_INVALID", field: "" });
    expect((await refusal(open("wrong"))).reason).toBe("ADMIN_KEY_INVALID");
    expect((await refusal(c.admin.getRoom({ liveId: "room-z" }, c.adminHeaders()))).code).toBe("NotFound");
  });
});

describe("validation (R5 step 2)", () => {
  const long = (n: number) => "x".repeat(n);
  const valid = { liveId: "room-a", targetHostLiveId: "room-b", layoutTemplate: GRID, timeoutSeconds: 10, extraInfo: "", requestId: "" };
  const cases: [string, Partial<typeof valid>][] = [
    ["live_id", { liveId: "" }],
    ["live_id", { liveId: long(65) }],
    ["live_id", { liveId: "room\u0001" }],
    ["live_id", { liveId: "room\u007f" }],
    ["target_host_live_id", { targetHostLiveId: "" }],
    ["target_host_live_id", { targetHostLiveId: "é".repeat(33) }],
    ["layout_template", { layoutTemplate: CoHostLayoutTemplate.UNSPECIFIED }],
    ["layout_template", { layoutTemplate: 604 as CoHostLayoutTemplate }],
    ["timeout_seconds", { timeoutSeconds: 0 }],
    ["timeout_seconds", { timeoutSeconds: 301 }],
    ["timeout_seconds", { timeoutSeconds: -5 }],
    ["extra_info", { extraInfo: long(4097) }],
    ["request_id", { requestId: long(65) }],
    ["live_id", { liveId: "", timeoutSeconds: 0 }],
  ];

  it.each(cases)("refuses a bad %s with INVALID_ARGUMENT naming it, changing nothing", async (field, bad) => {
    const before = await c.admin.getRoom({ liveId: "room-a" }, c.adminHeaders());
    expect(await refusal(c.cohost.requestHostConnection({ ...valid, ...bad }, alice))).toEqual({
      code: "InvalidArgument",
      reason: "INVALID_FIELD",
      field,
    });
    expect(await c.admin.getRoom({ liveId: "room-a" }, c.adminHeaders())).toEqual(before);
  });

  it("accepts the boundary values", async () => {
    const sent = await c.cohost.requestHostConnection({ ...valid, timeoutSeconds: 300, extraInfo: long(4096), requestId: long(64) }, alice);
    expect(sent.deadline?.seconds).toBe(BigInt(Math.floor((clock.now() + 300_000) / 1000)));
    await c.openRoom(long(64), "carol");
    await c.openRoom("room-c", "cora");
    const carol = await c.hostHeaders("carol");
    const short = await c.cohost.requestHostConnection(
      { ...valid, liveId: long(64), targetHostLiveId: "room-c", timeoutSeconds: 1 },
      carol,
    );
    expect(short.position?.sequence).toBe(1n);
  });

  it("checks the other calls' fields", async () => {
    expect((await refusal(c.cohost.cancelHostConnection({ liveId: "room-a", toHostLiveId: "" }, alice))).field).toBe("to_host_live_id");
    expect((await refusal(c.cohost.acceptHostConnection({ liveId: "room-a", fromHostLiveId: long(65) }, alice))).field).toBe(
      "from_host_live_id",
    );
    expect((await refusal(c.cohost.rejectHostConnection({ liveId: "room-a", fromHostLiveId: "" }, alice))).field).toBe("from_host_live_id");
    expect((await refusal(c.cohost.exitHostConnection({ liveId: "room-a", requestId: "a\nb" }, alice))).field).toBe("request_id");
    expect((await refusal(c.cohost.getCoHostCandidates({ liveId: "room-a", cursor: "garbage!" }, alice))).field).toBe("cursor");
    expect(
      (await refusal(c.cohost.getCoHostCandidates({ liveId: "room-a", cursor: Buffer.from("c1:").toString("base64url") }, alice))).field,
    ).toBe("cursor");
    expect((await refusal(c.cohost.getCoHostCandidates({ liveId: "room-a", pageSize: 101 }, alice))).field).toBe("page_size");
    expect((await refusal(c.cohost.getCoHostCandidates({ liveId: "room-a", pageSize: -1 }, alice))).field).toBe("page_size");
    expect((await refusal(c.admin.openRoom({ liveId: "r", userId: "" }, c.adminHeaders()))).field).toBe("user_id");
    expect((await refusal(c.admin.openRoom({ liveId: "r", userId: "u", userName: long(129) }, c.adminHeaders()))).field).toBe("user_name");
    expect((await refusal(c.admin.openRoom({ liveId: "r", userId: "u", avatarUrl: long(1025) }, c.adminHeaders()))).field).toBe(
      "avatar_url",
    );
    expect((await refusal(c.admin.openRoom({ liveId: "r", userId: "u", userName: "A\nB" }, c.adminHeaders()))).field).toBe("user_name");
    expect((await refusal(c.admin.openRoom({ liveId: "r", userId: "u", avatarUrl: "x\u007f" }, c.adminHeaders()))).field).toBe(
      "avatar_url",
    );
    const stray = `${Buffer.from("c1:room-a").toString("base64url")}=`;
    expect((await refusal(c.cohost.getCoHostCandidates({ liveId: "room-a", cursor: stray }, alice))).field).toBe("cursor");
    expect((await refusal(c.admin.closeRoom({ liveId: "" }, c.adminHeaders()))).field).toBe("live_id");
    expect((await refusal(c.admin.listRooms({ pageSize: 1000 }, c.adminHeaders()))).field).toBe("page_size");
  });

  it("refuses an oversized message without acting", async () => {
    expect((await refusal(c.cohost.requestHostConnection({ ...valid, extraInfo: long(60_000) }, alice))).field).toBe("extra_info");
    const err = await refusal(c.cohost.requestHostConnection({ ...valid, extraInfo: long(70_000) }, alice));
    expect(err.code).toBe("ResourceExhausted");
    expect((await c.admin.getRoom({ liveId: "room-b" }, c.adminHeaders())).room?.state?.applicant).toBeUndefined();
  });
});

describe("calls", () => {
  it("answers with the caller's feed position and the request's deadline", async () => {
    const sent = await c.cohost.requestHostConnection({ ...base(), timeoutSeconds: 10 }, alice);
    expect(sent.deadline?.seconds).toBe(BigInt(Math.floor((clock.now() + 10_000) / 1000)));
    expect(sent.position?.sequence).toBe(1n);
    const accepted = await c.cohost.acceptHostConnection({ liveId: "room-b", fromHostLiveId: "room-a" }, bob);
    expect(accepted.position?.sequence).toBe(2n);
    const room = await c.admin.getRoom({ liveId: "room-b" }, c.adminHeaders());
    expect(room.room?.state?.connected.map((s) => s.liveId)).toEqual(["room-a", "room-b"]);
    expect(room.room?.position?.epoch).toBe(accepted.position?.epoch);
  });

  it("maps engine refusals to code, reason and field", async () => {
    expect(await refusal(c.cohost.requestHostConnection({ ...base(), targetHostLiveId: "room-a" }, alice))).toEqual({
      code: "InvalidArgument",
      reason: "SELF_REQUEST",
      field: "target_host_live_id",
    });
    expect(await refusal(c.cohost.cancelHostConnection({ liveId: "room-a", toHostLiveId: "room-b" }, alice))).toEqual({
      code: "FailedPrecondition",
      reason: "REQUEST_NOT_FOUND",
      field: "to_host_live_id",
    });
  });

  it("replays the first outcome for a retried request_id (R18)", async () => {
    const first = await c.cohost.requestHostConnection({ ...base(), requestId: "req-1" }, alice);
    const retry = await c.cohost.requestHostConnection({ ...base(), requestId: "req-1" }, alice);
    expect(retry).toEqual(first);
    expect((await refusal(c.cohost.requestHostConnection({ ...base(), timeoutSeconds: 20, requestId: "req-1" }, alice))).reason).toBe(
      "REQUEST_ID_REUSED",
    );
    // Another user's request_id space is its own.
    const other = await refusal(c.cohost.exitHostConnection({ liveId: "room-b", requestId: "req-1" }, bob));
    expect(other.reason).toBe("NOT_CONNECTED");
  });

  it("rate-limits requests with a retry hint (R19)", async () => {
    const limited = newServer({ clock, engine: { rateLimit: { burst: 2, refillPerSecond: 0.5 } } });
    const lc = Clients.inMemory(limited);
    await lc.openRoom("room-a", "alice");
    const headers = await lc.hostHeaders("alice");
    for (let i = 0; i < 2; i++) {
      expect((await refusal(lc.cohost.requestHostConnection({ ...base(), targetHostLiveId: "room-a" }, headers))).reason).toBe(
        "SELF_REQUEST",
      );
    }
    try {
      await lc.cohost.requestHostConnection(base(), headers);
      expect.unreachable();
    } catch (err) {
      const e = ConnectError.from(err);
      expect(e.code).toBe(Code.ResourceExhausted);
      const detail = e.findDetails(CoHostErrorDetailSchema)[0];
      expect(reasonName(detail!.reason)).toBe("RATE_LIMITED");
      expect(detail!.retryAfter?.seconds).toBe(2n);
    }
    await limited.close(10);
  });
});

describe("candidates (R17)", () => {
  it("pages through open rooms except the caller and its connection, each exactly once", async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `cand-${String(i).padStart(2, "0")}`);
    for (const id of ids) await c.openRoom(id);
    await c.cohost.requestHostConnection(base(), alice);
    await c.cohost.acceptHostConnection({ liveId: "room-b", fromHostLiveId: "room-a" }, bob);
    const seen: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await c.cohost.getCoHostCandidates({ liveId: "room-a", cursor }, alice);
      expect(page.candidates.length).toBeLessThanOrEqual(20);
      seen.push(...page.candidates.map((s) => s.liveId));
      cursor = page.nextCursor;
      pages++;
      // Rooms opened or closed while paging must not disturb the others.
      if (pages === 1) {
        await c.admin.closeRoom({ liveId: "cand-30" }, c.adminHeaders());
        await c.openRoom("cand-00a");
      }
    } while (cursor);
    expect(pages).toBe(3);
    const expected = ids.filter((id) => id !== "cand-30");
    expect(seen.filter((id) => id !== "cand-00a")).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain("room-a");
    expect(seen).not.toContain("room-b");
  });

  it("honours page_size and ends with an empty cursor", async () => {
    const page = await c.cohost.getCoHostCandidates({ liveId: "room-a", pageSize: 1 }, alice);
    expect(page.candidates.map((s) => s.liveId)).toEqual(["room-b"]);
    expect(page.nextCursor).toBe("");
  });
});

describe("WatchCoHost (R15, R16)", () => {
  /** Reads messages from a watch until `count` arrived (keep-alives included). */
  function reader(stream: AsyncIterable<WatchCoHostResponse>) {
    const received: WatchCoHostResponse[] = [];
    let ended: unknown = null;
    const done = (async () => {
      try {
        for await (const m of stream) received.push(m);
        ended = "ok";
      } catch (err) {
        ended = err;
      }
    })();
    return {
      received,
      done,
      ended: () => ended,
      async until(count: number) {
        const deadline = Date.now() + 5_000;
        while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        expect(received.length).toBeGreaterThanOrEqual(count);
      },
    };
  }

  it("sends a snapshot first, then one CHANGE per change with its events", async () => {
    const abort = new AbortController();
    const watch = reader(c.cohost.watchCoHost({ liveId: "room-b" }, { ...bob, signal: abort.signal }));
    await watch.until(1);
    expect(watch.received[0]!.kind).toBe(WatchMessageKind.SNAPSHOT);
    expect(watch.received[0]!.keepAliveInterval?.seconds).toBe(5n);
    await c.cohost.requestHostConnection(base(), alice);
    await watch.until(2);
    const change = watch.received[1]!;
    expect(change.kind).toBe(WatchMessageKind.CHANGE);
    expect(change.sequence).toBe(1n);
    expect(change.events[0]?.event.case).toBe("requestReceived");
    expect(change.state?.applicant?.liveId).toBe("room-a");
    abort.abort();
    await watch.done;
  });

  it("sends keep-alives while quiet", async () => {
    const abort = new AbortController();
    const watch = reader(c.cohost.watchCoHost({ liveId: "room-a" }, { ...alice, signal: abort.signal }));
    await watch.until(1);
    await clock.advance(5_000);
    await watch.until(2);
    expect(watch.received[1]!.kind).toBe(WatchMessageKind.KEEP_ALIVE);
    expect(watch.received[1]!.sequence).toBe(0n);
    abort.abort();
    await watch.done;
  });

  it("resumes with exactly the missed messages, or a resync when it cannot", async () => {
    const abort = new AbortController();
    const first = reader(c.cohost.watchCoHost({ liveId: "room-a" }, { ...alice, signal: abort.signal }));
    await first.until(1);
    await c.cohost.requestHostConnection(base(), alice);
    await first.until(2);
    abort.abort(); // the connection drops
    await first.done;
    const last = first.received.at(-1)!;
    // Changes while disconnected.
    await c.cohost.acceptHostConnection({ liveId: "room-b", fromHostLiveId: "room-a" }, bob);
    await c.cohost.exitHostConnection({ liveId: "room-b" }, bob);

    const again = new AbortController();
    const resumed = reader(
      c.cohost.watchCoHost(
        { liveId: "room-a", resumeEpoch: last.epoch, resumeAfterSequence: last.sequence },
        { ...alice, signal: again.signal },
      ),
    );
    await resumed.until(3);
    expect(resumed.received.map((m) => [WatchMessageKind[m.kind], m.sequence])).toEqual([
      ["KEEP_ALIVE", 1n],
      ["CHANGE", 2n],
      ["CHANGE", 3n],
    ]);
    expect(resumed.received[1]!.events.map((e) => e.event.case)).toEqual(["requestAccepted", "userJoined"]);
    again.abort();
    await resumed.done;

    const stale = new AbortController();
    const resync = reader(
      c.cohost.watchCoHost({ liveId: "room-a", resumeEpoch: "another-epoch", resumeAfterSequence: 1n }, { ...alice, signal: stale.signal }),
    );
    await resync.until(1);
    expect(resync.received[0]!.kind).toBe(WatchMessageKind.RESYNC);
    expect(resync.received[0]!.sequence).toBe(3n);
    stale.abort();
    await resync.done;
  });

  it("ends with room_closed when the room closes", async () => {
    const watch = reader(c.cohost.watchCoHost({ liveId: "room-a" }, alice));
    await watch.until(1);
    await c.admin.closeRoom({ liveId: "room-a" }, c.adminHeaders());
    await watch.done;
    expect(watch.ended()).toBe("ok");
    expect(watch.received.at(-1)!.roomClosed).toBe(true);
  });

  it("refuses a resume_epoch that is not an id", async () => {
    for (const resumeEpoch of ["epoch\u0001", "e".repeat(65)]) {
      const watch = reader(c.cohost.watchCoHost({ liveId: "room-a", resumeEpoch, resumeAfterSequence: 1n }, alice));
      await watch.done;
      expect(ConnectError.from(watch.ended()).findDetails(CoHostErrorDetailSchema)[0]?.field).toBe("resume_epoch");
    }
  });

  it("refuses to watch another host's room", async () => {
    const watch = reader(c.cohost.watchCoHost({ liveId: "room-a" }, bob));
    await watch.done;
    expect(ConnectError.from(watch.ended()).code).toBe(Code.PermissionDenied);
  });

  it("lets several watchers of one room each get every message", async () => {
    const aborts = [new AbortController(), new AbortController()];
    const watches = aborts.map((a) => reader(c.cohost.watchCoHost({ liveId: "room-b" }, { ...bob, signal: a.signal })));
    for (const w of watches) await w.until(1);
    await c.cohost.requestHostConnection(base(), alice);
    await c.cohost.cancelHostConnection({ liveId: "room-a", toHostLiveId: "room-b" }, alice);
    for (const w of watches) {
      await w.until(3);
      expect(w.received.map((m) => m.sequence)).toEqual([0n, 1n, 2n]);
    }
    aborts.forEach((a) => a.abort());
    await Promise.all(watches.map((w) => w.done));
  });

  it("leaves no subscription behind when watchers go away", async () => {
    const abort = new AbortController();
    const watch = reader(c.cohost.watchCoHost({ liveId: "room-a" }, { ...alice, signal: abort.signal }));
    await watch.until(1);
    expect((server.store as unknown as { stats(): { watchedRooms: number } }).stats().watchedRooms).toBe(1);
    abort.abort();
    await watch.done;
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect((server.store as unknown as { stats(): { watchedRooms: number } }).stats().watchedRooms).toBe(0);
  });
});

function base() {
  return { liveId: "room-a", targetHostLiveId: "room-b", layoutTemplate: GRID, timeoutSeconds: 30, extraInfo: "", requestId: "" };
}
