// The wire-protocol page names every error code the collector can send, with its WebSocket close
// code, and every message and part of a batch with all of its fields.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { PROTOCOL_ERRORS } from "../../shared/errors.js";
import {
  agentMessageSchema,
  collectorMessageSchema,
  inventorySchema,
  REFUSAL_REASONS,
  resultSchema,
  sampleSchema,
} from "../../shared/protocol.js";
import { readDoc } from "./markdown.js";

const PAGE = "docs/developers/protocol.md";

/** The `{a, b?, c:...}` groups the page writes messages with, as the names of their fields. */
function fieldGroups(markdown: string): { text: string; fields: Set<string> }[] {
  return [...markdown.matchAll(/\{([^{}]*)\}/g)].map((match) => {
    const text = match[1] ?? "";
    const fields = text
      .split(",")
      .map((item) => /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(item)?.[1])
      .filter((name): name is string => name !== undefined);
    return { text, fields: new Set(fields) };
  });
}

function fieldsOf(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

describe("the wire protocol in the docs", () => {
  const markdown = readDoc(PAGE);
  const rows = markdown.split("\n").filter((line) => line.startsWith("|"));
  const groups = fieldGroups(markdown);

  it(`has every error code with its close code in a table row of ${PAGE}`, () => {
    const codes = Object.entries(PROTOCOL_ERRORS);
    expect(codes.map(([code]) => code)).toContain("rate_limited");
    const missing = codes.filter(
      ([code, close]) =>
        !rows.some((row) => row.includes(`\`${code}\``) && new RegExp(`\\b${close}\\b`).test(row)),
    );
    expect(
      missing.map(([code, close]) => `${PAGE} lacks a row for \`${code}\` (close ${close})`),
    ).toEqual([]);
  });

  it(`has every reason a sample is refused for in a table row of ${PAGE}`, () => {
    expect(REFUSAL_REASONS).toContain("agent_series_limit");
    const missing = REFUSAL_REASONS.filter(
      (reason) => !rows.some((row) => row.startsWith(`| \`${reason}\``)),
    );
    expect(missing.map((reason) => `${PAGE} lacks a row for \`${reason}\``)).toEqual([]);
  });

  it(`has every message with all its fields in ${PAGE}`, () => {
    const messages = [...agentMessageSchema.options, ...collectorMessageSchema.options];
    expect(messages.length).toBeGreaterThanOrEqual(5);
    const missing = messages.flatMap((schema) => {
      const fields = fieldsOf(schema);
      const type = String(schema.shape.type.value);
      const found = groups.some(
        (group) =>
          group.text.includes(`type:"${type}"`) && fields.every((f) => group.fields.has(f)),
      );
      return found
        ? []
        : [`${PAGE} lacks {type:"${type}", ${fields.filter((f) => f !== "type").join(", ")}}`];
    });
    expect(missing).toEqual([]);
  });

  it(`has every part of a batch with all its fields in ${PAGE}`, () => {
    const parts = { result: resultSchema, sample: sampleSchema, inventory: inventorySchema };
    const missing = Object.entries(parts).flatMap(([part, schema]) => {
      const fields = fieldsOf(schema);
      const found = groups.some((group) => fields.every((f) => group.fields.has(f)));
      return found ? [] : [`${PAGE} lacks the ${part}: {${fields.join(", ")}}`];
    });
    expect(missing).toEqual([]);
  });
});
