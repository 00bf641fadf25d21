import type * as TsMorph from "ts-morph";
import { usesEnvelope } from "cachegen/internal";
import { aliasModels, type AliasModel, type ClassRef } from "../config/model.js";
import { tsMorph } from "../ts-morph.js";
import type { SemanticChange } from "./change.js";

// `generate` loads this module only on drift, so ts-morph loads with it.
const { Node, Project, SyntaxKind } = tsMorph();
type Node = TsMorph.Node;

interface AliasFacts {
  readonly model: AliasModel;
  /** The version its stored keys carry: as written, or computed for `"schema"`; `"none"` without one. */
  readonly keyVersion: string;
  /** The alias's `CacheValues` member. */
  readonly valueType: string;
  /** That type with every declaration it reaches, so a schema edit shows up. */
  readonly valueShape: string;
  /** How values are stored: plain (aiocache-readable) or in an envelope (grace, eager_refresh, tags). */
  readonly layout: string;
}

/**
 * Compares two generated files alias by alias: additions and removals, backend, serializer,
 * value type and layout changes (after which stored values are unreadable, unless the key version
 * changes with them: then old entries are ignored), key template and version, TTL, timeout and
 * namespace.
 * Both sides are read from the files themselves, so `--check` needs no other record of the past.
 */
export function semanticChanges(before: string, after: string): SemanticChange[] {
  const old = describe(before);
  const next = describe(after);
  const changes: SemanticChange[] = [];
  for (const alias of [...new Set([...old.keys(), ...next.keys()])].sort()) {
    const a = old.get(alias);
    const b = next.get(alias);
    if (a === undefined) {
      changes.push({ alias, change: "added", incompatible: false });
      continue;
    }
    if (b === undefined) {
      changes.push({ alias, change: "removed", incompatible: false });
      continue;
    }
    // New keys leave old entries unread: a changed format is then no hazard, only a cold start.
    const keyText = (facts: AliasFacts) => JSON.stringify(facts.model.config.key ?? "");
    const newKeys = a.keyVersion !== b.keyVersion || keyText(a) !== keyText(b);
    const compare = (change: SemanticChange["change"], x: string, y: string, incompatible: boolean) => {
      if (x === y) return;
      changes.push({
        alias,
        change,
        before: x,
        after: y,
        ...(incompatible && newKeys ? { incompatible: false, newKeys } : { incompatible }),
      });
    };
    const formats = changes.length;
    compare("backend", className(a.model.backend), className(b.model.backend), false);
    compare("serializer", className(a.model.serializer), className(b.model.serializer), true);
    if (a.valueShape !== b.valueShape) {
      const after = a.valueType === b.valueType ? `${b.valueType} (its declaration changed)` : b.valueType;
      compare("value type", a.valueType, after, true);
    }
    compare("key", keyText(a), keyText(b), true);
    // A version that changed with the format is said on the format's line; alone, it gets its own.
    if (!changes.slice(formats).some((c) => c.newKeys === true))
      compare("key version", a.keyVersion, b.keyVersion, true);
    // Compared as durations (600 and "10m" are the same TTL), shown as written ("10m → 1h").
    for (const [field, unset] of [
      ["ttl", "none"],
      ["timeout", "default"],
    ] as const) {
      if (a.model[field] !== b.model[field]) {
        const [before, after] = [a, b].map((facts) => String(facts.model.config[field] ?? unset));
        changes.push({ alias, change: field, before, after, incompatible: false });
      }
    }
    compare("layout", a.layout, b.layout, true);
    compare("namespace", JSON.stringify(a.model.namespace ?? ""), JSON.stringify(b.model.namespace ?? ""), false);
  }
  return changes;
}

function describe(text: string): Map<string, AliasFacts> {
  const facts = new Map<string, AliasFacts>();
  if (text === "") return facts;
  const file = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true }).createSourceFile(
    "caches.ts",
    text,
  );
  const initializer = file.getVariableDeclaration("config")?.getInitializer();
  const config = initializer === undefined ? {} : (plain(initializer) as Record<string, unknown>);
  const registry = file.getVariableDeclaration("caches")?.getInitializer();
  const options = registry !== undefined && Node.isNewExpression(registry) ? registry.getArguments()[1] : undefined;
  const computed = ((options === undefined ? undefined : (plain(options) as Record<string, unknown>))?.[
    "keyVersions"
  ] ?? {}) as Record<string, string>;
  const declarations = new Map(
    [...file.getInterfaces(), ...file.getTypeAliases(), ...file.getEnums()].map((d) => [d.getName(), d.getText()]),
  );
  const values = new Map(
    (file.getInterface("CacheValues")?.getProperties() ?? []).map((p) => [
      propertyName(p),
      p.getTypeNode()?.getText() ?? "unknown",
    ]),
  );
  for (const model of aliasModels(config)) {
    const valueType = values.get(model.name) ?? "unknown";
    const version = model.keyVersion === "schema" ? computed[model.name] : model.keyVersion;
    const aliasConfig = (config[model.name] ?? {}) as Record<string, unknown>;
    facts.set(model.name, {
      model,
      keyVersion: version === undefined ? "none" : String(version),
      valueType,
      valueShape: withDeclarations(valueType, declarations),
      layout: usesEnvelope(aliasConfig, "config") ? "envelope" : "plain",
    });
  }
  return facts;
}

/** The type text followed by every declaration it names, transitively. */
function withDeclarations(type: string, declarations: ReadonlyMap<string, string>): string {
  const seen = new Set<string>();
  const queue = [type];
  while (queue.length > 0) {
    for (const name of queue.shift()!.match(/[A-Za-z_$][\w$]*/g) ?? []) {
      const declaration = declarations.get(name);
      if (declaration !== undefined && !["CacheValues", "CacheTypes"].includes(name) && !seen.has(name)) {
        seen.add(name);
        queue.push(declaration);
      }
    }
  }
  return [type, ...[...seen].sort().map((n) => declarations.get(n))].join("\n");
}

/** An interface property's name as written, quotes removed. */
function propertyName(property: TsMorph.PropertySignature): string {
  const name = plain(property.getNameNode());
  return typeof name === "string" ? name : property.getName();
}

/** Evaluates the literal parts of generated code; an env read stands for its `${VAR}` reference. */
function plain(node: Node): unknown {
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node)) return plain(node.getExpression());
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken)
    return -(plain(node.getOperand()) as number);
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  if (Node.isNullLiteral(node)) return null;
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isCallExpression(node)) return plain(node.getArguments()[0]!);
  if (Node.isArrayLiteralExpression(node)) return node.getElements().map(plain);
  if (Node.isComputedPropertyName(node)) return plain(node.getExpression());
  if (Node.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const property of node.getProperties()) {
      if (!Node.isPropertyAssignment(property)) continue;
      Object.defineProperty(out, String(plain(property.getNameNode())), {
        value: plain(property.getInitializerOrThrow()),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return undefined;
}

function className(ref: ClassRef<string> | undefined): string {
  if (ref === undefined) return "the backend's default";
  return "builtin" in ref ? ref.builtin : ref.module.ref;
}
