// R2: who is calling. Hosts prove their user id with an HS256 JWT signed by
// the server's secret; the platform's backend uses the admin key.
import { createHash, timingSafeEqual } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock } from "../clock.js";
import { unauthenticated } from "./errors.js";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function bearerToken(authorization: string | null): string | undefined {
  return authorization ? BEARER.exec(authorization)?.[1] : undefined;
}

/** Verifies host tokens; remembers recent good ones so a call costs one map lookup. */
export class HostAuthenticator {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { sub: string; expMs: number }>();

  constructor(
    secret: string,
    private readonly clock: Clock,
    private readonly cacheSize = 10_000,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** The caller's user id, or throws UNAUTHENTICATED with the reason. */
  async userId(authorization: string | null): Promise<string> {
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated(CoHostErrorReason.TOKEN_MISSING, "missing Authorization: Bearer token");
    const now = this.clock.now();
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expMs > now) return cached.sub;
      this.verified.delete(token);
      throw unauthenticated(CoHostErrorReason.TOKEN_EXPIRED, "token expired");
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        requiredClaims: ["sub", "exp"],
        currentDate: new Date(now),
        clockTolerance: 0,
      });
      const sub = payload.sub;
      if (typeof sub !== "string" || sub === "") throw new errors.JWTClaimValidationFailed("sub must be a string", payload, "sub");
      if (this.verified.size >= this.cacheSize) this.verified.clear();
      this.verified.set(token, { sub, expMs: (payload.exp ?? 0) * 1000 });
      return sub;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthenticated(CoHostErrorReason.TOKEN_EXPIRED, "token expired");
      throw unauthenticated(CoHostErrorReason.TOKEN_INVALID, "token is not valid");
    }
  }
}

/** Compares admin keys in constant time (hashing first evens out lengths). */
export class AdminAuthenticator {
  private readonly digest: Buffer;

  constructor(adminKey: string) {
    this.digest = createHash("sha256").update(adminKey).digest();
  }

  check(authorization: string | null): void {
    const token = bearerToken(authorization) ?? "";
    const digest = createHash("sha256").update(token).digest();
    if (!token || !timingSafeEqual(digest, this.digest)) {
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
