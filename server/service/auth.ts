// R2: who is calling. Hosts prove their user id with an HS256 JWT signed by
// the server's secret; the platform's backend uses the admin key.
import { createHash, timingSafeEqual } from "node:crypto";
import { compactVerify, SignJWT } from "jose";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock } from "../clock.js";
import { unauthenticated } from "./errors.js";

/**
 * The credential of an `Authorization` header: scheme `Bearer` (any case),
 * one or more spaces, the credential. Anything else is no credential (R2).
 */
export function bearerCredential(authorization: string | null): string | undefined {
  const value = authorization?.trim() ?? "";
  const space = value.indexOf(" ");
  if (space < 0 || value.slice(0, space).toLowerCase() !== "bearer") return undefined;
  return value.slice(space + 1).trim() || undefined;
}

interface Claims {
  sub: string;
  expMs: number;
}

// Stryker disable next-line StringLiteral: message text is not part of the protocol
const invalid = () => unauthenticated(CoHostErrorReason.TOKEN_INVALID, "token is not valid");
// Stryker disable next-line StringLiteral: message text is not part of the protocol
const expired = () => unauthenticated(CoHostErrorReason.TOKEN_EXPIRED, "token expired");

/**
 * Verifies host tokens in the order the spec states (R2): HS256 signature,
 * then `sub`, `exp` and `nbf`, then expiry. Each distinct good token is
 * verified once and remembered (keyed by the whole token, so a forged
 * signature never matches) until it expires by the injected clock; expiry
 * is still checked on every call. At most `cacheSize` are remembered; the
 * longest-held is forgotten first.
 */
export class HostAuthenticator {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, Claims>();

  constructor(
    secret: string,
    private readonly clock: Clock,
    private readonly cacheSize = 10_000,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** The caller's user id, or throws UNAUTHENTICATED with the reason. */
  async userId(authorization: string | null): Promise<string> {
    const token = bearerCredential(authorization);
    // Stryker disable next-line StringLiteral: message text is not part of the protocol
    if (!token) throw unauthenticated(CoHostErrorReason.TOKEN_MISSING, "missing Authorization: Bearer token");
    const now = this.clock.now();
    let claims = this.verified.get(token);
    if (!claims) {
      claims = await this.verify(token, now);
      if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    if (now >= claims.expMs) {
      this.verified.delete(token);
      throw expired();
    }
    return claims.sub;
  }

  /** Tokens remembered as verified (for tests). */
  get cached(): number {
    return this.verified.size;
  }

  /** Steps 1 and 2 of the spec's token check; expiry is step 3, on every call. */
  private async verify(token: string, now: number): Promise<Claims> {
    let payload: unknown;
    try {
      const { payload: bytes } = await compactVerify(token, this.key, { algorithms: ["HS256"] });
      payload = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw invalid();
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw invalid();
    const { sub, exp, nbf } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || sub === "" || typeof exp !== "number") throw invalid();
    if (nbf !== undefined && (typeof nbf !== "number" || nbf * 1000 > now)) throw invalid();
    return { sub, expMs: exp * 1000 };
  }
}

/** Compares admin keys in constant time (hashing first evens out lengths). */
export class AdminAuthenticator {
  private readonly digest: Buffer;

  constructor(adminKey: string) {
    this.digest = createHash("sha256").update(adminKey).digest();
  }

  check(authorization: string | null): void {
    const token = bearerCredential(authorization) ?? "";
    const digest = createHash("sha256").update(token).digest();
    if (!token || !timingSafeEqual(digest, this.digest)) {
      // Stryker disable next-line StringLiteral: message text is not part of the protocol
      throw unauthenticated(CoHostErrorReason.ADMIN_KEY_INVALID, "missing or wrong admin key");
    }
  }
}

/** Mints a host token (for development, tests and the token tool). */
export async function mintHostToken(
  secret: string,
  userId: string,
  options: { ttlSeconds?: number; nowMs?: number } = {},
): Promise<string> {
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(secret));
}
