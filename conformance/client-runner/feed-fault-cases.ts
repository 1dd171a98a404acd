// Fault cases of the feed (R15, R16, R13, R2): what a store must do when
// its WatchCoHost stream is cut, goes silent, skips a sequence, changes
// epoch, or is refused for good. Each scripts the server exactly.
import { Code } from "@connectrpc/connect";
import { CoHostErrorReason, LeaveReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { Feature, FeedStatus, StoreValue } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import type { FaultCase, FaultTest } from "./fault-case.js";
import { goingAway, refusal } from "./fault-messages.js";

const E = "epoch-1";
const E2 = "epoch-2";

/** The n-th WatchCoHost call (0-based) must resume from `epoch`/`sequence`. */
function expectResume(t: FaultTest, n: number, epoch: string, sequence: number): void {
  const r = t.server.streams[n]?.request;
  if (!r) t.fail(`the store made no WatchCoHost call ${n + 1}`);
  if (r.resumeEpoch !== epoch || Number(r.resumeAfterSequence) !== sequence) {
    t.fail(
      `WatchCoHost call ${n + 1} should resume after ${epoch}@${sequence}, it asked for ${r.resumeEpoch ? `${r.resumeEpoch}@${r.resumeAfterSequence}` : "a fresh snapshot"}`,
    );
  }
}

function expectCancelled(t: FaultTest, n: number): Promise<void> {
  return t.server
    .until(() => t.server.streams[n]?.signal.aborted === true, `the store to cancel stream ${n + 1}`, t.timeoutMs)
    .catch(() => t.fail(`the store left WatchCoHost stream ${n + 1} open after giving it up`));
}

/** With FEATURE_FEED_STATUS: the statuses the store reported, in order, contain `expected` in that order. */
function expectFeedStatuses(t: FaultTest, expected: FeedStatus[]): void {
  if (!t.has(Feature.FEED_STATUS)) return;
  const seen = t.store.seen.filter((s) => s.value === StoreValue.FEED_STATUS).map((s) => s.state.feedStatus);
  let i = 0;
  for (const status of seen) if (status === expected[i]) i++;
  if (i < expected.length)
    t.fail(
      `feed status went ${seen.map((s) => FeedStatus[s]).join(" > ")}, expected ${expected.map((s) => FeedStatus[s]).join(" > ")} among them`,
    );
}

/** After the store settled, it must not have made more than `n` WatchCoHost calls. */
async function expectNoMoreWatches(t: FaultTest, n: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  if (t.server.streams.length > n) t.fail(`the store called WatchCoHost ${t.server.streams.length} times; the feed was over after ${n}`);
}

export const feedFaultCases: FaultCase[] = [
  {
    family: "faults",
    name: "cut-stream-resumes",
    rules: ["R16"],
    procedure: "The server sends a snapshot and a request, then ends the stream with UNAVAILABLE; the resume replays the cancel.",
    asserts: "The store resumes after the last sequence it applied, hears received and cancelled once each, and shows the final state.",
    async run(t) {
      t.server.onWatch(
        (s) =>
          void s
            .send(t.m.snapshot(E, 5))
            .send(t.m.change(E, 6, { applicant: "x" }, [t.m.received("x", "hi")]))
            .fail(goingAway()),
        (s) => void s.send(t.m.keepAlive(E, 6)).send(t.m.change(E, 7, {}, [t.m.cancelled("x")])),
      );
      await t.readyStore();
      await t.expectHeard(['received(x, "hi")', "cancelled(x, self, CANCELLED_BY_INVITER)"]);
      await t.expectState({});
      expectResume(t, 1, E, 6);
      expectFeedStatuses(t, [FeedStatus.LIVE, FeedStatus.RECONNECTING, FeedStatus.LIVE]);
    },
  },
  {
    family: "faults",
    name: "dropped-connection-resumes",
    rules: ["R16"],
    procedure: "The server cuts every connection (no status, no trailers) after a request arrived; the resume replays the cancel.",
    asserts: "The store resumes after the last sequence it applied and hears each event once.",
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 2)).send(t.m.change(E, 3, { applicant: "x" }, [t.m.received("x")])),
        (s) => void s.send(t.m.keepAlive(E, 3)).send(t.m.change(E, 4, {}, [t.m.cancelled("x")])),
      );
      await t.readyStore();
      await t.until(() => t.store.heard.length === 1, "the request");
      t.server.dropConnections();
      await t.expectHeard(['received(x, "")', "cancelled(x, self, CANCELLED_BY_INVITER)"]);
      expectResume(t, 1, E, 3);
    },
  },
  {
    family: "faults",
    name: "silent-stream-is-resumed",
    rules: ["R16"],
    procedure: "The snapshot announces a keep-alive interval of 1 s, then the stream stays silent (no keep-alives).",
    asserts: "The store treats the stream as dead after about twice the interval, cancels it and resumes.",
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 5, {}, 1)),
        (s) => void s.send(t.m.keepAlive(E, 5)).send(t.m.change(E, 6, { invitees: ["x"] })),
      );
      await t.readyStore();
      await t.expectState({ invitees: ["x"] }, "the state after the resume");
      expectResume(t, 1, E, 5);
      await expectCancelled(t, 0);
    },
  },
  {
    family: "faults",
    name: "sequence-gap-resumes-from-last-applied",
    rules: ["R15", "R16"],
    procedure: "After sequence 6 the stream skips to 8; the resume from 6 sends 7 and 8.",
    asserts: "The store never applies 8 before 7, cancels the gapped stream, resumes after 6 and hears every event once, in order.",
    async run(t) {
      t.server.onWatch(
        (s) =>
          void s
            .send(t.m.snapshot(E, 5))
            .send(t.m.change(E, 6, { applicant: "x" }, [t.m.received("x")]))
            .send(t.m.change(E, 8, { applicant: "y" }, [t.m.received("y")])),
        (s) =>
          void s
            .send(t.m.keepAlive(E, 6))
            .send(t.m.change(E, 7, {}, [t.m.cancelled("x")]))
            .send(t.m.change(E, 8, { applicant: "y" }, [t.m.received("y")])),
      );
      await t.readyStore();
      await t.expectHeard(['received(x, "")', "cancelled(x, self, CANCELLED_BY_INVITER)", 'received(y, "")']);
      await t.expectState({ applicant: "y" });
      expectResume(t, 1, E, 6);
      await expectCancelled(t, 0);
    },
  },
  {
    family: "faults",
    name: "server-restart-resyncs-without-events",
    rules: ["R16"],
    procedure:
      "The store is connected with x; the server restarts (connections cut); the resume from the old epoch gets a RESYNC of a new epoch.",
    asserts: "The store replaces its state without firing events for the gap, then follows the new epoch.",
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 3, { connected: ["x", "self"] })),
        (s) => void s.send(t.m.resync(E2, 7, {})).send(t.m.change(E2, 8, { invitees: ["y"] })),
      );
      await t.readyStore();
      await t.expectState({ connected: ["x", "self"] });
      t.server.dropConnections();
      await t.expectState({ invitees: ["y"] }, "the state in the new epoch");
      await t.expectHeard([]);
      expectResume(t, 1, E, 3);
    },
  },
  {
    family: "faults",
    name: "change-of-another-epoch-resumes",
    rules: ["R16"],
    procedure: "After the snapshot of epoch 1 the stream carries a CHANGE of epoch 2; the resume from epoch 1 gets a RESYNC.",
    asserts: "The store never applies the foreign CHANGE, cancels that stream, and shows the RESYNC state.",
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 3)).send(t.m.change(E2, 1, { invitees: ["y"] })),
        (s) => void s.send(t.m.resync(E2, 1, { invitees: ["x"] })),
      );
      await t.readyStore();
      await t.expectState({ invitees: ["x"] }, "the RESYNC state");
      const foreign = t.store.seen.find((s) => s.state.invitees.some((i) => i.liveId === t.cast.actor("y").liveId));
      if (foreign) t.fail("the store applied a CHANGE of another epoch");
      expectResume(t, 1, E, 3);
      await expectCancelled(t, 0);
    },
  },
  {
    family: "faults",
    name: "first-snapshot-with-applicant-prompts",
    rules: ["R15", "R4"],
    procedure: "The store's first snapshot shows a pending request from x (it arrived before the store existed).",
    asserts: 'The store fires onCoHostRequestReceived(x, "") once, so the app prompts for it.',
    async run(t) {
      t.server.onWatch((s) => void s.send(t.m.snapshot(E, 3, { applicant: "x" })));
      await t.readyStore();
      await t.expectHeard(['received(x, "")']);
      await t.expectState({ applicant: "x" });
    },
  },
  {
    family: "faults",
    name: "resync-with-new-applicant-prompts",
    rules: ["R16", "R4", "R9"],
    procedure: "A request from x arrives while the feed is down; the resume gets a RESYNC showing x as applicant; the store accepts.",
    asserts: 'The store fires onCoHostRequestReceived(x, "") once; the accept completes after the join shows.',
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 1)).fail(goingAway()),
        (s) => void s.send(t.m.resync(E2, 4, { applicant: "x" })),
      );
      t.server.on("acceptHostConnection", () => {
        t.server.streams[1]?.send(t.m.change(E2, 5, { connected: ["x", "self"] }, [t.m.joined("x")]));
        return { position: { epoch: E2, sequence: 5n } };
      });
      await t.readyStore();
      await t.expectHeard(['received(x, "")']);
      const accepted = await t.store.call({ case: "acceptHostConnection", value: { fromHostLiveId: t.cast.actor("x").liveId } });
      if (accepted.code !== 0) t.fail(`accept completed with code ${accepted.code}: ${accepted.message}`);
      const joined = t.store.heard.find((h) => h.callback === "joined");
      if (!joined || joined.index > accepted.index) t.fail("the accept completed before the store showed its effect");
      await t.expectHeard(['received(x, "")', "joined(x)"]);
    },
  },
  {
    family: "faults",
    name: "resync-with-announced-applicant-stays-quiet",
    rules: ["R16"],
    procedure: "x's request arrives on the feed; the feed drops; the RESYNC still shows x as applicant.",
    asserts: "onCoHostRequestReceived fires once for x, not again for the RESYNC.",
    async run(t) {
      t.server.onWatch(
        (s) =>
          void s
            .send(t.m.snapshot(E, 1))
            .send(t.m.change(E, 2, { applicant: "x" }, [t.m.received("x", "hi")]))
            .fail(goingAway()),
        (s) => void s.send(t.m.resync(E2, 9, { applicant: "x" })),
      );
      await t.readyStore();
      await t.server.until(() => t.server.streams.length === 2, "the resume", t.timeoutMs);
      await t.expectState({ applicant: "x" });
      await new Promise((r) => setTimeout(r, 200));
      await t.expectHeard(['received(x, "hi")']);
    },
  },
  {
    family: "faults",
    name: "room-closed-while-feed-down-ends-the-feed",
    rules: ["R13", "R16", "R2"],
    procedure: "The store is connected with x; the feed drops; the room is closed meanwhile, so the resume is answered NOT_FOUND.",
    asserts:
      "The store resets its state, tells its listeners (user_left(x, SELF_LEFT), as the room's final message would), closes its feed and stops calling.",
    async run(t) {
      t.server.onWatch(
        (s) => void s.send(t.m.snapshot(E, 4, { connected: ["x", "self"] })).fail(goingAway()),
        (s) => void s.fail(refusal(Code.NotFound, CoHostErrorReason.ROOM_NOT_FOUND)),
      );
      await t.readyStore();
      await t.watchCalls(2);
      await t.expectState({}, "the state after the room closed");
      await t.expectHeard(["left(x, SELF_LEFT)"]);
      await t.expectFeedStatus(FeedStatus.CLOSED);
      await expectNoMoreWatches(t, 2);
    },
  },
  {
    family: "faults",
    name: "room-closed-message-ends-the-feed",
    rules: ["R13"],
    procedure: "The store is connected with x; its room is closed: a final CHANGE with room_closed, then the stream ends with OK.",
    asserts: "The store shows the empty state, hears user_left(x, SELF_LEFT), closes its feed and does not resume.",
    async run(t) {
      t.server.onWatch(
        (s) =>
          void s
            .send(t.m.snapshot(E, 2, { connected: ["x", "self"] }))
            .send(t.m.change(E, 3, {}, [t.m.left("x", LeaveReason.SELF_LEFT)], true))
            .end(),
      );
      await t.readyStore();
      await t.expectHeard(["left(x, SELF_LEFT)"]);
      await t.expectState({});
      await t.expectFeedStatus(FeedStatus.CLOSED);
      await expectNoMoreWatches(t, 1);
    },
  },
  {
    family: "faults",
    name: "permission-denied-ends-the-feed",
    rules: ["R2"],
    procedure: "The first WatchCoHost is refused PERMISSION_DENIED / NOT_ROOM_HOST (the user is not the room's host).",
    asserts: "ready() completes with that refusal; the store closes its feed and does not retry.",
    async run(t) {
      t.server.onWatch((s) => void s.fail(refusal(Code.PermissionDenied, CoHostErrorReason.NOT_ROOM_HOST)));
      const store = await t.createStore();
      const ready = await store.ready();
      if (ready.code !== Code.PermissionDenied || ready.reason !== CoHostErrorReason.NOT_ROOM_HOST)
        t.fail(
          `ready() completed with code ${ready.code} reason ${CoHostErrorReason[ready.reason]}, expected PERMISSION_DENIED/NOT_ROOM_HOST`,
        );
      await t.expectFeedStatus(FeedStatus.CLOSED);
      await expectNoMoreWatches(t, 1);
    },
  },
];
