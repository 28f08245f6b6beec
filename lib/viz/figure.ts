/** A plotly figure as the notebooks draw it (lib/viz/plotly.ts) and its static SVG still (lib/viz/svg.ts) reads it. */
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
}
