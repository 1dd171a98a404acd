// The client runner protocol's framing (proto/cohost/clientrunner/v1):
// one message per line in the proto3 JSON mapping. Readers ignore fields
// and enum values they do not know, so additions within version 1 never
// break either side. Browser-safe: the Chromium driver uses it too.
import { create, fromJsonString, toJsonString, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ClientMessageSchema,
  HttpVersion,
  Protocol,
  RunnerMessageSchema,
  type ClientMessage,
  type RunnerMessage,
  type Transport,
} from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";

/** The protocol version of package cohost.clientrunner.v1. */
export const PROTOCOL_VERSION = 1;

export class ProtocolError extends Error {}

export function encodeRunnerMessage(message: MessageInitShape<typeof RunnerMessageSchema>): string {
  return toJsonString(RunnerMessageSchema, create(RunnerMessageSchema, message));
}

export function encodeClientMessage(message: MessageInitShape<typeof ClientMessageSchema>): string {
  return toJsonString(ClientMessageSchema, create(ClientMessageSchema, message));
}

export function decodeRunnerMessage(line: string): RunnerMessage {
  return decode(() => fromJsonString(RunnerMessageSchema, line, { ignoreUnknownFields: true }), line);
}

export function decodeClientMessage(line: string): ClientMessage {
  return decode(() => fromJsonString(ClientMessageSchema, line, { ignoreUnknownFields: true }), line);
}

function decode<T>(parse: () => T, line: string): T {
  try {
    return parse();
  } catch (err) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
    throw new ProtocolError(`not a protocol message (${err instanceof Error ? err.message : String(err)}): ${shown}`);
  }
}

/** A transport as case names show it: "Protocol:grpc/HTTP:2". */
export function transportName(t: Pick<Transport, "protocol" | "httpVersion">): string {
  const protocol = { [Protocol.CONNECT]: "connect", [Protocol.GRPC]: "grpc", [Protocol.GRPC_WEB]: "grpc-web" }[t.protocol as number];
  const http = { [HttpVersion.HTTP_VERSION_1_1]: "1.1", [HttpVersion.HTTP_VERSION_2]: "2" }[t.httpVersion as number];
  return `Protocol:${protocol ?? `#${t.protocol}`}/HTTP:${http ?? `#${t.httpVersion}`}`;
}
