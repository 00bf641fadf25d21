// Lint: typescript-eslint's strict type-checked set. Each rule changed below says why.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "node_modules/",
      "**/dist/",
      "coverage/",
      ".vitest-servers/",
      "fixtures/",
      "examples/**/caches.ts",
      "examples/**/caches.validators.*",
      "**/*.generated.ts",
      // Code that must not compile, each line with the error it expects (test/types/matrix.test.ts).
      "test/types/diagnostics/",
      "test/types/readme/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.cjs", "scripts/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // noUncheckedIndexedAccess types every index as possibly undefined; `!` marks an index the
      // code has just proven in range (a loop bound, a regex group that matched).
      "@typescript-eslint/no-non-null-assertion": "off",
      // Numbers and booleans read fine in messages; objects and undefined still do not pass.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `() => void call()` style is how callbacks ignore a result here.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // `const { dropped: _dropped, ...rest } = value` is how a field is left out of a copy.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // `any` here stands for "any instantiation" of the invariant Cache<V> and CacheRegistry
      // generics and for the rest parameters of function constraints; the no-unsafe-* rules still
      // stop an `any` value from flowing into code.
      "@typescript-eslint/no-explicit-any": "off",
      // A caught error passed on as is (`Promise.reject(error)` in a catch) keeps what the caller threw.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // ts-morph hands out nodes made by its factories, never by their constructors, so every node
      // the generator touches would trip this rule.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
    },
  },
  {
    // The build scripts are plain JavaScript: no types for the type-aware rules to check.
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The skeleton's interfaces stay empty until emit fills them in.
    files: ["generator/templates/**"],
    rules: { "@typescript-eslint/no-empty-object-type": "off" },
  },
  {
    files: ["test/**", "bench/**"],
    rules: {
      // Loaders and peers in tests and benchmarks are async to stand in for real I/O, awaiting nothing.
      "@typescript-eslint/require-await": "off",
      // vitest's asymmetric matchers (expect.any, expect.objectContaining, …) are typed `any`.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    files: ["test/**/*.test-d.ts"],
    rules: {
      // Type tests take methods by reference only to read their types, and write `void expr` for an
      // expression whose type alone is under test.
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-meaningless-void-operator": "off",
    },
  },
);
