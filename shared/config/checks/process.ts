// The fields of a process check: which processes it counts, and how many must run.
import { z } from "zod";
import { defineCheckSchema } from "./check-schema.js";

export const processCheckSchema = defineCheckSchema({
  kind: "process",
  fields: {
    match: z.string().min(1).max(256).optional(),
    processName: z.string().min(1).max(256).optional(),
    minCount: z.number().int().min(1).max(100_000).default(1),
  },
  refine(check, ctx) {
    if (check.match === undefined && check.processName === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["match"],
        message:
          "is required: a piece of the command line (or give processName, the exact process name)",
      });
    }
  },
});
