// R5 step 2: every field within its documented limits. Each check returns
// the first violation in field-number order, or undefined.
import { isKnownLayout } from "../engine/layouts.js";

export interface Violation {
  field: string;
  message: string;
}

export const limits = {
  idBytes: 64,
  userNameBytes: 128,
  avatarUrlBytes: 1024,
  extraInfoBytes: 4096,
  cursorBytes: 256,
  timeoutSeconds: { min: 1, max: 300 },
  pageSize: { max: 100, default: 20 },
} as const;

// Control characters U+0000..U+001F and U+007F.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function bytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

export function checkId(field: string, value: string): Violation | undefined {
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (value.length === 0) return { field, message: "must not be empty" };
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (!value.isWellFormed()) return { field, message: "must be valid UTF-8" };
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (bytes(value) > limits.idBytes) return { field, message: `must be at most ${limits.idBytes} bytes` };
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (CONTROL.test(value)) return { field, message: "must not contain control characters" };
  return undefined;
}

export function checkOptionalId(field: string, value: string): Violation | undefined {
  return value === "" ? undefined : checkId(field, value);
}

/** Free-form data (extra_info): any UTF-8 text up to `maxBytes`. */
export function checkText(field: string, value: string, maxBytes: number): Violation | undefined {
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (!value.isWellFormed()) return { field, message: "must be valid UTF-8" };
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  if (bytes(value) > maxBytes) return { field, message: `must be at most ${maxBytes} bytes` };
  return undefined;
}

/** Text shown to people (user_name, avatar_url): as checkText, without control characters. */
export function checkDisplayText(field: string, value: string, maxBytes: number): Violation | undefined {
  const violation = checkText(field, value, maxBytes);
  if (violation) return violation;
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  return CONTROL.test(value) ? { field, message: "must not contain control characters" } : undefined;
}

export function checkLayout(field: string, value: number): Violation | undefined {
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  return isKnownLayout(value) ? undefined : { field, message: "must be one of the defined layouts" };
}

export function checkRange(field: string, value: number, min: number, max: number): Violation | undefined {
  // Stryker disable next-line StringLiteral: message text is not part of the protocol
  return Number.isInteger(value) && value >= min && value <= max ? undefined : { field, message: `must be ${min} to ${max}` };
}

/** The first violation among the checks, in the order given. */
export function firstViolation(...checks: (() => Violation | undefined)[]): Violation | undefined {
  for (const check of checks) {
    const violation = check();
    if (violation) return violation;
  }
  return undefined;
}
