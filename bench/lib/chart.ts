import { compile, type TopLevelSpec } from "vega-lite";
import { parse, View } from "vega";

export interface ChartPoint {
  series: string;
  rows: number;
  seconds: number;
}

/** Time vs rows on log scales, one line per series, rendered headless to SVG by Vega. */
export async function timeVsRowsSvg(title: string, points: readonly ChartPoint[]): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 560,
    height: 320,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "rows", type: "quantitative", scale: { type: "log" }, title: "rows in export (log)" },
      y: { field: "seconds", type: "quantitative", scale: { type: "log" }, title: "wall time, s (log)" },
      // Series names are long ("crm-sync loader (Postgres, +20 ms RTT)"): never cut them short.
      color: { field: "series", type: "nominal", title: null, legend: { labelLimit: 0, orient: "bottom", columns: 2 } },
    },
    config: { background: "white" },
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
