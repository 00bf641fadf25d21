import { createRequire } from "node:module";
import { MissingDependencyError } from "./errors.js";

const require = createRequire(import.meta.url);

/**
 * Loads an optional peer dependency when the feature that needs it is first used, synchronously
 * (serializers and telemetry are synchronous), so importing cachegen never loads it. A package that
 * is not installed is a {@link MissingDependencyError} naming the `npm install` command; an error
 * thrown while loading a package that is installed propagates as it is.
 */
export function requireOptional(packageName: string, feature: string): unknown {
  try {
    return require(packageName);
  } catch (cause) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (code === "MODULE_NOT_FOUND" && String(message).includes(`'${packageName}'`)) {
      throw new MissingDependencyError(packageName, feature, { cause });
    }
    throw cause;
  }
}
