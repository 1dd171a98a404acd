// gRPC server reflection (grpc.reflection.v1 and its older twin v1alpha,
// which reflection clients still try), so `buf curl --list-services`,
// grpcurl and grpcui work without a local copy of the schema.
import { create, type DescService } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import * as v1 from "./generated/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "./generated/grpc/reflection/v1alpha/reflection_pb.js";
import { DescriptorIndex } from "./descriptor-index.js";

const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;

/** Both reflection services, describing `served` and themselves. */
export function reflectionServices(served: readonly DescService[]) {
  const exposed = [...served, v1.ServerReflection, v1alpha.ServerReflection];
  const index = new DescriptorIndex(exposed);
  const names = exposed.map((s) => s.typeName);
  // v1 and v1alpha messages have the same fields: one answer serves both.
  const answer = (req: v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest) => {
    const r = req.messageRequest;
    const files = (found: Uint8Array[] | undefined, what: string) =>
      found
        ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: found } }
        : { case: "errorResponse" as const, value: { errorCode: NOT_FOUND, errorMessage: `${what} not found` } };
    switch (r.case) {
      case "listServices":
        return { case: "listServicesResponse" as const, value: { service: names.map((name) => ({ name })) } };
      case "fileByFilename":
        return files(index.fileByName(r.value), `file ${r.value}`);
      case "fileContainingSymbol":
        return files(index.fileContainingSymbol(r.value), `symbol ${r.value}`);
      case "fileContainingExtension":
        return files(
          index.fileContainingExtension(r.value.containingType, r.value.extensionNumber),
          `extension ${r.value.containingType}.${r.value.extensionNumber}`,
        );
      case "allExtensionNumbersOfType": {
        const numbers = index.extensionNumbers(r.value);
        return numbers
          ? { case: "allExtensionNumbersResponse" as const, value: { baseTypeName: r.value, extensionNumber: numbers } }
          : { case: "errorResponse" as const, value: { errorCode: NOT_FOUND, errorMessage: `type ${r.value} not found` } };
      }
      default:
        return { case: "errorResponse" as const, value: { errorCode: INVALID_ARGUMENT, errorMessage: "empty reflection request" } };
    }
  };

  const v1Impl: ServiceImpl<typeof v1.ServerReflection> = {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1.ServerReflectionResponseSchema, { validHost: req.host, originalRequest: req, messageResponse: answer(req) });
      }
    },
  };
  const v1alphaImpl: ServiceImpl<typeof v1alpha.ServerReflection> = {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, { validHost: req.host, originalRequest: req, messageResponse: answer(req) });
      }
    },
  };
  return [
    { service: v1.ServerReflection, impl: v1Impl },
    { service: v1alpha.ServerReflection, impl: v1alphaImpl },
  ] as const;
}
