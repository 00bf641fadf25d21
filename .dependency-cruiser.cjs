// Import rules for `npm run lint`: no cycles (type-only imports count), and the runtime's layers
// import one way: leaves <- stores <- pipeline <- coordination <- caches <- registry <- wrappers.
const RUNTIME = "^runtime/";
const LEAVES = "^runtime/(errors|duration|deadline|backoff|single-flight|events|operations|optional-require)[.]ts$";
const ABOVE_STORES =
  "^runtime/(pipeline|coordination|telemetry|config|wrappers)/|^runtime/[^/]*cache[.]ts$|^runtime/(registry|caches|index)[.]ts$";
const ABOVE_PIPELINE =
  "^runtime/(coordination|telemetry|config|wrappers)/|^runtime/[^/]*cache[.]ts$|^runtime/(registry|caches|index)[.]ts$";
const ABOVE_COORDINATION =
  "^runtime/(config|wrappers)/|^runtime/[^/]*cache[.]ts$|^runtime/(registry|caches|index)[.]ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules must not import each other in a circle, not even for a type.",
      from: {},
      to: { circular: true },
    },
    {
      name: "runtime-not-generator",
      severity: "error",
      comment: "The runtime never loads the generator (or its toolchain).",
      from: { path: RUNTIME },
      to: { path: "^generator/" },
    },
    {
      name: "generator-through-internal",
      severity: "error",
      comment:
        "@cachegen/cli is its own package: it reaches the runtime only through its entry points, cachegen and cachegen/internal.",
      from: { path: "^generator/" },
      to: { path: RUNTIME, pathNot: "^runtime/(index|internal)[.]ts$" },
    },
    {
      name: "leaves-import-leaves",
      severity: "error",
      comment: "errors, durations, deadlines, backoff, single-flight and event names depend on nothing above them.",
      from: { path: LEAVES },
      to: { path: RUNTIME, pathNot: LEAVES },
    },
    {
      name: "stores-below-pipeline",
      severity: "error",
      comment: "A store (backends/) talks to its server; it knows nothing of caches, pipeline or coordination.",
      from: { path: "^runtime/backends/" },
      to: { path: ABOVE_STORES },
    },
    {
      name: "pipeline-below-coordination",
      severity: "error",
      comment: "The pipeline runs one operation; coordination, caches and the registry sit above it.",
      from: { path: "^runtime/(pipeline|plugins|serializers)/" },
      to: { path: ABOVE_PIPELINE },
    },
    {
      name: "coordination-below-caches",
      severity: "error",
      comment: "Coordination works on the pipeline; the public caches, the registry and wrappers sit above it.",
      from: { path: "^runtime/(coordination|telemetry)/" },
      to: { path: ABOVE_COORDINATION },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "[.]generated[.]ts$|^(runtime|generator)/dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
