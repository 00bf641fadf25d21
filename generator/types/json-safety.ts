import type { Node, Type } from "ts-morph";
import { tsMorph } from "../ts-morph.js";

// Built-ins whose values JSON.stringify turns into something else ({} , a string, or nothing).
const NOT_JSON = new Set([
  "Date",
  "Map",
  "ReadonlyMap",
  "Set",
  "ReadonlySet",
  "WeakMap",
  "WeakSet",
  "RegExp",
  "Promise",
  "Error",
  "URL",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Buffer",
  "Uint8Array",
  "Int8Array",
  "Uint8ClampedArray",
  "Uint16Array",
  "Int16Array",
  "Uint32Array",
  "Int32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Symbol",
]);

/** One property whose type does not survive `JSON.parse(JSON.stringify(x))`. */
export interface JsonUnsafe {
  /** `User.createdAt` */
  readonly path: string;
  /** The type as written, e.g. `Date`. */
  readonly type: string;
}

/**
 * Finds every property path of `type` whose values a JSON round trip would change: Date, Map,
 * Set, bigint, functions, symbols and class instances. `any` and `unknown` pass: nothing is known.
 */
export function jsonUnsafe(type: Type, name: string, at: Node): JsonUnsafe[] {
  const morph = tsMorph();
  const found: JsonUnsafe[] = [];
  // The types being visited on the current path: a recursive type stops here, a type met again
  // elsewhere is visited again so each of its paths is reported.
  const open = new Set<Type>();
  const visit = (t: Type, path: string): void => {
    if (open.has(t)) return;
    if (t.isAny() || t.isUnknown() || t.isNull() || t.isUndefined() || t.isString() || t.isNumber() || t.isBoolean())
      return;
    if (t.isLiteral() && !t.isBigIntLiteral()) return;
    if (t.isBooleanLiteral() || t.isTemplateLiteral() || t.isEnum()) return;
    if (t.isBigInt() || t.isBigIntLiteral() || (t.getFlags() & morph.ts.TypeFlags.ESSymbolLike) !== 0) {
      found.push({ path, type: t.getText(at) });
      return;
    }
    if (t.isUnion()) {
      t.getUnionTypes().forEach((member) => visit(member, path));
      return;
    }
    if (t.isIntersection()) {
      t.getIntersectionTypes().forEach((member) => visit(member, path));
      return;
    }
    const symbol = t.getSymbol();
    const isClass = symbol?.getDeclarations().some((d) => morph.Node.isClassDeclaration(d)) ?? false;
    if (t.getCallSignatures().length > 0 || isClass || (symbol !== undefined && NOT_JSON.has(symbol.getName()))) {
      found.push({ path, type: t.getText(at) });
      return;
    }
    open.add(t);
    if (t.isArray() || t.isReadonlyArray()) {
      visit(t.getArrayElementTypeOrThrow(), `${path}[]`);
    } else if (t.isTuple()) {
      t.getTupleElements().forEach((e, i) => visit(e, `${path}[${i}]`));
    } else {
      const index = t.getStringIndexType();
      if (index !== undefined) visit(index, `${path}[string]`);
      for (const property of t.getProperties()) visit(property.getTypeAtLocation(at), `${path}.${property.getName()}`);
    }
    open.delete(t);
  };
  visit(type, name);
  return found;
}
