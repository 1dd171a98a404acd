// CoHostStore against the reference server: in memory (router transport,
// fake server clock) and over a real listener for drops and resume.
import { Code, createRouterTransport } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate, CoHostStatus, CoHostStore, type CoHostListener, type SeatUserInfo } from "@cohost-kit/client";
import { mintHostToken, type CoHostServer } from "@cohost-kit/server";
import { Clients, FakeClock, newServer, TEST_SECRET, transportFor } from "@cohost-kit/server/testing";

const GRID = CoHostLayoutTemplate.hostDynamicGrid;

let clock: FakeClock;
let server: CoHostServer;
let admin: Clients;
const stores: CoHostStore[] = [];

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  server = newServer({ clock });
  admin = Clients.inMemory(server);
  for (const id of ["a", "b", "c"]) await admin.openRoom(`room-${id}`, `user-${id}`);
});

afterEach(async () => {
  for (const s of stores.splice(0)) s.dispose();
  await server.close(10);
});

/** A store for room-<id>, plus everything its listener heard, as strings. */
async function storeFor(id: string, transport = createRouterTransport(server.routes)) {
  const heard: string[] = [];
  const name = (s: SeatUserInfo) => s.liveID.replace("room-", "");
  const listener: CoHostListener = {
    onCoHostRequestReceived: (inviter, info) => heard.push(`received(${name(inviter)},${info})`),
    onCoHostRequestCancelled: (inviter, invitee) => heard.push(`cancelled(${name(inviter)},${name(invitee)})`),
    onCoHostRequestAccepted: (invitee) => heard.push(`accepted(${name(invitee)})`),
    onCoHostRequestRejected: (invitee) => heard.push(`rejected(${name(invitee)})`),
    onCoHostRequestTimeout: (inviter, invitee) => heard.push(`timeout(${name(inviter)},${name(invitee)})`),
    onCoHostUserJoined: (user) => heard.push(`joined(${name(user)})`),
    onCoHostUserLeft: (user) => heard.push(`left(${name(user)})`),
  };
  const store = CoHostStore.create(`room-${id}`, {
    transport,
    token: () => mintHostToken(TEST_SECRET, `user-${id}`, { nowMs: clock.now() }),
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  });
  store.addCoHostListener(listener);
  stores.push(store);
  await until(() => store.feedStatus.value === "live");
  return { store, heard, listener };
}

async function until(condition: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ids = (seats: readonly SeatUserInfo[]) => seats.map((s) => s.liveID);

describe("CoHostStore.create", () => {
  it("is the only way to get a store and needs a live room ID", () => {
    expect(() => CoHostStore.create("", { transport: createRouterTransport(server.routes), token: () => "" })).toThrow(TypeError);
  });

  it("starts disconnected with empty values", async () => {
    const { store } = await storeFor("a");
    const s = store.coHostState;
    expect([
      s.coHostStatus.value,
      s.connected.value,
      s.invitees.value,
      s.applicant.value,
      s.candidatesCursor.value,
      s.candidates.value,
    ]).toEqual([CoHostStatus.disconnected, [], [], null, "", []]);
  });
});

describe("operations and listener callbacks", () => {
  it("request, accept: both sides' state and callbacks, with Tencent's arguments", async () => {
    const a = await storeFor("a");
    const b = await storeFor("b");
    const sent = await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30, extraInfo: "hello" });
    expect(sent).toEqual({ code: 0, message: "", reason: "", field: "" });
    // The promise resolves once the caller's own state shows the call.
    expect(ids(a.store.coHostState.invitees.value)).toEqual(["room-b"]);
    await until(() => b.store.coHostState.applicant.value !== null);
    expect(b.store.coHostState.applicant.value).toEqual({ liveID: "room-a", userID: "user-a", userName: "Host room-a", avatarURL: "" });
    expect(b.heard).toEqual(["received(a,hello)"]);

    expect((await b.store.acceptHostConnection("room-a")).code).toBe(0);
    expect(b.store.coHostState.coHostStatus.value).toBe(CoHostStatus.connected);
    expect(ids(b.store.coHostState.connected.value)).toEqual(["room-a", "room-b"]);
    expect(b.store.coHostState.applicant.value).toBeNull();
    await until(() => a.heard.length === 2);
    expect(a.heard).toEqual(["accepted(b)", "joined(b)"]);
    expect(b.heard).toEqual(["received(a,hello)", "joined(a)"]);
    expect(ids(a.store.coHostState.connected.value)).toEqual(["room-a", "room-b"]);
    expect(a.store.coHostState.invitees.value).toEqual([]);

    expect((await a.store.exitHostConnection()).code).toBe(0);
    expect(a.store.coHostState.coHostStatus.value).toBe(CoHostStatus.disconnected);
    await until(() => b.heard.length === 3);
    expect(b.heard.at(-1)).toBe("left(a)");
    expect(a.heard.at(-1)).toBe("left(b)");
    expect(b.store.coHostState.connected.value).toEqual([]);
  });

  it("cancel and reject", async () => {
    const a = await storeFor("a");
    const b = await storeFor("b");
    await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 });
    expect((await a.store.cancelHostConnection("room-b")).code).toBe(0);
    await until(() => b.heard.length === 2);
    expect(b.heard).toEqual(["received(a,)", "cancelled(a,b)"]);
    expect(b.store.coHostState.applicant.value).toBeNull();

    await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 });
    await until(() => b.store.coHostState.applicant.value !== null);
    expect((await b.store.rejectHostConnection("room-a")).code).toBe(0);
    await until(() => a.heard.length === 1);
    expect(a.heard).toEqual(["rejected(b)"]);
    expect(a.store.coHostState.invitees.value).toEqual([]);
  });

  it("timeout reaches both sides", async () => {
    const a = await storeFor("a");
    const b = await storeFor("b");
    await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 5 });
    await until(() => b.heard.length === 1);
    await clock.advance(5_000);
    await until(() => a.heard.length === 1 && b.heard.length === 2);
    expect(a.heard).toEqual(["timeout(a,b)"]);
    expect(b.heard).toEqual(["received(a,)", "timeout(a,b)"]);
    expect(a.store.coHostState.invitees.value).toEqual([]);
  });

  it("returns refusals as CompletionHandler values and never throws", async () => {
    const a = await storeFor("a");
    const self = await a.store.requestHostConnection({ targetHostLiveID: "room-a", layoutTemplate: GRID, timeout: 30 });
    expect(self).toMatchObject({ code: Code.InvalidArgument, reason: "SELF_REQUEST", field: "target_host_live_id" });
    expect(self.message).not.toBe("");
    const bad = await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 0 });
    expect(bad).toMatchObject({ code: Code.InvalidArgument, reason: "INVALID_FIELD", field: "timeout_seconds" });
    expect(await a.store.exitHostConnection()).toMatchObject({ code: Code.FailedPrecondition, reason: "NOT_CONNECTED" });
    expect(await a.store.acceptHostConnection("room-c")).toMatchObject({ reason: "REQUEST_NOT_FOUND" });
    expect(await a.store.rejectHostConnection("room-c")).toMatchObject({ reason: "REQUEST_NOT_FOUND" });
    expect(await a.store.cancelHostConnection("room-c")).toMatchObject({ reason: "REQUEST_NOT_FOUND" });
  });

  it("lets a removed listener hear nothing more", async () => {
    const a = await storeFor("a");
    const b = await storeFor("b");
    b.store.removeCoHostListener(b.listener);
    await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 });
    await until(() => b.store.coHostState.applicant.value !== null);
    expect(b.heard).toEqual([]);
  });
});

describe("listenable values", () => {
  it("fire only on a real change, with immutable snapshots; subscribe returns an unsubscribe", async () => {
    const a = await storeFor("a");
    const b = await storeFor("b");
    let invitees = 0;
    let status = 0;
    const onInvitees = () => invitees++;
    a.store.coHostState.invitees.addListener(onInvitees);
    const unsubscribe = a.store.coHostState.coHostStatus.subscribe(() => status++);
    await a.store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 });
    expect(invitees).toBe(1);
    expect(status).toBe(0); // still disconnected: no change, no call
    const snapshot = a.store.coHostState.invitees.value;
    expect(Object.isFrozen(snapshot) && Object.isFrozen(snapshot[0])).toBe(true);
    expect(() => (snapshot as SeatUserInfo[]).push(snapshot[0]!)).toThrow();
    await b.store.acceptHostConnection("room-a");
    await until(() => a.store.coHostState.coHostStatus.value === CoHostStatus.connected);
    expect(status).toBe(1);
    expect(invitees).toBe(2);
    unsubscribe();
    a.store.coHostState.invitees.removeListener(onInvitees);
    await a.store.exitHostConnection();
    expect(status).toBe(1);
    expect(invitees).toBe(2);
  });

  it("keeps going when an app listener throws", async () => {
    const errors: unknown[] = [];
    const store = CoHostStore.create("room-c", {
      transport: createRouterTransport(server.routes),
      token: () => mintHostToken(TEST_SECRET, "user-c", { nowMs: clock.now() }),
      onListenerError: (e) => errors.push(e),
    });
    stores.push(store);
    await until(() => store.feedStatus.value === "live");
    store.addCoHostListener({
      onCoHostRequestReceived: () => {
        throw new Error("app bug");
      },
    });
    let applicantSeen = false;
    store.coHostState.applicant.addListener(() => {
      throw new Error("app bug too");
    });
    store.coHostState.applicant.addListener(() => (applicantSeen = true));
    const a = await storeFor("a");
    await a.store.requestHostConnection({ targetHostLiveID: "room-c", layoutTemplate: GRID, timeout: 30 });
    await until(() => errors.length === 2);
    expect(applicantSeen).toBe(true);
  });
});

describe("getCoHostCandidates (R17)", () => {
  it("replaces on an empty cursor and appends on the next", async () => {
    for (let i = 0; i < 25; i++) await admin.openRoom(`room-x${String(i).padStart(2, "0")}`);
    const a = await storeFor("a");
    expect((await a.store.getCoHostCandidates("")).code).toBe(0);
    expect(a.store.coHostState.candidates.value).toHaveLength(20);
    const cursor = a.store.coHostState.candidatesCursor.value;
    expect(cursor).not.toBe("");
    await a.store.getCoHostCandidates(cursor);
    expect(a.store.coHostState.candidates.value).toHaveLength(27);
    expect(a.store.coHostState.candidatesCursor.value).toBe("");
    expect(ids(a.store.coHostState.candidates.value)).not.toContain("room-a");
    await a.store.getCoHostCandidates("");
    expect(a.store.coHostState.candidates.value).toHaveLength(20);
    expect((await a.store.getCoHostCandidates("not-a-cursor")).field).toBe("cursor");
  });
});

describe("tokens", () => {
  it("asks the provider for a fresh token after UNAUTHENTICATED and carries on", async () => {
    const requests: boolean[] = [];
    const store = CoHostStore.create("room-a", {
      transport: createRouterTransport(server.routes),
      token: ({ forceRefresh }) => {
        requests.push(forceRefresh);
        return mintHostToken(TEST_SECRET, "user-a", { ttlSeconds: 60, nowMs: clock.now() });
      },
    });
    stores.push(store);
    await until(() => store.feedStatus.value === "live");
    await clock.advance(61_000); // the cached token has expired
    expect((await store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 })).code).toBe(0);
    expect(requests).toEqual([false, true]);
    expect(ids(store.coHostState.invitees.value)).toEqual(["room-b"]);
  });
});

describe("dispose", () => {
  it("ends the feed; later operations only return an error result", async () => {
    const { store } = await storeFor("a");
    const watched = () => (server.store as unknown as { stats(): { watchedRooms: number } }).stats().watchedRooms;
    expect(watched()).toBe(1);
    store.dispose();
    await until(() => watched() === 0);
    await until(() => store.feedStatus.value === "closed");
    const result = await store.requestHostConnection({ targetHostLiveID: "room-b", layoutTemplate: GRID, timeout: 30 });
    expect(result).toMatchObject({ code: Code.Canceled, reason: "" });
    expect((await store.getCoHostCandidates("")).code).toBe(Code.Canceled);
    const room = await admin.admin.getRoom({ liveId: "room-a" }, admin.adminHeaders());
    expect(room.room?.state?.invitees).toEqual([]);
  });
});

describe("reconnect and resume over a real listener (R16)", () => {
  it("loses and repeats no event when the connection is cut mid-flow", async () => {
    const real = newServer();
    const listener = await real.listen({ port: 0, host: "127.0.0.1" });
    try {
      let c = new Clients(transportFor(listener.url, "connect", "2"), { now: () => Date.now() });
      const rooms = ["a", "b", "c", "d"];
      for (const id of rooms) await c.openRoom(`room-${id}`, `user-${id}`);
      const heard: string[] = [];
      const store = CoHostStore.create("room-a", {
        transport: transportFor(listener.url, "connect", "2"),
        token: () => mintHostToken(TEST_SECRET, "user-a"),
        reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      });
      stores.push(store);
      store.addCoHostListener({
        onCoHostRequestAccepted: (s) => heard.push(`accepted(${s.liveID})`),
        onCoHostRequestRejected: (s) => heard.push(`rejected(${s.liveID})`),
        onCoHostUserJoined: (s) => heard.push(`joined(${s.liveID})`),
        onCoHostUserLeft: (s) => heard.push(`left(${s.liveID})`),
      });
      await until(() => store.feedStatus.value === "live");
      const hosts = Object.fromEntries(await Promise.all(rooms.map(async (id) => [id, await c.hostHeaders(`user-${id}`)] as const)));
      const grid = 600;
      await c.cohost.requestHostConnection(
        { liveId: "room-a", targetHostLiveId: "room-b", layoutTemplate: grid, timeoutSeconds: 60 },
        hosts.a,
      );
      await c.cohost.acceptHostConnection({ liveId: "room-b", fromHostLiveId: "room-a" }, hosts.b);
      await until(() => heard.length === 2);
      listener.dropConnections();
      // While the store is cut off (the test's own client reconnects on a new transport):
      c = new Clients(transportFor(listener.url, "connect", "2"), { now: () => Date.now() });
      await c.cohost.requestHostConnection(
        { liveId: "room-a", targetHostLiveId: "room-c", layoutTemplate: grid, timeoutSeconds: 60 },
        hosts.a,
      );
      await c.cohost.rejectHostConnection({ liveId: "room-c", fromHostLiveId: "room-a" }, hosts.c);
      await c.cohost.requestHostConnection(
        { liveId: "room-a", targetHostLiveId: "room-d", layoutTemplate: grid, timeoutSeconds: 60 },
        hosts.a,
      );
      await c.cohost.acceptHostConnection({ liveId: "room-d", fromHostLiveId: "room-a" }, hosts.d);
      await c.cohost.exitHostConnection({ liveId: "room-b" }, hosts.b);
      await until(() => heard.length === 6);
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([
        "accepted(room-b)",
        "joined(room-b)",
        "rejected(room-c)",
        "accepted(room-d)",
        "joined(room-d)",
        "left(room-b)",
      ]);
      expect(ids(store.coHostState.connected.value)).toEqual(["room-a", "room-d"]);
    } finally {
      await real.close(50);
    }
  });
});
