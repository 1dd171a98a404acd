// Connect transports from @connectrpc/connect-node for each transport of
// the client runner protocol, and the list of them (our Node driver's).
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { HttpVersion, Protocol, type Transport } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";

export const NODE_TRANSPORTS = [
  { protocol: Protocol.CONNECT, httpVersion: HttpVersion.HTTP_VERSION_1_1 },
  { protocol: Protocol.CONNECT, httpVersion: HttpVersion.HTTP_VERSION_2 },
  { protocol: Protocol.GRPC, httpVersion: HttpVersion.HTTP_VERSION_2 },
  { protocol: Protocol.GRPC_WEB, httpVersion: HttpVersion.HTTP_VERSION_1_1 },
  { protocol: Protocol.GRPC_WEB, httpVersion: HttpVersion.HTTP_VERSION_2 },
];

export function nodeTransport(baseUrl: string, transport: Transport) {
  const httpVersion = transport.httpVersion === HttpVersion.HTTP_VERSION_2 ? "2" : "1.1";
  switch (transport.protocol) {
    case Protocol.CONNECT:
      return createConnectTransport({ baseUrl, httpVersion });
    case Protocol.GRPC:
      if (httpVersion !== "2") throw new Error("gRPC needs HTTP/2");
      return createGrpcTransport({ baseUrl });
    case Protocol.GRPC_WEB:
      return createGrpcWebTransport({ baseUrl, httpVersion });
    default:
      throw new Error(`unknown protocol ${transport.protocol}`);
  }
}
