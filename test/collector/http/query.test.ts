// Query strings against a route's schema: each parameter once, unknown ones refused, and a refused
// value named with the parameter, in the pages' wording and in the JSON API's.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { API_QUERY, PAGE_QUERY, parseQuery } from "../../../collector/http/query.js";

const schema = z.strictObject({ lang: z.enum(["vi", "en"]).optional(), n: z.string().optional() });
const refusal = (query: string, dialect = PAGE_QUERY) => {
  try {
    parseQuery(new URLSearchParams(query), schema, dialect);
    return undefined;
  } catch (error) {
    return [(error as { status: number }).status, (error as Error).message];
  }
};

describe("query parameters", () => {
  it("are given as the schema says", () => {
    expect(parseQuery(new URLSearchParams("lang=en&n=1"), schema, PAGE_QUERY)).toEqual({
      lang: "en",
      n: "1",
    });
  });

  it("are refused with 400 naming the parameter and the value given", () => {
    expect(refusal("lang=fr")).toEqual([
      400,
      'query parameter lang: must be one of "vi", "en", got "fr"',
    ]);
    expect(refusal("lang=fr", API_QUERY)).toEqual([
      400,
      'lang: must be one of "vi", "en", got "fr"',
    ]);
    expect(refusal("n=1&n=2")).toEqual([400, "query parameter n: given twice"]);
    expect(refusal("x=1")).toEqual([400, 'query: unknown key "x"']);
    expect(refusal("x=1", API_QUERY)).toEqual([400, "x: unknown parameter (known: lang, n)"]);
  });
});
