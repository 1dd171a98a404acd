// R17.end: a page after which no room the call lists follows has an empty
// next_cursor, also when it holds exactly page_size rooms. What follows a
// page is only known for rooms that sort after every other room, so this
// case's rooms start with U+10FFFD. Copies of the case running at the same
// time (other protocols of one run) open such rooms too; a probe that finds
// rooms after its own waits for them to close and probes again.
import { cursorAfter } from "../args.js";
import { ConformanceFailure } from "../feed-watcher.js";
import { WireWorld } from "../generated/wire-world.js";
import type { CaseContext, SuiteCase } from "../runner.js";

const HIGH = "\u{10FFFD}";
const ATTEMPTS = 60;
const PAUSE_MS = 250;

interface Page {
  liveIds: string[];
  nextCursor: string;
}

type Fetch = (cursor: string, pageSize: number) => Promise<Page>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the page of `pageSize` from `start` is exactly `expected` and ends
 * the listing: "ok" when its next_cursor is empty, "busy" when other rooms
 * follow (a copy of this case), and a failure when the server gave a cursor
 * to a page that is empty twice in a row.
 */
async function probe(where: string, fetch: Fetch, start: string, expected: string[]): Promise<"ok" | "busy"> {
  for (let look = 1; ; look++) {
    const page = await fetch(start, expected.length);
    if (JSON.stringify(page.liveIds) !== JSON.stringify(expected))
      throw new ConformanceFailure(
        `${where}: the page of ${expected.length} after the case's cursor is ${JSON.stringify(page.liveIds)}, expected ${JSON.stringify(expected)} (R17.candidates)`,
      );
    if (!page.nextCursor) return "ok";
    const next = await fetch(page.nextCursor, 100);
    if (next.liveIds.length > 0) return "busy";
    // No room follows, unless one was closed between the two reads: look once more before judging.
    if (look === 2)
      throw new ConformanceFailure(
        `${where}: a page of exactly ${expected.length} rooms with nothing after it has next_cursor ${JSON.stringify(page.nextCursor)}, and the next page is empty (R17.end)`,
      );
  }
}

export function pagingEndCase(): SuiteCase {
  return {
    family: "candidates",
    name: "paging-ends-at-exact-page",
    rules: ["R17", "R17.end", "R17.list", "R17.candidates"],
    procedure:
      "rooms e1, e2, e3 and x are opened with ids that sort after every other room; the admin lists rooms from just before e1 with page sizes 3 and 4; x asks for candidates from there with page size 3.",
    asserts:
      "the ListRooms page of 3 holds e1 to e3 with a next_cursor (x follows); the page of 4 holds e1 to x with an empty next_cursor; x's candidates page of 3 holds e1 to e3 with an empty next_cursor, since only x itself, no candidate, follows; no paging ends with an extra empty page.",
    async run(ctx: CaseContext) {
      const world = new WireWorld(ctx, ["e1", "e2", "e3", "x"], `${HIGH}${ctx.prefix}`);
      await world.open([]);
      try {
        const [e1, e2, e3, x] = ["e1", "e2", "e3", "x"].map((n) => world.liveId(n)) as [string, string, string, string];
        const start = cursorAfter(`${HIGH}${ctx.prefix}-`);
        const listRooms: Fetch = async (cursor, pageSize) => {
          const page = await world.admin.listRooms({ cursor, pageSize }, world.adminHeaders());
          return { liveIds: page.rooms.map((r) => r.host?.liveId ?? ""), nextCursor: page.nextCursor };
        };
        const candidates: Fetch = async (cursor, pageSize) => {
          const page = await world.cohost.getCoHostCandidates({ liveId: x, cursor, pageSize }, await world.hostHeaders("x"));
          return { liveIds: page.candidates.map((c) => c.liveId), nextCursor: page.nextCursor };
        };

        const three = await listRooms(start, 3);
        if (JSON.stringify(three.liveIds) !== JSON.stringify([e1, e2, e3]) || three.nextCursor !== cursorAfter(e3))
          throw new ConformanceFailure(
            `ListRooms: the page of 3 is ${JSON.stringify(three.liveIds)} with next_cursor ${JSON.stringify(three.nextCursor)}; expected e1 to e3 with the cursor after e3, since x follows (R17.paging)`,
          );
        let listed = false;
        let offered = false;
        for (let attempt = 1; attempt <= ATTEMPTS && !(listed && offered); attempt++) {
          if (attempt > 1) await sleep(PAUSE_MS);
          listed ||= (await probe("ListRooms", listRooms, start, [e1, e2, e3, x])) === "ok";
          offered ||= (await probe("GetCoHostCandidates", candidates, start, [e1, e2, e3])) === "ok";
        }
        if (!(listed && offered))
          throw new ConformanceFailure(
            `other rooms whose ids start with U+10FFFD kept following this case's rooms for ${(ATTEMPTS * PAUSE_MS) / 1000} s; too busy to judge R17.end`,
          );
      } finally {
        await world.close();
      }
    },
  };
}
