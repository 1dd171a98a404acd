// The schema a server exposes through reflection: every file of its
// services and their imports, found by file name, symbol or extension.
import { toBinary, type DescExtension, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

export class DescriptorIndex {
  private readonly files = new Map<string, DescFile>();
  private readonly symbols = new Map<string, DescFile>();
  private readonly extensions = new Map<string, Map<number, DescFile>>();
  private readonly encoded = new Map<DescFile, Uint8Array>();

  constructor(readonly services: readonly DescService[]) {
    for (const service of services) this.addFile(service.file);
  }

  /** The file of this name and every file it imports, each once, as serialized FileDescriptorProtos. */
  fileByName(name: string): Uint8Array[] | undefined {
    const file = this.files.get(name);
    return file && this.withImports(file);
  }

  /** The file defining a message, enum, service, method, field or extension, with its imports. */
  fileContainingSymbol(symbol: string): Uint8Array[] | undefined {
    const file = this.symbols.get(symbol) ?? this.symbols.get(symbol.slice(0, symbol.lastIndexOf(".")));
    return file && this.withImports(file);
  }

  fileContainingExtension(extendee: string, number: number): Uint8Array[] | undefined {
    const file = this.extensions.get(extendee)?.get(number);
    return file && this.withImports(file);
  }

  /** Field numbers of the known extensions of a message, or undefined for an unknown message. */
  extensionNumbers(extendee: string): number[] | undefined {
    if (!this.symbols.has(extendee)) return undefined;
    return [...(this.extensions.get(extendee)?.keys() ?? [])];
  }

  private withImports(file: DescFile): Uint8Array[] {
    const out: Uint8Array[] = [];
    const seen = new Set<DescFile>();
    const visit = (f: DescFile) => {
      if (seen.has(f)) return;
      seen.add(f);
      out.push(this.encode(f));
      f.dependencies.forEach(visit);
    };
    visit(file);
    return out;
  }

  private encode(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file);
    if (!bytes) this.encoded.set(file, (bytes = toBinary(FileDescriptorProtoSchema, file.proto)));
    return bytes;
  }

  private addFile(file: DescFile): void {
    if (this.files.has(file.proto.name)) return;
    this.files.set(file.proto.name, file);
    const addMessage = (message: DescMessage) => {
      this.symbols.set(message.typeName, file);
      message.nestedMessages.forEach(addMessage);
      for (const e of message.nestedEnums) this.symbols.set(e.typeName, file);
      message.nestedExtensions.forEach(addExtension);
    };
    const addExtension = (extension: DescExtension) => {
      this.symbols.set(extension.typeName, file);
      const byNumber = this.extensions.get(extension.extendee.typeName) ?? new Map<number, DescFile>();
      byNumber.set(extension.number, file);
      this.extensions.set(extension.extendee.typeName, byNumber);
    };
    file.messages.forEach(addMessage);
    for (const e of file.enums) this.symbols.set(e.typeName, file);
    for (const s of file.services) this.symbols.set(s.typeName, file);
    file.extensions.forEach(addExtension);
    file.dependencies.forEach((d) => this.addFile(d));
  }
}
