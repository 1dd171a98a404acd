// R17: cursors are opaque to clients, but their form is the spec's: the
// URL-safe base64 of "c1:" and the last live id of the previous page, so
// paging is stable while rooms come and go and any instance (or server)
// continues any other's paging.
import { checkId, limits, type Violation } from "./validation.js";

const PREFIX = "c1:";

export function encodeCursor(lastLiveId: string): string {
  return Buffer.from(PREFIX + lastLiveId, "utf8").toString("base64url");
}

/** The live id after which the page starts ("" for the first page), or a violation. */
export function decodeCursor(field: string, cursor: string): { after: string } | Violation {
  if (cursor === "") return { after: "" };
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  const invalid = { field, message: "is not a cursor (the URL-safe base64 of c1: and a live id)" };
  if (Buffer.byteLength(cursor) > limits.cursorBytes || !/^[A-Za-z0-9_-]+$/.test(cursor)) return invalid;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(PREFIX)) return invalid;
  const after = text.slice(PREFIX.length);
  // Only the one encoding the spec defines: no padding, no stray bits, no replaced bytes.
  return checkId(field, after) || encodeCursor(after) !== cursor ? invalid : { after };
}

export function isViolation(value: { after: string } | Violation): value is Violation {
  return "field" in value;
}
