// Units come from collector.yaml at every start: changes are taken over, and a unit removed from
// the file keeps its history, marked inactive, and comes back active when it is listed again.
import { afterAll, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import { createApi } from "../../../collector/http/api/router.js";
import { listUnits, syncUnits } from "../../../collector/inspection/units.js";
import { unitSchema } from "../../../shared/config/collector.js";
import { schedule, testStore, vn } from "../../helpers/store.js";

const store = testStore();
afterAll(() => store.close());

const unit = (data: Record<string, unknown>) => unitSchema.parse(data);

describe("units from collector.yaml", () => {
  it("takes over a changed name, leader and IT contact", () => {
    syncUnits(
      store.db,
      [
        unit({
          id: "so-tttt",
          name: "Sở Thông tin và Truyền thông TP",
          leader: { name: "Phạm Thị C", title: "Giám đốc" },
          contact: { name: "Trần Thị B", phone: "0236 3 000 000", email: "b@example.gov.vn" },
        }),
        unit({ id: "quan-hai-chau", name: "UBND quận Hải Châu", kind: "district" }),
      ],
      vn("09:00:00"),
    );
    expect(listUnits(store.db).find((u) => u.id === "so-tttt")).toEqual({
      id: "so-tttt",
      name: "Sở Thông tin và Truyền thông TP",
      kind: "department",
      leader: { name: "Phạm Thị C", title: "Giám đốc" },
      contact: { name: "Trần Thị B", phone: "0236 3 000 000", email: "b@example.gov.vn" },
      active: true,
    });
  });

  it("keeps a removed unit's history, marked inactive, and shows it so in the API", () => {
    const agent = store.agent("quan-hai-chau", "pc-01");
    store.write(agent, schedule("gw", "lan", vn("08:00:00"), vn("08:10:00"), 60_000));
    syncUnits(store.db, [unit({ id: "so-tttt", name: "Sở TTTT" })], vn("09:00:00"));
    const api = createApi({
      history: store.history,
      agents: new AgentStore(store.db),
      clock: () => vn("09:00:00"),
    });
    const { body } = api(
      new URL("http://c/api/v1/units?from=2026-03-02T08:00&to=2026-03-02T08:10"),
    );
    const units = (body as { units: { id: string; active: boolean; availability: number }[] })
      .units;
    expect(units.map((u) => [u.id, u.active])).toEqual([
      ["so-tttt", true],
      ["quan-hai-chau", false],
    ]);
    expect(units[1]?.availability).toBe(1);
    // Listed again, it is active again, with its agent and data still there.
    syncUnits(
      store.db,
      [unit({ id: "quan-hai-chau", name: "UBND quận Hải Châu" })],
      vn("10:00:00"),
    );
    expect(listUnits(store.db).find((u) => u.id === "quan-hai-chau")?.active).toBe(true);
    expect(new AgentStore(store.db).list().map((a) => `${a.unit}/${a.name}`)).toEqual([
      "quan-hai-chau/pc-01",
    ]);
  });
});
