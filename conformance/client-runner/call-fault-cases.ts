// Fault cases of tokens and operations (R2, R15, R18, R19, R11, R14):
// expiring tokens, refusals with retry_after, retries that must keep their
// request_id, completions that must wait for their effect, and listeners
// that must never see half a change.
import { Code, ConnectError } from "@connectrpc/connect";
import { CoHostErrorReason, CoHostLayoutTemplate, LeaveReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { Feature, FeedStatus } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import type { FaultCase, FaultTest } from "./fault-case.js";
import { goingAway, refusal, type StateParts } from "./fault-messages.js";

const E = "epoch-1";
const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;

function request(t: FaultTest, target: string) {
  return t.store.call({
    case: "requestHostConnection",
    value: { targetHostLiveId: t.cast.actor(target).liveId, layoutTemplate: GRID, timeout: 30, extraInfo: "" },
  });
}

/** Both attempts of a retried call carried the same, non-empty request_id (R18). */
function expectSameRequestId(t: FaultTest, method: string): void {
  const ids = t.server.calls.filter((c) => c.method === method).map((c) => String(c.request.requestId ?? ""));
  if (ids.length !== 2) t.fail(`${method} was called ${ids.length} time(s); one retry expected`);
  if (ids[0] === "") t.fail(`${method} carried no request_id, so a retry could act twice`);
  if (ids[1] !== ids[0]) t.fail(`the retry of ${method} carried request_id ${ids[1]}, the first attempt ${ids[0]}`);
}

export const callFaultCases: FaultCase[] = [
  {
    family: "faults",
    name: "expired-token-is-refreshed",
    rules: ["R2", "R16"],
    needs: [Feature.TOKEN_REFRESH],
    procedure:
      "The store starts with token-1, and its app has token-2 ready; the feed drops and the resume with token-1 is refused TOKEN_EXPIRED.",
    asserts: "The store asks its app for a new token, resumes with token-2 from where it was, and shows the change it missed.",
    async run(t) {
      t.server.onWatch((s, n) => {
        if (n === 0) return void s.send(t.m.snapshot(E, 1)).fail(goingAway());
        if (s.authorization !== "Bearer token-2") return void s.fail(refusal(Code.Unauthenticated, CoHostErrorReason.TOKEN_EXPIRED));
        s.send(t.m.keepAlive(E, 1)).send(t.m.change(E, 2, { invitees: ["x"] }));
      });
      const store = await t.createStore("token-1");
      await store.updateToken("token-2");
      const ready = await store.ready();
      if (ready.code !== 0) t.fail(`ready() completed with code ${ready.code}`);
      await t.expectState({ invitees: ["x"] }, "the state after the token refresh");
      const resumed = t.server.streams.at(-1)!.request;
      if (resumed.resumeEpoch !== E || Number(resumed.resumeAfterSequence) !== 1) t.fail("the store did not resume after the refresh");
    },
  },
  {
    family: "faults",
    name: "token-refused-after-refresh-ends-the-feed",
    rules: ["R2"],
    procedure: "Every WatchCoHost is refused UNAUTHENTICATED / TOKEN_EXPIRED, whatever token the store presents.",
    asserts: "ready() completes with that refusal and the store gives up (at most 3 attempts) instead of retrying forever.",
    async run(t) {
      t.server.onWatch((s) => void s.fail(refusal(Code.Unauthenticated, CoHostErrorReason.TOKEN_EXPIRED)));
      const store = await t.createStore();
      const ready = await store.ready();
      if (ready.code !== Code.Unauthenticated || ready.reason !== CoHostErrorReason.TOKEN_EXPIRED)
        t.fail(
          `ready() completed with code ${ready.code} reason ${CoHostErrorReason[ready.reason]}, expected UNAUTHENTICATED/TOKEN_EXPIRED`,
        );
      await t.expectFeedStatus(FeedStatus.CLOSED);
      await new Promise((r) => setTimeout(r, 500));
      if (t.server.streams.length > 3) t.fail(`the store called WatchCoHost ${t.server.streams.length} times with a refused token`);
    },
  },
  {
    family: "faults",
    name: "rate-limited-refusal-carries-retry-after",
    rules: ["R19"],
    procedure: "requestHostConnection is refused RESOURCE_EXHAUSTED / RATE_LIMITED with retry_after 1.5 s.",
    asserts: "The completion carries the code, the reason and (with FEATURE_RETRY_AFTER) retry_after; the store does not retry on its own.",
    async run(t) {
      t.server.onWatch((s) => void s.send(t.m.snapshot(E, 1)));
      t.server.on("requestHostConnection", () => {
        throw refusal(Code.ResourceExhausted, CoHostErrorReason.RATE_LIMITED, 1_500);
      });
      await t.readyStore();
      const result = await request(t, "x");
      if (result.code !== Code.ResourceExhausted || result.reason !== CoHostErrorReason.RATE_LIMITED)
        t.fail(`expected RESOURCE_EXHAUSTED/RATE_LIMITED, got code ${result.code} reason ${CoHostErrorReason[result.reason]}`);
      const retry = result.retryAfter;
      if (t.has(Feature.RETRY_AFTER) && (!retry || Number(retry.seconds) !== 1 || retry.nanos !== 500_000_000))
        t.fail(`retry_after should be 1.5 s, got ${retry ? `${retry.seconds}s ${retry.nanos}ns` : "none"}`);
      if (t.server.calls.length !== 1) t.fail(`the store sent ${t.server.calls.length} requests for one call`);
    },
  },
  {
    family: "faults",
    name: "deadline-exceeded-is-retried-with-the-same-request-id",
    rules: ["R18"],
    procedure: "x's request is pending; the first acceptHostConnection is answered DEADLINE_EXCEEDED (it may or may not have acted).",
    asserts: "The store retries once with the same request_id, so the server acts at most once, and completes with code 0.",
    async run(t) {
      t.server.onWatch((s) => void s.send(t.m.snapshot(E, 1, { applicant: "x" })));
      t.server.on("acceptHostConnection", (_request, call) => {
        if (call.attempt === 0) throw new ConnectError("upstream deadline", Code.DeadlineExceeded);
        t.server.streams[0]!.send(t.m.change(E, 2, { connected: ["x", "self"] }, [t.m.joined("x")]));
        return { position: { epoch: E, sequence: 2n } };
      });
      await t.readyStore();
      const result = await t.store.call({ case: "acceptHostConnection", value: { fromHostLiveId: t.cast.actor("x").liveId } });
      if (result.code !== 0) t.fail(`accept completed with code ${result.code}: ${result.message}`);
      expectSameRequestId(t, "acceptHostConnection");
      await t.expectHeard(['received(x, "")', "joined(x)"]);
    },
  },
  {
    family: "faults",
    name: "unavailable-is-retried-with-the-same-request-id",
    rules: ["R18"],
    procedure: "The first requestHostConnection is answered UNAVAILABLE (a connection that failed mid-call).",
    asserts: "The store retries once with the same request_id and completes with code 0 once its invitees show x.",
    async run(t) {
      t.server.onWatch((s) => void s.send(t.m.snapshot(E, 1)));
      t.server.on("requestHostConnection", (_request, call) => {
        if (call.attempt === 0) throw new ConnectError("connection reset", Code.Unavailable);
        t.server.streams[0]!.send(t.m.change(E, 2, { invitees: ["x"] }));
        return { position: { epoch: E, sequence: 2n } };
      });
      await t.readyStore();
      const result = await request(t, "x");
      if (result.code !== 0) t.fail(`request completed with code ${result.code}: ${result.message}`);
      expectSameRequestId(t, "requestHostConnection");
      await t.expectState({ invitees: ["x"] });
    },
  },
  {
    family: "faults",
    name: "operation-completes-after-its-effect-shows",
    rules: ["R15"],
    procedure: "requestHostConnection succeeds at once, but the feed delivers its CHANGE 300 ms later.",
    asserts: "The completion comes after the store's invitees show x, never before.",
    async run(t) {
      t.server.onWatch((s) => void s.send(t.m.snapshot(E, 1)));
      t.server.on("requestHostConnection", () => {
        setTimeout(() => t.server.streams[0]!.send(t.m.change(E, 2, { invitees: ["x"] })), 300);
        return { position: { epoch: E, sequence: 2n } };
      });
      await t.readyStore();
      const result = await request(t, "x");
      if (result.code !== 0) t.fail(`request completed with code ${result.code}: ${result.message}`);
      const x = t.cast.actor("x").liveId;
      const shown = t.store.seen.find((s) => s.state.invitees.some((i) => i.liveId === x));
      if (!shown || shown.index > result.index) t.fail("the request completed before the store's invitees showed x");
    },
  },
  {
    family: "faults",
    name: "listeners-see-whole-changes",
    rules: ["R11", "R14"],
    procedure:
      "One CHANGE connects the room (connected, applicant, layout and status change together, with user_joined); the next one dissolves it.",
    asserts: "Every value listener reads a state the server sent, never a mix; callbacks run after the values of their change are set.",
    async run(t) {
      t.server.onWatch(
        (s) =>
          void s
            .send(t.m.snapshot(E, 1, { applicant: "x" }))
            .send(t.m.change(E, 2, { connected: ["x", "self"] }, [t.m.joined("x")]))
            .send(t.m.change(E, 3, {}, [t.m.left("x", LeaveReason.EXITED)])),
      );
      await t.createStore();
      await t.expectHeard(['received(x, "")', "joined(x)", "left(x, EXITED)"]);
      const allowed = new Set([t.expectedText({}), t.expectedText({ applicant: "x" }), t.expectedText({ connected: ["x", "self"] })]);
      for (const seen of t.store.seen) {
        const text = t.stateText(seen.state);
        if (!allowed.has(text)) t.fail(`a value listener saw a state the server never sent: ${text}`);
      }
      const after: [string, StateParts][] = [
        ["joined", { connected: ["x", "self"] }],
        ["left", {}],
      ];
      for (const [callback, parts] of after) {
        const heard = t.store.heard.find((h) => h.callback === callback)!;
        const before = t.store.seen.filter((s) => s.index < heard.index).at(-1);
        if (!before || t.stateText(before.state) !== t.expectedText(parts))
          t.fail(`${callback}(x) was called before the values of its change were set`);
      }
    },
  },
];
