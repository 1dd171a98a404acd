// Variants that page wrongly: their own cursor form, the cursor checked
// after the room, UTF-16 order, closed rooms listed (by ListRooms or as
// candidates), connected rooms left out of ListRooms.
import { CoHostErrorReason, CoHostStatus, type RoomInfo, type SeatUserInfo } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { MemoryStore, type HostInfo } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";
import { Code, onUnary, refusal, wrapped, type BrokenVariant } from "./tools.js";

const PAGING = ["GetCoHostCandidates", "ListRooms"];
const fromSpecCursor = (cursor: string) => Buffer.from(cursor, "base64url").toString().slice("c1:".length);
const specCursor = (liveId: string) => Buffer.from(`c1:${liveId}`).toString("base64url");

/** Orders rooms by UTF-16 code units, as JavaScript's `<` does, instead of by UTF-8 bytes. */
class Utf16OrderStore extends MemoryStore {
  override async listRooms(after: string, limit: number): Promise<HostInfo[]> {
    const all = await super.listRooms("", 1e9);
    return all
      .sort((a, b) => (a.liveId < b.liveId ? -1 : a.liveId > b.liveId ? 1 : 0))
      .filter((h) => h.liveId > after)
      .slice(0, limit);
  }
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Closed rooms stay among the candidates, each on the page whose range holds its id (a stale index). */
const closedRoomsStillCandidates = () =>
  wrapped({}, (server) => {
    const closed: SeatUserInfo[] = [];
    return [
      onUnary(["CloseRoom", "GetCoHostCandidates"], async (message, next, req) => {
        if (req.method.name === "CloseRoom") {
          const room = await server().core.readRoom(String(message.liveId));
          const res = await next();
          if (room) closed.push({ $typeName: "cohost.v1.SeatUserInfo", ...room.host });
          return res;
        }
        const res = await next();
        const page = res.message as unknown as { candidates: SeatUserInfo[]; nextCursor: string };
        const after = message.cursor ? fromSpecCursor(String(message.cursor)) : "";
        const last = page.candidates.at(-1)?.liveId ?? "";
        for (const c of closed) {
          if (byteOrder(c.liveId, after) > 0 && (!page.nextCursor || byteOrder(c.liveId, last) < 0)) page.candidates.push(c);
        }
        page.candidates.sort((a, b) => byteOrder(a.liveId, b.liveId));
        return res;
      }),
    ];
  });

export const pagingVariants: BrokenVariant[] = [
  {
    name: "closed-rooms-still-candidates",
    breaks: "R17.paging",
    make: closedRoomsStillCandidates,
    caughtBy: ["candidates/candidates-byte-order-and-closed-rooms"],
  },
  {
    name: "cursors-of-its-own-form",
    breaks: "R17.cursor",
    make: () =>
      newServer({
        interceptors: [
          onUnary(PAGING, async (message, next) => {
            const cursor = String(message.cursor ?? "");
            if (cursor && !cursor.startsWith("own-")) throw refusal(Code.InvalidArgument, CoHostErrorReason.INVALID_FIELD, "cursor");
            if (cursor) message.cursor = specCursor(Buffer.from(cursor.slice(4), "base64url").toString());
            const res = await next();
            const page = res.message as unknown as { nextCursor: string };
            if (page.nextCursor) page.nextCursor = `own-${Buffer.from(fromSpecCursor(page.nextCursor)).toString("base64url")}`;
            return res;
          }),
        ],
      }),
    caughtBy: ["candidates/candidates-page-through-open-rooms", "candidates/candidates-from-any-cursor"],
  },
  {
    name: "cursor-checked-after-the-room",
    breaks: "R17.cursor",
    make: () =>
      wrapped({}, (server) => [
        onUnary(["GetCoHostCandidates"], async (message, next) => {
          if (!(await server().core.readRoom(String(message.liveId))))
            throw refusal(Code.NotFound, CoHostErrorReason.ROOM_NOT_FOUND, "live_id");
          return next();
        }),
      ]),
    caughtBy: ["candidates/candidates-cursor-checked-before-room"],
  },
  {
    name: "rooms-in-utf16-order",
    breaks: "R17.candidates",
    make: () => newServer({ store: new Utf16OrderStore() }),
    caughtBy: ["candidates/candidates-byte-order-and-closed-rooms"],
  },
  {
    name: "closed-rooms-still-listed",
    breaks: "R17.paging",
    make: () =>
      wrapped({}, (server) => {
        const closed: RoomInfo[] = [];
        return [
          onUnary(["CloseRoom", "ListRooms"], async (message, next, req) => {
            if (req.method.name === "CloseRoom") {
              const room = await server().core.readRoom(String(message.liveId));
              const res = await next();
              if (room)
                closed.push({
                  $typeName: "cohost.v1.RoomInfo",
                  host: { $typeName: "cohost.v1.SeatUserInfo", ...room.host },
                  outgoingRequests: [],
                });
              return res;
            }
            const res = await next();
            const page = res.message as unknown as { rooms: RoomInfo[]; nextCursor: string };
            const first = page.rooms[0]?.host?.liveId ?? "";
            const last = page.rooms.at(-1)?.host?.liveId ?? "";
            const cmp = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
            for (const c of closed) {
              const id = c.host!.liveId;
              if ((cmp(id, first) > 0 && cmp(id, last) < 0) || (!page.nextCursor && cmp(id, last) > 0)) page.rooms.push(c);
            }
            page.rooms.sort((a, b) => cmp(a.host!.liveId, b.host!.liveId));
            return res;
          }),
        ];
      }),
    caughtBy: ["candidates/list-rooms-pages-all-open-rooms"],
  },
  {
    name: "list-rooms-leaves-out-connected-rooms",
    breaks: "R17.list",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["ListRooms"], async (_m, next) => {
            const res = await next();
            const page = res.message as unknown as { rooms: RoomInfo[] };
            page.rooms = page.rooms.filter((r) => r.state?.status !== CoHostStatus.CONNECTED);
            return res;
          }),
        ],
      }),
    caughtBy: ["candidates/list-rooms-pages-all-open-rooms"],
  },
];
