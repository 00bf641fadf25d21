import type { JSONSchema } from "json-schema-to-typescript";
import type { Options } from "prettier";

/**
 * The generator's work that needs neither ts-morph nor the config model: json-schema-to-typescript
 * and prettier, each loaded on first use. It runs in a worker beside the main thread (see
 * `toolchain.ts`), or in process.
 */
export const tasks = {
  /** Declarations for `root` and every schema it contains, unformatted. */
  compileSchema: async (root: JSONSchema, name: string): Promise<string> => {
    const { compile } = await import("json-schema-to-typescript");
    return compile(root, name, { bannerComment: "", format: false, declareExternallyReferenced: true });
  },

  /** The project's prettier options for `file` (`.prettierrc`, `.editorconfig`), or none. */
  prettierOptions: async (file: string): Promise<Options> => {
    const { resolveConfig } = await import("prettier");
    return (await resolveConfig(file, { editorconfig: true })) ?? {};
  },

  /**
   * One prettier pass over the whole generated file. The babel-ts parser formats this code exactly
   * as the typescript one does and loads and parses about a quarter faster in a cold process.
   */
  format: async (text: string, options: Options): Promise<string> => {
    const { format } = await import("prettier");
    return format(text, { ...options, parser: "babel-ts" });
  },
};

export type Tasks = typeof tasks;
