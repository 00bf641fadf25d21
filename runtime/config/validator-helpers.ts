import { createRequire } from "node:module";
import { ConfigError } from "../errors.js";

const require = createRequire(import.meta.url);

/**
 * Length in code points, as JSON Schema's minLength and maxLength count: a surrogate pair is one
 * character. The same count as ajv's own helper, which ajv's generated code asks for by name.
 */
function ucs2length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}

// The helper modules ajv standalone code may `require` for ordinary keywords, as the `{ default }`
// exports it reads: deep equality (enum or const of objects, uniqueItems) is fast-deep-equal, the
// very function ajv's module re-exports; code-point length is the function above. So the runtime
// package runs generated validators without depending on ajv.
const HELPERS = new Map<string, () => unknown>([
  ["ajv/dist/runtime/equal", () => ({ default: require("fast-deep-equal") as unknown })],
  ["ajv/dist/runtime/ucs2length", () => ({ default: ucs2length })],
]);

/**
 * The `require` that generated value validators (ajv standalone code) are given, so they run inside
 * an ES module without compiling anything at run time.
 */
export function validatorRequire(id: string): unknown {
  const helper = HELPERS.get(id);
  if (helper === undefined) {
    throw new ConfigError(
      `a generated value validator needs ${id}, which cachegen does not provide; remove that keyword (for example format) from serializer.schema`,
    );
  }
  return helper();
}
