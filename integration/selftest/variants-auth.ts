// Variants that check credentials wrongly: leeway, nbf, the key, the scheme.
import { jwtVerify } from "jose";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";
import { newServer, TEST_SECRET } from "@cohost-kit/server/testing";
import { Code, refusal, type BrokenVariant } from "./tools.js";
import type { Interceptor } from "@connectrpc/connect";

type Claims = { sub?: string; exp?: number; nbf?: number };

/** Replaces the bearer token of host calls when `accept` says its claims should pass. */
function swapToken(accept: (claims: Claims, nowSeconds: number) => boolean): Interceptor {
  return (next) => async (req) => {
    const token = /^Bearer (\S+)$/.exec(req.header.get("authorization") ?? "")?.[1];
    const payload = token?.split(".")[1];
    if (payload) {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Claims;
      if (claims.sub && accept(claims, Date.now() / 1000))
        req.header.set("authorization", `Bearer ${await mintHostToken(TEST_SECRET, claims.sub)}`);
    }
    return next(req);
  };
}

/** Verifies host tokens under the secret read as base64, not as its UTF-8 bytes. */
const secretReadAsBase64: Interceptor = (next) => async (req) => {
  if (req.service.typeName !== "cohost.v1.CoHostService") return next(req);
  const token = /^Bearer (\S+)$/.exec(req.header.get("authorization") ?? "")?.[1] ?? "";
  try {
    const { payload } = await jwtVerify(token, Buffer.from(TEST_SECRET, "base64"), { algorithms: ["HS256"] });
    req.header.set("authorization", `Bearer ${await mintHostToken(TEST_SECRET, String(payload.sub))}`);
  } catch {
    req.header.set("authorization", `Bearer ${await mintHostToken(`${TEST_SECRET}-not-this`, "nobody")}`);
  }
  return next(req);
};

/** Takes only the exact scheme "Bearer" followed by one space. */
const bearerCaseSensitive: Interceptor = (next) => async (req) => {
  const header = req.header.get("authorization");
  if (header !== null && !/^Bearer [^ ]/.test(header)) {
    throw refusal(
      Code.Unauthenticated,
      req.service.typeName === "cohost.v1.CoHostService" ? CoHostErrorReason.TOKEN_MISSING : CoHostErrorReason.ADMIN_KEY_INVALID,
    );
  }
  return next(req);
};

export const authVariants: BrokenVariant[] = [
  {
    name: "token-leeway-of-5-seconds",
    breaks: "R2.token",
    make: () => newServer({ interceptors: [swapToken((c, now) => c.exp !== undefined && c.exp <= now && c.exp > now - 5)] }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "nbf-ignored",
    breaks: "R2.token",
    make: () => newServer({ interceptors: [swapToken((c, now) => c.nbf !== undefined && c.nbf > now && (c.exp ?? 0) > now)] }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "secret-read-as-base64",
    breaks: "R2.token",
    make: () => newServer({ interceptors: [secretReadAsBase64] }),
    caughtBy: ["accept/accept-forms-connection", "request/request-creates-pending-request"],
  },
  {
    name: "bearer-scheme-case-sensitive",
    breaks: "R2.bearer",
    make: () => newServer({ interceptors: [bearerCaseSensitive] }),
    caughtBy: ["auth/auth-bearer-scheme"],
  },
];
