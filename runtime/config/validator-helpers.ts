import equal from "ajv/dist/runtime/equal.js";
import ucs2length from "ajv/dist/runtime/ucs2length.js";
import { ConfigError } from "../errors.js";

// The two helper modules ajv standalone code may `require` for ordinary keywords (enum/const of
// objects and uniqueItems; minLength/maxLength). Both are tiny and load nothing else of ajv.
const HELPERS: Readonly<Record<string, unknown>> = {
  "ajv/dist/runtime/equal": equal,
  "ajv/dist/runtime/ucs2length": ucs2length,
};

/**
 * The `require` that generated validators (ajv standalone code) are given, so they run as ES
 * modules without compiling anything at run time.
 */
export function validatorRequire(id: string): unknown {
  const helper = HELPERS[id];
  if (helper === undefined) {
    throw new ConfigError(`a generated value validator needs ${id}, which cachegen does not ship; remove the keyword (e.g. format) from serializer.schema`);
  }
  return helper;
}
