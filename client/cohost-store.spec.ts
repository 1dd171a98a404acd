// CoHostStore's promises to the app, each against a scripted CoHostService:
// listeners see whole states, operations resolve only when their effect is
// visible, ready(), retries that keep their request_id, and the information
// the wire carries (retry_after, layout, reasons) reaching the app.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { CoHostErrorReason, CancelReason, LeaveReason, RejectReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostLayoutTemplate, CoHostStatus } from "./types.js";
import { FakeCoHostService, change, refusal, seat, snapshot, type ScriptedStream } from "./testing/fake-cohost-service.js";
import { probeStore, until, type Probe } from "./testing/store-probe.js";

const GRID = CoHostLayoutTemplate.hostDynamicGrid;
const probes: Probe[] = [];
afterEach(() => {
  for (const p of probes.splice(0)) p.store.dispose();
});
function probe(...args: Parameters<typeof probeStore>): Probe {
  const p = probeStore(...args);
  probes.push(p);
  return p;
}

/** A feed the test extends by hand: the stream of the first watch call. */
function manualFeed(): { fake: FakeCoHostService; stream: () => ScriptedStream } {
  let first: ScriptedStream | undefined;
  const fake = new FakeCoHostService([(s) => void (first ??= s)]);
  return { fake, stream: () => first! };
}

describe("value listeners see the whole new state (finding 3)", () => {
  it("a coHostStatus listener reads connected, invitees and applicant of the same change", async () => {
    const { fake, stream } = manualFeed();
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1, { applicant: "x" }));
    await p.store.ready();
    const seen: string[] = [];
    const read = (who: string) => () => {
      const s = p.store.coHostState;
      seen.push(
        `${who}: ${s.coHostStatus.value === CoHostStatus.connected ? "connected" : "disconnected"} [${s.connected.value.map((c) => c.liveID)}] applicant=${s.applicant.value?.liveID ?? "-"}`,
      );
    };
    p.store.coHostState.coHostStatus.addListener(read("status"));
    p.store.coHostState.applicant.addListener(read("applicant"));
    stream().send(
      change("e1", 2, { connected: ["x", "self"], layout: 600 }, [{ event: { case: "userJoined", value: { userInfo: seat("x") } } }]),
    );
    await until(() => seen.length === 2, "both listeners");
    expect(seen).toEqual(["status: connected [x,self] applicant=-", "applicant: connected [x,self] applicant=-"]);
  });

  it("a listener callback runs after the values of its change are set", async () => {
    const { fake, stream } = manualFeed();
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    await p.store.ready();
    let connectedInCallback = -1;
    p.store.addCoHostListener({ onCoHostUserJoined: () => (connectedInCallback = p.store.coHostState.connected.value.length) });
    stream().send(change("e1", 2, { connected: ["x", "self"] }, [{ event: { case: "userJoined", value: { userInfo: seat("x") } } }]));
    await until(() => connectedInCallback !== -1, "the callback");
    expect(connectedInCallback).toBe(2);
  });
});

describe("operations resolve once their effect is visible (finding 4)", () => {
  it("resolves code 0 only after the feed showed the call's position", async () => {
    const { fake, stream } = manualFeed();
    fake.on("requestHostConnection", () => ({ position: { epoch: "e1", sequence: 2n } }));
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    await p.store.ready();
    let resolved = false;
    const result = p.store.requestHostConnection({ targetHostLiveID: "x", layoutTemplate: GRID, timeout: 30 }).then((r) => {
      resolved = true;
      return r;
    });
    await until(() => fake.calls.length === 1, "the call");
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    stream().send(change("e1", 2, { invitees: ["x"] }));
    expect(await result).toMatchObject({ code: 0 });
    expect(p.store.coHostState.invitees.value.map((s) => s.liveID)).toEqual(["x"]);
  });

  it("when the feed never shows it within syncTimeoutMs: DEADLINE_EXCEEDED, never a success", async () => {
    const { fake, stream } = manualFeed();
    fake.on("requestHostConnection", () => ({ position: { epoch: "e1", sequence: 2n } }));
    const p = probe(fake, { syncTimeoutMs: 50 });
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    await p.store.ready();
    const result = await p.store.requestHostConnection({ targetHostLiveID: "x", layoutTemplate: GRID, timeout: 30 });
    expect(result.code).toBe(Code.DeadlineExceeded);
    expect(result.message).toMatch(/applied by the server/);
    expect(p.store.coHostState.invitees.value).toEqual([]);
  });
});

describe("ready() (finding 6)", () => {
  it("resolves once the first state is applied, and at once afterwards", async () => {
    const { fake, stream } = manualFeed();
    const p = probe(fake);
    let done = false;
    const ready = p.store.ready().then((r) => ((done = true), r));
    await until(() => fake.streams.length === 1, "the watch");
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    stream().send(snapshot("e1", 1, { invitees: ["x"] }));
    expect(await ready).toMatchObject({ code: 0 });
    expect(p.store.coHostState.invitees.value).toHaveLength(1);
    expect(await p.store.ready()).toMatchObject({ code: 0 });
  });

  it("resolves Canceled when the store is disposed first", async () => {
    const { fake } = manualFeed();
    const p = probe(fake);
    const ready = p.store.ready();
    p.store.dispose();
    expect(await ready).toMatchObject({ code: Code.Canceled });
  });
});

describe("retries keep their request_id (finding 6)", () => {
  it.each([
    ["DEADLINE_EXCEEDED from the server", Code.DeadlineExceeded],
    ["a reset connection (ABORTED in connect-node)", Code.Aborted],
  ])("retries %s once, with the same request_id", async (_what, code) => {
    const { fake, stream } = manualFeed();
    let attempts = 0;
    fake.on("acceptHostConnection", () => {
      if (++attempts === 1) throw new ConnectError("may or may not have been applied", code);
      stream().send(change("e1", 2, { connected: ["x", "self"] }));
      return { position: { epoch: "e1", sequence: 2n } };
    });
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1, { applicant: "x" }));
    await p.store.ready();
    expect(await p.store.acceptHostConnection("x")).toMatchObject({ code: 0 });
    const ids = fake.calls.map((c) => c.request.requestId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe("");
    expect(ids[1]).toBe(ids[0]);
  });

  it("retries its own call deadline once, with the same request_id", async () => {
    const { fake, stream } = manualFeed();
    fake.on("exitHostConnection", async (_request, context) => {
      if (fake.calls.length === 1) {
        await new Promise((r) => context.signal.addEventListener("abort", r));
        throw new ConnectError("late", Code.DeadlineExceeded);
      }
      stream().send(change("e1", 2, {}));
      return { position: { epoch: "e1", sequence: 2n } };
    });
    const p = probe(fake, { callTimeoutMs: 100 });
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1, { connected: ["x", "self"] }));
    await p.store.ready();
    expect(await p.store.exitHostConnection()).toMatchObject({ code: 0 });
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]!.request.requestId).toBe(fake.calls[0]!.request.requestId);
  });
});

describe("what the wire carries reaches the app (finding 6)", () => {
  it("a RATE_LIMITED refusal carries its retry_after", async () => {
    const { fake, stream } = manualFeed();
    fake.on("requestHostConnection", () => {
      throw refusal(Code.ResourceExhausted, CoHostErrorReason.RATE_LIMITED, { retryAfterSeconds: 1.5 });
    });
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    const result = await p.store.requestHostConnection({ targetHostLiveID: "x", layoutTemplate: GRID, timeout: 30 });
    expect(result).toMatchObject({ code: Code.ResourceExhausted, reason: "RATE_LIMITED", retryAfterMs: 1500 });
    expect(fake.calls).toHaveLength(1);
  });

  it("the connection's layout is a value of coHostState", async () => {
    const { fake, stream } = manualFeed();
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    await p.store.ready();
    expect(p.store.coHostState.layoutTemplate.value).toBeNull();
    stream().send(change("e1", 2, { connected: ["x", "self"], layout: 601 }));
    await until(() => p.store.coHostState.layoutTemplate.value !== null, "the layout");
    expect(p.store.coHostState.layoutTemplate.value).toBe(CoHostLayoutTemplate.hostDynamic1v6);
  });

  it("cancel, reject and leave callbacks get their reason as a trailing argument", async () => {
    const { fake, stream } = manualFeed();
    const p = probe(fake);
    await until(() => fake.streams.length === 1, "the watch");
    stream().send(snapshot("e1", 1));
    await p.store.ready();
    stream()
      .send(
        change("e1", 2, {}, [
          {
            event: { case: "requestCancelled", value: { inviter: seat("x"), invitee: seat("self"), reason: CancelReason.INVITER_EXITED } },
          },
        ]),
      )
      .send(
        change("e1", 3, {}, [
          { event: { case: "requestRejected", value: { invitee: seat("y"), reason: RejectReason.INVITEE_ROOM_CLOSED } } },
        ]),
      )
      .send(change("e1", 4, {}, [{ event: { case: "userLeft", value: { userInfo: seat("z"), reason: LeaveReason.EXITED } } }]));
    await until(() => p.heard.length === 3, "three callbacks");
    expect(p.heard).toEqual(["cancelled(x,self,INVITER_EXITED)", "rejected(y,INVITEE_ROOM_CLOSED)", "left(z,EXITED)"]);
  });
});
