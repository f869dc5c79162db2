import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasNestedQuantifier } from "../../../../packages/core/src/config/nestedQuantifier.ts";

/** A regex atom with no repetition of its own: a letter, an escape, a class. */
const atom = fc.constantFrom("a", "b", "-", "\\w", "\\d", "\\.", "[a-z]", "[)(+*]", "\\(", "\\)");
const unbounded = fc.constantFrom("*", "+", "{2,}");
const bounded = fc.constantFrom("?", "{3}", "{1,4}", "");
/** A sequence of atoms, each with at most one quantifier, never a group: backtracking stays polynomial. */
const flat = fc.array(fc.tuple(atom, fc.oneof(unbounded, bounded)).map(([a, q]) => a + q), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(""));

describe("Function: hasNestedQuantifier", () => {
  it.each([
    ["^(a+)+$", true],
    ["(\\w*x)*", true],
    ["(?:ab+){2,}", true],
    ["((a+))+", true],
    ["admin", false],
    ["^ops-", false],
    ["(ab)+c*", false],
    ["[(+]+", false],
    ["\\(a+\\)+", false],
    ["(a{2,3})+", false],
  ])("%s: %s", (source, nested) => {
    expect(hasNestedQuantifier(source)).toBe(nested);
  });

  it("accepts any flat pattern and a group of one under a bound, and refuses any group holding an unbounded repeat that repeats without bound", () => {
    fc.assert(
      fc.property(flat, unbounded, unbounded, bounded, (inner, innerRepeat, outerRepeat, boundedRepeat) => {
        expect(hasNestedQuantifier(inner)).toBe(false);
        expect(hasNestedQuantifier(`(${inner})${boundedRepeat}`)).toBe(false);
        expect(hasNestedQuantifier(`x(?:${inner}a${innerRepeat})${outerRepeat}y`)).toBe(true);
      }),
    );
  });

  it("lets nothing it accepts stall: a near miss against every accepted pattern of the property runs in milliseconds", () => {
    fc.assert(
      fc.property(flat, (source) => {
        const pattern = new RegExp(`^(?:${source})$`, "i");
        const started = performance.now();
        pattern.test(`${"a".repeat(28)}!`);
        expect(performance.now() - started).toBeLessThan(200);
      }),
      { numRuns: 200 },
    );
  });
});
