import { fileURLToPath } from "node:url";
import ts from "typescript";
import { defineConfig, type Plugin } from "vitest/config";

/**
 * Vite 8's transformer (Oxc) lowers only legacy decorators and Node 20 cannot parse standard ones,
 * so modules that use standard (TypeScript 5) decorators are lowered by TypeScript first.
 */
function standardDecorators(): Plugin {
  return {
    name: "cachegen:standard-decorators",
    enforce: "pre",
    transform(code, id) {
      if (!id.endsWith(".ts") || id.includes("/node_modules/") || !/^\s*@[\w$]/m.test(code)) return undefined;
      const { outputText, sourceMapText } = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true },
      });
      return { code: outputText, map: sourceMapText };
    },
  };
}

export default defineConfig({
  plugins: [standardDecorators()],
  // Generated goldens import "cachegen", the generator "cachegen/internal"; tests run them against
  // the runtime sources, not dist/.
  resolve: {
    alias: [
      { find: /^cachegen$/, replacement: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)) },
      { find: /^cachegen\/internal$/, replacement: fileURLToPath(new URL("./runtime/internal.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Guards against a hang, not measures of speed: a test that starts tsc, the CLI or Python takes
    // several times longer on a loaded 2-core machine, and a test's own bounds are assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ["test/helpers/run-setup.ts", "test/helpers/global-setup.ts", "test/interop/python-setup.ts"],
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "tsconfig.json",
      ignoreSourceErrors: false,
    },
  },
});
