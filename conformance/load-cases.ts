import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { validateCaseFile, type CaseFile } from "./schema.js";

/** The case files shipped with the suite (conformance/cases), also from dist/. */
export function casesDirectory(): string {
  for (const candidate of ["./cases/", "../../conformance/cases/"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error("conformance/cases not found next to the suite");
}

export function loadCaseFiles(dir = casesDirectory()): CaseFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  if (files.length === 0) throw new Error(`no case files in ${dir}`);
  const loaded = files.map((f) => validateCaseFile(f, parse(readFileSync(`${dir}/${f}`, "utf8"))));
  const seen = new Set<string>();
  for (const file of loaded) {
    for (const c of file.cases) {
      const id = `${file.family}/${c.name}`;
      if (seen.has(id)) throw new Error(`duplicate case ${id}`);
      seen.add(id);
    }
  }
  return loaded;
}
