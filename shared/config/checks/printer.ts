// The fields of a printer check: the device and its credentials, as for the snmp kind.
import { defineCheckSchema } from "./check-schema.js";
import { refineCredentials, snmpTargetFields } from "./snmp-target.js";

export const printerCheckSchema = defineCheckSchema({
  kind: "printer",
  fields: { ...snmpTargetFields },
  refine: refineCredentials,
});
