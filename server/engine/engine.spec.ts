import { Code } from "@connectrpc/connect";
import { beforeEach, describe, expect, it } from "vitest";
import {
  CancelReason,
  CoHostLayoutTemplate,
  CoHostStatus,
  LeaveReason,
  RejectReason,
  WatchMessageKind,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { describeEvent, GRID, Harness, reasonOf } from "../testing/harness.js";

const VOICE = CoHostLayoutTemplate.HOST_VOICE_CONNECTION;
const ONE_V_SIX = CoHostLayoutTemplate.HOST_DYNAMIC_1V6;

let h: Harness;
beforeEach(async () => {
  h = new Harness();
  await h.open("a", "b", "c", "d", "e");
});

/** Connects `a` with each of `others` in turn (a invites, each accepts). */
async function connect(a: string, ...others: string[]) {
  for (const other of others) {
    expect(reasonOf(await h.request(a, other))).toBe("ok");
    expect(reasonOf(await h.accept(other, a))).toBe("ok");
  }
}

describe("R1 rooms", () => {
  it("opens a room idle at sequence 0 and lets the platform retry the same open", async () => {
    const room = await h.core.readRoom("a");
    expect(room?.state.status).toBe(CoHostStatus.DISCONNECTED);
    expect(room?.position.sequence).toBe(0);
    const again = await h.core.openRoom({ liveId: "a", userId: "user-a", userName: "Host A", avatarUrl: "https://example.test/a.png" });
    expect(again.ok).toBe(true);
  });

  it("refuses to reopen an open room for another host", async () => {
    const other = await h.core.openRoom({ liveId: "a", userId: "mallory", userName: "", avatarUrl: "" });
    expect(reasonOf(other)).toBe("ROOM_ALREADY_OPEN");
    expect(other.ok || other.refusal.code).toBe(Code.AlreadyExists);
  });

  it("refuses to close a room that is not open", async () => {
    expect(reasonOf(await h.close("zz"))).toBe("ROOM_NOT_FOUND");
  });

  it("gives a reopened room a new epoch and a fresh sequence", async () => {
    await h.request("a", "b");
    const before = await h.core.readRoom("a");
    await h.close("a");
    await h.open("a");
    const after = await h.core.readRoom("a");
    expect(after?.position.epoch).not.toBe(before?.position.epoch);
    expect(after?.position.sequence).toBe(0);
  });
});

describe("R2 identity", () => {
  it("refuses a caller that is not the room's host with PERMISSION_DENIED", async () => {
    const outcome = await h.request("a", "b", { caller: "user-b" });
    expect(reasonOf(outcome)).toBe("NOT_ROOM_HOST");
    expect(outcome.ok || outcome.refusal.code).toBe(Code.PermissionDenied);
  });

  it("refuses a room that is not open with NOT_FOUND before checking the host", async () => {
    const outcome = await h.request("zz", "b", { caller: "someone-else" });
    expect(reasonOf(outcome)).toBe("ROOM_NOT_FOUND");
    expect(outcome.ok || outcome.refusal.field).toBe("live_id");
  });

  it("checks the caller on every host call", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.core.cancelConnection("user-b", "a", "b"))).toBe("NOT_ROOM_HOST");
    expect(reasonOf(await h.core.acceptConnection("user-a", "b", "a"))).toBe("NOT_ROOM_HOST");
    expect(reasonOf(await h.core.rejectConnection("user-a", "b", "a"))).toBe("NOT_ROOM_HOST");
    expect(reasonOf(await h.core.exitConnection("user-b", "a"))).toBe("NOT_ROOM_HOST");
    expect(reasonOf(await h.core.hostRoom("user-b", "a"))).toBe("NOT_ROOM_HOST");
  });
});

describe("R3 SeatUserInfo", () => {
  it("carries the host's live id, user id, name and avatar in events and state", async () => {
    await h.request("a", "b", { extra: "hi" });
    const message = h.messages("b").at(-1)!;
    const received = message.events[0]?.event;
    expect(received?.case).toBe("requestReceived");
    if (received?.case !== "requestReceived") return;
    expect(received.value.inviter).toMatchObject({
      liveId: "a",
      userId: "user-a",
      userName: "Host A",
      avatarUrl: "https://example.test/a.png",
    });
    expect(received.value.extensionInfo).toBe("hi");
    expect(received.value.layoutTemplate).toBe(GRID);
    expect(message.state?.applicant).toMatchObject({ liveId: "a", userId: "user-a", userName: "Host A" });
  });
});

describe("R4 requests", () => {
  it("creates a pending request: invitee gets request_received, inviter lists the invitee", async () => {
    const outcome = await h.request("a", "b", { timeout: 10 });
    expect(outcome.ok && outcome.value.deadline).toBe(h.clock.now() + 10_000);
    expect(await h.state("a")).toEqual({ connected: [], invitees: ["b"], applicant: "" });
    expect(await h.state("b")).toEqual({ connected: [], invitees: [], applicant: "a" });
    expect(h.events("b")).toEqual(["received(a>b)"]);
    expect(h.events("a")).toEqual([]);
    expect(h.messages("a")).toHaveLength(1);
  });

  it("lets a room invite several rooms at once", async () => {
    await h.request("a", "b");
    await h.request("a", "c");
    expect((await h.state("a")).invitees).toEqual(["b", "c"]);
  });

  it("lets a connected room invite, and the invitee joins the whole connection", async () => {
    await connect("a", "b");
    expect(reasonOf(await h.request("b", "c"))).toBe("ok");
    expect(reasonOf(await h.accept("c", "b"))).toBe("ok");
    for (const room of ["a", "b", "c"]) expect((await h.state(room)).connected).toEqual(["a", "b", "c"]);
  });
});

describe("R5 refusals", () => {
  it("refuses a self-request", async () => {
    const outcome = await h.request("a", "a");
    expect(reasonOf(outcome)).toBe("SELF_REQUEST");
    expect(outcome.ok || outcome.refusal.code).toBe(Code.InvalidArgument);
  });

  it("refuses a target that is not open with NOT_FOUND on target_host_live_id", async () => {
    const outcome = await h.request("a", "zz");
    expect(reasonOf(outcome)).toBe("ROOM_NOT_FOUND");
    expect(outcome.ok || [outcome.refusal.code, outcome.refusal.field]).toEqual([Code.NotFound, "target_host_live_id"]);
  });

  it("refuses to send while invited, also back to the inviter", async () => {
    await h.request("b", "a");
    expect(reasonOf(await h.request("a", "b"))).toBe("PENDING_INCOMING_REQUEST");
    expect(reasonOf(await h.request("a", "c"))).toBe("PENDING_INCOMING_REQUEST");
  });

  it("refuses a second request to the same room and a request to a connected partner", async () => {
    await h.request("a", "b");
    const again = await h.request("a", "b");
    expect(reasonOf(again)).toBe("ALREADY_INVITED_OR_CONNECTED");
    expect(again.ok || again.refusal.code).toBe(Code.AlreadyExists);
    await h.accept("b", "a");
    expect(reasonOf(await h.request("a", "b"))).toBe("ALREADY_INVITED_OR_CONNECTED");
    expect(reasonOf(await h.request("b", "a"))).toBe("ALREADY_INVITED_OR_CONNECTED");
  });

  it("refuses a target connected elsewhere", async () => {
    await connect("b", "c");
    expect(reasonOf(await h.request("a", "b"))).toBe("TARGET_CONNECTED_ELSEWHERE");
  });

  it("refuses a target that is inviting or invited", async () => {
    await h.request("b", "c");
    expect(reasonOf(await h.request("a", "b"))).toBe("TARGET_BUSY");
    expect(reasonOf(await h.request("a", "c"))).toBe("TARGET_BUSY");
  });

  it("refuses a layout that differs from pending requests or the connection", async () => {
    await h.request("a", "b", { layout: GRID });
    expect(reasonOf(await h.request("a", "c", { layout: VOICE }))).toBe("LAYOUT_MISMATCH");
    await h.accept("b", "a");
    expect(reasonOf(await h.request("b", "c", { layout: VOICE }))).toBe("LAYOUT_MISMATCH");
    expect(reasonOf(await h.request("b", "c", { layout: GRID }))).toBe("ok");
  });

  it("applies the documented order when several refusals apply", async () => {
    // 5 before 7: a self-request while invited.
    await h.request("b", "a");
    expect(reasonOf(await h.request("a", "a"))).toBe("SELF_REQUEST");
    // 6 before 7: an unknown target while invited.
    expect(reasonOf(await h.request("a", "zz"))).toBe("ROOM_NOT_FOUND");
    // 9 before 10: a target connected elsewhere that is also inviting.
    await h.reject("a", "b");
    await connect("c", "d");
    await h.request("c", "e");
    expect(reasonOf(await h.request("a", "c"))).toBe("TARGET_CONNECTED_ELSEWHERE");
    // 10 before 11: a busy target with a mismatching layout.
    await h.request("a", "b", { layout: GRID });
    expect(reasonOf(await h.request("a", "e", { layout: VOICE }))).toBe("TARGET_BUSY");
  });

  it("puts 11 before 12: layout mismatch wins over a full connection", async () => {
    const big = new Harness();
    const rooms = ["a", "b", "c", "d", "e", "f", "g", "h"];
    await big.open(...rooms);
    for (const r of rooms.slice(1, 7)) expect(reasonOf(await big.request("a", r, { layout: ONE_V_SIX }))).toBe("ok");
    expect(reasonOf(await big.request("a", "h", { layout: GRID }))).toBe("LAYOUT_MISMATCH");
    expect(reasonOf(await big.request("a", "h", { layout: ONE_V_SIX }))).toBe("CONNECTION_FULL");
  });

  it("changes nothing when it refuses", async () => {
    await h.request("a", "b");
    const before = [await h.state("a"), await h.state("b"), await h.state("c")];
    const sequences = [h.messages("a").length, h.messages("b").length, h.messages("c").length];
    await h.request("c", "b");
    await h.request("a", "b");
    await h.cancel("c", "a");
    await h.exit("a");
    expect([await h.state("a"), await h.state("b"), await h.state("c")]).toEqual(before);
    expect([h.messages("a").length, h.messages("b").length, h.messages("c").length]).toEqual(sequences);
  });
});

describe("R6 layouts and capacity", () => {
  it("counts members plus pending requests against the layout's capacity (1v6 holds 7)", async () => {
    const big = new Harness();
    const rooms = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    await big.open(...rooms);
    await big.request("a", "b", { layout: ONE_V_SIX });
    await big.accept("b", "a");
    for (const r of ["c", "d", "e", "f"]) expect(reasonOf(await big.request("a", r, { layout: ONE_V_SIX }))).toBe("ok");
    // a, b connected + 4 pending = 6; one more makes 7.
    expect(reasonOf(await big.request("b", "g", { layout: ONE_V_SIX }))).toBe("ok");
    const full = await big.request("b", "h", { layout: ONE_V_SIX });
    expect(reasonOf(full)).toBe("CONNECTION_FULL");
    expect(full.ok || full.refusal.code).toBe(Code.ResourceExhausted);
    // A request ending frees its place.
    await big.reject("c", "a");
    expect(reasonOf(await big.request("b", "h", { layout: ONE_V_SIX }))).toBe("ok");
  });

  it("gives nine rooms to the nine-seat layouts", async () => {
    const big = new Harness();
    const rooms = "abcdefghij".split("");
    await big.open(...rooms);
    for (const r of rooms.slice(1, 9)) expect(reasonOf(await big.request("a", r, { layout: VOICE }))).toBe("ok");
    expect(reasonOf(await big.request("a", "j", { layout: VOICE }))).toBe("CONNECTION_FULL");
  });

  it("gives the connection the layout of the request whose acceptance created it", async () => {
    await h.request("a", "b", { layout: VOICE });
    await h.accept("b", "a");
    const room = await h.core.readRoom("b");
    expect(room?.state.layoutTemplate).toBe(VOICE);
  });
});

describe("R7 timeout", () => {
  it("ends the request at its deadline and tells both sides", async () => {
    await h.request("a", "b", { timeout: 5 });
    await h.clock.advance(4_999);
    expect((await h.state("a")).invitees).toEqual(["b"]);
    await h.clock.advance(1);
    expect(h.events("a")).toEqual(["timeout(a>b)"]);
    expect(h.events("b")).toEqual(["received(a>b)", "timeout(a>b)"]);
    expect(await h.state("a")).toEqual({ connected: [], invitees: [], applicant: "" });
    expect(await h.state("b")).toEqual({ connected: [], invitees: [], applicant: "" });
  });

  it("removes only the request that timed out", async () => {
    await h.request("a", "b", { timeout: 5 });
    await h.request("a", "c", { timeout: 60 });
    await h.clock.advance(5_000);
    expect((await h.state("a")).invitees).toEqual(["c"]);
    expect((await h.state("c")).applicant).toBe("a");
    expect(h.events("c")).toEqual(["received(a>c)"]);
  });

  it("treats a request as ended at its deadline even before the timer runs", async () => {
    await h.request("a", "b", { timeout: 1 });
    h.store.startDeadlines(async () => {}); // the timer will not end it
    await h.clock.advance(1_000);
    const outcome = await h.accept("b", "a");
    expect(reasonOf(outcome)).toBe("REQUEST_NOT_FOUND");
    expect(h.events("a")).toEqual(["timeout(a>b)"]);
    expect(h.events("b")).toEqual(["received(a>b)", "timeout(a>b)"]);
  });

  it("sends each timeout as its own CHANGE before the call that found it", async () => {
    await h.request("a", "b", { timeout: 1 });
    h.store.startDeadlines(async () => {});
    await h.clock.advance(1_000);
    h.clearFeeds();
    await h.request("a", "c");
    expect(h.messages("a").map((m) => m.events.length)).toEqual([1, 0]);
    expect(h.messages("a").map((m) => m.sequence)).toEqual([2n, 3n]);
  });

  it("ends an inviter's overdue requests in deadline order, whichever room a call reaches first", async () => {
    await h.request("a", "c", { timeout: 2 });
    await h.request("a", "b", { timeout: 1 });
    h.store.startDeadlines(async () => {});
    await h.clock.advance(2_000);
    h.clearFeeds();
    // The call loads c first: c's due request ends together with a's earlier one, in deadline order.
    expect(reasonOf(await h.accept("c", "a"))).toBe("REQUEST_NOT_FOUND");
    expect(h.messages("a").map((m) => m.events.map(describeEvent))).toEqual([["timeout(a>b)"], ["timeout(a>c)"]]);
    expect(h.events("b")).toEqual(["timeout(a>b)"]);
    expect(h.events("c")).toEqual(["timeout(a>c)"]);
  });

  it("ends requests due at the same moment oldest first", async () => {
    await h.request("a", "b", { timeout: 1 });
    await h.request("a", "c", { timeout: 1 });
    h.store.startDeadlines(async () => {});
    await h.clock.advance(1_000);
    h.clearFeeds();
    expect(reasonOf(await h.accept("c", "a"))).toBe("REQUEST_NOT_FOUND");
    expect(h.messages("a").map((m) => m.events.map(describeEvent))).toEqual([["timeout(a>b)"], ["timeout(a>c)"]]);
  });
});

describe("R8 cancel", () => {
  it("lets the inviter cancel a pending request; the invitee hears why", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.cancel("a", "b"))).toBe("ok");
    expect(h.events("b")).toEqual(["received(a>b)", "cancelled(a>b)"]);
    const cancelled = h.messages("b").at(-1)!.events[0]!.event;
    expect(cancelled.case === "requestCancelled" && cancelled.value.reason).toBe(CancelReason.CANCELLED_BY_INVITER);
    expect(await h.state("a")).toEqual({ connected: [], invitees: [], applicant: "" });
    expect((await h.state("b")).applicant).toBe("");
  });

  it("refuses a cancel by anyone but the inviter, or when nothing is pending", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.cancel("b", "a"))).toBe("REQUEST_NOT_FOUND");
    expect(reasonOf(await h.cancel("a", "c"))).toBe("REQUEST_NOT_FOUND");
    await h.accept("b", "a");
    const late = await h.cancel("a", "b");
    expect(reasonOf(late)).toBe("REQUEST_NOT_FOUND");
    expect(late.ok || late.refusal.code).toBe(Code.FailedPrecondition);
  });
});

describe("R9 accept", () => {
  it("forms a connection: inviter hears accepted then joined; invitee hears joined", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.accept("b", "a"))).toBe("ok");
    expect(h.events("a")).toEqual(["accepted(b)", "joined(b)"]);
    expect(h.events("b")).toEqual(["received(a>b)", "joined(a)"]);
    const last = h.messages("a").at(-1)!;
    expect(last.events.map((e) => e.event.case)).toEqual(["requestAccepted", "userJoined"]);
    expect(last.state?.status).toBe(CoHostStatus.CONNECTED);
    expect(await h.state("b")).toEqual({ connected: ["a", "b"], invitees: [], applicant: "" });
  });

  it("refuses a second answer, an answer after a cancel and one after the deadline", async () => {
    await h.request("a", "b");
    await h.accept("b", "a");
    expect(reasonOf(await h.accept("b", "a"))).toBe("REQUEST_NOT_FOUND");
    await h.request("a", "c");
    await h.cancel("a", "c");
    expect(reasonOf(await h.accept("c", "a"))).toBe("REQUEST_NOT_FOUND");
    await h.request("a", "d", { timeout: 1 });
    await h.clock.advance(1_000);
    expect(reasonOf(await h.accept("d", "a"))).toBe("REQUEST_NOT_FOUND");
    expect(reasonOf(await h.reject("d", "a"))).toBe("REQUEST_NOT_FOUND");
  });

  it("lets exactly one of accept, reject, cancel and timeout win when they race", async () => {
    for (let round = 0; round < 4; round++) {
      const r = new Harness();
      await r.open("a", "b");
      await r.request("a", "b", { timeout: 1 });
      r.store.startDeadlines(async () => {});
      const calls = [() => r.accept("b", "a"), () => r.reject("b", "a"), () => r.cancel("a", "b")];
      // Rotate who goes first; in the last round the deadline has passed.
      if (round === 3) await r.clock.advance(1_000);
      const order = [...calls.slice(round % 3), ...calls.slice(0, round % 3)];
      const outcomes = await Promise.all(order.map((call) => call()));
      const wins = outcomes.filter((o) => o.ok).length;
      const endings = r.events("b").filter((e) => !e.startsWith("received") && !e.startsWith("joined"));
      const accepted = r.events("a").includes("accepted(b)");
      if (round === 3) {
        expect(wins).toBe(0);
        expect(r.events("a")).toEqual(["timeout(a>b)"]);
      } else {
        expect(wins).toBe(1);
        expect(endings.length + (accepted ? 1 : 0) + r.events("a").filter((e) => e.startsWith("rejected")).length).toBe(1);
      }
    }
  });
});

describe("R10 reject", () => {
  it("lets the invitee reject; the inviter hears rejected with the reason", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.reject("b", "a"))).toBe("ok");
    expect(h.events("a")).toEqual(["rejected(b)"]);
    const rejected = h.messages("a").at(-1)!.events[0]!.event;
    expect(rejected.case === "requestRejected" && rejected.value.reason).toBe(RejectReason.REJECTED_BY_INVITEE);
    expect(h.events("b")).toEqual(["received(a>b)"]);
    expect(await h.state("a")).toEqual({ connected: [], invitees: [], applicant: "" });
  });

  it("refuses a reject by the inviter or of a request that is not pending", async () => {
    await h.request("a", "b");
    expect(reasonOf(await h.reject("a", "b"))).toBe("REQUEST_NOT_FOUND");
    expect(reasonOf(await h.reject("b", "c"))).toBe("REQUEST_NOT_FOUND");
  });
});

describe("R11 join and leave events are a diff", () => {
  it("tells every member about every room that appears, the room itself included in connected", async () => {
    await connect("a", "b", "c");
    expect(h.events("a")).toEqual(["accepted(b)", "joined(b)", "accepted(c)", "joined(c)"]);
    expect(h.events("b")).toEqual(["received(a>b)", "joined(a)", "joined(c)"]);
    expect(h.events("c")).toEqual(["received(a>c)", "joined(a)", "joined(b)"]);
    for (const room of ["a", "b", "c"]) {
      const state = await h.state(room);
      expect(state.connected).toEqual(["a", "b", "c"]);
    }
  });
});

describe("R12 exit", () => {
  it("removes only the caller; the others stay connected", async () => {
    await connect("a", "b", "c");
    h.clearFeeds();
    expect(reasonOf(await h.exit("b"))).toBe("ok");
    expect(h.events("b")).toEqual(["left(a)", "left(c)"]);
    expect(h.events("a")).toEqual(["left(b)"]);
    expect(h.events("c")).toEqual(["left(b)"]);
    const leftOthers = h.messages("a").at(-1)!.events[0]!.event;
    expect(leftOthers.case === "userLeft" && leftOthers.value.reason).toBe(LeaveReason.EXITED);
    const leftSelf = h.messages("b").at(-1)!.events[0]!.event;
    expect(leftSelf.case === "userLeft" && leftSelf.value.reason).toBe(LeaveReason.SELF_LEFT);
    expect((await h.state("a")).connected).toEqual(["a", "c"]);
    expect((await h.state("b")).connected).toEqual([]);
  });

  it("dissolves a connection left with one room; its own requests stay pending", async () => {
    await connect("a", "b");
    await h.request("a", "c");
    h.clearFeeds();
    await h.exit("b");
    expect(h.events("a")).toEqual(["left(b)"]);
    expect(await h.state("a")).toEqual({ connected: [], invitees: ["c"], applicant: "" });
    expect((await h.core.readRoom("a"))?.state.status).toBe(CoHostStatus.DISCONNECTED);
    // The pending invitee can still accept and form a new connection with a.
    expect(reasonOf(await h.accept("c", "a"))).toBe("ok");
    expect((await h.state("c")).connected).toEqual(["a", "c"]);
  });

  it("cancels the leaver's pending requests", async () => {
    await connect("a", "b");
    await h.request("a", "c");
    await h.exit("a");
    expect(h.events("c")).toEqual(["received(a>c)", "cancelled(a>c)"]);
    const cancelled = h.messages("c").at(-1)!.events[0]!.event;
    expect(cancelled.case === "requestCancelled" && cancelled.value.reason).toBe(CancelReason.INVITER_EXITED);
    expect((await h.state("a")).invitees).toEqual([]);
  });

  it("refuses to exit when not connected", async () => {
    const outcome = await h.exit("a");
    expect(reasonOf(outcome)).toBe("NOT_CONNECTED");
    expect(outcome.ok || outcome.refusal.code).toBe(Code.FailedPrecondition);
  });
});

describe("R13 room closed", () => {
  it("closes an idle room with a final, empty CHANGE", async () => {
    await h.close("a");
    const last = h.messages("a").at(-1)!;
    expect(last.roomClosed).toBe(true);
    expect(last.kind).toBe(WatchMessageKind.CHANGE);
    expect(last.state?.status).toBe(CoHostStatus.DISCONNECTED);
    expect(await h.core.readRoom("a")).toBeUndefined();
  });

  it("cancels the closed room's outgoing requests", async () => {
    await h.request("a", "b");
    await h.request("a", "c");
    await h.close("a");
    for (const invitee of ["b", "c"]) {
      expect(h.events(invitee).at(-1)).toBe(`cancelled(a>${invitee})`);
      const e = h.messages(invitee).at(-1)!.events[0]!.event;
      expect(e.case === "requestCancelled" && e.value.reason).toBe(CancelReason.INVITER_ROOM_CLOSED);
      expect((await h.state(invitee)).applicant).toBe("");
    }
  });

  it("rejects the closed room's incoming request with ROOM_CLOSED", async () => {
    await h.request("a", "b");
    await h.close("b");
    expect(h.events("a")).toEqual(["rejected(b)"]);
    const e = h.messages("a").at(-1)!.events[0]!.event;
    expect(e.case === "requestRejected" && e.value.reason).toBe(RejectReason.INVITEE_ROOM_CLOSED);
    expect((await h.state("a")).invitees).toEqual([]);
  });

  it("acts as the closed room's exit from a connection of three", async () => {
    await connect("a", "b", "c");
    h.clearFeeds();
    await h.close("a");
    expect(h.events("b")).toEqual(["left(a)"]);
    const e = h.messages("b").at(-1)!.events[0]!.event;
    expect(e.case === "userLeft" && e.value.reason).toBe(LeaveReason.ROOM_CLOSED);
    expect((await h.state("b")).connected).toEqual(["b", "c"]);
    const final = h.messages("a").at(-1)!;
    expect(final.roomClosed).toBe(true);
    expect(h.events("a")).toEqual(["left(b)", "left(c)"]);
  });

  it("dissolves a connection of two and cancels a connected room's requests", async () => {
    await connect("a", "b");
    await h.request("a", "c");
    await h.close("a");
    expect(await h.state("b")).toEqual({ connected: [], invitees: [], applicant: "" });
    expect(h.events("c").at(-1)).toBe("cancelled(a>c)");
    expect(h.store.stats().connections).toBe(0);
    expect(h.store.stats().deadlines).toBe(0);
  });
});

describe("R14 state", () => {
  it("mirrors invitees and applicant and reports status from connected", async () => {
    await h.request("a", "b");
    await h.request("a", "c");
    const a = await h.core.readRoom("a");
    expect(a?.state.status).toBe(CoHostStatus.DISCONNECTED);
    expect(a?.state.invitees.map((s) => s.liveId)).toEqual(["b", "c"]);
    expect(a?.state.applicant).toBeUndefined();
    expect((await h.core.readRoom("b"))?.state.applicant?.liveId).toBe("a");
  });
});

describe("R15 feed", () => {
  it("sends one CHANGE per change, each with the full state and a sequence one greater", async () => {
    await connect("a", "b");
    await h.exit("a");
    const messages = h.messages("a");
    expect(messages.map((m) => m.sequence)).toEqual([1n, 2n, 3n]);
    expect(messages.every((m) => m.kind === WatchMessageKind.CHANGE && m.state !== undefined)).toBe(true);
    expect(messages.map((m) => m.state?.invitees.length)).toEqual([1, 0, 0]);
  });
});

describe("R18 idempotency", () => {
  const key = (id: string, fingerprint = "request:a>b") => ({ key: `user-a\n${id}`, fingerprint });

  it("returns the first outcome to a retry instead of acting twice", async () => {
    const first = await h.request("a", "b", { idem: key("r1") });
    const retry = await h.request("a", "b", { idem: key("r1") });
    expect(retry).toEqual(first);
    expect(h.events("b")).toEqual(["received(a>b)"]);
  });

  it("remembers refusals too", async () => {
    const first = await h.request("a", "zz", { idem: key("r2", "request:a>zz") });
    await h.open("zz");
    const retry = await h.request("a", "zz", { idem: key("r2", "request:a>zz") });
    expect(reasonOf(retry)).toBe("ROOM_NOT_FOUND");
    expect(retry).toEqual(first);
  });

  it("refuses a request_id reused for a different call", async () => {
    await h.request("a", "b", { idem: key("r3") });
    expect(reasonOf(await h.request("a", "c", { idem: key("r3", "request:a>c") }))).toBe("REQUEST_ID_REUSED");
  });

  it("bounds the request_ids each user holds, so no user can push out another's (finding 5)", async () => {
    const q = new Harness({}, { idempotencyPerUser: 5 });
    await q.open("a", "b", "c");
    const first = await q.request("b", "c", { idem: { key: "user-b\nmine", fingerprint: "request:b>c" } });
    // user-a floods: refusals on a room it does not own are remembered too (R18), and count against it.
    for (let i = 0; i < 50; i++) {
      const refused = await q.core.exitConnection("user-a", i % 2 ? "a" : "b", { key: `user-a\nflood-${i}`, fingerprint: "exit" });
      expect(reasonOf(refused)).toMatch(/NOT_CONNECTED|NOT_ROOM_HOST/);
    }
    expect(q.store.requestIdsOf("user-a")).toBe(5);
    expect(q.store.requestIdsOf("user-b")).toBe(1);
    const retry = await q.request("b", "c", { idem: { key: "user-b\nmine", fingerprint: "request:b>c" } });
    expect(retry).toEqual(first);
    expect(q.events("c")).toEqual(["received(b>c)"]);
  });

  it("answers a retry after the room closed from memory, but not once the room was opened again (finding 5)", async () => {
    const first = await h.request("a", "b", { idem: key("r5") });
    expect(reasonOf(first)).toBe("ok");
    await h.close("a");
    expect(await h.request("a", "b", { idem: key("r5") })).toEqual(first); // R18: also after the room closed
    // Reopened for another host: the former host's old success is void; its retry is refused as any call would be.
    await h.core.openRoom({ liveId: "a", userId: "user-z", userName: "Z", avatarUrl: "" });
    expect(reasonOf(await h.request("a", "b", { idem: key("r5") }))).toBe("NOT_ROOM_HOST");
    expect(h.events("b")).toEqual(["received(a>b)", "cancelled(a>b)"]);
  });

  it("forgets a request_id after its time to live", async () => {
    await h.request("a", "b", { idem: key("r4") });
    await h.cancel("a", "b");
    await h.clock.advance(10 * 60_000 + 1);
    expect(reasonOf(await h.request("a", "b", { idem: key("r4") }))).toBe("ok");
    expect(h.events("b").filter((e) => e === "received(a>b)")).toHaveLength(2);
  });
});

describe("R19 rate limit", () => {
  it("refuses requests beyond the burst with RATE_LIMITED and a retry hint, then refills", async () => {
    const r = new Harness({ rateLimit: { burst: 3, refillPerSecond: 1 } });
    await r.open("a");
    for (let i = 0; i < 3; i++) expect(reasonOf(await r.request("a", "a"))).toBe("SELF_REQUEST");
    const limited = await r.request("a", "a");
    expect(reasonOf(limited)).toBe("RATE_LIMITED");
    expect(limited.ok || [limited.refusal.code, limited.refusal.retryAfterMs]).toEqual([Code.ResourceExhausted, 1000]);
    await r.clock.advance(1_000);
    expect(reasonOf(await r.request("a", "a"))).toBe("SELF_REQUEST");
  });

  it("does not remember a rate-limited call under its request_id", async () => {
    const r = new Harness({ rateLimit: { burst: 1, refillPerSecond: 1 } });
    await r.open("a", "b");
    await r.request("a", "zz");
    const idem = { key: "user-a\nx", fingerprint: "f" };
    expect(reasonOf(await r.request("a", "b", { idem }))).toBe("RATE_LIMITED");
    await r.clock.advance(1_000);
    expect(reasonOf(await r.request("a", "b", { idem }))).toBe("ok");
  });
});
