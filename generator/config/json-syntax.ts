/** Where JSON text stops being JSON, and why, for text `JSON.parse` rejected. */
export interface JsonSyntaxError {
  /** Offset of the offending character (the text's length at an unexpected end). */
  readonly offset: number;
  readonly message: string;
}

/** Ends the scan at the first error. */
class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Finds the first syntax error in `text` by the JSON grammar (RFC 8259). `JSON.parse` says what is
 * wrong but not always where (V8 leaves the position out of some messages), and a YAML parser
 * accepts text JSON does not, then reports errors elsewhere; this scanner gives the one real place.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw new Stop(i, message);
  };
  const found = () => (i >= text.length ? "the end of the file" : JSON.stringify(text[i]));
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  /** Consumes `char` if it is next (after whitespace). */
  const take = (char: string): boolean => {
    space();
    if (text[i] !== char) return false;
    i++;
    return true;
  };
  const expect = (char: string, what: string) => {
    if (!take(char)) fail(`expected ${what}, found ${found()}`);
  };
  const string = () => {
    i++;
    while (text[i] !== '"') {
      if (i >= text.length) fail("unterminated string");
      if (text.charCodeAt(i) < 0x20) fail("control character in a string; write it escaped (\\n, \\t, \\u0000)");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail(`invalid escape \\${text[i] ?? ""} in a string`);
      }
      i++;
    }
    i++;
  };
  const value = (): void => {
    space();
    if (take("{")) {
      if (take("}")) return;
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${found()}`);
        string();
        expect(":", '":" after the property name');
        value();
        if (take("}")) return;
        expect(",", '"," or "}" after a property value');
      }
    } else if (take("[")) {
      if (take("]")) return;
      for (;;) {
        value();
        if (take("]")) return;
        expect(",", '"," or "]" after an array element');
      }
    } else if (text[i] === '"') {
      string();
    } else {
      const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (literal === null) fail(`expected a value, found ${found()}`);
      else i += literal[0].length;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    if (error instanceof RangeError) return { offset: i, message: "nested too deeply to read" };
    throw error;
  }
}
