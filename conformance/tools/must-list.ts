// The MUST list: every normative statement of the spec (a sentence of the
// proto comments with MUST or MUST NOT) carries an id such as [R7.overdue];
// cases name the ids they check in `rules`. Generated into
// conformance/COVERAGE.md; coverage.spec.ts fails when a MUST has no id, an
// id has no case, or a case names an id the spec does not have.
import { buildImage, specComments } from "../../proto/spec-comments.js";
import type { SuiteCase } from "../runner.js";

export interface MustStatement {
  /** The id, e.g. R7.overdue. */
  id: string;
  /** The sentences that carry the id, with the element they document. */
  sentences: { where: string; text: string }[];
}

const ID = /\[(R(?:[1-9]|1[0-9]|20)\.[a-z0-9-]+)\]/g;
const MUST = /\bMUST\b/;

/** A comment as sentences: lines joined, split after a full stop before a new clause. */
export function sentences(comment: string): string[] {
  const text = comment.replace(/\s+/g, " ").trim();
  return text
    .split(/(?<=\.)\s+(?=[-*A-Z0-9`(])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The comments of the CoHost spec itself (not of the client runner's protocol beside it). */
const cohostSpecComments = () => specComments(buildImage().filter((f) => f.name === "cohost/v1/cohost.proto"));

export function mustStatements(comments = cohostSpecComments()): {
  statements: MustStatement[];
  untagged: { where: string; text: string }[];
} {
  const byId = new Map<string, MustStatement>();
  const untagged: { where: string; text: string }[] = [];
  for (const { where, text } of comments) {
    for (const sentence of sentences(text)) {
      const ids = [...sentence.matchAll(ID)].map((m) => m[1]!);
      if (ids.length === 0) {
        if (MUST.test(sentence)) untagged.push({ where, text: sentence });
        continue;
      }
      for (const id of ids) {
        let statement = byId.get(id);
        if (!statement) byId.set(id, (statement = { id, sentences: [] }));
        statement.sentences.push({ where, text: sentence });
      }
    }
  }
  const rule = (id: string) => Number(id.slice(1, id.indexOf(".")));
  const statements = [...byId.values()].sort((a, b) => rule(a.id) - rule(b.id) || a.id.localeCompare(b.id));
  return { statements, untagged };
}

/** The cases that name a statement id. */
export function casesChecking(id: string, cases: SuiteCase[]): SuiteCase[] {
  return cases.filter((c) => c.rules.includes(id));
}

/** Statement ids that cases name but the spec does not have. */
export function unknownIds(statements: MustStatement[], cases: SuiteCase[]): string[] {
  const known = new Set(statements.map((s) => s.id));
  return [...new Set(cases.flatMap((c) => c.rules.filter((r) => r.includes(".") && !known.has(r))))].sort();
}

/** A sentence for the table: without its ids, list markers and a trailing list number. */
function readable(sentence: string): string {
  return sentence
    .replace(ID, "")
    .replace(/\s+([.,;:])/g, "$1")
    .replace(/^([-*]|\d+\.)\s+/, "")
    .replace(/:\s+\d+\.$/, ":")
    .trim();
}

export function mustTable(statements: MustStatement[], cases: SuiteCase[]): string {
  const lines = [
    "## Every MUST of the spec",
    "",
    "Each sentence of `proto/cohost/v1/cohost.proto` that says MUST or MUST NOT carries an id; a case that checks it names the id in `rules`.",
    `${statements.length} statements; a statement without a case, or a MUST without an id, fails \`conformance/coverage.spec.ts\`.`,
    "",
    "| id | statement | cases |",
    "| --- | --- | --- |",
  ];
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  for (const s of statements) {
    const text = s.sentences.map((x) => `${cell(readable(x.text))} (${x.where})`).join("<br>");
    const names = casesChecking(s.id, cases).map((c) => `\`${c.family}/${c.name}\``);
    lines.push(`| ${s.id} | ${text} | ${names.length ? names.join(", ") : "**none**"} |`);
  }
  lines.push("");
  return lines.join("\n");
}
