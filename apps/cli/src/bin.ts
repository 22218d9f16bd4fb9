#!/usr/bin/env node
// tfjs prints a hint about tfjs-node on first use; it cannot be installed here (see DESIGN.md), so hush it.
const log = console.log;
console.log = (...args: unknown[]) => {
  const first = args[0];
  if (typeof first === 'string' && (first.includes('tfjs-node') || /^\s*=+\s*$/.test(first))) return;
  log(...args);
};

// core replaces a few stock kernels on purpose; tfjs warns about each replacement.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  const first = args[0];
  if (typeof first === 'string' && (/^The kernel '\w+' for backend '\w+' is already registered$/.test(first) || first.includes('tfjs-node') || /^\s*=+\s*$/.test(first))) return;
  warn(...args);
};

// A closed pipe (`tfgen --help | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

const { runCli } = await import('./program');
process.exitCode = await runCli(process.argv);

export {};
