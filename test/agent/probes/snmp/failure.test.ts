// How failed SNMP requests read as check reasons, with net-snmp's own error classes.
import snmp from "net-snmp";
import { describe, expect, it } from "vitest";
import { classifyFailure, isNoSuchName } from "../../../../agent/probes/snmp/failure.js";

describe("failures", () => {
  it("reads net-snmp's errors as reasons", () => {
    expect(classifyFailure(new snmp.RequestTimedOutError("Request timed out")).reason).toBe(
      "timeout",
    );
    expect(
      classifyFailure(
        new snmp.ResponseInvalidError("Wrong Digest (incorrect password, community or key)", 5),
      ),
    ).toEqual({
      reason: "auth",
      message: "SNMPv3: Wrong Digest (incorrect password, community or key)",
    });
    expect(classifyFailure(new snmp.ResponseInvalidError("Unknown User Name", 5)).reason).toBe(
      "auth",
    );
    expect(classifyFailure(new snmp.ResponseInvalidError("Failed to decrypt PDU", 4)).reason).toBe(
      "auth",
    );
    expect(classifyFailure(new snmp.RequestFailedError("AuthorizationError", 16)).reason).toBe(
      "auth",
    );
    // The OID net-snmp names for a refused request is only the one it happened to ask first.
    expect(
      classifyFailure(new snmp.RequestFailedError("AuthorizationError: 1.3.6.1.2.1.2.2.1.2", 16)),
    ).toEqual({ reason: "auth", message: "access denied: AuthorizationError" });
    expect(
      classifyFailure(new snmp.RequestFailedError("NoAccess: 1.3.6.1.4.1.9.9.1.0", 6)).message,
    ).toBe("access denied: NoAccess: 1.3.6.1.4.1.9.9.1.0");
    expect(classifyFailure(new snmp.RequestFailedError("TooBig", 1)).reason).toBe("protocol");
    expect(classifyFailure(new snmp.ResponseInvalidError("Unknown PDU type", 3)).reason).toBe(
      "protocol",
    );
    expect(isNoSuchName(new snmp.RequestFailedError("NoSuchName: 1.3.6.1.4.1.9.0", 2))).toBe(true);
    expect(isNoSuchName(new snmp.RequestFailedError("GeneralError", 5))).toBe(false);
  });

  it("reads socket and resolver errors as refused, unreachable and dns", () => {
    const errno = (code: string) => Object.assign(new Error(`x ${code}`), { code });
    expect(classifyFailure(errno("ECONNREFUSED")).reason).toBe("refused");
    expect(classifyFailure(errno("EHOSTUNREACH")).reason).toBe("unreachable");
    expect(classifyFailure(errno("ENOTFOUND")).reason).toBe("dns");
    expect(classifyFailure(errno("EAI_AGAIN")).reason).toBe("dns");
    expect(classifyFailure(new Error("something else"))).toEqual({
      reason: "error",
      message: "something else",
    });
  });
});
