// Small inline SVG line charts for the unit page: no script, no library, a few hundred bytes each.

export interface Point {
  ts: number;
  value: number;
}

/**
 * A polyline over the points scaled into width × height; gaps longer than `gapMs` break the line,
 * so agent silence shows as a gap, not as a straight line across it.
 */
export function sparkline(
  points: readonly Point[],
  options: { width?: number; height?: number; gapMs?: number; label?: string } = {},
): string {
  const width = options.width ?? 120;
  const height = options.height ?? 24;
  const finite = points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.ts - b.ts);
  const label = (options.label ?? "").replace(/[<>&"]/g, "");
  const size = `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`;
  const open = `<svg class="spark" ${size} role="img" aria-label="${label}">`;
  const first = finite[0];
  const last = finite[finite.length - 1];
  if (!first || !last) return `${open}</svg>`;
  const values = finite.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = last.ts - first.ts || 1;
  const x = (ts: number) => (((ts - first.ts) / span) * (width - 2) + 1).toFixed(1);
  const y = (v: number) =>
    (max === min ? height / 2 : height - 1 - ((v - min) / (max - min)) * (height - 2)).toFixed(1);
  const lines: string[][] = [[]];
  let previous = first.ts;
  for (const p of finite) {
    if (options.gapMs !== undefined && p.ts - previous > options.gapMs) lines.push([]);
    lines[lines.length - 1]?.push(`${x(p.ts)},${y(p.value)}`);
    previous = p.ts;
  }
  const drawn = lines
    .filter((l) => l.length > 0)
    .map((l) =>
      l.length === 1
        ? `<circle cx="${l[0]?.split(",")[0]}" cy="${l[0]?.split(",")[1]}" r="1"/>`
        : `<polyline points="${l.join(" ")}"/>`,
    )
    .join("");
  return `${open}${drawn}</svg>`;
}
