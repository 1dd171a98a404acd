// The host token cache: a distinct good token is verified once, yet expiry
// (by the injected clock) still applies on every call, the cache stays within
// its bound, and nothing but a verified token is ever remembered.
import { ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { CoHostErrorDetailSchema, CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { FakeClock } from "../testing/fake-clock.js";
import { HostAuthenticator, mintHostToken } from "./auth.js";

const SECRET = "auth-spec-secret-0123456789abcdef0123";

async function reasonOf(call: Promise<unknown>): Promise<CoHostErrorReason> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectError);
  return (err as ConnectError).findDetails(CoHostErrorDetailSchema)[0]!.reason;
}

describe("HostAuthenticator token cache", () => {
  it("remembers a verified token, and refuses it as expired once the injected clock reaches exp", async () => {
    const clock = new FakeClock();
    const auth = new HostAuthenticator(SECRET, clock);
    const token = await mintHostToken(SECRET, "alice", { ttlSeconds: 60, nowMs: clock.now() });
    expect(await auth.userId(`Bearer ${token}`)).toBe("alice");
    expect(auth.cached).toBe(1);
    await clock.advance(59_999);
    expect(await auth.userId(`Bearer ${token}`)).toBe("alice");
    await clock.advance(1); // now == exp: expired, no leeway (R2)
    expect(await reasonOf(auth.userId(`Bearer ${token}`))).toBe(CoHostErrorReason.TOKEN_EXPIRED);
    expect(auth.cached).toBe(0);
    expect(await reasonOf(auth.userId(`Bearer ${token}`))).toBe(CoHostErrorReason.TOKEN_EXPIRED);
  });

  it("never remembers a forged token, even one with the payload of a remembered token", async () => {
    const clock = new FakeClock();
    const auth = new HostAuthenticator(SECRET, clock);
    const token = await mintHostToken(SECRET, "alice", { nowMs: clock.now() });
    await auth.userId(`Bearer ${token}`);
    const [header, payload, signature] = token.split(".");
    const flipped = signature!.startsWith("A") ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
    const forged = `${header}.${payload}.${flipped}`;
    const otherKey = await mintHostToken("another-secret-0123456789abcdef0123", "alice", { nowMs: clock.now() });
    for (const bad of [forged, otherKey, forged]) {
      expect(await reasonOf(auth.userId(`Bearer ${bad}`))).toBe(CoHostErrorReason.TOKEN_INVALID);
    }
    expect(auth.cached).toBe(1);
    expect(await auth.userId(`Bearer ${token}`)).toBe("alice");
  });

  it("does not remember a token refused for nbf, so it is accepted once nbf has come", async () => {
    const clock = new FakeClock();
    const auth = new HostAuthenticator(SECRET, clock);
    const { SignJWT } = await import("jose");
    const nowS = Math.floor(clock.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("bob")
      .setNotBefore(nowS + 10)
      .setExpirationTime(nowS + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await reasonOf(auth.userId(`Bearer ${token}`))).toBe(CoHostErrorReason.TOKEN_INVALID);
    expect(auth.cached).toBe(0);
    await clock.advance(10_000);
    expect(await auth.userId(`Bearer ${token}`)).toBe("bob");
  });

  it("holds at most cacheSize tokens, forgetting the longest-held first, and still answers for forgotten ones", async () => {
    const clock = new FakeClock();
    const auth = new HostAuthenticator(SECRET, clock, 3);
    const tokens = await Promise.all(["u0", "u1", "u2", "u3", "u4"].map((u) => mintHostToken(SECRET, u, { nowMs: clock.now() })));
    for (const t of tokens) await auth.userId(`Bearer ${t}`);
    expect(auth.cached).toBe(3);
    // u0 was forgotten: verified again (and remembered again), with the same answer.
    expect(await auth.userId(`Bearer ${tokens[0]}`)).toBe("u0");
    expect(auth.cached).toBe(3);
    for (const [i, t] of tokens.entries()) expect(await auth.userId(`Bearer ${t}`)).toBe(`u${i}`);
    expect(auth.cached).toBe(3);
  });
});
