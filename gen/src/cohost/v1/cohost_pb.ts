// CoHost: cross-room host connection ("co-host") for live streaming.
//
// This file is the whole contract. A server that implements it, in any
// language, behaves exactly as the comments below say; a client that
// consumes it needs nothing else. Rule ids (R1..R20) name the behaviour
// rules the comments state. Requirement words in capitals are those of
// RFC 2119. Each absolute requirement and prohibition (RFC 2119, sections
// 1 and 2) carries an id in square brackets, made of its rule and a name
// (for example R7.overdue, the statement on overdue requests);
// `conformance/COVERAGE.md` lists each one with the conformance cases that
// check it.
//
// Conventions that hold for every RPC in this file:
//
// * Transport. A server MUST speak the Connect, gRPC and gRPC-Web
//   protocols with the binary Protobuf codec, and MUST accept uncompressed
//   request messages [R5.transport]. It MAY also accept JSON (Connect) and
//   compressed messages (gzip). gRPC runs over HTTP/2; Connect and gRPC-Web
//   run over HTTP/2 and, for browsers, HTTP/1.1.
// * Errors. A refusal is an error with a Connect/gRPC code and exactly one
//   `CoHostErrorDetail` in its details (`grpc-status-details-bin` for gRPC
//   and gRPC-Web, the `details` array for Connect). Every refusal this file
//   names MUST carry that detail with the stated code, `reason` and `field`
//   [R5.detail]. `field` MUST be the one `CoHostErrorReason` gives for the
//   reason, and empty where it gives none [R5.field]. `retry_after` MUST be
//   set with `RATE_LIMITED` and MUST NOT be set with any other reason
//   [R19.retry-after]. Clients branch on `reason`, never on the message
//   text, which is free-form.
// * Transport refusals. Some requests are refused by the protocol layer
//   before any rule of this file applies; such a refusal MAY come without a
//   `CoHostErrorDetail`, and clients accept it with or without one:
//   - A request message larger than the server's limit MUST be refused
//     with `RESOURCE_EXHAUSTED` (with reason `MESSAGE_TOO_LARGE` where the
//     server can attach a detail), before the credential is checked
//     [R5.size]. The limit applies to the message after decompression; it
//     MUST NOT be below 16 KiB (every valid request is far smaller) and
//     MUST NOT be above 1 MiB [R5.size].
//   - A request message that cannot be decoded (not valid protobuf or
//     JSON, or a string that is not valid UTF-8) MUST be refused with
//     `INVALID_ARGUMENT` or `INTERNAL` (the code the protocol libraries
//     give) and MUST change nothing [R5.undecodable].
//   - A server MAY refuse a new `WatchCoHost` stream with
//     `RESOURCE_EXHAUSTED` / `TOO_MANY_STREAMS` (too many of the user's,
//     the room's or the connection's) or `SERVER_AT_CAPACITY`, but it MUST
//     allow at least 8 concurrent streams per room and per user, and at
//     least 100 per connection [R16.streams].
// * Identity (R2). Host calls (`CoHostService`) carry
//   `Authorization: Bearer <token>`; admin calls (`RoomAdminService`) carry
//   `Authorization: Bearer <admin key>`. The header value, without
//   surrounding whitespace, is the scheme `Bearer` (any letter case), one
//   or more spaces, and the credential. A missing header, another scheme,
//   or a scheme with no credential after it MUST be refused as a missing
//   credential (`TOKEN_MISSING`, or `ADMIN_KEY_INVALID` for admin calls)
//   [R2.bearer]. The token is a JWT in JWS compact form, and a server MUST
//   check it in this order, refusing with `UNAUTHENTICATED` [R2.token]:
//   1. It MUST be HS256 (header `alg` exactly `HS256`; `none` and every
//      other algorithm are refused) with a valid HMAC-SHA256 signature
//      under the key made of the UTF-8 bytes of the server's secret;
//      otherwise, or when it is not a well-formed JWS, `TOKEN_INVALID`
//      [R2.token].
//   2. Its payload MUST be a JSON object with `sub` a non-empty string and
//      `exp` a number, and with `nbf`, when present, a number not after
//      the server's time; otherwise `TOKEN_INVALID` [R2.token].
//   3. The server's time MUST be before `exp`; otherwise `TOKEN_EXPIRED`
//      [R2.token]. There is no leeway: a token whose `exp` equals the
//      current second is expired.
//   Times are seconds since the Unix epoch on the server's clock. `iat`,
//   `iss`, `aud`, `typ` and other claims and header fields are ignored.
//   `sub` is the caller's user id.
// * Fields. Strings are UTF-8, and length limits count UTF-8 bytes. A
//   "control character" is U+0000..U+001F or U+007F. An "id" (live id,
//   user id, request id, epoch) is 1 to 64 bytes with no control
//   character. Each request field's comment states its limits; a server
//   MUST refuse a value outside them with `INVALID_ARGUMENT` /
//   `INVALID_FIELD` (R5, rule 2) and MUST accept every value within them,
//   the limits included [R5.limits].
// * Refusal order (R5). When several refusals apply, a server MUST return
//   the first one in this list, so every server answers alike [R5.order]:
//   1. `UNAUTHENTICATED`: a missing, malformed, forged or expired
//      credential (see Identity).
//   2. `INVALID_ARGUMENT` / `INVALID_FIELD`: a field breaks its stated
//      limits; `field` names the first such field in field-number order.
//      Between steps 2 and 3, a mutating host call that carries a
//      `request_id` this user used before is answered from memory (see
//      Idempotency), before the room checks and the rate limit.
//   3. `NOT_FOUND` / `ROOM_NOT_FOUND` when the caller's room (`live_id`) is
//      not open, then `PERMISSION_DENIED` / `NOT_ROOM_HOST` when the
//      token's user is not that room's host.
//   4. The refusals listed on each RPC, in the order listed there.
// * Nothing half-done (R20). Every call MUST either apply completely or
//   change nothing [R20.atomic]. A refused call MUST change nothing, with
//   two exceptions: it uses rate-limit allowance as R19 says, and it may be
//   preceded by `request_timeout` changes that were due anyway (R7)
//   [R20.atomic].
// * Invariants (R20). After any sequence of calls, timeouts and closes, a
//   server's rooms MUST satisfy all of these [R20.invariants]: a room is in
//   at most one connection, and connections are symmetric (h is in my
//   `connected` exactly when I am in h's, and both lists are equal); a room
//   lists B in `invitees` exactly when B's `applicant` is that room; no
//   connection and its pending requests exceed the layout's capacity; and
//   every request ends exactly once (accepted, rejected, cancelled or timed
//   out).
// * Idempotency (R18). Mutating host calls (Request, Cancel, Accept, Reject
//   and ExitHostConnection) take an optional `request_id`. A retry with the
//   same `request_id` by the same user (the token's `sub`) MUST return the
//   outcome of the first call, its response or its refusal, unchanged and
//   without acting again, for at least 10 minutes after the first call,
//   unless the user sent 100 other request ids since or the caller's room
//   was opened again since (see below) [R18.replay]. A retry the server no
//   longer remembers acts as a first call. When the caller's room
//   (`live_id`) was open at the first call and is open at the retry in a
//   later incarnation (another epoch), the remembered outcome belongs to
//   the room's former incarnation: the retry MUST act as a first call
//   [R18.reopen]. A remembered retry, and a reused `request_id`, are
//   answered between steps 2 and 3 of the refusal order, so also after
//   the room closed or while the room is rate-limited [R18.order]. Request
//   ids of different users are unrelated: a server MUST NOT answer one
//   user's call from another user's request id [R18.per-user]. Reusing a
//   `request_id` for a different call (another method, or any other field
//   different) MUST be refused with `INVALID_ARGUMENT` /
//   `REQUEST_ID_REUSED` [R18.reused]. Calls refused at steps 1 and 2 of
//   the refusal order, and `RATE_LIMITED` refusals, MUST NOT be
//   remembered: a retry with the same id acts as a first call
//   [R18.not-remembered].
// * Time (R7). A request's deadline is the server's time when it accepted
//   the request plus `timeout_seconds`. When a request from A to B times
//   out, a server MUST end that request only: A's `invitees` loses B, B's
//   `applicant` becomes empty, and both A's and B's feeds carry
//   `request_timeout(inviter=A, invitee=B)` [R7.effects]. A server MUST end
//   a pending request no earlier than its deadline and no later than 1
//   second after it, whether or not any call arrives [R7.when]. A call
//   decided after a request's deadline MUST treat that request as ended:
//   its `request_timeout` changes come first, then the call is decided
//   without it [R7.overdue]. Each request that ends by timeout MUST be its
//   own CHANGE on each side's feed, and a room's feed MUST carry the
//   timeouts that end at once in deadline order, the older request first
//   on equal deadlines [R7.one-change]. Instances of one deployment judge deadlines
//   by their own clocks, so they keep their clocks synchronized (NTP); the
//   bounds above then hold up to the instances' clock difference.
// * Retries, for clients. A unary call that ends with `UNAVAILABLE`,
//   `DEADLINE_EXCEEDED` or a network error may or may not have been
//   applied: retry reads freely, and mutations only with the same
//   `request_id` (R18). Retry `RATE_LIMITED` after `retry_after`, and
//   `TOKEN_EXPIRED` with a new token. Every other refusal depends only on
//   the request and the rooms' state: the same call gets the same answer
//   until the state changes, which the feeds show. For `WatchCoHost`, see
//   its comment.
//
// Room states. Each open room is in exactly one of:
// * idle: not connected, no request pending to or from it;
// * inviting: not connected, one or more outgoing requests pending;
// * invited: not connected, exactly one incoming request pending (and no
//   outgoing request);
// * connected: member of a connection of 2 to N rooms; it may have outgoing
//   requests pending and never has an incoming one.

// @generated by protoc-gen-es v2.13.0 with parameter "target=ts,import_extension=js"
// @generated from file cohost/v1/cohost.proto (package cohost.v1, syntax proto3)
/* eslint-disable */

import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import { file_google_protobuf_duration, file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";

/**
 * Describes the file cohost/v1/cohost.proto.
 */
export const file_cohost_v1_cohost: GenFile = /*@__PURE__*/
  fileDesc("ChZjb2hvc3QvdjEvY29ob3N0LnByb3RvEgljb2hvc3QudjEiVwoMU2VhdFVzZXJJbmZvEg8KB2xpdmVfaWQYASABKAkSDwoHdXNlcl9pZBgCIAEoCRIRCgl1c2VyX25hbWUYAyABKAkSEgoKYXZhdGFyX3VybBgEIAEoCSLzAQoLQ29Ib3N0U3RhdGUSJwoGc3RhdHVzGAEgASgOMhcuY29ob3N0LnYxLkNvSG9zdFN0YXR1cxIqCgljb25uZWN0ZWQYAiADKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEikKCGludml0ZWVzGAMgAygLMhcuY29ob3N0LnYxLlNlYXRVc2VySW5mbxIqCglhcHBsaWNhbnQYBCABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEjgKD2xheW91dF90ZW1wbGF0ZRgFIAEoDjIfLmNvaG9zdC52MS5Db0hvc3RMYXlvdXRUZW1wbGF0ZSKGAwoLQ29Ib3N0RXZlbnQSNgoQcmVxdWVzdF9yZWNlaXZlZBgBIAEoCzIaLmNvaG9zdC52MS5SZXF1ZXN0UmVjZWl2ZWRIABI4ChFyZXF1ZXN0X2NhbmNlbGxlZBgCIAEoCzIbLmNvaG9zdC52MS5SZXF1ZXN0Q2FuY2VsbGVkSAASNgoQcmVxdWVzdF9hY2NlcHRlZBgDIAEoCzIaLmNvaG9zdC52MS5SZXF1ZXN0QWNjZXB0ZWRIABI2ChByZXF1ZXN0X3JlamVjdGVkGAQgASgLMhouY29ob3N0LnYxLlJlcXVlc3RSZWplY3RlZEgAEjQKD3JlcXVlc3RfdGltZW91dBgFIAEoCzIZLmNvaG9zdC52MS5SZXF1ZXN0VGltZW91dEgAEiwKC3VzZXJfam9pbmVkGAYgASgLMhUuY29ob3N0LnYxLlVzZXJKb2luZWRIABIoCgl1c2VyX2xlZnQYByABKAsyEy5jb2hvc3QudjEuVXNlckxlZnRIAEIHCgVldmVudCLlAQoPUmVxdWVzdFJlY2VpdmVkEigKB2ludml0ZXIYASABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEigKB2ludml0ZWUYAiABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEhYKDmV4dGVuc2lvbl9pbmZvGAMgASgJEjgKD2xheW91dF90ZW1wbGF0ZRgEIAEoDjIfLmNvaG9zdC52MS5Db0hvc3RMYXlvdXRUZW1wbGF0ZRIsCghkZWFkbGluZRgFIAEoCzIaLmdvb2dsZS5wcm90b2J1Zi5UaW1lc3RhbXAijwEKEFJlcXVlc3RDYW5jZWxsZWQSKAoHaW52aXRlchgBIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8SKAoHaW52aXRlZRgCIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8SJwoGcmVhc29uGAMgASgOMhcuY29ob3N0LnYxLkNhbmNlbFJlYXNvbiI7Cg9SZXF1ZXN0QWNjZXB0ZWQSKAoHaW52aXRlZRgBIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8iZAoPUmVxdWVzdFJlamVjdGVkEigKB2ludml0ZWUYASABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEicKBnJlYXNvbhgCIAEoDjIXLmNvaG9zdC52MS5SZWplY3RSZWFzb24iZAoOUmVxdWVzdFRpbWVvdXQSKAoHaW52aXRlchgBIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8SKAoHaW52aXRlZRgCIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8iOAoKVXNlckpvaW5lZBIqCgl1c2VyX2luZm8YASABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvIl4KCFVzZXJMZWZ0EioKCXVzZXJfaW5mbxgBIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8SJgoGcmVhc29uGAIgASgOMhYuY29ob3N0LnYxLkxlYXZlUmVhc29uIoABChFDb0hvc3RFcnJvckRldGFpbBIsCgZyZWFzb24YASABKA4yHC5jb2hvc3QudjEuQ29Ib3N0RXJyb3JSZWFzb24SDQoFZmllbGQYAiABKAkSLgoLcmV0cnlfYWZ0ZXIYAyABKAsyGS5nb29nbGUucHJvdG9idWYuRHVyYXRpb24ixwEKHFJlcXVlc3RIb3N0Q29ubmVjdGlvblJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRIbChN0YXJnZXRfaG9zdF9saXZlX2lkGAIgASgJEjgKD2xheW91dF90ZW1wbGF0ZRgDIAEoDjIfLmNvaG9zdC52MS5Db0hvc3RMYXlvdXRUZW1wbGF0ZRIXCg90aW1lb3V0X3NlY29uZHMYBCABKAUSEgoKZXh0cmFfaW5mbxgFIAEoCRISCgpyZXF1ZXN0X2lkGAYgASgJIngKHVJlcXVlc3RIb3N0Q29ubmVjdGlvblJlc3BvbnNlEiwKCGRlYWRsaW5lGAEgASgLMhouZ29vZ2xlLnByb3RvYnVmLlRpbWVzdGFtcBIpCghwb3NpdGlvbhgCIAEoCzIXLmNvaG9zdC52MS5GZWVkUG9zaXRpb24iWwobQ2FuY2VsSG9zdENvbm5lY3Rpb25SZXF1ZXN0Eg8KB2xpdmVfaWQYASABKAkSFwoPdG9faG9zdF9saXZlX2lkGAIgASgJEhIKCnJlcXVlc3RfaWQYAyABKAkiSQocQ2FuY2VsSG9zdENvbm5lY3Rpb25SZXNwb25zZRIpCghwb3NpdGlvbhgBIAEoCzIXLmNvaG9zdC52MS5GZWVkUG9zaXRpb24iXQobQWNjZXB0SG9zdENvbm5lY3Rpb25SZXF1ZXN0Eg8KB2xpdmVfaWQYASABKAkSGQoRZnJvbV9ob3N0X2xpdmVfaWQYAiABKAkSEgoKcmVxdWVzdF9pZBgDIAEoCSJJChxBY2NlcHRIb3N0Q29ubmVjdGlvblJlc3BvbnNlEikKCHBvc2l0aW9uGAEgASgLMhcuY29ob3N0LnYxLkZlZWRQb3NpdGlvbiJdChtSZWplY3RIb3N0Q29ubmVjdGlvblJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRIZChFmcm9tX2hvc3RfbGl2ZV9pZBgCIAEoCRISCgpyZXF1ZXN0X2lkGAMgASgJIkkKHFJlamVjdEhvc3RDb25uZWN0aW9uUmVzcG9uc2USKQoIcG9zaXRpb24YASABKAsyFy5jb2hvc3QudjEuRmVlZFBvc2l0aW9uIkAKGUV4aXRIb3N0Q29ubmVjdGlvblJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRISCgpyZXF1ZXN0X2lkGAIgASgJIkcKGkV4aXRIb3N0Q29ubmVjdGlvblJlc3BvbnNlEikKCHBvc2l0aW9uGAEgASgLMhcuY29ob3N0LnYxLkZlZWRQb3NpdGlvbiIvCgxGZWVkUG9zaXRpb24SDQoFZXBvY2gYASABKAkSEAoIc2VxdWVuY2UYAiABKAQiUAoaR2V0Q29Ib3N0Q2FuZGlkYXRlc1JlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRIOCgZjdXJzb3IYAiABKAkSEQoJcGFnZV9zaXplGAMgASgFIl8KG0dldENvSG9zdENhbmRpZGF0ZXNSZXNwb25zZRIrCgpjYW5kaWRhdGVzGAEgAygLMhcuY29ob3N0LnYxLlNlYXRVc2VySW5mbxITCgtuZXh0X2N1cnNvchgCIAEoCSJaChJXYXRjaENvSG9zdFJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRIUCgxyZXN1bWVfZXBvY2gYAiABKAkSHQoVcmVzdW1lX2FmdGVyX3NlcXVlbmNlGAMgASgEIv0BChNXYXRjaENvSG9zdFJlc3BvbnNlEikKBGtpbmQYASABKA4yGy5jb2hvc3QudjEuV2F0Y2hNZXNzYWdlS2luZBINCgVlcG9jaBgCIAEoCRIQCghzZXF1ZW5jZRgDIAEoBBIlCgVzdGF0ZRgEIAEoCzIWLmNvaG9zdC52MS5Db0hvc3RTdGF0ZRImCgZldmVudHMYBSADKAsyFi5jb2hvc3QudjEuQ29Ib3N0RXZlbnQSEwoLcm9vbV9jbG9zZWQYBiABKAgSNgoTa2VlcF9hbGl2ZV9pbnRlcnZhbBgHIAEoCzIZLmdvb2dsZS5wcm90b2J1Zi5EdXJhdGlvbiJaCg9PcGVuUm9vbVJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCRIPCgd1c2VyX2lkGAIgASgJEhEKCXVzZXJfbmFtZRgDIAEoCRISCgphdmF0YXJfdXJsGAQgASgJIjUKEE9wZW5Sb29tUmVzcG9uc2USIQoEcm9vbRgBIAEoCzITLmNvaG9zdC52MS5Sb29tSW5mbyIjChBDbG9zZVJvb21SZXF1ZXN0Eg8KB2xpdmVfaWQYASABKAkiEwoRQ2xvc2VSb29tUmVzcG9uc2UiIQoOR2V0Um9vbVJlcXVlc3QSDwoHbGl2ZV9pZBgBIAEoCSI0Cg9HZXRSb29tUmVzcG9uc2USIQoEcm9vbRgBIAEoCzITLmNvaG9zdC52MS5Sb29tSW5mbyI1ChBMaXN0Um9vbXNSZXF1ZXN0Eg4KBmN1cnNvchgBIAEoCRIRCglwYWdlX3NpemUYAiABKAUiTAoRTGlzdFJvb21zUmVzcG9uc2USIgoFcm9vbXMYASADKAsyEy5jb2hvc3QudjEuUm9vbUluZm8SEwoLbmV4dF9jdXJzb3IYAiABKAkiuQEKCFJvb21JbmZvEiUKBGhvc3QYASABKAsyFy5jb2hvc3QudjEuU2VhdFVzZXJJbmZvEiUKBXN0YXRlGAIgASgLMhYuY29ob3N0LnYxLkNvSG9zdFN0YXRlEikKCHBvc2l0aW9uGAMgASgLMhcuY29ob3N0LnYxLkZlZWRQb3NpdGlvbhI0ChFvdXRnb2luZ19yZXF1ZXN0cxgEIAMoCzIZLmNvaG9zdC52MS5QZW5kaW5nUmVxdWVzdCK2AQoOUGVuZGluZ1JlcXVlc3QSKAoHaW52aXRlZRgBIAEoCzIXLmNvaG9zdC52MS5TZWF0VXNlckluZm8SOAoPbGF5b3V0X3RlbXBsYXRlGAIgASgOMh8uY29ob3N0LnYxLkNvSG9zdExheW91dFRlbXBsYXRlEhIKCmV4dHJhX2luZm8YAyABKAkSLAoIZGVhZGxpbmUYBCABKAsyGi5nb29nbGUucHJvdG9idWYuVGltZXN0YW1wKm0KDENvSG9zdFN0YXR1cxIeChpDT19IT1NUX1NUQVRVU19VTlNQRUNJRklFRBAAEh8KG0NPX0hPU1RfU1RBVFVTX0RJU0NPTk5FQ1RFRBABEhwKGENPX0hPU1RfU1RBVFVTX0NPTk5FQ1RFRBACKssCChRDb0hvc3RMYXlvdXRUZW1wbGF0ZRInCiNDT19IT1NUX0xBWU9VVF9URU1QTEFURV9VTlNQRUNJRklFRBAAEjEKLUNPX0hPU1RfTEFZT1VUX1RFTVBMQVRFX0hPU1RfVk9JQ0VfQ09OTkVDVElPThACEi4KKUNPX0hPU1RfTEFZT1VUX1RFTVBMQVRFX0hPU1RfRFlOQU1JQ19HUklEENgEEi0KKENPX0hPU1RfTEFZT1VUX1RFTVBMQVRFX0hPU1RfRFlOQU1JQ18xVjYQ2QQSOgo1Q09fSE9TVF9MQVlPVVRfVEVNUExBVEVfSE9TVF9WSURFT19MRUZUX0ZPQ1VTXzlfU0VBVFMQ2gQSPAo3Q09fSE9TVF9MQVlPVVRfVEVNUExBVEVfSE9TVF9WSURFT19VTklGT1JNX0dSSURfOV9TRUFUUxDbBCqeAQoMQ2FuY2VsUmVhc29uEh0KGUNBTkNFTF9SRUFTT05fVU5TUEVDSUZJRUQQABImCiJDQU5DRUxfUkVBU09OX0NBTkNFTExFRF9CWV9JTlZJVEVSEAESIAocQ0FOQ0VMX1JFQVNPTl9JTlZJVEVSX0VYSVRFRBACEiUKIUNBTkNFTF9SRUFTT05fSU5WSVRFUl9ST09NX0NMT1NFRBADKnsKDFJlamVjdFJlYXNvbhIdChlSRUpFQ1RfUkVBU09OX1VOU1BFQ0lGSUVEEAASJQohUkVKRUNUX1JFQVNPTl9SRUpFQ1RFRF9CWV9JTlZJVEVFEAESJQohUkVKRUNUX1JFQVNPTl9JTlZJVEVFX1JPT01fQ0xPU0VEEAIqfgoLTGVhdmVSZWFzb24SHAoYTEVBVkVfUkVBU09OX1VOU1BFQ0lGSUVEEAASFwoTTEVBVkVfUkVBU09OX0VYSVRFRBABEhwKGExFQVZFX1JFQVNPTl9ST09NX0NMT1NFRBACEhoKFkxFQVZFX1JFQVNPTl9TRUxGX0xFRlQQAyq4AQoQV2F0Y2hNZXNzYWdlS2luZBIiCh5XQVRDSF9NRVNTQUdFX0tJTkRfVU5TUEVDSUZJRUQQABIfChtXQVRDSF9NRVNTQUdFX0tJTkRfU05BUFNIT1QQARIdChlXQVRDSF9NRVNTQUdFX0tJTkRfUkVTWU5DEAISHQoZV0FUQ0hfTUVTU0FHRV9LSU5EX0NIQU5HRRADEiEKHVdBVENIX01FU1NBR0VfS0lORF9LRUVQX0FMSVZFEAQqmQgKEUNvSG9zdEVycm9yUmVhc29uEiQKIENPX0hPU1RfRVJST1JfUkVBU09OX1VOU1BFQ0lGSUVEEAASJgoiQ09fSE9TVF9FUlJPUl9SRUFTT05fVE9LRU5fTUlTU0lORxABEiYKIkNPX0hPU1RfRVJST1JfUkVBU09OX1RPS0VOX0lOVkFMSUQQAhImCiJDT19IT1NUX0VSUk9SX1JFQVNPTl9UT0tFTl9FWFBJUkVEEAMSKgomQ09fSE9TVF9FUlJPUl9SRUFTT05fQURNSU5fS0VZX0lOVkFMSUQQBBImCiJDT19IT1NUX0VSUk9SX1JFQVNPTl9JTlZBTElEX0ZJRUxEEAUSJwojQ09fSE9TVF9FUlJPUl9SRUFTT05fUk9PTV9OT1RfRk9VTkQQBhImCiJDT19IT1NUX0VSUk9SX1JFQVNPTl9OT1RfUk9PTV9IT1NUEAcSJQohQ09fSE9TVF9FUlJPUl9SRUFTT05fUkFURV9MSU1JVEVEEAgSJQohQ09fSE9TVF9FUlJPUl9SRUFTT05fU0VMRl9SRVFVRVNUEAkSMQotQ09fSE9TVF9FUlJPUl9SRUFTT05fUEVORElOR19JTkNPTUlOR19SRVFVRVNUEAoSNQoxQ09fSE9TVF9FUlJPUl9SRUFTT05fQUxSRUFEWV9JTlZJVEVEX09SX0NPTk5FQ1RFRBALEjMKL0NPX0hPU1RfRVJST1JfUkVBU09OX1RBUkdFVF9DT05ORUNURURfRUxTRVdIRVJFEAwSJAogQ09fSE9TVF9FUlJPUl9SRUFTT05fVEFSR0VUX0JVU1kQDRIoCiRDT19IT1NUX0VSUk9SX1JFQVNPTl9MQVlPVVRfTUlTTUFUQ0gQDhIoCiRDT19IT1NUX0VSUk9SX1JFQVNPTl9DT05ORUNUSU9OX0ZVTEwQDxIqCiZDT19IT1NUX0VSUk9SX1JFQVNPTl9SRVFVRVNUX05PVF9GT1VORBAQEiYKIkNPX0hPU1RfRVJST1JfUkVBU09OX05PVF9DT05ORUNURUQQERIqCiZDT19IT1NUX0VSUk9SX1JFQVNPTl9ST09NX0FMUkVBRFlfT1BFThASEioKJkNPX0hPU1RfRVJST1JfUkVBU09OX1JFUVVFU1RfSURfUkVVU0VEEBMSKQolQ09fSE9TVF9FUlJPUl9SRUFTT05fVE9PX01BTllfU1RSRUFNUxAUEisKJ0NPX0hPU1RfRVJST1JfUkVBU09OX1NFUlZFUl9BVF9DQVBBQ0lUWRAVEioKJkNPX0hPU1RfRVJST1JfUkVBU09OX01FU1NBR0VfVE9PX0xBUkdFEBYSKgomQ09fSE9TVF9FUlJPUl9SRUFTT05fU1RPUkVfVU5BVkFJTEFCTEUQFzLPBQoNQ29Ib3N0U2VydmljZRJqChVSZXF1ZXN0SG9zdENvbm5lY3Rpb24SJy5jb2hvc3QudjEuUmVxdWVzdEhvc3RDb25uZWN0aW9uUmVxdWVzdBooLmNvaG9zdC52MS5SZXF1ZXN0SG9zdENvbm5lY3Rpb25SZXNwb25zZRJnChRDYW5jZWxIb3N0Q29ubmVjdGlvbhImLmNvaG9zdC52MS5DYW5jZWxIb3N0Q29ubmVjdGlvblJlcXVlc3QaJy5jb2hvc3QudjEuQ2FuY2VsSG9zdENvbm5lY3Rpb25SZXNwb25zZRJnChRBY2NlcHRIb3N0Q29ubmVjdGlvbhImLmNvaG9zdC52MS5BY2NlcHRIb3N0Q29ubmVjdGlvblJlcXVlc3QaJy5jb2hvc3QudjEuQWNjZXB0SG9zdENvbm5lY3Rpb25SZXNwb25zZRJnChRSZWplY3RIb3N0Q29ubmVjdGlvbhImLmNvaG9zdC52MS5SZWplY3RIb3N0Q29ubmVjdGlvblJlcXVlc3QaJy5jb2hvc3QudjEuUmVqZWN0SG9zdENvbm5lY3Rpb25SZXNwb25zZRJhChJFeGl0SG9zdENvbm5lY3Rpb24SJC5jb2hvc3QudjEuRXhpdEhvc3RDb25uZWN0aW9uUmVxdWVzdBolLmNvaG9zdC52MS5FeGl0SG9zdENvbm5lY3Rpb25SZXNwb25zZRJkChNHZXRDb0hvc3RDYW5kaWRhdGVzEiUuY29ob3N0LnYxLkdldENvSG9zdENhbmRpZGF0ZXNSZXF1ZXN0GiYuY29ob3N0LnYxLkdldENvSG9zdENhbmRpZGF0ZXNSZXNwb25zZRJOCgtXYXRjaENvSG9zdBIdLmNvaG9zdC52MS5XYXRjaENvSG9zdFJlcXVlc3QaHi5jb2hvc3QudjEuV2F0Y2hDb0hvc3RSZXNwb25zZTABMqkCChBSb29tQWRtaW5TZXJ2aWNlEkMKCE9wZW5Sb29tEhouY29ob3N0LnYxLk9wZW5Sb29tUmVxdWVzdBobLmNvaG9zdC52MS5PcGVuUm9vbVJlc3BvbnNlEkYKCUNsb3NlUm9vbRIbLmNvaG9zdC52MS5DbG9zZVJvb21SZXF1ZXN0GhwuY29ob3N0LnYxLkNsb3NlUm9vbVJlc3BvbnNlEkAKB0dldFJvb20SGS5jb2hvc3QudjEuR2V0Um9vbVJlcXVlc3QaGi5jb2hvc3QudjEuR2V0Um9vbVJlc3BvbnNlEkYKCUxpc3RSb29tcxIbLmNvaG9zdC52MS5MaXN0Um9vbXNSZXF1ZXN0GhwuY29ob3N0LnYxLkxpc3RSb29tc1Jlc3BvbnNlYgZwcm90bzM", [file_google_protobuf_duration, file_google_protobuf_timestamp]);

/**
 * SeatUserInfo identifies a room and its host wherever a party appears in
 * state and events (R3). Wherever a room appears, a server MUST give all
 * four fields exactly as OpenRoom received them [R3.seat].
 *
 * @generated from message cohost.v1.SeatUserInfo
 */
export type SeatUserInfo = Message<"cohost.v1.SeatUserInfo"> & {
  /**
   * The host's live room id. Never empty.
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The host's user id (the `sub` of the host's token). Never empty.
   *
   * @generated from field: string user_id = 2;
   */
  userId: string;

  /**
   * The host's display name; may be empty.
   *
   * @generated from field: string user_name = 3;
   */
  userName: string;

  /**
   * The host's avatar URL; may be empty.
   *
   * @generated from field: string avatar_url = 4;
   */
  avatarUrl: string;
};

/**
 * Describes the message cohost.v1.SeatUserInfo.
 * Use `create(SeatUserInfoSchema)` to create a new message.
 */
export const SeatUserInfoSchema: GenMessage<SeatUserInfo> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 0);

/**
 * CoHostState is one room's co-host state (R14), as a client shows it. A
 * server MUST fill every field as stated below, in every state it sends
 * [R14.state].
 *
 * @generated from message cohost.v1.CoHostState
 */
export type CoHostState = Message<"cohost.v1.CoHostState"> & {
  /**
   * CONNECTED exactly when `connected` is not empty, else DISCONNECTED
   * (R11).
   *
   * @generated from field: cohost.v1.CoHostStatus status = 1;
   */
  status: CoHostStatus;

  /**
   * The members of the room's connection, the room itself included, in the
   * order they joined (the inviter who created the connection first, then
   * its first invitee, and so on). Empty when not connected. A room's
   * `user_joined` and `user_left` events are exactly the difference
   * between its old and new `connected` (R11).
   *
   * @generated from field: repeated cohost.v1.SeatUserInfo connected = 2;
   */
  connected: SeatUserInfo[];

  /**
   * The rooms this room has a pending request to, oldest request first.
   *
   * @generated from field: repeated cohost.v1.SeatUserInfo invitees = 3;
   */
  invitees: SeatUserInfo[];

  /**
   * The room whose request to this room is pending; unset when there is
   * none. There is at most one (R5, rule 10).
   *
   * @generated from field: cohost.v1.SeatUserInfo applicant = 4;
   */
  applicant?: SeatUserInfo | undefined;

  /**
   * The layout of the room's connection; UNSPECIFIED when not connected.
   *
   * @generated from field: cohost.v1.CoHostLayoutTemplate layout_template = 5;
   */
  layoutTemplate: CoHostLayoutTemplate;
};

/**
 * Describes the message cohost.v1.CoHostState.
 * Use `create(CoHostStateSchema)` to create a new message.
 */
export const CoHostStateSchema: GenMessage<CoHostState> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 1);

/**
 * CoHostEvent is one of the seven events of Tencent's CoHostListener, as a
 * room receives it (R15). The arguments are Tencent's.
 *
 * @generated from message cohost.v1.CoHostEvent
 */
export type CoHostEvent = Message<"cohost.v1.CoHostEvent"> & {
  /**
   * The event; exactly one is set.
   *
   * @generated from oneof cohost.v1.CoHostEvent.event
   */
  event: {
    /**
     * A request to this room arrived (R4). Sent to the invitee.
     *
     * @generated from field: cohost.v1.RequestReceived request_received = 1;
     */
    value: RequestReceived;
    case: "requestReceived";
  } | {
    /**
     * A request to this room ended without an answer from this room (R8,
     * R12, R13). Sent to the invitee.
     *
     * @generated from field: cohost.v1.RequestCancelled request_cancelled = 2;
     */
    value: RequestCancelled;
    case: "requestCancelled";
  } | {
    /**
     * This room's request was accepted (R9). Sent to the inviter.
     *
     * @generated from field: cohost.v1.RequestAccepted request_accepted = 3;
     */
    value: RequestAccepted;
    case: "requestAccepted";
  } | {
    /**
     * This room's request was rejected (R10, R13). Sent to the inviter.
     *
     * @generated from field: cohost.v1.RequestRejected request_rejected = 4;
     */
    value: RequestRejected;
    case: "requestRejected";
  } | {
    /**
     * A request ended at its deadline (R7). Sent to both the inviter and
     * the invitee.
     *
     * @generated from field: cohost.v1.RequestTimeout request_timeout = 5;
     */
    value: RequestTimeout;
    case: "requestTimeout";
  } | {
    /**
     * A room appeared in this room's `connected` list (R11).
     *
     * @generated from field: cohost.v1.UserJoined user_joined = 6;
     */
    value: UserJoined;
    case: "userJoined";
  } | {
    /**
     * A room disappeared from this room's `connected` list (R11).
     *
     * @generated from field: cohost.v1.UserLeft user_left = 7;
     */
    value: UserLeft;
    case: "userLeft";
  } | { case: undefined; value?: undefined };
};

/**
 * Describes the message cohost.v1.CoHostEvent.
 * Use `create(CoHostEventSchema)` to create a new message.
 */
export const CoHostEventSchema: GenMessage<CoHostEvent> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 2);

/**
 * RequestReceived is Tencent's onCoHostRequestReceived(inviter,
 * extensionInfo).
 *
 * @generated from message cohost.v1.RequestReceived
 */
export type RequestReceived = Message<"cohost.v1.RequestReceived"> & {
  /**
   * The room that sent the request.
   *
   * @generated from field: cohost.v1.SeatUserInfo inviter = 1;
   */
  inviter?: SeatUserInfo | undefined;

  /**
   * The receiving room.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 2;
   */
  invitee?: SeatUserInfo | undefined;

  /**
   * The request's `extra_info`, unchanged.
   *
   * @generated from field: string extension_info = 3;
   */
  extensionInfo: string;

  /**
   * The layout the inviter asked for.
   *
   * @generated from field: cohost.v1.CoHostLayoutTemplate layout_template = 4;
   */
  layoutTemplate: CoHostLayoutTemplate;

  /**
   * When the request times out unless answered: the same time as the
   * RequestHostConnection response's `deadline` (R7).
   *
   * @generated from field: google.protobuf.Timestamp deadline = 5;
   */
  deadline?: Timestamp | undefined;
};

/**
 * Describes the message cohost.v1.RequestReceived.
 * Use `create(RequestReceivedSchema)` to create a new message.
 */
export const RequestReceivedSchema: GenMessage<RequestReceived> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 3);

/**
 * RequestCancelled is Tencent's onCoHostRequestCancelled(inviter, invitee).
 *
 * @generated from message cohost.v1.RequestCancelled
 */
export type RequestCancelled = Message<"cohost.v1.RequestCancelled"> & {
  /**
   * The room whose request ended.
   *
   * @generated from field: cohost.v1.SeatUserInfo inviter = 1;
   */
  inviter?: SeatUserInfo | undefined;

  /**
   * The receiving room.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 2;
   */
  invitee?: SeatUserInfo | undefined;

  /**
   * Why the request ended.
   *
   * @generated from field: cohost.v1.CancelReason reason = 3;
   */
  reason: CancelReason;
};

/**
 * Describes the message cohost.v1.RequestCancelled.
 * Use `create(RequestCancelledSchema)` to create a new message.
 */
export const RequestCancelledSchema: GenMessage<RequestCancelled> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 4);

/**
 * RequestAccepted is Tencent's onCoHostRequestAccepted(invitee).
 *
 * @generated from message cohost.v1.RequestAccepted
 */
export type RequestAccepted = Message<"cohost.v1.RequestAccepted"> & {
  /**
   * The room that accepted.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 1;
   */
  invitee?: SeatUserInfo | undefined;
};

/**
 * Describes the message cohost.v1.RequestAccepted.
 * Use `create(RequestAcceptedSchema)` to create a new message.
 */
export const RequestAcceptedSchema: GenMessage<RequestAccepted> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 5);

/**
 * RequestRejected is Tencent's onCoHostRequestRejected(invitee).
 *
 * @generated from message cohost.v1.RequestRejected
 */
export type RequestRejected = Message<"cohost.v1.RequestRejected"> & {
  /**
   * The room that was asked.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 1;
   */
  invitee?: SeatUserInfo | undefined;

  /**
   * Why the request ended.
   *
   * @generated from field: cohost.v1.RejectReason reason = 2;
   */
  reason: RejectReason;
};

/**
 * Describes the message cohost.v1.RequestRejected.
 * Use `create(RequestRejectedSchema)` to create a new message.
 */
export const RequestRejectedSchema: GenMessage<RequestRejected> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 6);

/**
 * RequestTimeout is Tencent's onCoHostRequestTimeout(inviter, invitee).
 * Only the request that timed out ends; the inviter's other requests stay
 * pending (R7).
 *
 * @generated from message cohost.v1.RequestTimeout
 */
export type RequestTimeout = Message<"cohost.v1.RequestTimeout"> & {
  /**
   * The room that sent the request.
   *
   * @generated from field: cohost.v1.SeatUserInfo inviter = 1;
   */
  inviter?: SeatUserInfo | undefined;

  /**
   * The room that did not answer in time.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 2;
   */
  invitee?: SeatUserInfo | undefined;
};

/**
 * Describes the message cohost.v1.RequestTimeout.
 * Use `create(RequestTimeoutSchema)` to create a new message.
 */
export const RequestTimeoutSchema: GenMessage<RequestTimeout> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 7);

/**
 * UserJoined is Tencent's onCoHostUserJoined(userInfo).
 *
 * @generated from message cohost.v1.UserJoined
 */
export type UserJoined = Message<"cohost.v1.UserJoined"> & {
  /**
   * The room that appeared in `connected`.
   *
   * @generated from field: cohost.v1.SeatUserInfo user_info = 1;
   */
  userInfo?: SeatUserInfo | undefined;
};

/**
 * Describes the message cohost.v1.UserJoined.
 * Use `create(UserJoinedSchema)` to create a new message.
 */
export const UserJoinedSchema: GenMessage<UserJoined> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 8);

/**
 * UserLeft is Tencent's onCoHostUserLeft(userInfo).
 *
 * @generated from message cohost.v1.UserLeft
 */
export type UserLeft = Message<"cohost.v1.UserLeft"> & {
  /**
   * The room that disappeared from `connected`.
   *
   * @generated from field: cohost.v1.SeatUserInfo user_info = 1;
   */
  userInfo?: SeatUserInfo | undefined;

  /**
   * Why it disappeared.
   *
   * @generated from field: cohost.v1.LeaveReason reason = 2;
   */
  reason: LeaveReason;
};

/**
 * Describes the message cohost.v1.UserLeft.
 * Use `create(UserLeftSchema)` to create a new message.
 */
export const UserLeftSchema: GenMessage<UserLeft> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 9);

/**
 * CoHostErrorDetail is attached to every refusal (exactly one per error).
 * Its fully-qualified name, for `google.rpc.Status` details, is
 * `cohost.v1.CoHostErrorDetail`.
 *
 * @generated from message cohost.v1.CoHostErrorDetail
 */
export type CoHostErrorDetail = Message<"cohost.v1.CoHostErrorDetail"> & {
  /**
   * Why the call was refused.
   *
   * @generated from field: cohost.v1.CoHostErrorReason reason = 1;
   */
  reason: CoHostErrorReason;

  /**
   * The request field the refusal is about, by its proto name, as
   * CoHostErrorReason gives it for `reason`; empty where it gives none.
   *
   * @generated from field: string field = 2;
   */
  field: string;

  /**
   * With RATE_LIMITED only: how long to wait before the next request can
   * pass; more than 0 and at most 60 seconds (R19).
   *
   * @generated from field: google.protobuf.Duration retry_after = 3;
   */
  retryAfter?: Duration | undefined;
};

/**
 * Describes the message cohost.v1.CoHostErrorDetail.
 * Use `create(CoHostErrorDetailSchema)` to create a new message.
 */
export const CoHostErrorDetailSchema: GenMessage<CoHostErrorDetail> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 10);

/**
 * RequestHostConnectionRequest asks to invite another room (R4).
 *
 * @generated from message cohost.v1.RequestHostConnectionRequest
 */
export type RequestHostConnectionRequest = Message<"cohost.v1.RequestHostConnectionRequest"> & {
  /**
   * The caller's room (the inviter). An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The room to invite. An id (1 to 64 bytes).
   *
   * @generated from field: string target_host_live_id = 2;
   */
  targetHostLiveId: string;

  /**
   * The layout for the connection; one of the defined values other than
   * UNSPECIFIED (R6).
   *
   * @generated from field: cohost.v1.CoHostLayoutTemplate layout_template = 3;
   */
  layoutTemplate: CoHostLayoutTemplate;

  /**
   * Seconds until the request times out unanswered; 1 to 300 (R7).
   *
   * @generated from field: int32 timeout_seconds = 4;
   */
  timeoutSeconds: number;

  /**
   * Free-form data passed to the invitee as `extension_info`, unchanged:
   * any UTF-8 text of at most 4096 bytes, control characters included; may
   * be empty.
   *
   * @generated from field: string extra_info = 5;
   */
  extraInfo: string;

  /**
   * Optional idempotency key (R18): empty, or an id (1 to 64 bytes).
   *
   * @generated from field: string request_id = 6;
   */
  requestId: string;
};

/**
 * Describes the message cohost.v1.RequestHostConnectionRequest.
 * Use `create(RequestHostConnectionRequestSchema)` to create a new message.
 */
export const RequestHostConnectionRequestSchema: GenMessage<RequestHostConnectionRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 11);

/**
 * RequestHostConnectionResponse confirms a new pending request.
 *
 * @generated from message cohost.v1.RequestHostConnectionResponse
 */
export type RequestHostConnectionResponse = Message<"cohost.v1.RequestHostConnectionResponse"> & {
  /**
   * When the request times out unless answered: the server's time when it
   * accepted the request plus `timeout_seconds` (R7).
   *
   * @generated from field: google.protobuf.Timestamp deadline = 1;
   */
  deadline?: Timestamp | undefined;

  /**
   * The caller room's feed position of the CHANGE this call produced.
   *
   * @generated from field: cohost.v1.FeedPosition position = 2;
   */
  position?: FeedPosition | undefined;
};

/**
 * Describes the message cohost.v1.RequestHostConnectionResponse.
 * Use `create(RequestHostConnectionResponseSchema)` to create a new message.
 */
export const RequestHostConnectionResponseSchema: GenMessage<RequestHostConnectionResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 12);

/**
 * CancelHostConnectionRequest asks to cancel the caller's request (R8).
 *
 * @generated from message cohost.v1.CancelHostConnectionRequest
 */
export type CancelHostConnectionRequest = Message<"cohost.v1.CancelHostConnectionRequest"> & {
  /**
   * The caller's room (the inviter). An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The invited room. An id (1 to 64 bytes).
   *
   * @generated from field: string to_host_live_id = 2;
   */
  toHostLiveId: string;

  /**
   * Optional idempotency key (R18): empty, or an id (1 to 64 bytes).
   *
   * @generated from field: string request_id = 3;
   */
  requestId: string;
};

/**
 * Describes the message cohost.v1.CancelHostConnectionRequest.
 * Use `create(CancelHostConnectionRequestSchema)` to create a new message.
 */
export const CancelHostConnectionRequestSchema: GenMessage<CancelHostConnectionRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 13);

/**
 * CancelHostConnectionResponse confirms the cancel.
 *
 * @generated from message cohost.v1.CancelHostConnectionResponse
 */
export type CancelHostConnectionResponse = Message<"cohost.v1.CancelHostConnectionResponse"> & {
  /**
   * The caller room's feed position of the CHANGE this call produced.
   *
   * @generated from field: cohost.v1.FeedPosition position = 1;
   */
  position?: FeedPosition | undefined;
};

/**
 * Describes the message cohost.v1.CancelHostConnectionResponse.
 * Use `create(CancelHostConnectionResponseSchema)` to create a new message.
 */
export const CancelHostConnectionResponseSchema: GenMessage<CancelHostConnectionResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 14);

/**
 * AcceptHostConnectionRequest accepts a request to the caller's room (R9).
 *
 * @generated from message cohost.v1.AcceptHostConnectionRequest
 */
export type AcceptHostConnectionRequest = Message<"cohost.v1.AcceptHostConnectionRequest"> & {
  /**
   * The caller's room (the invitee). An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The inviting room. An id (1 to 64 bytes).
   *
   * @generated from field: string from_host_live_id = 2;
   */
  fromHostLiveId: string;

  /**
   * Optional idempotency key (R18): empty, or an id (1 to 64 bytes).
   *
   * @generated from field: string request_id = 3;
   */
  requestId: string;
};

/**
 * Describes the message cohost.v1.AcceptHostConnectionRequest.
 * Use `create(AcceptHostConnectionRequestSchema)` to create a new message.
 */
export const AcceptHostConnectionRequestSchema: GenMessage<AcceptHostConnectionRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 15);

/**
 * AcceptHostConnectionResponse confirms the caller's room joined.
 *
 * @generated from message cohost.v1.AcceptHostConnectionResponse
 */
export type AcceptHostConnectionResponse = Message<"cohost.v1.AcceptHostConnectionResponse"> & {
  /**
   * The caller room's feed position of the CHANGE this call produced.
   *
   * @generated from field: cohost.v1.FeedPosition position = 1;
   */
  position?: FeedPosition | undefined;
};

/**
 * Describes the message cohost.v1.AcceptHostConnectionResponse.
 * Use `create(AcceptHostConnectionResponseSchema)` to create a new message.
 */
export const AcceptHostConnectionResponseSchema: GenMessage<AcceptHostConnectionResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 16);

/**
 * RejectHostConnectionRequest rejects a request to the caller's room (R10).
 *
 * @generated from message cohost.v1.RejectHostConnectionRequest
 */
export type RejectHostConnectionRequest = Message<"cohost.v1.RejectHostConnectionRequest"> & {
  /**
   * The caller's room (the invitee). An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The inviting room. An id (1 to 64 bytes).
   *
   * @generated from field: string from_host_live_id = 2;
   */
  fromHostLiveId: string;

  /**
   * Optional idempotency key (R18): empty, or an id (1 to 64 bytes).
   *
   * @generated from field: string request_id = 3;
   */
  requestId: string;
};

/**
 * Describes the message cohost.v1.RejectHostConnectionRequest.
 * Use `create(RejectHostConnectionRequestSchema)` to create a new message.
 */
export const RejectHostConnectionRequestSchema: GenMessage<RejectHostConnectionRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 17);

/**
 * RejectHostConnectionResponse confirms the reject.
 *
 * @generated from message cohost.v1.RejectHostConnectionResponse
 */
export type RejectHostConnectionResponse = Message<"cohost.v1.RejectHostConnectionResponse"> & {
  /**
   * The caller room's feed position of the CHANGE this call produced.
   *
   * @generated from field: cohost.v1.FeedPosition position = 1;
   */
  position?: FeedPosition | undefined;
};

/**
 * Describes the message cohost.v1.RejectHostConnectionResponse.
 * Use `create(RejectHostConnectionResponseSchema)` to create a new message.
 */
export const RejectHostConnectionResponseSchema: GenMessage<RejectHostConnectionResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 18);

/**
 * ExitHostConnectionRequest leaves the caller's connection (R12).
 *
 * @generated from message cohost.v1.ExitHostConnectionRequest
 */
export type ExitHostConnectionRequest = Message<"cohost.v1.ExitHostConnectionRequest"> & {
  /**
   * The caller's room. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * Optional idempotency key (R18): empty, or an id (1 to 64 bytes).
   *
   * @generated from field: string request_id = 2;
   */
  requestId: string;
};

/**
 * Describes the message cohost.v1.ExitHostConnectionRequest.
 * Use `create(ExitHostConnectionRequestSchema)` to create a new message.
 */
export const ExitHostConnectionRequestSchema: GenMessage<ExitHostConnectionRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 19);

/**
 * ExitHostConnectionResponse confirms the exit.
 *
 * @generated from message cohost.v1.ExitHostConnectionResponse
 */
export type ExitHostConnectionResponse = Message<"cohost.v1.ExitHostConnectionResponse"> & {
  /**
   * The caller room's feed position of the CHANGE this call produced.
   *
   * @generated from field: cohost.v1.FeedPosition position = 1;
   */
  position?: FeedPosition | undefined;
};

/**
 * Describes the message cohost.v1.ExitHostConnectionResponse.
 * Use `create(ExitHostConnectionResponseSchema)` to create a new message.
 */
export const ExitHostConnectionResponseSchema: GenMessage<ExitHostConnectionResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 20);

/**
 * FeedPosition names one message of a room's feed. In the response of a
 * successful mutating host call, a server MUST set it to the caller room's
 * epoch and the `sequence` of the CHANGE the call produced on the caller's
 * feed (every successful mutating call produces one), so a client can wait
 * until its feed shows the call [R15.position].
 *
 * @generated from message cohost.v1.FeedPosition
 */
export type FeedPosition = Message<"cohost.v1.FeedPosition"> & {
  /**
   * The feed's epoch (see WatchCoHostResponse.epoch).
   *
   * @generated from field: string epoch = 1;
   */
  epoch: string;

  /**
   * The `sequence` of the message.
   *
   * @generated from field: uint64 sequence = 2;
   */
  sequence: bigint;
};

/**
 * Describes the message cohost.v1.FeedPosition.
 * Use `create(FeedPositionSchema)` to create a new message.
 */
export const FeedPositionSchema: GenMessage<FeedPosition> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 21);

/**
 * GetCoHostCandidatesRequest asks for one page of candidates (R17).
 *
 * @generated from message cohost.v1.GetCoHostCandidatesRequest
 */
export type GetCoHostCandidatesRequest = Message<"cohost.v1.GetCoHostCandidatesRequest"> & {
  /**
   * The caller's room. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * Empty for the first page, else a cursor as GetCoHostCandidates
   * describes, such as the previous page's `next_cursor`.
   *
   * @generated from field: string cursor = 2;
   */
  cursor: string;

  /**
   * Rooms per page, 0 to 100; 0 means the default of 20.
   *
   * @generated from field: int32 page_size = 3;
   */
  pageSize: number;
};

/**
 * Describes the message cohost.v1.GetCoHostCandidatesRequest.
 * Use `create(GetCoHostCandidatesRequestSchema)` to create a new message.
 */
export const GetCoHostCandidatesRequestSchema: GenMessage<GetCoHostCandidatesRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 22);

/**
 * GetCoHostCandidatesResponse is one page of candidates.
 *
 * @generated from message cohost.v1.GetCoHostCandidatesResponse
 */
export type GetCoHostCandidatesResponse = Message<"cohost.v1.GetCoHostCandidatesResponse"> & {
  /**
   * Up to `page_size` rooms, ordered by `live_id`.
   *
   * @generated from field: repeated cohost.v1.SeatUserInfo candidates = 1;
   */
  candidates: SeatUserInfo[];

  /**
   * The cursor of the next page; empty when this is the last page.
   *
   * @generated from field: string next_cursor = 2;
   */
  nextCursor: string;
};

/**
 * Describes the message cohost.v1.GetCoHostCandidatesResponse.
 * Use `create(GetCoHostCandidatesResponseSchema)` to create a new message.
 */
export const GetCoHostCandidatesResponseSchema: GenMessage<GetCoHostCandidatesResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 23);

/**
 * WatchCoHostRequest opens the feed of the caller's room (R15, R16).
 *
 * @generated from message cohost.v1.WatchCoHostRequest
 */
export type WatchCoHostRequest = Message<"cohost.v1.WatchCoHostRequest"> & {
  /**
   * The caller's room. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * Empty for a new watch; to resume, the `epoch` of the last message
   * received. Empty or an id.
   *
   * @generated from field: string resume_epoch = 2;
   */
  resumeEpoch: string;

  /**
   * With `resume_epoch`: the `sequence` of the last message received.
   * Ignored without `resume_epoch`.
   *
   * @generated from field: uint64 resume_after_sequence = 3;
   */
  resumeAfterSequence: bigint;
};

/**
 * Describes the message cohost.v1.WatchCoHostRequest.
 * Use `create(WatchCoHostRequestSchema)` to create a new message.
 */
export const WatchCoHostRequestSchema: GenMessage<WatchCoHostRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 24);

/**
 * WatchCoHostResponse is one message of a room's feed (R15, R16).
 *
 * @generated from message cohost.v1.WatchCoHostResponse
 */
export type WatchCoHostResponse = Message<"cohost.v1.WatchCoHostResponse"> & {
  /**
   * What this message is.
   *
   * @generated from field: cohost.v1.WatchMessageKind kind = 1;
   */
  kind: WatchMessageKind;

  /**
   * Identifies this incarnation of the room's feed; an id. A server MUST
   * give every message and FeedPosition of a room the same epoch while the
   * room stays open and the server keeps its history [R16.epoch]. It
   * changes when the room is reopened, or when the server lost the room's
   * history (for example an in-memory server that restarted); sequences of
   * different epochs are unrelated.
   *
   * @generated from field: string epoch = 2;
   */
  epoch: string;

  /**
   * The room's feed position: 0 when the room was opened, one more with
   * each CHANGE.
   *
   * @generated from field: uint64 sequence = 3;
   */
  sequence: bigint;

  /**
   * The room's full state after this message; set on every kind but
   * KEEP_ALIVE.
   *
   * @generated from field: cohost.v1.CoHostState state = 4;
   */
  state?: CoHostState | undefined;

  /**
   * The listener events this change caused for the room, in the order they
   * happened; only on CHANGE, and may be empty (for example the inviter's
   * own request or cancel).
   *
   * @generated from field: repeated cohost.v1.CoHostEvent events = 5;
   */
  events: CoHostEvent[];

  /**
   * Set on the last CHANGE of a room that was closed (R13); the server ends
   * the stream after it.
   *
   * @generated from field: bool room_closed = 6;
   */
  roomClosed: boolean;

  /**
   * The longest the server stays silent on this stream: it sends a
   * KEEP_ALIVE at least this often when nothing else is sent. Set on
   * SNAPSHOT, RESYNC and KEEP_ALIVE messages (so on the first message of
   * every stream); unset on CHANGE. A server MUST keep it at least 1 second
   * and at most 60 seconds, the same on every message of a stream
   * [R16.keepalive].
   *
   * @generated from field: google.protobuf.Duration keep_alive_interval = 7;
   */
  keepAliveInterval?: Duration | undefined;
};

/**
 * Describes the message cohost.v1.WatchCoHostResponse.
 * Use `create(WatchCoHostResponseSchema)` to create a new message.
 */
export const WatchCoHostResponseSchema: GenMessage<WatchCoHostResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 25);

/**
 * OpenRoomRequest opens a live room (R1).
 *
 * @generated from message cohost.v1.OpenRoomRequest
 */
export type OpenRoomRequest = Message<"cohost.v1.OpenRoomRequest"> & {
  /**
   * The room to open. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;

  /**
   * The host's user id, the `sub` of the tokens it will call with. An id (1
   * to 64 bytes).
   *
   * @generated from field: string user_id = 2;
   */
  userId: string;

  /**
   * The host's display name: at most 128 bytes, no control character; may
   * be empty.
   *
   * @generated from field: string user_name = 3;
   */
  userName: string;

  /**
   * The host's avatar URL: at most 1024 bytes, no control character; may
   * be empty.
   *
   * @generated from field: string avatar_url = 4;
   */
  avatarUrl: string;
};

/**
 * Describes the message cohost.v1.OpenRoomRequest.
 * Use `create(OpenRoomRequestSchema)` to create a new message.
 */
export const OpenRoomRequestSchema: GenMessage<OpenRoomRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 26);

/**
 * OpenRoomResponse describes the open room.
 *
 * @generated from message cohost.v1.OpenRoomResponse
 */
export type OpenRoomResponse = Message<"cohost.v1.OpenRoomResponse"> & {
  /**
   * The room as it is now, equal to GetRoom's `room` right after the call
   * (R1.response).
   *
   * @generated from field: cohost.v1.RoomInfo room = 1;
   */
  room?: RoomInfo | undefined;
};

/**
 * Describes the message cohost.v1.OpenRoomResponse.
 * Use `create(OpenRoomResponseSchema)` to create a new message.
 */
export const OpenRoomResponseSchema: GenMessage<OpenRoomResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 27);

/**
 * CloseRoomRequest closes a live room (R13).
 *
 * @generated from message cohost.v1.CloseRoomRequest
 */
export type CloseRoomRequest = Message<"cohost.v1.CloseRoomRequest"> & {
  /**
   * The room to close. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;
};

/**
 * Describes the message cohost.v1.CloseRoomRequest.
 * Use `create(CloseRoomRequestSchema)` to create a new message.
 */
export const CloseRoomRequestSchema: GenMessage<CloseRoomRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 28);

/**
 * CloseRoomResponse confirms the close.
 *
 * @generated from message cohost.v1.CloseRoomResponse
 */
export type CloseRoomResponse = Message<"cohost.v1.CloseRoomResponse"> & {
};

/**
 * Describes the message cohost.v1.CloseRoomResponse.
 * Use `create(CloseRoomResponseSchema)` to create a new message.
 */
export const CloseRoomResponseSchema: GenMessage<CloseRoomResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 29);

/**
 * GetRoomRequest reads one open room.
 *
 * @generated from message cohost.v1.GetRoomRequest
 */
export type GetRoomRequest = Message<"cohost.v1.GetRoomRequest"> & {
  /**
   * The room to read. An id (1 to 64 bytes).
   *
   * @generated from field: string live_id = 1;
   */
  liveId: string;
};

/**
 * Describes the message cohost.v1.GetRoomRequest.
 * Use `create(GetRoomRequestSchema)` to create a new message.
 */
export const GetRoomRequestSchema: GenMessage<GetRoomRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 30);

/**
 * GetRoomResponse describes the room.
 *
 * @generated from message cohost.v1.GetRoomResponse
 */
export type GetRoomResponse = Message<"cohost.v1.GetRoomResponse"> & {
  /**
   * The room as it is now.
   *
   * @generated from field: cohost.v1.RoomInfo room = 1;
   */
  room?: RoomInfo | undefined;
};

/**
 * Describes the message cohost.v1.GetRoomResponse.
 * Use `create(GetRoomResponseSchema)` to create a new message.
 */
export const GetRoomResponseSchema: GenMessage<GetRoomResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 31);

/**
 * ListRoomsRequest asks for one page of open rooms.
 *
 * @generated from message cohost.v1.ListRoomsRequest
 */
export type ListRoomsRequest = Message<"cohost.v1.ListRoomsRequest"> & {
  /**
   * Empty for the first page, else a cursor as GetCoHostCandidates
   * describes, such as the previous page's `next_cursor`.
   *
   * @generated from field: string cursor = 1;
   */
  cursor: string;

  /**
   * Rooms per page, 0 to 100; 0 means the default of 20.
   *
   * @generated from field: int32 page_size = 2;
   */
  pageSize: number;
};

/**
 * Describes the message cohost.v1.ListRoomsRequest.
 * Use `create(ListRoomsRequestSchema)` to create a new message.
 */
export const ListRoomsRequestSchema: GenMessage<ListRoomsRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 32);

/**
 * ListRoomsResponse is one page of open rooms.
 *
 * @generated from message cohost.v1.ListRoomsResponse
 */
export type ListRoomsResponse = Message<"cohost.v1.ListRoomsResponse"> & {
  /**
   * Up to `page_size` rooms, ordered by `live_id`.
   *
   * @generated from field: repeated cohost.v1.RoomInfo rooms = 1;
   */
  rooms: RoomInfo[];

  /**
   * The cursor of the next page; empty when this is the last page.
   *
   * @generated from field: string next_cursor = 2;
   */
  nextCursor: string;
};

/**
 * Describes the message cohost.v1.ListRoomsResponse.
 * Use `create(ListRoomsResponseSchema)` to create a new message.
 */
export const ListRoomsResponseSchema: GenMessage<ListRoomsResponse> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 33);

/**
 * RoomInfo is an open room as the admin sees it.
 *
 * @generated from message cohost.v1.RoomInfo
 */
export type RoomInfo = Message<"cohost.v1.RoomInfo"> & {
  /**
   * The room and its host.
   *
   * @generated from field: cohost.v1.SeatUserInfo host = 1;
   */
  host?: SeatUserInfo | undefined;

  /**
   * The room's co-host state, as its feed shows it.
   *
   * @generated from field: cohost.v1.CoHostState state = 2;
   */
  state?: CoHostState | undefined;

  /**
   * The room's feed epoch and the `sequence` of its latest CHANGE.
   *
   * @generated from field: cohost.v1.FeedPosition position = 3;
   */
  position?: FeedPosition | undefined;

  /**
   * The room's pending outgoing requests, oldest first.
   *
   * @generated from field: repeated cohost.v1.PendingRequest outgoing_requests = 4;
   */
  outgoingRequests: PendingRequest[];
};

/**
 * Describes the message cohost.v1.RoomInfo.
 * Use `create(RoomInfoSchema)` to create a new message.
 */
export const RoomInfoSchema: GenMessage<RoomInfo> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 34);

/**
 * PendingRequest is one pending request from a room.
 *
 * @generated from message cohost.v1.PendingRequest
 */
export type PendingRequest = Message<"cohost.v1.PendingRequest"> & {
  /**
   * The invited room.
   *
   * @generated from field: cohost.v1.SeatUserInfo invitee = 1;
   */
  invitee?: SeatUserInfo | undefined;

  /**
   * The layout asked for.
   *
   * @generated from field: cohost.v1.CoHostLayoutTemplate layout_template = 2;
   */
  layoutTemplate: CoHostLayoutTemplate;

  /**
   * The request's `extra_info`.
   *
   * @generated from field: string extra_info = 3;
   */
  extraInfo: string;

  /**
   * When the request times out unless answered, as in the
   * RequestHostConnection response.
   *
   * @generated from field: google.protobuf.Timestamp deadline = 4;
   */
  deadline?: Timestamp | undefined;
};

/**
 * Describes the message cohost.v1.PendingRequest.
 * Use `create(PendingRequestSchema)` to create a new message.
 */
export const PendingRequestSchema: GenMessage<PendingRequest> = /*@__PURE__*/
  messageDesc(file_cohost_v1_cohost, 35);

/**
 * CoHostStatus says whether a room is connected (R11). The names follow
 * Tencent's CoHostStatus; its `connected = 0` cannot be kept because proto3
 * reserves 0 for the unset value, so DISCONNECTED keeps Tencent's 1 and
 * CONNECTED takes 2.
 *
 * @generated from enum cohost.v1.CoHostStatus
 */
export enum CoHostStatus {
  /**
   * The unset value. A server MUST NOT send the UNSPECIFIED value of any
   * enum in this file [R15.no-unspecified].
   *
   * @generated from enum value: CO_HOST_STATUS_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * The room is not in a connection: its `connected` list is empty.
   *
   * @generated from enum value: CO_HOST_STATUS_DISCONNECTED = 1;
   */
  DISCONNECTED = 1,

  /**
   * The room is in a connection: its `connected` list is not empty.
   *
   * @generated from enum value: CO_HOST_STATUS_CONNECTED = 2;
   */
  CONNECTED = 2,
}

/**
 * Describes the enum cohost.v1.CoHostStatus.
 */
export const CoHostStatusSchema: GenEnum<CoHostStatus> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 0);

/**
 * CoHostLayoutTemplate is the layout a connection uses, with Tencent's wire
 * values (R6). A connection's layout is the layout of the request whose
 * acceptance created it. Its capacity, given on each value, is the most
 * rooms the connection may hold, counting the requests its members have
 * pending; a server MUST refuse a request that would exceed it and MUST
 * accept one that fills it exactly (R5, rule 12) [R6.capacity].
 *
 * @generated from enum cohost.v1.CoHostLayoutTemplate
 */
export enum CoHostLayoutTemplate {
  /**
   * Unset; refused as `INVALID_ARGUMENT` / `INVALID_FIELD` in requests.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * Voice chat room connection. Capacity 9 rooms.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_HOST_VOICE_CONNECTION = 2;
   */
  HOST_VOICE_CONNECTION = 2,

  /**
   * Video, dynamic grid. Capacity 9 rooms.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_HOST_DYNAMIC_GRID = 600;
   */
  HOST_DYNAMIC_GRID = 600,

  /**
   * Video, one large seat and up to six small ones. Capacity 7 rooms.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_HOST_DYNAMIC_1V6 = 601;
   */
  HOST_DYNAMIC_1V6 = 601,

  /**
   * Video, one seat on the left in focus and the others beside it. Capacity
   * 9 rooms.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_HOST_VIDEO_LEFT_FOCUS_9_SEATS = 602;
   */
  HOST_VIDEO_LEFT_FOCUS_9_SEATS = 602,

  /**
   * Video, a uniform grid of nine seats. Capacity 9 rooms.
   *
   * @generated from enum value: CO_HOST_LAYOUT_TEMPLATE_HOST_VIDEO_UNIFORM_GRID_9_SEATS = 603;
   */
  HOST_VIDEO_UNIFORM_GRID_9_SEATS = 603,
}

/**
 * Describes the enum cohost.v1.CoHostLayoutTemplate.
 */
export const CoHostLayoutTemplateSchema: GenEnum<CoHostLayoutTemplate> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 1);

/**
 * CancelReason says why an invitee's pending request was cancelled.
 *
 * @generated from enum cohost.v1.CancelReason
 */
export enum CancelReason {
  /**
   * The unset value; never sent.
   *
   * @generated from enum value: CANCEL_REASON_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * The inviter called CancelHostConnection (R8).
   *
   * @generated from enum value: CANCEL_REASON_CANCELLED_BY_INVITER = 1;
   */
  CANCELLED_BY_INVITER = 1,

  /**
   * The inviter called ExitHostConnection (R12).
   *
   * @generated from enum value: CANCEL_REASON_INVITER_EXITED = 2;
   */
  INVITER_EXITED = 2,

  /**
   * The inviter's room was closed (R13).
   *
   * @generated from enum value: CANCEL_REASON_INVITER_ROOM_CLOSED = 3;
   */
  INVITER_ROOM_CLOSED = 3,
}

/**
 * Describes the enum cohost.v1.CancelReason.
 */
export const CancelReasonSchema: GenEnum<CancelReason> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 2);

/**
 * RejectReason says why an inviter's pending request was rejected.
 *
 * @generated from enum cohost.v1.RejectReason
 */
export enum RejectReason {
  /**
   * The unset value; never sent.
   *
   * @generated from enum value: REJECT_REASON_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * The invitee called RejectHostConnection (R10).
   *
   * @generated from enum value: REJECT_REASON_REJECTED_BY_INVITEE = 1;
   */
  REJECTED_BY_INVITEE = 1,

  /**
   * The invitee's room was closed (R13).
   *
   * @generated from enum value: REJECT_REASON_INVITEE_ROOM_CLOSED = 2;
   */
  INVITEE_ROOM_CLOSED = 2,
}

/**
 * Describes the enum cohost.v1.RejectReason.
 */
export const RejectReasonSchema: GenEnum<RejectReason> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 3);

/**
 * LeaveReason says why a room disappeared from another room's `connected`.
 *
 * @generated from enum cohost.v1.LeaveReason
 */
export enum LeaveReason {
  /**
   * The unset value; never sent.
   *
   * @generated from enum value: LEAVE_REASON_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * The room that left called ExitHostConnection (R12).
   *
   * @generated from enum value: LEAVE_REASON_EXITED = 1;
   */
  EXITED = 1,

  /**
   * The room that left was closed (R13).
   *
   * @generated from enum value: LEAVE_REASON_ROOM_CLOSED = 2;
   */
  ROOM_CLOSED = 2,

  /**
   * The receiving room left (exit or close), so every other member
   * disappeared from its own list (R11).
   *
   * @generated from enum value: LEAVE_REASON_SELF_LEFT = 3;
   */
  SELF_LEFT = 3,
}

/**
 * Describes the enum cohost.v1.LeaveReason.
 */
export const LeaveReasonSchema: GenEnum<LeaveReason> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 4);

/**
 * WatchMessageKind says what a WatchCoHostResponse is. A server MUST fill
 * each kind's fields as stated below [R15.kinds].
 *
 * @generated from enum cohost.v1.WatchMessageKind
 */
export enum WatchMessageKind {
  /**
   * The unset value; never sent.
   *
   * @generated from enum value: WATCH_MESSAGE_KIND_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * First message of a watch without resume: the current state, at the
   * current `sequence`. No events.
   *
   * @generated from enum value: WATCH_MESSAGE_KIND_SNAPSHOT = 1;
   */
  SNAPSHOT = 1,

  /**
   * First message of a watch whose resume could not be honoured: the
   * current state and `sequence`. The client replaces its state and fires
   * no events for the gap (R16).
   *
   * @generated from enum value: WATCH_MESSAGE_KIND_RESYNC = 2;
   */
  RESYNC = 2,

  /**
   * One change of the room's state: the full new state, the events the
   * change caused for this room in order, and `sequence` one greater than
   * the previous CHANGE (R15).
   *
   * @generated from enum value: WATCH_MESSAGE_KIND_CHANGE = 3;
   */
  CHANGE = 3,

  /**
   * Nothing changed; sent on resume and while the room is quiet, so a
   * client can tell a dead stream from a quiet one (R16). `sequence` is
   * the last one this stream delivered (on resume, the one resumed after);
   * `state` is unset; no events.
   *
   * @generated from enum value: WATCH_MESSAGE_KIND_KEEP_ALIVE = 4;
   */
  KEEP_ALIVE = 4,
}

/**
 * Describes the enum cohost.v1.WatchMessageKind.
 */
export const WatchMessageKindSchema: GenEnum<WatchMessageKind> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 5);

/**
 * CoHostErrorReason is the machine-readable reason of a refusal, carried in
 * CoHostErrorDetail. Each value names the code it comes with and the
 * `CoHostErrorDetail.field` it carries ("field: none" means empty).
 *
 * @generated from enum cohost.v1.CoHostErrorReason
 */
export enum CoHostErrorReason {
  /**
   * The unset value; never sent.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_UNSPECIFIED = 0;
   */
  UNSPECIFIED = 0,

  /**
   * `UNAUTHENTICATED`: no bearer token: the `Authorization` header is
   * missing, has another scheme, or has nothing after `Bearer` (R2). Field:
   * none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TOKEN_MISSING = 1;
   */
  TOKEN_MISSING = 1,

  /**
   * `UNAUTHENTICATED`: the token is malformed, not HS256, has a bad
   * signature, lacks `sub` or `exp`, or is not yet valid (`nbf`) (R2).
   * Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TOKEN_INVALID = 2;
   */
  TOKEN_INVALID = 2,

  /**
   * `UNAUTHENTICATED`: the token's `exp` has passed; get a new token (R2).
   * Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TOKEN_EXPIRED = 3;
   */
  TOKEN_EXPIRED = 3,

  /**
   * `UNAUTHENTICATED`: the admin key is missing or wrong (R1). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_ADMIN_KEY_INVALID = 4;
   */
  ADMIN_KEY_INVALID = 4,

  /**
   * `INVALID_ARGUMENT`: a field breaks its limits (R5, rule 2). Field: the
   * first such field, in field-number order.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_INVALID_FIELD = 5;
   */
  INVALID_FIELD = 5,

  /**
   * `NOT_FOUND`: a room is not open (R2; R5, rule 6; Tencent connection
   * code 1). Field: the request field naming that room: `live_id` for the
   * caller's room and in RoomAdminService, `target_host_live_id` for the
   * target of RequestHostConnection.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_ROOM_NOT_FOUND = 6;
   */
  ROOM_NOT_FOUND = 6,

  /**
   * `PERMISSION_DENIED`: the caller is not the host of `live_id` (R2).
   * Field: `live_id`.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_NOT_ROOM_HOST = 7;
   */
  NOT_ROOM_HOST = 7,

  /**
   * `RESOURCE_EXHAUSTED`: the room sends requests too fast (R19);
   * `CoHostErrorDetail.retry_after` says when to try again. Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_RATE_LIMITED = 8;
   */
  RATE_LIMITED = 8,

  /**
   * `INVALID_ARGUMENT`: a room cannot request itself (R5, rule 5). Field:
   * `target_host_live_id`.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_SELF_REQUEST = 9;
   */
  SELF_REQUEST = 9,

  /**
   * `FAILED_PRECONDITION`: the caller must answer its incoming request
   * before sending one (R5, rule 7). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_PENDING_INCOMING_REQUEST = 10;
   */
  PENDING_INCOMING_REQUEST = 10,

  /**
   * `ALREADY_EXISTS`: a request to the target is already pending, or the
   * target is already connected with the caller (R5, rule 8; Tencent
   * connection code 2). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_ALREADY_INVITED_OR_CONNECTED = 11;
   */
  ALREADY_INVITED_OR_CONNECTED = 11,

  /**
   * `FAILED_PRECONDITION`: the target is connected with other rooms (R5,
   * rule 9; Tencent connection code 3). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TARGET_CONNECTED_ELSEWHERE = 12;
   */
  TARGET_CONNECTED_ELSEWHERE = 12,

  /**
   * `FAILED_PRECONDITION`: the target is inviting or invited (R5, rule 10).
   * Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TARGET_BUSY = 13;
   */
  TARGET_BUSY = 13,

  /**
   * `FAILED_PRECONDITION`: the layout differs from the caller's connection
   * or its other pending requests (R5, rule 11). Field: `layout_template`.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_LAYOUT_MISMATCH = 14;
   */
  LAYOUT_MISMATCH = 14,

  /**
   * `RESOURCE_EXHAUSTED`: the layout's capacity would be exceeded (R5,
   * rule 12; R6; Tencent connection code 4). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_CONNECTION_FULL = 15;
   */
  CONNECTION_FULL = 15,

  /**
   * `FAILED_PRECONDITION`: no such request is pending (R8, R9, R10).
   * Field: the request field naming the other room: `to_host_live_id` for
   * CancelHostConnection, `from_host_live_id` for Accept and
   * RejectHostConnection.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_REQUEST_NOT_FOUND = 16;
   */
  REQUEST_NOT_FOUND = 16,

  /**
   * `FAILED_PRECONDITION`: the caller's room is not connected (R12). Field:
   * none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_NOT_CONNECTED = 17;
   */
  NOT_CONNECTED = 17,

  /**
   * `ALREADY_EXISTS`: OpenRoom for a room open with other host fields (R1).
   * Field: `live_id`.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_ROOM_ALREADY_OPEN = 18;
   */
  ROOM_ALREADY_OPEN = 18,

  /**
   * `INVALID_ARGUMENT`: the `request_id` was used by this user for a
   * different call (R18). Field: `request_id`.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_REQUEST_ID_REUSED = 19;
   */
  REQUEST_ID_REUSED = 19,

  /**
   * `RESOURCE_EXHAUSTED`: a `WatchCoHost` over the server's limit of open
   * streams per user, per room or per connection. Retrying does not help
   * until one of those streams ends. Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_TOO_MANY_STREAMS = 20;
   */
  TOO_MANY_STREAMS = 20,

  /**
   * `RESOURCE_EXHAUSTED`: the server holds as many streams as it takes in
   * total; retry with backoff, here or on another server. Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_SERVER_AT_CAPACITY = 21;
   */
  SERVER_AT_CAPACITY = 21,

  /**
   * `RESOURCE_EXHAUSTED`: the request message is larger than the server
   * accepts (see Transport refusals). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_MESSAGE_TOO_LARGE = 22;
   */
  MESSAGE_TOO_LARGE = 22,

  /**
   * `UNAVAILABLE`: the server's state store did not answer in time or
   * cannot be reached; on a stream, the server can no longer vouch for the
   * feed. Retry with backoff (a call with the same `request_id`, R18;
   * a stream by resuming, R16). Field: none.
   *
   * @generated from enum value: CO_HOST_ERROR_REASON_STORE_UNAVAILABLE = 23;
   */
  STORE_UNAVAILABLE = 23,
}

/**
 * Describes the enum cohost.v1.CoHostErrorReason.
 */
export const CoHostErrorReasonSchema: GenEnum<CoHostErrorReason> = /*@__PURE__*/
  enumDesc(file_cohost_v1_cohost, 6);

/**
 * CoHostService is what hosts call, each for its own live room. Every
 * request names the caller's room in `live_id`; the caller must be that
 * room's host (R2).
 *
 * @generated from service cohost.v1.CoHostService
 */
export const CoHostService: GenService<{
  /**
   * RequestHostConnection creates a pending connection request from the
   * caller's room A (`live_id`) to room B (`target_host_live_id`), with its
   * own deadline `timeout_seconds` from now (R4, R7). A may have several
   * requests pending at once, also while connected; when B accepts, B joins
   * A's whole connection (R9).
   *
   * On success a server MUST make exactly these changes, each as one CHANGE
   * message [R4.effects]: A's `invitees` gains B at the end, with no event
   * on A's feed; B's `applicant` becomes A, and B's feed carries
   * `request_received(inviter=A, invitee=B, extension_info=extra_info)`
   * with the request's layout and deadline. The response's `deadline`, the
   * event's `deadline` and the `deadline` GetRoom shows for the request
   * MUST be the same time [R7.deadline].
   *
   * Rate limit (R19). Every call that passes step 3 of the refusal order is
   * an attempt of room A and uses one unit of A's allowance, whether it is
   * then refused or not; a `RATE_LIMITED` refusal uses none, and neither
   * does a retry answered from memory (R18) [R19.counts]. A room's
   * allowance is full when the room is opened, also when it is reopened
   * after a close. A server MUST let the first 10 attempts of a freshly
   * opened room pass step 4, and MUST refuse with `RATE_LIMITED` every
   * attempt of a room that already had 100 attempts pass step 4 in the
   * previous 10 seconds [R19.bounds]. With `RATE_LIMITED`, `retry_after`
   * MUST be more than 0 and at most 60 seconds, and an attempt made once
   * `retry_after` has passed, with no other attempt of the room in between,
   * MUST NOT be refused with `RATE_LIMITED` [R19.retry-after].
   *
   * Refusals. After the common ones (steps 1 to 3 above), a server MUST
   * refuse in these cases, the first that applies winning [R5.order]:
   * 4. `RESOURCE_EXHAUSTED` / `RATE_LIMITED`: A sends requests too fast
   *    (see Rate limit) [R19.limited].
   * 5. `INVALID_ARGUMENT` / `SELF_REQUEST`: B equals A [R5.self].
   * 6. `NOT_FOUND` / `ROOM_NOT_FOUND`: B is not open [R5.target-not-open].
   * 7. `FAILED_PRECONDITION` / `PENDING_INCOMING_REQUEST`: A is invited
   *    (has an unanswered incoming request, also one from B)
   *    [R5.pending-incoming]. A answers it first, so at most one request is
   *    pending per pair of rooms.
   * 8. `ALREADY_EXISTS` / `ALREADY_INVITED_OR_CONNECTED`: A to B is already
   *    pending, or B is already in A's connection [R5.already].
   * 9. `FAILED_PRECONDITION` / `TARGET_CONNECTED_ELSEWHERE`: B is connected
   *    with other rooms [R5.connected-elsewhere].
   * 10. `FAILED_PRECONDITION` / `TARGET_BUSY`: B is inviting or invited
   *    [R5.busy]. A room answers one request at a time.
   * 11. `FAILED_PRECONDITION` / `LAYOUT_MISMATCH`: `layout_template`
   *    differs from the layout of A's connection, or from the layout of A's
   *    other pending requests [R5.layout].
   * 12. `RESOURCE_EXHAUSTED` / `CONNECTION_FULL`: the members of A's
   *    connection (or A alone), plus every request pending from any of
   *    them, plus this one, exceed the capacity of `layout_template` (R6)
   *    [R5.full].
   *
   * @generated from rpc cohost.v1.CoHostService.RequestHostConnection
   */
  requestHostConnection: {
    methodKind: "unary";
    input: typeof RequestHostConnectionRequestSchema;
    output: typeof RequestHostConnectionResponseSchema;
  },
  /**
   * CancelHostConnection ends the caller's pending request from A
   * (`live_id`) to B (`to_host_live_id`) (R8). Only the inviter may cancel,
   * and only while the request is pending.
   *
   * On success a server MUST make exactly these changes, each as one CHANGE
   * message [R8.effects]: A's `invitees` loses B, with no event on A's
   * feed; B's `applicant` becomes empty, and B's feed carries
   * `request_cancelled(inviter=A, invitee=B, reason=CANCELLED_BY_INVITER)`.
   *
   * Refusals. After the common ones, a server MUST refuse with
   * `FAILED_PRECONDITION` / `REQUEST_NOT_FOUND` when no request from A to B
   * is pending: never sent, already answered, cancelled or timed out, or
   * sent by B to A [R8.not-found].
   *
   * @generated from rpc cohost.v1.CoHostService.CancelHostConnection
   */
  cancelHostConnection: {
    methodKind: "unary";
    input: typeof CancelHostConnectionRequestSchema;
    output: typeof CancelHostConnectionResponseSchema;
  },
  /**
   * AcceptHostConnection accepts the pending request from A
   * (`from_host_live_id`) to the caller's room B (`live_id`) (R9). Only the
   * invitee may accept, and only while the request is pending. B joins A's
   * connection, or A and B form a new connection whose layout is the
   * request's layout (R6).
   *
   * On success a server MUST make exactly these changes, each as one CHANGE
   * message per room [R9.effects]:
   * * A: `invitees` loses B and `connected` gains B at the end (when A was
   *   not connected, `connected` becomes A then B); events
   *   `request_accepted(invitee=B)`, then `user_joined(B)`.
   * * B: `applicant` becomes empty and `connected` becomes the whole
   *   connection; one `user_joined(h)` for every other member h, in the
   *   order of `connected`.
   * * Every other member C of A's connection: `connected` gains B; event
   *   `user_joined(B)`.
   * A new connection's layout MUST be the accepted request's layout, and a
   * connection keeps its layout while it exists [R6.layout]. A's other
   * pending requests stay pending; when accepted, those invitees join the
   * same connection.
   *
   * Refusals. After the common ones, a server MUST refuse with
   * `FAILED_PRECONDITION` / `REQUEST_NOT_FOUND` when no request from A to B
   * is pending: an answer after the deadline, after a cancel, a second
   * answer, or an answer by the inviter [R9.not-found]. Exactly one of
   * accept, reject, cancel and timeout wins for each request, also when
   * they race (R20).
   *
   * @generated from rpc cohost.v1.CoHostService.AcceptHostConnection
   */
  acceptHostConnection: {
    methodKind: "unary";
    input: typeof AcceptHostConnectionRequestSchema;
    output: typeof AcceptHostConnectionResponseSchema;
  },
  /**
   * RejectHostConnection rejects the pending request from A
   * (`from_host_live_id`) to the caller's room B (`live_id`) (R10). Only
   * the invitee may reject, and only while the request is pending.
   *
   * On success a server MUST make exactly these changes, each as one CHANGE
   * message [R10.effects]: B's `applicant` becomes empty, with no event on
   * B's feed; A's `invitees` loses B, and A's feed carries
   * `request_rejected(invitee=B, reason=REJECTED_BY_INVITEE)`.
   *
   * Refusals. After the common ones, a server MUST refuse with
   * `FAILED_PRECONDITION` / `REQUEST_NOT_FOUND` when no request from A to B
   * is pending, as for AcceptHostConnection [R10.not-found].
   *
   * @generated from rpc cohost.v1.CoHostService.RejectHostConnection
   */
  rejectHostConnection: {
    methodKind: "unary";
    input: typeof RejectHostConnectionRequestSchema;
    output: typeof RejectHostConnectionResponseSchema;
  },
  /**
   * ExitHostConnection removes the caller's room A (`live_id`) from its
   * connection (R12). Only A leaves; the other members stay connected.
   *
   * On success a server MUST make exactly these changes, each as one CHANGE
   * message per room [R12.effects]:
   * * A: `connected` becomes empty and `invitees` becomes empty; events
   *   `user_left(h, SELF_LEFT)` for every other member h, in the order of
   *   the old `connected`.
   * * Every other member C: `connected` loses A; event
   *   `user_left(A, EXITED)`. If a single member is left, the connection
   *   dissolves: its `connected` becomes empty (it still gets only
   *   `user_left(A)`, since A was the last other room in it). Its own
   *   pending requests stay pending.
   * * Every request A had pending to a room X is cancelled: X's
   *   `applicant` becomes empty and X's feed carries
   *   `request_cancelled(inviter=A, invitee=X, reason=INVITER_EXITED)`.
   *
   * Refusals. After the common ones, a server MUST refuse with
   * `FAILED_PRECONDITION` / `NOT_CONNECTED` when A is not connected
   * [R12.not-connected].
   *
   * @generated from rpc cohost.v1.CoHostService.ExitHostConnection
   */
  exitHostConnection: {
    methodKind: "unary";
    input: typeof ExitHostConnectionRequestSchema;
    output: typeof ExitHostConnectionResponseSchema;
  },
  /**
   * GetCoHostCandidates pages through the open rooms the caller's room A
   * could invite (R17). It changes nothing.
   *
   * A page MUST list open rooms other than A and the members of A's
   * connection, whatever their co-host state, in ascending byte-wise order
   * of `live_id`, at most `page_size` of them (20 when `page_size` is 0),
   * starting after the cursor's room [R17.candidates]. A room that is open
   * for the whole paging MUST appear exactly once; a room MUST NOT appear
   * on a page read after it was closed; rooms opened or closed while
   * paging may otherwise appear or not [R17.paging]. An empty `cursor`
   * asks for the first page; pass the previous response's `next_cursor`
   * for the next. An empty `next_cursor` means the end: a server MUST
   * return it empty when no room the call would list follows the page's
   * last room, also when the page holds exactly `page_size` rooms, so
   * paging never ends with an extra empty page [R17.end].
   *
   * Cursors. A server MUST return as `next_cursor` the URL-safe base64
   * encoding, without padding, of the UTF-8 text `c1:` followed by the
   * `live_id` of the last room of the page [R17.cursor]. A server MUST
   * accept every such cursor whose `live_id` is an id, whether or not that
   * room is open, and start the page after it, so cursors work on every
   * instance and in both GetCoHostCandidates and ListRooms [R17.cursor].
   * Any other non-empty `cursor` MUST be refused with `INVALID_ARGUMENT` /
   * `INVALID_FIELD` (field `cursor`) at step 2 of the refusal order, so
   * before the room checks [R17.cursor]. Clients treat cursors as opaque.
   *
   * Refusals: only the common ones.
   *
   * @generated from rpc cohost.v1.CoHostService.GetCoHostCandidates
   */
  getCoHostCandidates: {
    methodKind: "unary";
    input: typeof GetCoHostCandidatesRequestSchema;
    output: typeof GetCoHostCandidatesResponseSchema;
  },
  /**
   * WatchCoHost streams the co-host state of the caller's room (`live_id`)
   * and the listener events it receives (R15, R16).
   *
   * Without `resume_epoch` the first message MUST be a SNAPSHOT of the
   * room's current state at its current `sequence` [R15.snapshot]. Then
   * every change of the room's state MUST be one CHANGE message with the
   * full new state, the events the change caused for this room in order,
   * and a `sequence` one greater than the previous message's; a call or
   * timeout that changes nothing for the room sends nothing [R15.change].
   * Every watcher of a room MUST receive every message of the room's feed
   * [R15.watchers].
   *
   * Resume (R16): a client that saw messages up to `sequence` S of epoch E
   * reconnects with `resume_epoch` = E and `resume_after_sequence` = S. If
   * E is the room's current epoch and the server can replay every CHANGE
   * after S, it MUST send a KEEP_ALIVE whose `sequence` is S, then exactly
   * the missed CHANGE messages in order, then live ones [R16.replay]. A
   * server MUST be able to replay at least the latest 256 CHANGE messages
   * of a room's current epoch [R16.window]. Otherwise (another epoch, as
   * after the room was reopened or the server lost its history; S beyond
   * the replay window; or S greater than the room's latest `sequence`) the
   * first message MUST be a RESYNC with the current state and `sequence`
   * [R16.resync], and the client replaces its state without firing
   * events.
   *
   * Keep-alive. While nothing else is sent, a server MUST send a KEEP_ALIVE
   * no later than `keep_alive_interval` after the previous message
   * [R16.keepalive]. A client that hears nothing for twice that long treats
   * the stream as dead and resumes.
   *
   * End. When the room is closed (R13), the last message MUST be a CHANGE
   * with `room_closed` set, after which the server MUST end the stream with
   * OK [R13.end-ok]. A server MUST NOT end a stream with OK otherwise, and
   * MAY end any stream with `UNAVAILABLE` at any time (for example on
   * shutdown, or when a watcher reads too slowly) [R16.no-silent-end].
   * Watching or resuming a room that is not open MUST be refused with
   * `NOT_FOUND` / `ROOM_NOT_FOUND` (field `live_id`), also when the room
   * was closed while the client was away [R13.closed-watch].
   *
   * What a client does when a stream ends: after `room_closed` and OK, the
   * room is closed; stop. On `UNAVAILABLE`, `DEADLINE_EXCEEDED`,
   * `INTERNAL`, `UNKNOWN`, `RESOURCE_EXHAUSTED`, a network error or a dead
   * stream, resume after a backoff. On `UNAUTHENTICATED` /
   * `TOKEN_EXPIRED`, resume with a new token. On `NOT_FOUND` /
   * `ROOM_NOT_FOUND`, the room is closed (a watcher that missed
   * `room_closed` learns it this way): its state is empty; stop. On any
   * other code, stop: retrying gets the same answer.
   *
   * Refusals: only the common ones; `resume_epoch` must be empty or an id.
   *
   * @generated from rpc cohost.v1.CoHostService.WatchCoHost
   */
  watchCoHost: {
    methodKind: "server_streaming";
    input: typeof WatchCoHostRequestSchema;
    output: typeof WatchCoHostResponseSchema;
  },
}> = /*@__PURE__*/
  serviceDesc(file_cohost_v1_cohost, 0);

/**
 * RoomAdminService is called server-to-server by the platform's backend,
 * with the admin credential, to open and close live rooms (R1). Only open
 * rooms take part in co-hosting. A missing or wrong admin key MUST be
 * refused with `UNAUTHENTICATED` / `ADMIN_KEY_INVALID`, before any field
 * is checked [R1.admin-key]. After that, a field that breaks its limits
 * is `INVALID_ARGUMENT` / `INVALID_FIELD`, as for host calls.
 *
 * @generated from service cohost.v1.RoomAdminService
 */
export const RoomAdminService: GenService<{
  /**
   * OpenRoom opens the live room `live_id` with the given host (R1). A
   * newly opened room MUST be idle at `sequence` 0 with an epoch that
   * differs from every earlier epoch of that `live_id` [R1.open].
   *
   * Opening a room that is already open with exactly the same host fields
   * MUST succeed and change nothing, so the platform may retry [R1.open].
   * The response's `room` MUST be the room as GetRoom returns it right after
   * the call: the given host, the room's state and feed position, its
   * pending outgoing requests [R1.response].
   * Refusals:
   * * `INVALID_ARGUMENT` / `INVALID_FIELD`: a field breaks its limits.
   * * `ALREADY_EXISTS` / `ROOM_ALREADY_OPEN`: the room is open with other
   *   host fields, that is another `user_id`, `user_name` or `avatar_url`
   *   (the open room keeps its fields) [R1.already-open].
   *
   * @generated from rpc cohost.v1.RoomAdminService.OpenRoom
   */
  openRoom: {
    methodKind: "unary";
    input: typeof OpenRoomRequestSchema;
    output: typeof OpenRoomResponseSchema;
  },
  /**
   * CloseRoom closes the live room `live_id` (R13). On success a server
   * MUST make exactly these changes [R13.effects]: the room leaves its
   * connection as with ExitHostConnection, except that the other members'
   * `user_left` carries reason `ROOM_CLOSED`; each of its outgoing requests
   * is cancelled (the invitee gets `request_cancelled` with reason
   * `INVITER_ROOM_CLOSED`); its incoming request is rejected (the inviter
   * gets `request_rejected` with reason `INVITEE_ROOM_CLOSED`).
   *
   * The closed room's feed MUST end with one final CHANGE whose state has
   * status DISCONNECTED, empty `connected` and `invitees`, no `applicant`
   * and layout UNSPECIFIED, whose events are the room's own
   * `user_left(h, SELF_LEFT)` for every other member h if it was connected,
   * and with `room_closed` set [R13.final].
   *
   * Refusals:
   * * `INVALID_ARGUMENT` / `INVALID_FIELD`: `live_id` breaks its limits.
   * * `NOT_FOUND` / `ROOM_NOT_FOUND`: the room is not open
   *   [R13.not-open].
   *
   * @generated from rpc cohost.v1.RoomAdminService.CloseRoom
   */
  closeRoom: {
    methodKind: "unary";
    input: typeof CloseRoomRequestSchema;
    output: typeof CloseRoomResponseSchema;
  },
  /**
   * GetRoom reads one open room. It changes nothing. Its `state` MUST be
   * the room's current state, its `position` the epoch and `sequence` of
   * the room's latest feed message (`sequence` 0 before any CHANGE), and
   * `outgoing_requests` the room's pending requests, oldest first
   * [R1.get-room]. Refusals: `INVALID_ARGUMENT` / `INVALID_FIELD`;
   * `NOT_FOUND` / `ROOM_NOT_FOUND` when the room is not open.
   *
   * @generated from rpc cohost.v1.RoomAdminService.GetRoom
   */
  getRoom: {
    methodKind: "unary";
    input: typeof GetRoomRequestSchema;
    output: typeof GetRoomResponseSchema;
  },
  /**
   * ListRooms pages through all open rooms. It changes nothing. A page MUST
   * follow the rules of GetCoHostCandidates (order, `page_size`, paging,
   * cursors and the empty `next_cursor` at the end), without excluding any
   * room [R17.list].
   *
   * @generated from rpc cohost.v1.RoomAdminService.ListRooms
   */
  listRooms: {
    methodKind: "unary";
    input: typeof ListRoomsRequestSchema;
    output: typeof ListRoomsResponseSchema;
  },
}> = /*@__PURE__*/
  serviceDesc(file_cohost_v1_cohost, 1);

