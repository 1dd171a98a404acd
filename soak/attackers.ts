// The soak's attackers, as their own process: every attack of attacks.ts at
// once until --seconds have passed, then one JSON line of counts.
import { parseArgs } from "node:util";
import { mintHostToken } from "@cohost-kit/server";
import { flaky, holdSockets, malformed, manyStreams } from "./attacks.js";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    secret: { type: "string" },
    seconds: { type: "string" },
    sockets: { type: "string" },
    streams: { type: "string" },
    "malformed-per-second": { type: "string" },
    "flaky-per-second": { type: "string" },
    "stream-rooms": { type: "string" },
    "flaky-rooms": { type: "string" },
  },
});
const url = values.url!;
const target = { url, port: Number(new URL(url).port), until: Date.now() + Number(values.seconds) * 1000 };
const token = (user: string) => mintHostToken(values.secret!, user, { ttlSeconds: 3600 });
// "room:user,room:user"
const parse = (list: string | undefined) =>
  (list ?? "")
    .split(",")
    .filter(Boolean)
    .map((pair) => pair.split(":") as [string, string]);
const streamRooms = parse(values["stream-rooms"]);
const flakyRooms = await Promise.all(parse(values["flaky-rooms"]).map(async ([liveId, user]) => ({ liveId, token: await token(user) })));

const [sockets, streams, bad, unreliable] = await Promise.all([
  holdSockets(target, Number(values.sockets)),
  manyStreams(
    target,
    streamRooms.map(([room]) => room),
    await token(streamRooms[0]![1]),
    Number(values.streams),
  ),
  malformed(target, await token("soak-nobody"), Number(values["malformed-per-second"])),
  flaky(target, flakyRooms, Number(values["flaky-per-second"])),
]);
process.stdout.write(`${JSON.stringify({ sockets, streams, malformed: bad, flaky: unreliable })}\n`);
process.exit(0);
