// R16.window: a server replays at least the latest 256 CHANGE messages of a
// room; beyond its window it may replay or RESYNC, never lose messages
// silently. Hundreds of changes are made by many rooms, each within the
// 10 attempts every fresh room may make at once (R19.bounds).
import { WatchMessageKind, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { FeedWatcher, ConformanceFailure, withTimeout } from "../feed-watcher.js";
import { checkOutcome } from "../outcome.js";
import type { CaseContext, SuiteCase } from "../runner.js";
import { WireWorld } from "../generated/wire-world.js";

const WINDOW = 256;
const BEYOND = 300;
/** Request and cancel pairs per inviting room: 10 attempts, all a fresh room may make at once. */
const PAIRS_PER_ROOM = 10;

/** `count` CHANGE messages on `target`'s feed: requests from fresh rooms, each cancelled at once. */
async function churn(world: WireWorld, inviters: string[], target: string, count: number): Promise<void> {
  let left = count;
  for (const inviter of inviters) {
    for (let i = 0; i < PAIRS_PER_ROOM && left > 0; i++, left -= 2) {
      const a = world.liveId(inviter);
      const b = world.liveId(target);
      checkOutcome(
        `${inviter} invites ${target}`,
        await world.call(inviter, (h) =>
          world.cohost.requestHostConnection({ liveId: a, targetHostLiveId: b, layoutTemplate: 600, timeoutSeconds: 60 }, h),
        ),
        "ok",
      );
      checkOutcome(
        `${inviter} cancels`,
        await world.call(inviter, (h) => world.cohost.cancelHostConnection({ liveId: a, toHostLiveId: b }, h)),
        "ok",
      );
    }
  }
  if (left > 0) throw new ConformanceFailure(`not enough inviting rooms for ${count} changes`);
}

/** The replayed messages alternate request_received and request_cancelled, and follow one another. */
function checkChurnReplay(messages: WatchCoHostResponse[], from: number): void {
  messages.forEach((m, i) => {
    const want = i % 2 === 0 ? "requestReceived" : "requestCancelled";
    if (Number(m.sequence) !== from + 1 + i || m.events.length !== 1 || m.events[0]!.event.case !== want) {
      throw new ConformanceFailure(
        `replayed message ${i + 1} is seq ${m.sequence} with ${m.events.map((e) => e.event.case)}; expected seq ${from + 1 + i} with ${want} (R16.replay)`,
      );
    }
  });
}

export function replayWindowCase(): SuiteCase {
  return {
    family: "feed",
    name: "feed-replay-window",
    rules: ["R16", "R16.window", "R16.replay", "R16.resync"],
    procedure: `bob's feed drops; ${WINDOW} changes happen in his room (requests from fresh rooms, each cancelled); bob resumes; his feed drops again and ${BEYOND} more changes happen; bob resumes again.`,
    asserts: `the first resume replays all ${WINDOW} missed messages after a KEEP_ALIVE at the old sequence (every server keeps at least ${WINDOW}); the second either replays all ${BEYOND} in order or RESYNCs with the current state and sequence, never a partial replay.`,
    async run(ctx: CaseContext) {
      const inviters = Array.from({ length: Math.ceil((WINDOW + BEYOND) / (2 * PAIRS_PER_ROOM)) + 1 }, (_, i) => `i${i}`);
      const world = new WireWorld(ctx, ["bob", ...inviters], `${ctx.prefix}w`);
      await world.open(["bob"]);
      try {
        const first = world.watchers.get("bob")!;
        first.drop();
        const needed = WINDOW / (2 * PAIRS_PER_ROOM);
        await churn(world, inviters.slice(0, Math.ceil(needed)), "bob", WINDOW);
        const resumed = new FeedWatcher(
          "bob(resumed)",
          world.cohost,
          world.liveId("bob"),
          async () => (await world.hostHeaders("bob")).headers.authorization,
          ctx.trace,
          ctx.timeoutMs,
        );
        resumed.epoch = first.epoch;
        resumed.last = first.last;
        await resumed.open({ epoch: first.epoch, after: first.last });
        await resumed.waitFor(WINDOW);
        resumed.drop();
        if (resumed.errors.length) throw new ConformanceFailure(resumed.errors.join("\n"));
        if (resumed.pending.length < WINDOW)
          throw new ConformanceFailure(`the resume replayed ${resumed.pending.length} of ${WINDOW} messages (R16.window)`);
        checkChurnReplay(resumed.pending, first.last);

        const after = resumed.last;
        await churn(world, inviters.slice(Math.ceil(needed)), "bob", BEYOND);
        const latest = Number((await world.rooms()).get("bob")!.position!.sequence);
        const abort = new AbortController();
        try {
          const stream = world.cohost
            .watchCoHost(
              { liveId: world.liveId("bob"), resumeEpoch: resumed.epoch, resumeAfterSequence: BigInt(after) },
              { ...(await world.hostHeaders("bob")), signal: abort.signal },
            )
            [Symbol.asyncIterator]();
          const next = async () => {
            const r = await withTimeout(stream.next(), ctx.timeoutMs, "bob's resumed feed");
            if (r.done) throw new ConformanceFailure("bob's resumed feed ended");
            return r.value;
          };
          const head = await next();
          if (head.kind === WatchMessageKind.RESYNC) {
            if (Number(head.sequence) !== latest || head.state?.applicant)
              throw new ConformanceFailure(
                `RESYNC at ${head.sequence} with applicant ${head.state?.applicant?.liveId}; the room is idle at ${latest} (R16.resync)`,
              );
            return;
          }
          if (head.kind !== WatchMessageKind.KEEP_ALIVE || Number(head.sequence) !== after)
            throw new ConformanceFailure(
              `a resume ${BEYOND} messages back started with ${WatchMessageKind[head.kind]} at ${head.sequence}: neither a KEEP_ALIVE at ${after} nor a RESYNC (R16.resync)`,
            );
          const replayed: WatchCoHostResponse[] = [];
          while (replayed.length < latest - after) {
            const m = await next();
            if (m.kind === WatchMessageKind.CHANGE) replayed.push(m);
          }
          checkChurnReplay(replayed, after);
        } finally {
          abort.abort();
        }
      } finally {
        await world.close();
      }
    },
  };
}
