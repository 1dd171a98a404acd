// Tokens and admin credentials the suite presents, good and deliberately bad.
import { CompactSign, SignJWT } from "jose";
import type { AuthVariant, TokenSpec } from "./schema.js";

export interface Credentials {
  adminKey: string;
  tokenSecret: string;
}

const encoder = new TextEncoder();

async function jwt(secret: string, sub: string, claims: { exp?: number; iat: number }): Promise<string> {
  const token = new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(sub).setIssuedAt(claims.iat);
  if (claims.exp !== undefined) token.setExpirationTime(claims.exp);
  return token.sign(encoder.encode(secret));
}

/**
 * A token with the claims a case chose (R2.token). Times are seconds from
 * `serverNowMs`, the server's time as the suite knows it.
 */
export async function tokenOf(credentials: Credentials, userId: string, spec: TokenSpec, serverNowMs: number): Promise<string> {
  const now = Math.floor(serverNowMs / 1000);
  const claims: Record<string, unknown> = {};
  const sub = spec.sub === undefined ? userId : spec.sub;
  if (sub !== null) claims.sub = sub;
  const exp = spec.exp === undefined ? 600 : spec.exp;
  if (exp !== null) claims.exp = now + exp;
  if (spec.nbf !== undefined) claims.nbf = now + spec.nbf;
  const iat = spec.iat === undefined ? -5 : spec.iat;
  if (iat !== null) claims.iat = now + iat;
  const alg = spec.alg ?? "HS256";
  const secret = spec.forged ? `forged-${credentials.tokenSecret}-forged` : credentials.tokenSecret;
  if (spec.payload !== undefined) {
    return new CompactSign(encoder.encode(spec.payload)).setProtectedHeader({ alg, typ: "JWT" }).sign(encoder.encode(secret));
  }
  if (alg === "none") {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
  }
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(encoder.encode(secret));
}

/** The Authorization header for a host call as `userId`, or for a bad variant. */
export async function hostAuthorization(
  credentials: Credentials,
  userId: string,
  variant?: AuthVariant,
  serverNowMs: () => number = () => Date.now(),
): Promise<string | undefined> {
  const now = Math.floor(Date.now() / 1000);
  if (typeof variant === "object" && "header" in variant) {
    return variant.header.replace("{token}", (await hostAuthorization(credentials, userId))!.slice("Bearer ".length));
  }
  if (typeof variant === "object" && "token" in variant)
    return `Bearer ${await tokenOf(credentials, userId, variant.token, serverNowMs())}`;
  switch (variant) {
    case undefined:
      return `Bearer ${await jwt(credentials.tokenSecret, userId, { iat: now - 5, exp: now + 600 })}`;
    case "missing":
      return undefined;
    case "forged":
      return `Bearer ${await jwt(`forged-${credentials.tokenSecret}-forged`, userId, { iat: now - 5, exp: now + 600 })}`;
    case "expired":
      return `Bearer ${await jwt(credentials.tokenSecret, userId, { iat: now - 600, exp: now - 300 })}`;
    case "no_exp":
      return `Bearer ${await jwt(credentials.tokenSecret, userId, { iat: now - 5 })}`;
    case "malformed":
      return "Bearer not-a-jwt";
    default:
      throw new Error("impersonation is resolved by the caller");
  }
}

export function adminAuthorization(credentials: Credentials, variant?: AuthVariant): string | undefined {
  if (variant === "missing") return undefined;
  if (typeof variant === "object" && "header" in variant) return variant.header.replace("{token}", credentials.adminKey);
  if (variant !== undefined) return `Bearer wrong-${credentials.adminKey}`;
  return `Bearer ${credentials.adminKey}`;
}
