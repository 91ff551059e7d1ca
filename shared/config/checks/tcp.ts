// The fields of a tcp check: the port that must accept a connection, and what to send and expect.
import { z } from "zod";
import { defineCheckSchema } from "./check-schema.js";
import { hostField, portField } from "./endpoint.js";

export const tcpCheckSchema = defineCheckSchema({
  kind: "tcp",
  fields: {
    host: hostField,
    port: portField,
    /** Text sent once connected, e.g. "QUIT\r\n" or a protocol hello. */
    send: z.string().min(1).optional(),
    /** Text that must appear in what the server sends (case-sensitive). */
    expect: z.string().min(1).optional(),
  },
});
