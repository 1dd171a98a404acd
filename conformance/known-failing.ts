import { readFileSync } from "node:fs";

/**
 * A known-failing file lists case-name patterns, one per line. Every entry
 * must carry a `#` comment saying why (as in Connect's conformance suite);
 * blank lines are ignored.
 */
export function readKnownFailing(path: string): string[] {
  const patterns: string[] = [];
  for (const [i, raw] of readFileSync(path, "utf8").split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const hash = line.indexOf("#");
    if (hash < 0) throw new Error(`${path}:${i + 1}: every known-failing entry needs a "# why" comment`);
    patterns.push(line.slice(0, hash).trim());
  }
  return patterns;
}
