// Cargo runner for wasm32-wasip1 test binaries (tests/wasm/run.sh sets
// CARGO_TARGET_WASM32_WASIP1_RUNNER="node tests/wasm/wasi-run.mjs"):
//   node wasi-run.mjs TEST.wasm [libtest args...]
// The exit status is the test binary's. wasm is panic=abort: the first
// failing test traps, which becomes exit status 101 (as a native panic).
//
// V8 in Node 20 (11.3) segfaulted here, nondeterministically, at the end
// of a long test once its code had tiered up from Liftoff to TurboFan (also
// with --no-wasm-dynamic-tiering); with --liftoff-only it never did. So the
// script re-runs itself under --liftoff-only: the tests check correctness,
// not speed. A crash of Node itself is reported and fails the run.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { argv, env, execArgv, execPath, exit } from 'node:process';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';

const [, , wasm, ...args] = argv;
if (!execArgv.includes('--liftoff-only')) {
  const run = spawnSync(execPath, ['--liftoff-only', ...execArgv, fileURLToPath(import.meta.url), ...argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.signal) console.error(`wasi-run: node killed by ${run.signal} running ${wasm}`);
  exit(run.status ?? 101);
}
const wasi = new WASI({
  version: 'preview1',
  args: [wasm, ...args],
  env,
  preopens: { '/': '/' },
  returnOnExit: true,
});
try {
  const module = await WebAssembly.compile(await readFile(wasm));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  exit(wasi.start(instance));
} catch (error) {
  console.error(`wasi-run: ${wasm} trapped: ${error}`);
  exit(101);
}
