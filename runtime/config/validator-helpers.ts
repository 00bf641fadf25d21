import { createRequire } from "node:module";
import { ConfigError } from "../errors.js";

// The helper modules ajv standalone code may `require` for ordinary keywords: deep equality (enum or
// const of objects, uniqueItems) and code-point length (minLength, maxLength). Both are tiny CommonJS
// files that load nothing else of ajv; they are required as CommonJS, exactly as ajv's code expects.
const HELPERS = new Set(["ajv/dist/runtime/equal", "ajv/dist/runtime/ucs2length"]);
const require = createRequire(import.meta.url);

/**
 * The `require` that generated value validators (ajv standalone code) are given, so they run inside
 * an ES module without compiling anything at run time.
 */
export function validatorRequire(id: string): unknown {
  if (!HELPERS.has(id)) {
    throw new ConfigError(
      `a generated value validator needs ${id}, which cachegen does not provide; remove that keyword (for example format) from serializer.schema`,
    );
  }
  return require(id);
}
