import type { GeneratedFamilyOptions, SuiteCase } from "../runner.js";
import { malformedCase } from "./malformed.js";
import { propertyCase } from "./property.js";

/** The generated families (fast-check), unless switched off. */
export function generatedCases(options: {
  property?: GeneratedFamilyOptions | false;
  malformed?: GeneratedFamilyOptions | false;
}): SuiteCase[] {
  const out: SuiteCase[] = [];
  if (options.property !== false) out.push(propertyCase(options.property ?? {}));
  if (options.malformed !== false) out.push(malformedCase(options.malformed ?? {}));
  return out;
}
