/**
 * Runs a LocalPlatform with one http-echo workload in its own process and prints the app's pid, so
 * a test can kill this process with SIGKILL and check that the watchdog still stops the app.
 * argv: <stateDir> <addressRange> <samplesDir>
 */
import { LocalPlatform } from '../local/platform.js';
import { RecordingBinding } from './binding.js';

const [stateDir, addressRange, samples] = process.argv.slice(2) as [string, string, string];
const binding = new RecordingBinding();
const platform = new LocalPlatform({ stateDir, addressRange, binding, sidecar: null });
await platform.reconcile([
  {
    namespace: 'default',
    name: 'orphan',
    labels: {},
    serviceAccount: 'default',
    replicas: 1,
    command: [process.execPath, `${samples}/http-echo.mjs`],
    env: {},
    port: 8080,
    readiness: {
      kind: 'tcp',
      port: 8080,
      initialDelayMs: 0,
      periodMs: 100,
      timeoutMs: 500,
      successThreshold: 1,
      failureThreshold: 1,
    },
  },
]);
const timer = setInterval(() => {
  const status = platform.instances()[0];
  if (status?.ready && status.appPid) {
    clearInterval(timer);
    console.log(JSON.stringify({ appPid: status.appPid, address: status.address }));
  }
}, 50);
setInterval(() => {}, 1 << 30);
