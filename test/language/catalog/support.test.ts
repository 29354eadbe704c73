// Per-layer engine and export support: every record says it for every target, and the accessor
// answers from the records (the engines' and exports' tests derive their lists from it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allLayers,
  layerClassesFor,
  layerSupport,
  SUPPORT_TARGETS,
  unsupportedMessage,
} from '../../../language/catalog';

describe('layer support', () => {
  it('every layer record answers for every engine and export target', () => {
    for (const layer of allLayers()) {
      assert.deepEqual(Object.keys(layer.support).sort(), [...SUPPORT_TARGETS].sort(), layer.name);
    }
  });

  it('layerSupport reads the record; an unknown layer has no answer', () => {
    assert.equal(layerSupport('Conv2D', 'pytorch'), true);
    assert.equal(layerSupport('Conv2DTranspose', 'pytorch'), false);
    assert.equal(layerSupport('Conv2DTranspose', 'torch'), true);
    assert.equal(layerSupport('Bidirectional', 'keras-model'), false);
    assert.equal(layerSupport('Transformer', 'tfjs'), undefined);
  });

  it('the engine class lists leave out Input and the applications, which expand into other layers', () => {
    for (const target of SUPPORT_TARGETS) {
      const classes = layerClassesFor(target);
      for (const name of ['Input', 'VGG16', 'VGG19', 'Pretrained'])
        assert.ok(!classes.includes(name), `${target}: ${name}`);
    }
    assert.ok(layerClassesFor('pytorch').includes('Dense'));
    assert.ok(!layerClassesFor('pytorch').includes('Conv3D'));
  });

  it('each message names the layer and says what to do instead', () => {
    for (const target of SUPPORT_TARGETS) {
      const message = unsupportedMessage('Conv2DTranspose', target);
      assert.match(message, /^Conv2DTranspose /, target);
      assert.match(message, /; (export|train)/, target);
    }
  });
});
