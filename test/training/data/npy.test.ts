// The .npy reader: v1 and v2 headers, each supported dtype, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, readNpyHeaderSync } from '../../../data/npy';
import { npyBytes } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'modelspec-npy-'));
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

test('float32 and float64 become float32', () => {
  const f4 = decodeNpy(npyBytes('<f4', [2, 2], bytes(new Float32Array([1.5, -2, 3, 4]))), 'a.npy');
  assert.deepEqual(f4.shape, [2, 2]);
  assert.ok(f4.data instanceof Float32Array);
  assert.deepEqual([...f4.data], [1.5, -2, 3, 4]);
  const f8 = decodeNpy(npyBytes('<f8', [3], bytes(new Float64Array([0.25, 1e10, -7]))), 'b.npy');
  assert.deepEqual([...f8.data], [0.25, 1e10, -7].map(Math.fround));
});

test('int32 and int64 become float32; uint8 and bool stay bytes', () => {
  assert.deepEqual([...decodeNpy(npyBytes('<i4', [3], bytes(new Int32Array([-1, 0, 7]))), 'c.npy').data], [-1, 0, 7]);
  assert.deepEqual([...decodeNpy(npyBytes('<i8', [2], bytes(new BigInt64Array([5n, -3n]))), 'd.npy').data], [5, -3]);
  const u1 = decodeNpy(npyBytes('|u1', [2, 2], new Uint8Array([0, 128, 255, 1])), 'e.npy');
  assert.ok(u1.data instanceof Uint8Array);
  assert.deepEqual([...u1.data], [0, 128, 255, 1]);
  assert.deepEqual([...decodeNpy(npyBytes('|b1', [3], new Uint8Array([1, 0, 1])), 'f.npy').data], [1, 0, 1]);
});

test('version 2 headers and the header-only probe', () => {
  const file = join(dir, 'v2.npy');
  writeFileSync(file, npyBytes('<f4', [4, 3], bytes(new Float32Array(12)), { version: 2 }));
  assert.deepEqual(readNpyHeaderSync(file).shape, [4, 3]);
  assert.equal(readNpyHeaderSync(file).descr, '<f4');
  const v1 = join(dir, 'v1.npy');
  writeFileSync(v1, npyBytes('|u1', [10, 28, 28], new Uint8Array(7840)));
  assert.deepEqual(readNpyHeaderSync(v1), { descr: '|u1', shape: [10, 28, 28], dataOffset: 128 });
});

test('Fortran order, unsupported dtypes, bad magic and short data are clear errors', () => {
  assert.throws(
    () => decodeNpy(npyBytes('<f4', [2, 2], bytes(new Float32Array(4)), { fortran: true }), 'x.npy'),
    /x\.npy is stored in Fortran \(column-major\) order; save it in C order: numpy\.save\('x\.npy', numpy\.ascontiguousarray\(a\)\)/,
  );
  assert.throws(
    () => decodeNpy(npyBytes('<c8', [1], new Uint8Array(8)), 'z.npy'),
    /z\.npy has dtype '<c8'; supported are float32, float64, uint8, int32, int64 and bool/,
  );
  assert.throws(() => decodeNpy(npyBytes('>f4', [1], new Uint8Array(4)), 'be.npy'), /little-endian/);
  assert.throws(() => decodeNpy(Buffer.from('hello world!'), 'h.npy'), /h\.npy is not a \.npy file/);
  assert.throws(() => decodeNpy(npyBytes('<f4', [10], new Uint8Array(8)), 's.npy'), /s\.npy is cut short/);
});
