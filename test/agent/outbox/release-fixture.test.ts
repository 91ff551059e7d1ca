// Rows written by release 0853e76 are read back by this agent exactly as that release read them.
import { afterAll, describe, it } from "vitest";
import { Outbox } from "../../../agent/outbox/outbox.js";
import { expectReleaseBatches, openRelease } from "../../helpers/outbox-release.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("an outbox file of release 0853e76", () => {
  it("sends the batch in flight again, then the rest, with the same seq and content", () => {
    const outbox = openRelease((options) => new Outbox(options), dir.path);
    expectReleaseBatches(outbox);
    outbox.close();
  });
});
