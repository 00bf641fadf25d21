import type { ValueValidator } from "../../runtime/index.js";

/** A precompiled-style validator that accepts numbers only, reporting ajv's "must be number". */
export const numbersOnly: ValueValidator = Object.assign((value: unknown) => typeof value === "number", {
  errors: [{ instancePath: "", message: "must be number" }],
});
