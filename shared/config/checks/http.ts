// The fields of an http check: the page, what its answer must be, and how to reach it.
import { z } from "zod";
import { defineCheckSchema } from "./check-schema.js";

/** RFC 9110 section 5.1: a header name is a token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const statusCode = z
  .number()
  .int()
  .min(100, "must be an HTTP status code (100-599)")
  .max(599, "must be an HTTP status code (100-599)");

const fields = {
  url: z.url({
    protocol: /^https?$/,
    error: (issue) =>
      `must be an http:// or https:// URL, got ${JSON.stringify(String(issue.input ?? ""))}`,
  }),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  /** Default: any 2xx. */
  expectStatus: z.array(statusCode).min(1).optional(),
  /** Case-sensitive text that must appear in the first MiB of the body. */
  contains: z.string().min(1).optional(),
  followRedirects: z.boolean().default(true),
  headers: z
    .record(
      z.string().regex(HEADER_NAME, "is not a valid header name"),
      z.string().regex(/^[^\r\n]*$/, "must be one line"),
    )
    .optional(),
  /** PEM file of the certificate authorities to trust instead of the system's. */
  ca: z.string().min(1).optional(),
  insecureSkipVerify: z.boolean().default(false),
};

export const httpCheckSchema = defineCheckSchema({
  kind: "http",
  fields,
  refine(check, ctx) {
    if (check.contains !== undefined && check.method === "HEAD") {
      ctx.addIssue({
        code: "custom",
        path: ["contains"],
        message: "needs method GET (a HEAD response has no body)",
      });
    }
  },
});

/** An http check as the probe runs it. */
export type HttpCheck = z.output<typeof httpCheckSchema>;
