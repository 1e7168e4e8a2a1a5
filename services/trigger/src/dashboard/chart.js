// A small line chart drawn as inline SVG (no chart library: two series of at most 30 points).
// Colours and sizes come from the stylesheet's classes, since the CSP allows no inline style.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 80, right: 8, top: 14, bottom: 14 };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * One series as a line with a dot per point; each dot's <title> tells its value. Points with a
 * null value (a run still going) are left out. `label` names the chart for screen readers;
 * `scale` writes the highest and lowest values at the left edge.
 */
export function lineChart({ label, points, value, describe, scale, className }) {
  const known = points.map((point, index) => ({ point, index, y: value(point) })).filter((entry) => entry.y !== null && entry.y !== undefined);
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": label, class: `chart ${className}` });
  root.append(svg("title", {}, label));
  if (known.length === 0) return root;
  const values = known.map((entry) => entry.y);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const step = (WIDTH - PAD.left - PAD.right) / Math.max(1, points.length - 1);
  const x = (index) => PAD.left + index * step;
  const y = (v) => HEIGHT - PAD.bottom - ((v - low) / span) * (HEIGHT - PAD.top - PAD.bottom);
  root.append(svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom, class: "axis" }));
  root.append(svg("text", { x: PAD.left - 6, y: y(high) + 4, class: "scale", "text-anchor": "end" }, scale(high)));
  if (high !== low) root.append(svg("text", { x: PAD.left - 6, y: y(low) + 4, class: "scale", "text-anchor": "end" }, scale(low)));
  root.append(svg("polyline", { points: known.map((entry) => `${x(entry.index)},${y(entry.y)}`).join(" "), class: "line" }));
  for (const entry of known) {
    const dot = svg("circle", { cx: x(entry.index), cy: y(entry.y), r: 4, class: "dot" });
    dot.append(svg("title", {}, describe(entry.point)));
    root.append(dot);
  }
  return root;
}
