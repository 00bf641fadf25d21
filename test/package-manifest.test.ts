import { readFile } from "node:fs/promises";
import { basename, posix } from "node:path";
import { checkPackage, createPackageFromTarballData, type CheckResult } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { packed } from "./helpers/packed-project.js";

/** npm runs these when a package is installed; a published manifest must carry none of them. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"];

/**
 * Resolution modes an ESM-only package does not serve: attw's `esm-only` profile ignores them
 * (`require` of it is an error by design, node10 resolution predates `exports`).
 */
const NOT_SERVED = new Set(["node10", "node16-cjs"]);

const LICENSE = await readFile(new URL("../LICENSE", import.meta.url), "utf8");

interface Manifest {
  name: string;
  license?: string;
  engines?: { node?: string };
  scripts?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}

/**
 * Checks each packed tarball as publint and `attw --profile esm-only` would, offline: the manifest,
 * the exports map and the declarations each entry point resolves to.
 */
describe("the packed tarballs", async () => {
  const tarballs = await Promise.all(
    (await packed()).tarballs.map(async (file) => ({
      name: basename(file),
      bytes: new Uint8Array(await readFile(file)),
    })),
  );

  describe.each(tarballs)("$name", ({ bytes }) => {
    const pkg = createPackageFromTarballData(bytes);
    const root = `/node_modules/${pkg.packageName}`;
    const manifest = JSON.parse(pkg.readFile(`${root}/package.json`)) as Manifest;
    let analysis: CheckResult;

    beforeAll(async () => {
      analysis = await checkPackage(pkg);
    });

    it("passes publint, strict, down to suggestions", async () => {
      const { messages } = await publint({
        pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
        level: "suggestion",
        strict: true,
      });
      expect(messages.map((m) => formatMessage(m, manifest))).toEqual([]);
    });

    it("has types that resolve for every entry point under node16 (ESM) and bundler resolution", () => {
      if (!analysis.types) throw new Error(`${pkg.packageName} ships no types`);
      const served = analysis.problems.filter((p) => !("resolutionKind" in p) || !NOT_SERVED.has(p.resolutionKind));
      expect(served).toEqual([]);
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (typeof target === "string") continue;
        expect(Object.keys(target)[0], `${subpath}: "types" must come first`).toBe("types");
        expect(pkg.fileExists(posix.join(root, target["types"]!)), `${subpath} types`).toBe(true);
      }
    });

    it("carries no install-time scripts", () => {
      expect(Object.keys(manifest.scripts ?? {}).filter((name) => INSTALL_SCRIPTS.includes(name))).toEqual([]);
    });

    it("carries the MIT LICENSE, a README and an honest engines field", () => {
      expect(manifest.license).toBe("MIT");
      expect(pkg.readFile(`${root}/LICENSE`)).toBe(LICENSE);
      expect(pkg.fileExists(`${root}/README.md`)).toBe(true);
      expect(manifest.engines?.node).toBe(">=20.19");
    });
  });
});
