import type { ChartPoint } from "./chart.ts";
import { measuredLoads } from "./load-lookup.ts";
import type { LoadEntry } from "./results.ts";

const LABEL: Record<LoadEntry["network"], string> = { loopback: "Postgres, loopback", "proxy-20ms": "Postgres, +20 ms RTT", "in-process": "PGlite" };

/** The chart's lines: the loader at 1% changed and the seed's method, per database and network (first loads are in the table only). */
export function loadChartPoints(load: readonly LoadEntry[], changeRatio: number): ChartPoint[] {
  return measuredLoads(load)
    .filter((e) => e.start === "loaded" && (e.implementation === "baseline" || e.changeRatio === changeRatio))
    .map((e) => ({
      series: `${e.implementation === "loader" ? "crm-sync loader" : "seed method"} (${LABEL[e.network]})`,
      rows: e.rows,
      seconds: e.wallMs.median / 1000,
    }));
}
