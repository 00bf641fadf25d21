/** Where JSON text stops being JSON, and why, for text `JSON.parse` rejected. */
export interface JsonSyntaxError {
  /** Offset of the offending character (the text's length at an unexpected end). */
  readonly offset: number;
  readonly message: string;
}

/**
 * Finds the first syntax error in `text` by the JSON grammar (RFC 8259). `JSON.parse` says what is
 * wrong but not always where (V8 leaves the position out of some messages), and a YAML parser
 * accepts text JSON does not, then reports errors elsewhere; this scanner gives the one real place.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message } satisfies JsonSyntaxError;
  };
  const found = () => (i >= text.length ? "the end of the file" : JSON.stringify(text[i]));
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (char: string, what: string) => {
    space();
    if (text[i] !== char) fail(`expected ${what}, found ${found()}`);
    i++;
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
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${found()}`);
        string();
        expect(":", '":" after the property name');
        value();
        space();
        if (text[i] === "}") return void i++;
        expect(",", '"," or "}" after a property value');
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === "]") return void i++;
        expect(",", '"," or "]" after an array element');
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal === null) fail(`expected a value, found ${found()}`);
    i += literal![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return { offset: i, message: "nested too deeply to read" };
    return error as JsonSyntaxError;
  }
}
