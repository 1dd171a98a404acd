// Variants that open, close and watch rooms wrongly: the admin key checked
// after the fields, an identical OpenRoom refused, a close of a room that is
// not open accepted, a second watcher of a room short-changed.
import { create } from "@bufbuild/protobuf";
import { CloseRoomResponseSchema, CoHostErrorReason, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import { Code, onUnary, onWatch, reasonOf, refusal, unaryOf, wrapped, type BrokenVariant } from "./tools.js";

export const roomVariants: BrokenVariant[] = [
  {
    name: "admin-fields-checked-before-the-key",
    breaks: "R1.admin-key",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["OpenRoom"], async (message, next) => {
            if (!message.liveId) throw refusal(Code.InvalidArgument, CoHostErrorReason.INVALID_FIELD, "live_id");
            return next();
          }),
        ],
      }),
    caughtBy: ["auth/auth-admin-key"],
  },
  {
    name: "identical-open-room-refused",
    breaks: "R1.open",
    make: () =>
      wrapped({}, (server) => [
        onUnary(["OpenRoom"], async (message, next) => {
          if (await server().core.readRoom(String(message.liveId)))
            throw refusal(Code.AlreadyExists, CoHostErrorReason.ROOM_ALREADY_OPEN, "live_id");
          return next();
        }),
      ]),
    caughtBy: ["auth/admin-open-room-rules"],
  },
  {
    name: "closing-a-room-that-is-not-open-succeeds",
    breaks: "R13.not-open",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["CloseRoom"], async (_message, next, req) => {
            try {
              return await next();
            } catch (err) {
              if (reasonOf(err) !== CoHostErrorReason.ROOM_NOT_FOUND) throw err;
              return unaryOf(req, create(CloseRoomResponseSchema) as never);
            }
          }),
        ],
      }),
    caughtBy: ["auth/admin-open-room-rules"],
  },
  {
    name: "second-watcher-misses-changes",
    breaks: "R15.watchers",
    // Only the first open stream of a room gets every CHANGE; the others lose those with odd sequences.
    make: () => {
      const open = new Map<string, number>();
      return newServer({
        interceptors: [
          onWatch(async function* (request, messages) {
            let liveId: string | undefined;
            let index = 0;
            try {
              for await (const m of messages) {
                if (liveId === undefined) {
                  liveId = request().liveId;
                  index = open.get(liveId) ?? 0;
                  open.set(liveId, index + 1);
                }
                if (index > 0 && m.kind === WatchMessageKind.CHANGE && m.sequence % 2n === 1n) continue;
                yield m;
              }
            } finally {
              if (liveId !== undefined) open.set(liveId, (open.get(liveId) ?? 1) - 1);
            }
          }),
        ],
      });
    },
    caughtBy: ["feed/feed-several-watchers-each-get-everything"],
  },
];
