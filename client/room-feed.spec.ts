// The store's feed under faults a server really produces, scripted exactly
// with a fake CoHostService: gaps, new epochs, refusals on resume, tokens
// that stay rejected, requests that arrived while the feed was down.
import { Code } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostStatus } from "./types.js";
import { FakeCoHostService, change, keepAlive, refusal, resync, snapshot, unavailable } from "./testing/fake-cohost-service.js";
import { probeStore, until, type Probe } from "./testing/store-probe.js";

const probes: Probe[] = [];
afterEach(() => {
  for (const p of probes.splice(0)) p.store.dispose();
});
function probe(...args: Parameters<typeof probeStore>): Probe {
  const p = probeStore(...args);
  probes.push(p);
  return p;
}

describe("streams the store leaves behind (finding 1)", () => {
  it("cancels the stream on which it saw a gap, and every stream on dispose", async () => {
    // Every stream: a snapshot, then a CHANGE that skips a sequence.
    const fake = new FakeCoHostService([(s) => void s.send(snapshot("e1", 1)).send(change("e1", 3, {}))]);
    const p = probe(fake);
    await until(() => fake.watchCalls.length >= 6, "six watch attempts");
    await until(() => fake.openStreams <= 1, "the gapped streams to be cancelled");
    p.store.dispose();
    await until(() => fake.openStreams === 0, "no stream left open after dispose");
    expect(fake.streams.slice(0, 5).every((s) => s.signal.aborted)).toBe(true);
  });

  it("cancels the stream of an old epoch before it resumes", async () => {
    const fake = new FakeCoHostService([
      (s) => void s.send(snapshot("e1", 1)).send(change("e2", 2, {})),
      (s) => void s.send(resync("e2", 2, { invitees: ["x"] })),
    ]);
    const p = probe(fake);
    await until(() => p.store.coHostState.invitees.value.length === 1, "the RESYNC of the new epoch");
    await until(() => fake.streams[0]!.signal.aborted, "the first stream to be cancelled");
    expect(fake.openStreams).toBe(1);
  });
});

describe("a feed the server will never serve again is closed (finding 2)", () => {
  it("NOT_FOUND on resume (the room closed while the feed was down): state reset, feed closed, listeners told", async () => {
    const fake = new FakeCoHostService([
      (s) => void s.send(snapshot("e1", 4, { connected: ["self", "x"], invitees: ["y"], layout: 601 })).fail(unavailable()),
      (s) => void s.fail(refusal(Code.NotFound, CoHostErrorReason.ROOM_NOT_FOUND)),
    ]);
    const p = probe(fake);
    let connectedSeen = -1;
    p.store.coHostState.connected.addListener(() => (connectedSeen = p.store.coHostState.connected.value.length));
    await until(() => p.store.feedStatus.value === "closed", "the feed to close");
    const s = p.store.coHostState;
    expect([s.coHostStatus.value, s.connected.value, s.invitees.value, s.applicant.value]).toEqual([
      CoHostStatus.disconnected,
      [],
      [],
      null,
    ]);
    expect(connectedSeen).toBe(0);
    expect(p.heard).toEqual(["left(x,SELF_LEFT)"]);
    expect(p.statuses).toEqual(["connecting", "live", "reconnecting", "closed"]);
    expect(fake.watchCalls).toHaveLength(2);
    expect(fake.watchCalls[1]).toMatchObject({ resumeEpoch: "e1", resumeAfterSequence: 4n });
  });

  it("PERMISSION_DENIED on the first watch: closed at once, ready() tells why, no retry", async () => {
    const fake = new FakeCoHostService([(s) => void s.fail(refusal(Code.PermissionDenied, CoHostErrorReason.NOT_ROOM_HOST))]);
    const p = probe(fake);
    const ready = await p.store.ready();
    expect(ready).toMatchObject({ code: Code.PermissionDenied, reason: "NOT_ROOM_HOST" });
    expect(p.store.feedStatus.value).toBe("closed");
    expect(fake.watchCalls).toHaveLength(1);
  });

  it("a token that stays rejected after a refresh closes the feed", async () => {
    const fake = new FakeCoHostService([(s) => void s.fail(refusal(Code.Unauthenticated, CoHostErrorReason.TOKEN_EXPIRED))]);
    const p = probe(fake);
    await until(() => p.store.feedStatus.value === "closed", "the feed to close");
    expect(p.tokenRequests).toEqual([false, true]);
    expect(fake.watchCalls).toHaveLength(2);
    expect(await p.store.ready()).toMatchObject({ code: Code.Unauthenticated, reason: "TOKEN_EXPIRED" });
  });

  it("a token rejected once is refreshed and the feed carries on", async () => {
    const fake = new FakeCoHostService([
      (s) => void s.fail(refusal(Code.Unauthenticated, CoHostErrorReason.TOKEN_EXPIRED)),
      (s) => void s.send(snapshot("e1", 0)),
    ]);
    const p = probe(fake);
    expect(await p.store.ready()).toMatchObject({ code: 0 });
    expect(p.tokenRequests).toEqual([false, true]);
    expect(p.store.feedStatus.value).toBe("live");
  });
});

describe("a request that arrived while the feed was down (finding 5)", () => {
  it("a first snapshot with an applicant fires onCoHostRequestReceived once", async () => {
    const fake = new FakeCoHostService([(s) => void s.send(snapshot("e1", 3, { applicant: "x" }))]);
    const p = probe(fake);
    await p.store.ready();
    expect(p.heard).toEqual(["received(x,)"]);
    expect(p.store.coHostState.applicant.value?.liveID).toBe("x");
  });

  it("a RESYNC fires it for a new applicant only, never again for one already announced", async () => {
    const fake = new FakeCoHostService([
      (s) =>
        void s
          .send(snapshot("e1", 1))
          .send(change("e1", 2, { applicant: "x" }, [received("x")]))
          .fail(unavailable()),
      (s) => void s.send(resync("e2", 7, { applicant: "x" })).fail(unavailable()),
      (s) => void s.send(resync("e3", 9, { applicant: "y" })),
    ]);
    const p = probe(fake);
    await until(() => p.store.coHostState.applicant.value?.liveID === "y", "the last RESYNC");
    expect(p.heard).toEqual(["received(x,hi)", "received(y,)"]);
  });

  it("a resume that replays the request fires it with its extension info, once", async () => {
    const fake = new FakeCoHostService([
      (s) => void s.send(snapshot("e1", 1)).fail(unavailable()),
      (s) => void s.send(keepAlive("e1", 1)).send(change("e1", 2, { applicant: "x" }, [received("x")])),
    ]);
    const p = probe(fake);
    await until(() => p.heard.length === 1, "the replayed event");
    await new Promise((r) => setTimeout(r, 20));
    expect(p.heard).toEqual(["received(x,hi)"]);
  });
});

function received(inviter: string) {
  return {
    event: {
      case: "requestReceived" as const,
      value: { inviter: { liveId: inviter, userId: `user-${inviter}` }, invitee: { liveId: "self" }, extensionInfo: "hi" },
    },
  };
}
