// Converts each .wat file named on the command line to a .wasm beside it.
//   node wat2wasm.mjs a.wat b.wat ...
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const wabt = await createRequire(import.meta.url)('wabt')();
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node wat2wasm.mjs <file.wat>...');
  process.exit(2);
}
for (const file of files) {
  const mod = wabt.parseWat(file, readFileSync(file, 'utf8'));
  try {
    mod.validate();
    const out = file.replace(/\.wat$/, '') + '.wasm';
    writeFileSync(out, Buffer.from(mod.toBinary({}).buffer));
    console.log(`${file} -> ${out}`);
  } finally {
    mod.destroy();
  }
}
