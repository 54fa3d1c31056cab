/**
 * The orphan reaper: a tiny process started by the local platform with a pipe on its stdin. The
 * platform writes "+<pgid>" when it starts a process group and "-<pgid>" when it has stopped one,
 * and "exit" when it shut down cleanly. If the pipe closes without "exit" (the mesh process died,
 * even by SIGKILL), every group still listed gets SIGTERM, then SIGKILL two seconds later.
 */
const groups = new Set<number>();
let clean = false;
let buffer = '';

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

function kill(signal: NodeJS.Signals): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      groups.delete(pgid); // already gone
    }
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffer += chunk;
  let newline: number;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline).trim();
    buffer = buffer.slice(newline + 1);
    if (line === 'exit') clean = true;
    else if (/^\+\d+$/.test(line)) groups.add(Number(line.slice(1)));
    else if (/^-\d+$/.test(line)) groups.delete(Number(line.slice(1)));
  }
});
process.stdin.on('end', () => {
  if (clean || groups.size === 0) process.exit(0);
  kill('SIGTERM');
  setTimeout(() => {
    kill('SIGKILL');
    process.exit(0);
  }, 2000);
});
