// Random and boundary bad input for every field, bad tokens and oversized
// messages. Each must be refused with the documented code (and, for fields,
// the field named) and change nothing.
import { create } from "@bufbuild/protobuf";
import { BytesValueSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { createClient, type Client } from "@connectrpc/connect";
import { SignJWT } from "jose";
import { CoHostService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { hostAuthorization } from "../credentials.js";
import { renderState } from "../expectations.js";
import { ConformanceFailure, failureText } from "../feed-watcher.js";
import type { CaseContext, GeneratedFamilyOptions, SuiteCase } from "../runner.js";
import { checkOutcome, describeOutcome, isTransportFailure, outcomeOfError, type CallOutcome } from "../outcome.js";
import { WireWorld } from "./wire-world.js";

const control = fc.constantFrom(...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f");
const badId = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 60 }).map((s) => `${"x".repeat(65)}${s}`),
  fc.tuple(fc.string({ maxLength: 10 }), control).map(([s, c]) => `${s}${c}x`),
);
const badOptionalId = badId.filter((s) => s !== "");
const badLayout = fc.integer({ min: -1000, max: 100_000 }).filter((n) => ![2, 600, 601, 602, 603].includes(n));
const badTimeout = fc.oneof(fc.integer({ min: -(2 ** 31), max: 0 }), fc.integer({ min: 301, max: 2 ** 31 - 1 }));
// Past extra_info's limit, in a message under 16 KiB, the smallest size limit a server may have (R5.size).
const bigText = fc.integer({ min: 4097, max: 15_000 }).map((n) => "e".repeat(n));
const badPageSize = fc.oneof(fc.integer({ min: -(2 ** 31), max: -1 }), fc.integer({ min: 101, max: 2 ** 31 - 1 }));
const badCursor = fc.string({ minLength: 1, maxLength: 300 }).map((s) => `!${s}`);

type Mutation =
  | { method: "request"; field: string; value: unknown }
  | { method: "cancel" | "accept" | "reject" | "exit" | "candidates"; field: string; value: unknown }
  | { method: "token"; token: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ method: fc.constant("request" as const), field: fc.constant("live_id"), value: badId }),
  fc.record({ method: fc.constant("request" as const), field: fc.constant("target_host_live_id"), value: badId }),
  fc.record({ method: fc.constant("request" as const), field: fc.constant("layout_template"), value: badLayout }),
  fc.record({ method: fc.constant("request" as const), field: fc.constant("timeout_seconds"), value: badTimeout }),
  fc.record({ method: fc.constant("request" as const), field: fc.constant("extra_info"), value: bigText }),
  fc.record({ method: fc.constant("request" as const), field: fc.constant("request_id"), value: badOptionalId }),
  fc.record({ method: fc.constant("cancel" as const), field: fc.constant("to_host_live_id"), value: badId }),
  fc.record({ method: fc.constant("accept" as const), field: fc.constant("from_host_live_id"), value: badId }),
  fc.record({ method: fc.constant("reject" as const), field: fc.constant("from_host_live_id"), value: badId }),
  fc.record({ method: fc.constant("exit" as const), field: fc.constant("request_id"), value: badOptionalId }),
  fc.record({ method: fc.constant("candidates" as const), field: fc.constant("cursor"), value: badCursor }),
  fc.record({ method: fc.constant("candidates" as const), field: fc.constant("page_size"), value: badPageSize }),
  fc.record({
    method: fc.constant("token" as const),
    token: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${s}.${s}.${s}`),
    ),
  }),
);

const camel = (field: string) => field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** One malformed call; a transport failure (no CoHostErrorDetail) is retried once, as these calls change nothing. */
async function send(world: WireWorld, m: Mutation, c: Client<typeof CoHostService> = world.cohost): Promise<CallOutcome> {
  const first = await sendOnce(world, m, c);
  return isTransportFailure(first) ? sendOnce(world, m, c) : first;
}

async function sendOnce(world: WireWorld, m: Mutation, c: Client<typeof CoHostService>): Promise<CallOutcome> {
  const alice = world.liveId("alice");
  const bob = world.liveId("bob");
  const headers = m.method === "token" ? { headers: { authorization: `Bearer ${m.token}` } } : await world.hostHeaders("alice");
  const set = (base: Record<string, unknown>) => (m.method === "token" ? base : { ...base, [camel(m.field)]: m.value });
  try {
    switch (m.method) {
      case "request":
      case "token":
        return ok(
          await c.requestHostConnection(
            set({ liveId: alice, targetHostLiveId: bob, layoutTemplate: 600, timeoutSeconds: 30 }) as never,
            headers,
          ),
        );
      case "cancel":
        return ok(await c.cancelHostConnection(set({ liveId: alice, toHostLiveId: bob }) as never, headers));
      case "accept":
        return ok(await c.acceptHostConnection(set({ liveId: alice, fromHostLiveId: bob }) as never, headers));
      case "reject":
        return ok(await c.rejectHostConnection(set({ liveId: alice, fromHostLiveId: bob }) as never, headers));
      case "exit":
        return ok(await c.exitHostConnection(set({ liveId: alice }) as never, headers));
      case "candidates":
        return ok(await c.getCoHostCandidates(set({ liveId: alice }) as never, headers));
    }
  } catch (err) {
    return outcomeOfError(err);
  }
}

/**
 * RequestHostConnection with a body that is not a RequestHostConnectionRequest:
 * a BytesValue whose bytes sit where live_id is, and are not UTF-8 (binary),
 * or a bare JSON string (JSON). Either way it cannot be decoded (R5.undecodable).
 */
async function sendUndecodable(world: WireWorld, ctx: CaseContext): Promise<CallOutcome> {
  const method = CoHostService.method.requestHostConnection;
  const bogus = { ...method, input: BytesValueSchema } as unknown as typeof method;
  const transport = ctx.freshTransport();
  try {
    const response = await transport.unary(
      bogus,
      undefined,
      undefined,
      (await world.hostHeaders("alice")).headers,
      create(BytesValueSchema, { value: new Uint8Array([0xc3, 0x28, 0xff]) }) as never,
      undefined,
    );
    return ok(response.message);
  } catch (err) {
    return outcomeOfError(err);
  }
}

function ok(response: unknown): CallOutcome {
  return { ok: true, response: response as { $typeName: string }, schema: undefined as never };
}

async function fingerprint(world: WireWorld): Promise<string> {
  const rooms = await world.rooms();
  return [...rooms].map(([n, r]) => `${n}@${r.position?.sequence}: ${renderState(r.state, world.cast)}`).join("\n");
}

export function malformedCase(options: GeneratedFamilyOptions): SuiteCase {
  return {
    family: "generated",
    name: "malformed-input-changes-nothing",
    rules: ["R2", "R5", "R20", "R5.limits", "R5.size", "R5.undecodable", "R5.detail", "R2.token", "R20.atomic"],
    procedure:
      "fast-check sends random and boundary bad values for every field of every host call (texts up to 15,000 bytes, within the 16 KiB every server takes), garbage and forged tokens, one request over 1 MiB and one that does not decode; the seed is printed on failure.",
    asserts:
      "bad fields get INVALID_ARGUMENT / INVALID_FIELD naming the field with exactly one detail, bad tokens UNAUTHENTICATED, an over-1-MiB message RESOURCE_EXHAUSTED (a detail optional), an undecodable one INVALID_ARGUMENT or INTERNAL; no call changes any state or feed position.",
    async run(ctx: CaseContext) {
      const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
      const world = new WireWorld(ctx, ["alice", "bob"], `${ctx.prefix}m`);
      await world.open();
      try {
        const before = await fingerprint(world);
        // Fixed probes first: the boundary cases every run must cover.
        const forged = await new SignJWT({})
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(world.cast.actor("alice").userId)
          .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
          .sign(new TextEncoder().encode(`${ctx.credentials.tokenSecret}-not`));
        const probes: [Mutation, "ok" | { code: string; reason: string; field?: string }][] = [
          [
            { method: "token", token: forged },
            { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" },
          ],
          [
            { method: "request", field: "timeout_seconds", value: 301 },
            { code: "INVALID_ARGUMENT", reason: "INVALID_FIELD", field: "timeout_seconds" },
          ],
          [
            { method: "request", field: "extra_info", value: "e".repeat(4097) },
            { code: "INVALID_ARGUMENT", reason: "INVALID_FIELD", field: "extra_info" },
          ],
          // Under 16 KiB in all: the field's answer, not the transport's (R5.size).
          [
            { method: "request", field: "extra_info", value: "e".repeat(15_000) },
            { code: "INVALID_ARGUMENT", reason: "INVALID_FIELD", field: "extra_info" },
          ],
        ];
        for (const [m, expected] of probes) checkOutcome(`probe ${m.method}`, await send(world, m), expected);
        // On its own connections: a server may cut an HTTP/1.1 connection whose body it refused to
        // read, and the client, still sending, may then see the cut instead of the answer: try again.
        let huge: CallOutcome | undefined;
        for (let attempt = 0; attempt < 3; attempt++) {
          huge = await send(
            world,
            { method: "request", field: "extra_info", value: "e".repeat(1_100_000) },
            createClient(CoHostService, ctx.freshTransport()),
          );
          if (huge.ok || huge.details > 0 || !["INTERNAL", "UNAVAILABLE", "ABORTED", "UNKNOWN"].includes(huge.code)) break;
        }
        if (!huge || huge.ok || huge.code !== "RESOURCE_EXHAUSTED")
          throw new ConformanceFailure(`a request over 1 MiB should be RESOURCE_EXHAUSTED, got ${huge?.ok ? "ok" : huge?.code} (R5.size)`);
        const undecodable = await sendUndecodable(world, ctx);
        if (undecodable.ok || !["INVALID_ARGUMENT", "INTERNAL"].includes(undecodable.code))
          throw new ConformanceFailure(
            `a message that does not decode should be INVALID_ARGUMENT or INTERNAL, got ${describeOutcome(undecodable)} (R5.undecodable)`,
          );
        const expired = await hostAuthorization(ctx.credentials, world.cast.actor("alice").userId, "expired");
        checkOutcome("expired token", await send(world, { method: "token", token: expired!.slice("Bearer ".length) }), {
          code: "UNAUTHENTICATED",
          reason: "TOKEN_EXPIRED",
        });

        await fc.assert(
          fc.asyncProperty(mutation, async (m) => {
            const outcome = await send(world, m);
            if (m.method === "token") {
              if (outcome.ok || outcome.code !== "UNAUTHENTICATED" || outcome.details !== 1) {
                throw new ConformanceFailure(
                  `a garbage token should be UNAUTHENTICATED with a detail, got ${outcome.ok ? "ok" : `${outcome.code}/${outcome.reason}`}`,
                );
              }
            } else {
              checkOutcome(`${m.method} with bad ${m.field}`, outcome, {
                code: "INVALID_ARGUMENT",
                reason: "INVALID_FIELD",
                field: m.field,
              });
            }
          }),
          { numRuns: options.runs ?? 60, seed, endOnFailure: true },
        );
        const after = await fingerprint(world);
        if (after !== before) throw new ConformanceFailure(`malformed calls changed state:\nbefore:\n${before}\nafter:\n${after}`);
      } catch (err) {
        throw new ConformanceFailure(`reproduce with --seed ${seed}\n${failureText(err)}`);
      } finally {
        await world.close();
      }
    },
  };
}
