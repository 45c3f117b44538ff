/**
 * SVG from Graphviz DOT, laid out by Graphviz itself (`@viz-js/viz`: Graphviz compiled to
 * WebAssembly, bundled with the package; loaded only when a picture is asked for).
 * The output is a self-contained SVG document: no scripts, fonts or images from elsewhere.
 */

/** Renders DOT to an SVG document with the `dot` layout engine. Throws on invalid DOT. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await (require('@viz-js/viz') as typeof import('@viz-js/viz')).instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success' || result.output === undefined) {
    throw new Error(`Graphviz could not lay out the traffic graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
