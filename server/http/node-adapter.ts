// connectNodeAdapter, as the reference server needs it at the network edge:
// - a request Node cannot give a URL (no Host, a bad :authority) is answered
//   400 instead of throwing out of the request listener, which ends the process;
// - a request body is limited while it arrives, before Connect decodes it, and
//   refused with RESOURCE_EXHAUSTED / MESSAGE_TOO_LARGE;
// - the request stream is never destroyed by the handler, so a refusal sent
//   before the body was read reaches the client (the listener drains the rest);
// - a failed response (the client left mid-call) is one debug line, not an
//   error printed with a stack.
import type * as http from "node:http";
import type * as http2 from "node:http2";
import type { Readable } from "node:stream";
import { Code, ConnectError, createConnectRouter, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import type { UniversalServerRequest } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Logger } from "../logger.js";
import { refusalError } from "../service/errors.js";
import { connectionKey } from "../service/stream-gate.js";

type NodeRequest = http.IncomingMessage | http2.Http2ServerRequest;
type NodeResponse = http.ServerResponse | http2.Http2ServerResponse;
export type NodeHandlerFn = (req: NodeRequest, res: NodeResponse) => void;

export interface NodeAdapterOptions {
  routes: (router: ConnectRouter) => void;
  /** Largest request message, in bytes (the envelope of gRPC and gRPC-Web not counted). */
  maxRequestBytes: number;
  logger: Logger;
}

/** Bytes of a gRPC, gRPC-Web or Connect streaming envelope header: flags and length. */
const ENVELOPE_HEADER = 5;

export function nodeAdapter(options: NodeAdapterOptions): NodeHandlerFn {
  const router = createConnectRouter();
  options.routes(router);
  const paths = new Map(router.handlers.map((h) => [h.requestPath, h]));
  return (req, res) => {
    const handler = paths.get(req.url?.split("?", 2)[0] ?? "");
    if (!handler) {
      res.writeHead(404);
      res.end();
      return;
    }
    let uReq: UniversalServerRequest;
    try {
      const values = createContextValues().set(connectionKey, "stream" in req ? req.stream.session : req.socket);
      uReq = universalRequestFromNodeRequest(req, res, undefined, values);
    } catch {
      // Connect needs an absolute URL: no Host (HTTP/1.0) or one that is not a host[:port].
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end("bad request: missing or invalid Host (:authority)\n");
      return;
    }
    // The limit is enforced below, on the bytes as they arrive; without the length
    // hint Connect cannot refuse first with an error that lacks our reason.
    uReq.header.delete("content-length");
    const limited: UniversalServerRequest = {
      ...uReq,
      body: limitedBody(req, uReq.header.get("content-type") ?? "", Number(req.headers["content-length"] ?? -1), options.maxRequestBytes),
    };
    handler(limited)
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      .catch((reason: unknown) => {
        // Writing failed: the client left or the connection broke. Nothing to answer.
        options.logger.debug("response not delivered", { procedure: handler.requestPath, error: ConnectError.from(reason).message });
      });
  };
}

function tooLarge(max: number): ConnectError {
  return refusalError({
    code: Code.ResourceExhausted,
    reason: CoHostErrorReason.MESSAGE_TOO_LARGE,
    field: "",
    message: `request message larger than ${max} bytes`,
  });
}

/**
 * The request body, refused with MESSAGE_TOO_LARGE as soon as it is known to
 * exceed `max`: from Content-Length, from an envelope's declared length, or
 * by counting. Reading never destroys the request stream.
 */
async function* limitedBody(req: NodeRequest, contentType: string, contentLength: number, max: number): AsyncGenerator<Uint8Array> {
  // gRPC, gRPC-Web and Connect streaming frame each message in an envelope; Connect unary sends it bare.
  const enveloped = /^application\/(grpc|connect\+)/i.test(contentType);
  // Every envelope's length is checked, so the total only needs room for the framing.
  const maxTotal = enveloped ? max + 4 * ENVELOPE_HEADER + 64 : max;
  if (contentLength > maxTotal) throw tooLarge(max);
  let total = 0;
  let header = Buffer.alloc(0); // bytes of the envelope header being read
  let skip = 0; // bytes of the current envelope's payload still to come
  try {
    for await (const chunk of (req as Readable).iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxTotal) throw tooLarge(max);
      for (let at = 0; enveloped && at < chunk.length;) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
          continue;
        }
        const n = Math.min(ENVELOPE_HEADER - header.length, chunk.length - at);
        header = Buffer.concat([header, chunk.subarray(at, at + n)]);
        at += n;
        if (header.length < ENVELOPE_HEADER) continue;
        skip = header.readUInt32BE(1);
        header = Buffer.alloc(0);
        if (skip > max) throw tooLarge(max);
      }
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ConnectError) throw err;
    // The client reset the stream or the connection broke while sending.
    throw new ConnectError("the client closed the request before its body was complete", Code.Canceled);
  }
}
