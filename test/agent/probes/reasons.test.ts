// The one table of error codes by reason, as every probe reads it.
import { describe, expect, it } from "vitest";
import { reasonOfError } from "../../../agent/probes/reasons.js";

describe("connection errors", () => {
  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "refused"],
    ["EHOSTUNREACH", "unreachable"],
    ["ENETUNREACH", "unreachable"],
    ["ETIMEDOUT", "timeout"],
    ["ECONNRESET", "protocol"],
    ["HPE_INVALID_CONSTANT", "protocol"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["EMFILE", undefined],
  ])("%s is %s", (code, reason) => {
    expect(reasonOfError(Object.assign(new Error(code), { code }))).toBe(reason);
  });
});

describe("resolver errors (c-ares)", () => {
  it.each([
    ["ENODATA", "dns"],
    ["ESERVFAIL", "dns"],
    ["ETIMEOUT", "timeout"],
    ["EREFUSED", "refused"],
    ["EBADRESP", "protocol"],
  ])("%s is %s", (code, reason) => {
    expect(reasonOfError(Object.assign(new Error(code), { code }))).toBe(reason);
  });
});
