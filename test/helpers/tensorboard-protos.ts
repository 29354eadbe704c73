// TensorBoard's protos (test/fixtures/tensorboard/proto) compiled to Python, for the tests that
// read the event files a run or a search writes (tensorboard.test.ts, tune/tune-cli.test.ts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const PYTHON = '/usr/bin/python3';
const PROTO_DIR = join(process.cwd(), 'test', 'fixtures', 'tensorboard', 'proto');

/** TensorBoard's protos compiled to Python by protoc; google/protobuf/struct.proto comes from the
 *  installed protobuf runtime's own descriptor (Debian ships no .proto files with it). */
export function compileTensorBoardProtos(): string {
  const gen = mkdtempSync(join(tmpdir(), 'modelspec-tb-proto-'));
  const structSet = join(gen, 'struct.pb');
  const dump = spawnSync(
    PYTHON,
    [
      '-c',
      'import sys\nfrom google.protobuf import descriptor_pb2, struct_pb2\ns = descriptor_pb2.FileDescriptorSet()\nstruct_pb2.DESCRIPTOR.CopyToProto(s.file.add())\nopen(sys.argv[1], "wb").write(s.SerializeToString())',
      structSet,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(dump.status, 0, dump.stderr);
  const protos: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.proto')) protos.push(relative(PROTO_DIR, join(dir, e.name)));
    }
  };
  walk(PROTO_DIR);
  const r = spawnSync(
    'protoc',
    [`--descriptor_set_in=${structSet}`, '-I', PROTO_DIR, `--python_out=${gen}`, ...protos],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return gen;
}
