// Random sequences of calls across several rooms on the server under test.
// After every step the invariants of R20 hold and refused calls changed
// nothing; at the end every room's feed replays to the state the server
// reports, and every request ended exactly once.
import fc from "fast-check";
import type { RoomInfo } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { layoutName, renderEvent, renderState } from "../expectations.js";
import { ConformanceFailure, failureText } from "../feed-watcher.js";
import type { CaseContext, GeneratedFamilyOptions, SuiteCase } from "../runner.js";
import { describeOutcome, isTransportFailure, type CallOutcome } from "../outcome.js";
import { WireWorld } from "./wire-world.js";

const ROOMS = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];
// R6: capacities by layout name.
const CAPACITY: Record<string, number> = {
  HOST_VOICE_CONNECTION: 9,
  HOST_DYNAMIC_GRID: 9,
  HOST_DYNAMIC_1V6: 7,
  HOST_VIDEO_LEFT_FOCUS_9_SEATS: 9,
  HOST_VIDEO_UNIFORM_GRID_9_SEATS: 9,
};

const room = fc.constantFrom(...ROOMS);
const stepArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("request" as const), a: room, b: room, layout: fc.constantFrom(601, 601, 600) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("accept" as const), a: room, b: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reject" as const), a: room, b: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cancel" as const), a: room, b: room }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("exit" as const), a: room }) },
);
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

let callId = 0;

/**
 * One step. Every call carries a request_id, so a retry after a transport
 * failure is safe (R18): the server answers it with the first outcome.
 */
async function apply(world: WireWorld, s: Step): Promise<CallOutcome> {
  const c = world.cohost;
  const a = world.liveId(s.a);
  const requestId = `p${callId++}`;
  const once = () => {
    switch (s.op) {
      case "request":
        return world.call(s.a, (h) =>
          c.requestHostConnection(
            { liveId: a, targetHostLiveId: world.liveId(s.b), layoutTemplate: s.layout, timeoutSeconds: 60, requestId },
            h,
          ),
        );
      case "accept":
        return world.call(s.a, (h) => c.acceptHostConnection({ liveId: a, fromHostLiveId: world.liveId(s.b), requestId }, h));
      case "reject":
        return world.call(s.a, (h) => c.rejectHostConnection({ liveId: a, fromHostLiveId: world.liveId(s.b), requestId }, h));
      case "cancel":
        return world.call(s.a, (h) => c.cancelHostConnection({ liveId: a, toHostLiveId: world.liveId(s.b), requestId }, h));
      case "exit":
        return world.call(s.a, (h) => c.exitHostConnection({ liveId: a, requestId }, h));
    }
  };
  const first = await once();
  return isTransportFailure(first) ? once() : first;
}

function fingerprint(world: WireWorld, rooms: Map<string, RoomInfo>): string {
  return [...rooms].map(([n, r]) => `${n}@${r.position?.sequence}: ${renderState(r.state, world.cast)}`).join("\n");
}

function checkInvariants(world: WireWorld, rooms: Map<string, RoomInfo>): void {
  const names = (list: { liveId: string }[] | undefined) => (list ?? []).map((s) => world.cast.byLive(s.liveId)?.name ?? `?${s.liveId}`);
  const fail = (message: string) => {
    throw new ConformanceFailure(`R20 violated: ${message}\n${fingerprint(world, rooms)}`);
  };
  for (const [name, r] of rooms) {
    const connected = names(r.state?.connected);
    if (connected.length === 1) fail(`${name} is connected alone`);
    if (connected.length > 0 && !connected.includes(name)) fail(`${name}'s connected list lacks itself`);
    for (const other of connected) {
      if (names(rooms.get(other)?.state?.connected).join() !== connected.join()) fail(`${name} and ${other} disagree on their connection`);
    }
    for (const invitee of names(r.state?.invitees)) {
      if (world.cast.byLive(rooms.get(invitee)?.state?.applicant?.liveId ?? "")?.name !== name)
        fail(`${name} invites ${invitee}, whose applicant is not ${name}`);
    }
    const applicant = r.state?.applicant;
    if (applicant) {
      const inviter = world.cast.byLive(applicant.liveId)?.name ?? "";
      if (!names(rooms.get(inviter)?.state?.invitees).includes(name)) fail(`${name}'s applicant ${inviter} does not list it as invitee`);
      if (connected.length > 0 || (r.state?.invitees.length ?? 0) > 0) fail(`invited room ${name} is also connected or inviting`);
    }
    const layout = connected.length > 0 ? layoutName(r.state!.layoutTemplate) : layoutName(r.outgoingRequests[0]?.layoutTemplate ?? 0);
    const counted =
      connected.length > 0
        ? connected.reduce((n, m) => n + 1 + (rooms.get(m)?.state?.invitees.length ?? 0), 0)
        : 1 + (r.state?.invitees.length ?? 0);
    if ((connected.length > 0 || counted > 1) && counted > (CAPACITY[layout] ?? 0))
      fail(`${name}'s connection counts ${counted} rooms, over ${layout}'s capacity`);
  }
}

/** Every request received ended exactly once, or is still pending; timeouts reach both sides. */
function checkRequestHistory(world: WireWorld, rooms: Map<string, RoomInfo>): void {
  const heard = (name: string) => world.watchers.get(name)!.all.flatMap((m) => m.events.map((e) => renderEvent(e, world.cast)));
  for (const a of ROOMS) {
    for (const b of ROOMS) {
      if (a === b) continue;
      const received = heard(b).filter((e) => e.startsWith(`request_received(inviter=${a}, invitee=${b},`)).length;
      const ended =
        heard(a).filter(
          (e) =>
            e === `request_accepted(invitee=${b})` ||
            e.startsWith(`request_rejected(invitee=${b},`) ||
            e === `request_timeout(inviter=${a}, invitee=${b})`,
        ).length + heard(b).filter((e) => e.startsWith(`request_cancelled(inviter=${a}, invitee=${b},`)).length;
      const pending = world.cast.byLive(rooms.get(b)?.state?.applicant?.liveId ?? "")?.name === a ? 1 : 0;
      if (received !== ended + pending) {
        throw new ConformanceFailure(
          `request ${a} -> ${b}: received ${received} times, ended ${ended}, pending ${pending} (each request ends exactly once)`,
        );
      }
    }
  }
}

export function propertyCase(options: GeneratedFamilyOptions): SuiteCase {
  return {
    family: "generated",
    name: "random-sequences-keep-invariants",
    rules: ["R20", "R9", "R11", "R14", "R15", "R20.invariants", "R20.atomic", "R15.change", "R14.state"],
    procedure: "fast-check drives random request/accept/reject/cancel/exit calls across eight rooms; the seed is printed on failure.",
    asserts:
      "after every step connections are symmetric, invitees and applicant mirror, capacity holds and refused calls changed nothing; at the end each feed's last state is the reported state and each request ended exactly once.",
    async run(ctx: CaseContext) {
      const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
      let world = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 24 }), async (steps) => {
            const w = new WireWorld(ctx, ROOMS, `${ctx.prefix}w${world++}`);
            await w.open();
            try {
              let rooms = await w.rooms();
              for (const s of steps) {
                const before = fingerprint(w, rooms);
                const outcome = await apply(w, s);
                rooms = await w.rooms();
                if (!outcome.ok && fingerprint(w, rooms) !== before) {
                  throw new ConformanceFailure(
                    `refused ${s.op} (${describeOutcome(outcome)}) changed state:\nbefore:\n${before}\nafter:\n${fingerprint(w, rooms)}`,
                  );
                }
                checkInvariants(w, rooms);
              }
              await w.quiesce(rooms);
              for (const [name, r] of rooms) {
                const watcher = w.watchers.get(name)!;
                if (watcher.errors.length) throw new ConformanceFailure(watcher.errors.join("\n"));
                const last = watcher.all.at(-1);
                if (watcher.last !== Number(r.position?.sequence ?? 0n))
                  throw new ConformanceFailure(`${name}'s feed reached ${watcher.last}, server reports ${r.position?.sequence}`);
                if (last && renderState(last.state, w.cast) !== renderState(r.state, w.cast)) {
                  throw new ConformanceFailure(
                    `${name}'s feed ends at ${renderState(last.state, w.cast)} but the server reports ${renderState(r.state, w.cast)}`,
                  );
                }
              }
              checkRequestHistory(w, rooms);
            } finally {
              await w.close();
            }
          }),
          { numRuns: options.runs ?? 6, seed, endOnFailure: true },
        );
      } catch (err) {
        throw new ConformanceFailure(`reproduce with --seed ${seed}\n${failureText(err)}`);
      }
    },
  };
}
