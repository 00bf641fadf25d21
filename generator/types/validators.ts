import { dirname } from "node:path";
import Ajv from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { posixRelative } from "../paths.js";
import type { PendingProblem } from "../problems.js";

// Ids are URLs under a fixed base, relative to the config file: ajv resolves `$ref`s between the
// alias schema and its files itself, and nothing machine-specific reaches the generated code.
const BASE = "https://cachegen.invalid/config/";

/** The precompiled validator source for one alias, or the reason it could not be compiled. */
export type ValidatorSource = { readonly code: string } | { readonly problem: PendingProblem };

/**
 * Compiles `schema` (as written, `$ref`s intact) into ajv standalone code: a CommonJS body whose
 * `require`s only name the helpers the runtime's `validatorRequire` provides. Referenced files were
 * already read and checked by the schema resolver; `files` maps each to its text.
 */
export function validatorSource(
  alias: string,
  schema: object | boolean,
  files: ReadonlyMap<string, string>,
  configFile: string,
): ValidatorSource {
  const configDir = dirname(configFile);
  const ajv = new Ajv.default({
    strict: false,
    allErrors: true,
    validateFormats: false,
    code: { source: true, esm: false, lines: false, optimize: true },
  });
  for (const [file, text] of files) {
    const id = new URL(posixRelative(configDir, file), BASE).href;
    ajv.addSchema({ ...(JSON.parse(text) as object), $id: id });
  }
  try {
    const id = new URL(`cachegen-alias-${encodeURIComponent(alias)}.json`, BASE).href;
    const root = typeof schema === "boolean" ? schema : { ...schema, $id: id };
    return { code: standalone.default(ajv, ajv.compile(root)) };
  } catch (error) {
    return {
      problem: {
        segments: [alias, "serializer", "schema"],
        message: `cannot compile the value validator: ${(error as Error).message}`,
      },
    };
  }
}
