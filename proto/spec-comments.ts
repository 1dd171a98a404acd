// Reads the source comments of proto/ (via `buf build`), addressed by the
// element they document. The contract test and the MUST list of the
// conformance coverage (conformance/tools/) both read the spec this way.
import { execFileSync } from "node:child_process";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type DescriptorProto, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";

// Field numbers of descriptor.proto, used to address comments by path.
const FILE_SYNTAX = 12,
  FILE_MESSAGE = 4,
  FILE_ENUM = 5,
  FILE_SERVICE = 6;
const MESSAGE_FIELD = 2,
  MESSAGE_NESTED = 3,
  MESSAGE_ENUM = 4,
  MESSAGE_ONEOF = 8;
const ENUM_VALUE = 2,
  SERVICE_METHOD = 2;

/** The cohost files of proto/, with source info. */
export function buildImage(): FileDescriptorProto[] {
  const bytes = execFileSync("buf", ["build", "--as-file-descriptor-set", "-o", "-#format=binpb"], {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, PATH: `${new URL("../node_modules/.bin", import.meta.url).pathname}:${process.env.PATH}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  return fromBinary(FileDescriptorSetSchema, bytes).file.filter((f) => f.name.startsWith("cohost/"));
}

/** Every element of a file that must carry a leading comment, by source path. */
export function documentedElements(file: FileDescriptorProto): { name: string; path: number[] }[] {
  const out: { name: string; path: number[] }[] = [];
  const enumValues = (prefix: string, path: number[], values: { name: string }[]) =>
    values.forEach((v, i) => out.push({ name: `${prefix}.${v.name}`, path: [...path, ENUM_VALUE, i] }));
  const message = (prefix: string, path: number[], m: DescriptorProto) => {
    const name = `${prefix}${m.name}`;
    out.push({ name, path });
    m.field.forEach((f, i) => out.push({ name: `${name}.${f.name}`, path: [...path, MESSAGE_FIELD, i] }));
    m.oneofDecl.forEach((o, i) => out.push({ name: `${name}.${o.name}`, path: [...path, MESSAGE_ONEOF, i] }));
    m.nestedType.forEach((n, i) => message(`${name}.`, [...path, MESSAGE_NESTED, i], n));
    m.enumType.forEach((e, i) => {
      out.push({ name: `${name}.${e.name}`, path: [...path, MESSAGE_ENUM, i] });
      enumValues(`${name}.${e.name}`, [...path, MESSAGE_ENUM, i], e.value);
    });
  };
  file.messageType.forEach((m, i) => message("", [FILE_MESSAGE, i], m));
  file.enumType.forEach((e, i) => {
    out.push({ name: e.name, path: [FILE_ENUM, i] });
    enumValues(e.name, [FILE_ENUM, i], e.value);
  });
  file.service.forEach((s, i) => {
    out.push({ name: s.name, path: [FILE_SERVICE, i] });
    s.method.forEach((m, j) => out.push({ name: `${s.name}.${m.name}`, path: [FILE_SERVICE, i, SERVICE_METHOD, j] }));
  });
  return out;
}

/** Every comment of the spec, in file order: the file header, then each element's leading comment. */
export function specComments(files: FileDescriptorProto[] = buildImage()): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const file of files) {
    const locations = new Map((file.sourceCodeInfo?.location ?? []).map((l) => [l.path.join("."), l]));
    const header = locations.get(String(FILE_SYNTAX));
    for (const detached of header?.leadingDetachedComments ?? []) out.push({ where: `${file.name} (header)`, text: detached });
    if (header?.leadingComments) out.push({ where: `${file.name} (header)`, text: header.leadingComments });
    for (const element of documentedElements(file)) {
      const comment = locations.get(element.path.join("."))?.leadingComments;
      if (comment) out.push({ where: element.name, text: comment });
    }
  }
  return out;
}
