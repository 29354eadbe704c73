// Keras's order of a Functional model's layers (`model.layers`, and so `get_weights()` and the
// summary): Keras's _map_graph_network (Keras 2; keras/src/ops/function.py map_graph in Keras 3),
// which TF.js's Container ports. Layers are sorted by decreasing depth from the output; layers of
// one depth keep the order a depth-first walk from the output first reached them. ResNet50's
// conv2_block1 is listed 1_conv, 1_bn, 1_relu, 2_conv, 2_bn, 2_relu, 0_conv, 3_conv, 0_bn, 3_bn, add.
// The Functional config lists its layers in this order, so the config's order, TF.js's
// `model.layers` and the torch engine's weights agree with Keras's `get_weights()`.

export interface OrderedNode {
  name: string;
  inputs: readonly string[];
}

/** `nodes` (one call each, the graph's input not among them) in Keras's layer order. */
export function kerasLayerOrder<T extends OrderedNode>(nodes: readonly T[], output: string): T[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const firstSeen = new Map<string, number>();
  const finished: string[] = []; // nodes in decreasing depth (post-order)
  const done = new Set<string>();
  // The walk is iterative: a deep graph (ResNet152 has hundreds of layers in a chain) would
  // otherwise recurse that deep.
  const stack: { name: string; next: number }[] = [{ name: output, next: 0 }];
  if (byName.has(output)) firstSeen.set(output, 0);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const node = byName.get(top.name);
    if (!node || top.next >= node.inputs.length) {
      stack.pop();
      if (node && !done.has(top.name)) {
        done.add(top.name);
        finished.push(top.name);
      }
      continue;
    }
    const input = node.inputs[top.next++]!;
    if (done.has(input) || !byName.has(input)) continue;
    if (!firstSeen.has(input)) firstSeen.set(input, firstSeen.size);
    stack.push({ name: input, next: 0 });
  }
  const depth = new Map<string, number>();
  for (const name of [...finished].reverse()) {
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const input of byName.get(name)!.inputs) {
      if (byName.has(input)) depth.set(input, Math.max(d + 1, depth.get(input) ?? 0));
    }
  }
  // Nodes the output does not reach keep their place after the rest (Keras would drop them).
  const rank = (n: T) => firstSeen.get(n.name) ?? Number.MAX_SAFE_INTEGER;
  return [...nodes].sort((a, b) => (depth.get(b.name) ?? -1) - (depth.get(a.name) ?? -1) || rank(a) - rank(b));
}
