// Call arguments of the case files, resolved for one run: actor names become
// the run's ids, layouts their wire values, cursors the spec's encoding.
import { CoHostLayoutTemplateSchema } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Cast } from "./expectations.js";
import type { Arg } from "./schema.js";

/** A cursor in the form the spec defines (R17.cursor): URL-safe base64 of `c1:` and a live id, unpadded. */
export function cursorOf(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

export function cursorAfter(liveId: string): string {
  return cursorOf(`c1:${liveId}`);
}

export function resolveArg(cast: Cast, key: string, value: Arg): unknown {
  if (typeof value === "object") {
    if ("repeat" in value) return value.repeat.repeat(value.count);
    if ("cursor_after" in value) return cursorAfter(cast.actor(value.cursor_after).liveId);
    if ("cursor_of" in value) return cursorOf(value.cursor_of);
    return cast.actor(value.user_of).userId;
  }
  if (key === "layout_template" && typeof value === "string") {
    const v = CoHostLayoutTemplateSchema.values.find((x) => x.localName === value);
    if (!v) throw new Error(`unknown layout ${value}`);
    return v.number;
  }
  if (key.endsWith("live_id") && typeof value === "string" && cast.has(value)) return cast.actor(value).liveId;
  return value;
}
