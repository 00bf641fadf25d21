import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Generated goldens import "cachegen"; tests run them against the runtime sources, not dist/.
  resolve: { alias: [{ find: /^cachegen$/, replacement: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)) }] },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    globalSetup: ["test/helpers/run-setup.ts", "test/helpers/global-setup.ts"],
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "tsconfig.json",
      ignoreSourceErrors: false,
    },
  },
});
