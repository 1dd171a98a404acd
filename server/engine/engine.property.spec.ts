// R20 under random use: thousands of random sequences of calls, timeouts and
// closes across several rooms. After every step the invariants hold, and
// every room's feed replays to the state the store reports.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoHostLayoutTemplate, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { describeEvent, Harness } from "../testing/harness.js";
import { capacityFor } from "./layouts.js";

const ROOMS = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
const LAYOUTS = [CoHostLayoutTemplate.HOST_DYNAMIC_1V6, CoHostLayoutTemplate.HOST_DYNAMIC_GRID];

const room = fc.constantFrom(...ROOMS);
const step = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("request" as const),
      a: room,
      b: room,
      layout: fc.constantFrom(...LAYOUTS, LAYOUTS[0]!, LAYOUTS[0]!),
      timeout: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("accept" as const), a: room, b: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reject" as const), a: room, b: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cancel" as const), a: room, b: room }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("exit" as const), a: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const), a: room }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("open" as const), a: room }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 2_500 }) }) },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

interface World {
  h: Harness;
  /** Every message each room's feeds delivered, across reopenings. */
  feeds: Map<string, WatchCoHostResponse[][]>;
  open: Set<string>;
}

async function newWorld(): Promise<World> {
  const world: World = { h: new Harness({ rateLimit: { burst: 1e9, refillPerSecond: 1 } }), feeds: new Map(), open: new Set() };
  for (const r of ROOMS) await openRoom(world, r);
  return world;
}

async function openRoom(world: World, liveId: string) {
  if (world.open.has(liveId)) return;
  await world.h.open(liveId);
  const incarnations = world.feeds.get(liveId) ?? [];
  incarnations.push(world.h.messages(liveId));
  world.feeds.set(liveId, incarnations);
  world.open.add(liveId);
}

async function apply(world: World, s: Step) {
  const { h } = world;
  switch (s.op) {
    case "request":
      return h.request(s.a, s.b, { layout: s.layout, timeout: s.timeout });
    case "accept":
      return h.accept(s.a, s.b);
    case "reject":
      return h.reject(s.a, s.b);
    case "cancel":
      return h.cancel(s.a, s.b);
    case "exit":
      return h.exit(s.a);
    case "close":
      world.open.delete(s.a);
      return h.close(s.a);
    case "open":
      return openRoom(world, s.a);
    case "wait":
      return h.clock.advance(s.ms);
  }
}

async function checkInvariants(world: World) {
  const { h } = world;
  const rooms = new Map<string, NonNullable<Awaited<ReturnType<typeof h.core.readRoom>>>>();
  for (const r of world.open) {
    const snapshot = await h.core.readRoom(r);
    expect(snapshot, `room ${r} is open`).toBeDefined();
    rooms.set(r, snapshot!);
  }
  for (const [r, snap] of rooms) {
    const connected = snap.state.connected.map((s) => s.liveId);
    // A connection has two or more rooms and includes the room itself.
    if (connected.length > 0) {
      expect(connected.length).toBeGreaterThanOrEqual(2);
      expect(connected).toContain(r);
    }
    // Symmetric: every member sees the same connection.
    for (const other of connected) {
      expect(
        rooms.get(other)?.state.connected.map((s) => s.liveId),
        `${r} and ${other} agree`,
      ).toEqual(connected);
    }
    // invitees and applicant mirror each other.
    for (const invitee of snap.state.invitees) {
      expect(rooms.get(invitee.liveId)?.state.applicant?.liveId, `${invitee.liveId}.applicant`).toBe(r);
    }
    if (snap.state.applicant) {
      const inviter = rooms.get(snap.state.applicant.liveId);
      expect(inviter?.state.invitees.map((s) => s.liveId)).toContain(r);
      // An invited room is not connected and sends nothing.
      expect(connected).toEqual([]);
      expect(snap.state.invitees).toEqual([]);
    }
    // Capacity is never exceeded.
    if (connected.length > 0) {
      const counted = connected.reduce((n, m) => n + 1 + (rooms.get(m)?.state.invitees.length ?? 0), 0);
      expect(counted).toBeLessThanOrEqual(capacityFor(snap.state.layoutTemplate));
    } else if (snap.outgoing.length > 0) {
      expect(1 + snap.outgoing.length).toBeLessThanOrEqual(capacityFor(snap.outgoing[0]!.layout));
    }
    // The feed replays to the reported state, sequence by sequence.
    const feed = world.feeds.get(r)!.at(-1)!;
    expect(feed.map((m) => Number(m.sequence))).toEqual(feed.map((_, i) => i + 1));
    expect(snap.position.sequence).toBe(feed.length);
    if (feed.length > 0) expect(feed.at(-1)!.state).toEqual(snap.state);
    const replayed = await h.store.feeds.replay(r, snap.position.epoch, 0);
    if (feed.length <= 256) expect(replayed).toEqual(feed);
  }
}

/** R11 and "each request ends exactly once", read from the whole history. */
function checkHistory(world: World) {
  for (const [r, incarnations] of world.feeds) {
    for (const feed of incarnations) {
      let previous: string[] = [];
      for (const message of feed) {
        const next = message.state!.connected.map((s) => s.liveId);
        const joined = message.events
          .map(describeEvent)
          .filter((e) => e.startsWith("joined("))
          .map((e) => e.slice(7, -1));
        const left = message.events
          .map(describeEvent)
          .filter((e) => e.startsWith("left("))
          .map((e) => e.slice(5, -1));
        expect(joined.sort(), `${r} joined`).toEqual(next.filter((x) => x !== r && !previous.includes(x)).sort());
        expect(left.sort(), `${r} left`).toEqual(previous.filter((x) => x !== r && !next.includes(x)).sort());
        previous = next;
      }
    }
  }
  // Per pair: requests received = requests ended + requests still pending.
  const all = (liveId: string) => (world.feeds.get(liveId) ?? []).flat().flatMap((m) => m.events.map(describeEvent));
  for (const a of ROOMS) {
    for (const b of ROOMS) {
      if (a === b) continue;
      const received = all(b).filter((e) => e === `received(${a}>${b})`).length;
      const atInviter = all(a).filter((e) => e === `accepted(${b})` || e === `rejected(${b})` || e === `timeout(${a}>${b})`).length;
      const cancelled = all(b).filter((e) => e === `cancelled(${a}>${b})`).length;
      const pending = world.open.has(b) && world.h.messages(b).at(-1)?.state?.applicant?.liveId === a ? 1 : 0;
      const inviterTimeouts = all(a).filter((e) => e === `timeout(${a}>${b})`).length;
      const inviteeTimeouts = all(b).filter((e) => e === `timeout(${a}>${b})`).length;
      // A request ends once; a timeout reaches both sides.
      expect(inviterTimeouts, `timeouts ${a}>${b} on both sides`).toBe(inviteeTimeouts);
      expect(atInviter + cancelled + pending, `requests ${a}>${b}`).toBe(received);
    }
  }
}

describe("R20 invariants under random sequences", () => {
  // CPU-bound: a shared, loaded machine may need far longer than the default bound.
  it("hold after every step of thousands of random runs", { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const world = await newWorld();
        for (const s of steps) {
          await apply(world, s);
          await checkInvariants(world);
        }
        await world.h.clock.advance(10_000);
        await checkInvariants(world);
        checkHistory(world);
      }),
      { numRuns: 1_500 },
    );
  });
});
