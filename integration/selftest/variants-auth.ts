// Variants that check credentials wrongly: leeway, nbf, iat, the key, the
// order of the checks, the algorithm, the claims, the scheme.
import { jwtVerify } from "jose";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";
import { newServer, TEST_SECRET } from "@cohost-kit/server/testing";
import { claimsOf, Code, jwsHeaderOf, refusal, type BrokenVariant } from "./tools.js";
import type { Interceptor } from "@connectrpc/connect";

type Claims = { sub?: unknown; exp?: unknown; nbf?: unknown; iat?: unknown };
const num = (x: unknown): number | undefined => (typeof x === "number" ? x : undefined);
const isHost = (typeName: string) => typeName === "cohost.v1.CoHostService";

/**
 * Replaces the bearer token of host calls with a valid one for the user
 * `accept` names, when it names one: the variant takes a token the spec
 * refuses.
 */
function swapToken(accept: (claims: Claims, header: Record<string, unknown>, nowSeconds: number) => string | undefined): Interceptor {
  return (next) => async (req) => {
    const authorization = req.header.get("authorization");
    const claims = isHost(req.service.typeName) ? claimsOf(authorization) : undefined;
    const user = claims && accept(claims, jwsHeaderOf(authorization) ?? {}, Date.now() / 1000);
    if (user !== undefined) req.header.set("authorization", `Bearer ${await mintHostToken(TEST_SECRET, user)}`);
    return next(req);
  };
}

/** Refuses host calls whose token `refuse` objects to, before the server checks it: the variant refuses a token the spec takes, or refuses it for another reason. */
function refuseToken(refuse: (claims: Claims, nowSeconds: number) => CoHostErrorReason | undefined): Interceptor {
  return (next) => async (req) => {
    const claims = isHost(req.service.typeName) ? claimsOf(req.header.get("authorization")) : undefined;
    const reason = claims && refuse(claims, Date.now() / 1000);
    if (reason !== undefined) throw refusal(Code.Unauthenticated, reason);
    return next(req);
  };
}

/** Rewrites the Authorization header of host calls before the server reads it. */
function hostHeader(rewrite: (header: string) => string | CoHostErrorReason): Interceptor {
  return (next) => async (req) => {
    const header = req.header.get("authorization");
    if (header === null || !isHost(req.service.typeName)) return next(req);
    const changed = rewrite(header);
    if (typeof changed !== "string") throw refusal(Code.Unauthenticated, changed);
    req.header.set("authorization", changed);
    return next(req);
  };
}

/** The sub of a token whose claims would otherwise pass. */
const subIfLive = (c: Claims, now: number) =>
  typeof c.sub === "string" && c.sub && (num(c.exp) ?? 0) > now && (num(c.nbf) ?? 0) <= now ? c.sub : undefined;

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
    make: () =>
      newServer({
        interceptors: [
          swapToken((c, _h, now) => {
            const exp = num(c.exp);
            return exp !== undefined && exp <= now && exp > now - 5 && typeof c.sub === "string" ? c.sub : undefined;
          }),
        ],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "exp-equal-to-now-accepted",
    breaks: "R2.token",
    // Expired only once the clock's second is past exp: `exp < floor(now)`.
    make: () =>
      newServer({
        interceptors: [swapToken((c, _h, now) => (num(c.exp) === Math.floor(now) && typeof c.sub === "string" ? c.sub : undefined))],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "nbf-ignored",
    breaks: "R2.token",
    make: () =>
      newServer({
        interceptors: [
          swapToken((c, _h, now) => {
            const nbf = num(c.nbf);
            return nbf !== undefined && nbf > now && (num(c.exp) ?? 0) > now && typeof c.sub === "string" ? c.sub : undefined;
          }),
        ],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "nbf-equal-to-now-refused",
    breaks: "R2.token",
    make: () =>
      newServer({
        interceptors: [
          refuseToken((c, now) => ((num(c.nbf) ?? -Infinity) >= Math.floor(now) ? CoHostErrorReason.TOKEN_INVALID : undefined)),
        ],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "iat-in-the-future-refused",
    breaks: "R2.token",
    make: () =>
      newServer({
        interceptors: [refuseToken((c, now) => ((num(c.iat) ?? -Infinity) > now ? CoHostErrorReason.TOKEN_INVALID : undefined))],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "iat-required",
    breaks: "R2.token",
    make: () => newServer({ interceptors: [refuseToken((c) => (c.iat === undefined ? CoHostErrorReason.TOKEN_INVALID : undefined))] }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "expiry-checked-before-signature-and-claims",
    breaks: "R2.token",
    make: () =>
      newServer({
        interceptors: [refuseToken((c, now) => ((num(c.exp) ?? Infinity) <= now ? CoHostErrorReason.TOKEN_EXPIRED : undefined))],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "alg-none-accepted",
    breaks: "R2.token",
    make: () => newServer({ interceptors: [swapToken((c, h, now) => (h.alg === "none" ? subIfLive(c, now) : undefined))] }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "any-hmac-algorithm-accepted",
    breaks: "R2.token",
    make: () =>
      newServer({ interceptors: [swapToken((c, h, now) => (h.alg === "HS384" || h.alg === "HS512" ? subIfLive(c, now) : undefined))] }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "empty-sub-accepted",
    breaks: "R2.token",
    // A token with sub "" passes as the user "" (who hosts no room).
    make: () => newServer({ interceptors: [swapToken((c) => (c.sub === "" ? "anonymous" : undefined))] }),
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
  {
    name: "other-scheme-is-an-invalid-token",
    breaks: "R2.bearer",
    make: () => newServer({ interceptors: [hostHeader((h) => (/^\s*bearer(\s|$)/i.test(h) ? h : CoHostErrorReason.TOKEN_INVALID))] }),
    caughtBy: ["auth/auth-bearer-scheme"],
  },
  {
    name: "bare-bearer-is-an-invalid-token",
    breaks: "R2.bearer",
    make: () => newServer({ interceptors: [hostHeader((h) => (/^\s*bearer\s*$/i.test(h) ? CoHostErrorReason.TOKEN_INVALID : h))] }),
    caughtBy: ["auth/auth-bearer-scheme"],
  },
  {
    name: "text-after-the-token-ignored",
    breaks: "R2.bearer",
    make: () => newServer({ interceptors: [hostHeader((h) => h.replace(/^\s*(bearer +\S+) +\S.*$/i, "$1"))] }),
    caughtBy: ["auth/auth-bearer-scheme"],
  },
];
