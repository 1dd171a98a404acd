// Tokens and admin credentials the suite presents, good and deliberately bad.
import { SignJWT } from "jose";
import type { AuthVariant } from "./schema.js";

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

/** The Authorization header for a host call as `userId`, or for a bad variant. */
export async function hostAuthorization(credentials: Credentials, userId: string, variant?: AuthVariant): Promise<string | undefined> {
  const now = Math.floor(Date.now() / 1000);
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
  if (variant !== undefined) return `Bearer wrong-${credentials.adminKey}`;
  return `Bearer ${credentials.adminKey}`;
}
