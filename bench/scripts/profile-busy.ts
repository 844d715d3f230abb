import { readFileSync } from 'node:fs';

// The total and busy (not idle) seconds of V8 CPU profiles (node --cpu-prof), one line per file:
//   node --import tsx bench/scripts/profile-busy.ts /tmp/prof/CPU.*.cpuprofile

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let total = 0;
  let idleTime = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (idle.has(id)) idleTime += delta;
  });
  const seconds = (microseconds: number): string => (microseconds / 1e6).toFixed(1);
  process.stdout.write(`${file.split('/').pop()} total ${seconds(total)} s busy ${seconds(total - idleTime)} s\n`);
}
