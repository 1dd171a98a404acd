// R18.not-remembered and R19.counts at the rate limit: a RATE_LIMITED
// refusal is neither remembered under its request_id nor charged to the
// room's allowance. The allowance refills continuously, so an attempt the
// suite expects refused may pass; such a round proves nothing and is
// repeated with fresh rooms, at most six times (a loaded machine that
// stalls half a second between attempts lets the reference's allowance
// refill).
import { ConformanceFailure } from "../feed-watcher.js";
import { checkOutcome, describeOutcome, type CallOutcome } from "../outcome.js";
import type { CaseContext, SuiteCase } from "../runner.js";
import { WireWorld } from "../generated/wire-world.js";

const ROUNDS = 6;
const limited = (o: CallOutcome) => !o.ok && o.reason === "RATE_LIMITED";

/** One round; true when it could judge (every attempt meant to be refused was). */
async function round(ctx: CaseContext, n: number): Promise<boolean> {
  const world = new WireWorld(ctx, ["alice", "bob"], `${ctx.prefix}r${n}`);
  await world.open(["bob"]);
  try {
    const alice = world.liveId("alice");
    const request = (target: string, requestId = "") =>
      world.call("alice", (h) =>
        world.cohost.requestHostConnection(
          { liveId: alice, targetHostLiveId: target, layoutTemplate: 600, timeoutSeconds: 60, requestId },
          h,
        ),
      );
    let flooded = false;
    for (let i = 0; i < 101 && !flooded; i++) flooded = limited(await request(alice));
    if (!flooded) throw new ConformanceFailure("no RATE_LIMITED within 101 attempts (R19.bounds)");
    const first = await request(world.liveId("bob"), "q1");
    const firstAt = Date.now();
    if (!limited(first)) return false;
    checkOutcome("the limited request", first, { code: "RESOURCE_EXHAUSTED", reason: "RATE_LIMITED" });
    // More refused attempts: if they used allowance, the wait below would not be enough (R19.counts).
    for (let i = 0; i < 3; i++) if (!limited(await request(alice))) return false;
    const wait = firstAt + (first.ok ? 0 : first.retryAfterMs!) + 20 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const retry = await request(world.liveId("bob"), "q1");
    if (!retry.ok) {
      throw new ConformanceFailure(
        `the retry of q1 after retry_after got ${describeOutcome(retry)}: a RATE_LIMITED refusal was remembered (R18.not-remembered) or refused attempts used allowance (R19.counts)`,
      );
    }
    const bob = world.watchers.get("bob")!;
    await bob.waitFor(1);
    if (bob.pending[0]?.events[0]?.event.case !== "requestReceived")
      throw new ConformanceFailure("bob did not hear of the retried request");
    return true;
  } finally {
    await world.close();
  }
}

export function rateLimitMemoryCase(): SuiteCase {
  return {
    family: "rate-limit",
    name: "rate-limited-refusals-not-remembered-nor-charged",
    rules: ["R18", "R19", "R18.not-remembered", "R19.counts", "R19.retry-after"],
    procedure:
      "alice floods until RATE_LIMITED, sends a request to bob with request_id q1 (refused as RATE_LIMITED), makes three more refused attempts, waits q1's retry_after and retries q1.",
    asserts:
      "the retry acts (bob hears the request): the RATE_LIMITED outcome was not remembered, and refused attempts used no allowance; a round whose refusals did not all come (the allowance refilled) is repeated, at most six times.",
    async run(ctx: CaseContext) {
      for (let n = 0; n < ROUNDS; n++) if (await round(ctx, n)) return;
      throw new ConformanceFailure(`${ROUNDS} rounds in a row could not be judged: the allowance refilled between attempts`);
    },
  };
}
