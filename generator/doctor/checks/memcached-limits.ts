import { generationKey, INVALID_KEY, MAX_KEY_BYTES, type KeyTemplate as ParsedTemplate } from "cachegen/internal";
import type { PendingFinding } from "../finding.js";
import type { KeyspaceAlias } from "../keyspace.js";
import { isEnvRef } from "../stores.js";

/** A parsed key template: `user:{id:number}:{lang}` is `["user:", id (number), ":", lang (string)]`. */
export type KeyTemplate = Pick<ParsedTemplate, "text" | "parts">;

/** The longest text of a JavaScript number: `String(-0.0000012345678901234567)`. */
const NUMBER_MAX_BYTES = 25;
/** What follows a namespaced key: `#` and the namespace's generation, a safe integer in base 36. */
const GENERATION_MAX_BYTES = 1 + Number.MAX_SAFE_INTEGER.toString(36).length;
/** `#0`, the shortest generation suffix. */
const GENERATION_MIN_BYTES = 2;

/** The namespace (and key template) of every memcached alias, against what memcached keys can hold. */
export function memcachedKeys(aliases: readonly KeyspaceAlias[]): PendingFinding[] {
  return aliases
    .filter((a) => a.store?.backend === "memcached")
    .flatMap((a) => memcachedKeyFindings(a.name, a.namespace, a.model.key, a.version.bytes));
}

/**
 * What memcached cannot take in an alias's keys: a namespace or template text with whitespace or
 * control characters, a namespace whose generation counter key is over 250 bytes, and a template
 * whose keys are (or, with its longest numbers, can be) over 250 bytes. A `${VAR}` namespace is
 * unknown until run time. A string parameter has no bound: the runtime refuses each bad key before
 * sending it, so only what the template itself fixes is reported.
 */
export function memcachedKeyFindings(
  alias: string,
  namespace: string,
  template?: KeyTemplate,
  versionBytes = 0,
): PendingFinding[] {
  if (isEnvRef(namespace)) return [];
  const findings: PendingFinding[] = [];
  const fails = `so every operation of "${alias}" fails`;
  if (INVALID_KEY.test(namespace)) {
    findings.push({
      segments: [alias, "namespace"],
      code: "memcached-key-invalid",
      message: `namespace ${JSON.stringify(namespace)} has whitespace or a control character, which memcached keys cannot carry, ${fails}`,
      hint: `use a namespace without them, e.g. ${JSON.stringify(namespace.replace(/[\s\p{Cc}]+/gu, "_"))}`,
    });
  }
  const room = MAX_KEY_BYTES - bytes(generationKey(""));
  if (bytes(namespace) > room) {
    findings.push({
      segments: [alias, "namespace"],
      code: "memcached-key-too-long",
      message:
        `namespace is ${bytes(namespace)} bytes: its generation counter, the key ${JSON.stringify(generationKey(""))} + ` +
        `namespace, must fit memcached's ${MAX_KEY_BYTES}-byte keys, which leaves ${room} bytes for it, ${fails}`,
      hint: `shorten the namespace to well under ${room} bytes, leaving room for the keys themselves`,
    });
  }
  if (template !== undefined) findings.push(...templateFindings(alias, namespace, template, versionBytes));
  return findings;
}

function templateFindings(
  alias: string,
  namespace: string,
  template: KeyTemplate,
  versionBytes: number,
): PendingFinding[] {
  const shown = JSON.stringify(template.text);
  const fixed = template.parts.filter((p) => typeof p === "string");
  const params = template.parts.filter((p) => typeof p !== "string");
  if (fixed.some((text) => INVALID_KEY.test(text))) {
    return [
      {
        segments: [alias, "key"],
        code: "memcached-key-invalid",
        message: `key template ${shown} has whitespace or a control character, which memcached keys cannot carry, so every key it builds is refused`,
        hint: "take them out of the template's fixed text (e.g. use _ or :)",
      },
    ];
  }
  const base = bytes(namespace) + versionBytes + fixed.reduce((sum, text) => sum + bytes(text), 0);
  const numbers = params.filter((p) => p.type === "number").length;
  const least = base + numbers + (namespace === "" ? 0 : GENERATION_MIN_BYTES);
  const most =
    numbers === params.length ? base + numbers * NUMBER_MAX_BYTES + (namespace === "" ? 0 : GENERATION_MAX_BYTES) : 0;
  if (least <= MAX_KEY_BYTES && most <= MAX_KEY_BYTES) return [];
  return [
    {
      segments: [alias, "key"],
      code: "memcached-key-too-long",
      message:
        least > MAX_KEY_BYTES
          ? `every key of template ${shown} is at least ${least} bytes with the namespace, over memcached's ${MAX_KEY_BYTES}-byte limit, so each is refused`
          : `keys of template ${shown} reach ${most} bytes with the namespace and the longest numbers, over memcached's ${MAX_KEY_BYTES}-byte limit, and such keys are refused`,
      hint: "shorten the template's fixed text or the namespace, or hash long parts with a key_builder",
    },
  ];
}

function bytes(text: string): number {
  return Buffer.byteLength(text);
}
