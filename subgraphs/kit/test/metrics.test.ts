import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const kit = path.resolve(import.meta.dirname, '..');

/** One process's reading of its heap figures: used before /metrics is read (garbage included), and the gauge /metrics gives. */
function reading(flags: string[]): { usedBefore: number; afterFullGc: number } {
  const script = `
    import v8 from 'node:v8';
    import { createProcessMetrics } from './src/metrics.ts';
    const metrics = createProcessMetrics('test');
    // 40 MB or so of objects that are garbage at once.
    let garbage = Array.from({ length: 300_000 }, (_, i) => ({ i, text: 'x'.repeat(60) + i }));
    garbage = null;
    const usedBefore = v8.getHeapStatistics().used_heap_size;
    const text = await metrics.registry.metrics();
    const afterFullGc = Number(/^nodejs_heap_used_after_full_gc_bytes\\S* (\\S+)$/m.exec(text)?.[1]);
    console.log(JSON.stringify({ usedBefore, afterFullGc }));
  `;
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: kit, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { usedBefore: number; afterFullGc: number };
}

describe('nodejs_heap_used_after_full_gc_bytes', () => {
  it('is the heap kept, without the garbage, when the process has --expose-gc (as the soak starts the graph)', () => {
    const { usedBefore, afterFullGc } = reading(['--expose-gc']);
    expect(afterFullGc).toBeGreaterThan(0);
    expect(afterFullGc).toBeLessThan(usedBefore - 20 * 2 ** 20);
  }, 60_000);

  it('is read after a compacting collection, so the heap V8 keeps is the heap in use, not pages fragmented by what has died', () => {
    const script = `
      import v8 from 'node:v8';
      import { createProcessMetrics } from './src/metrics.ts';
      const metrics = createProcessMetrics('test');
      const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
      // One object in twenty lives on, the rest die once they are old: pages a twentieth full.
      let all = [];
      const survivors = [];
      for (let i = 0; i < 3_000_000; i++) { const o = { i, s: 'x' + i }; all.push(o); if (i % 20 === 0) survivors.push(o); }
      await new Promise((resolve) => setTimeout(resolve, 200));
      gc();
      all = null;
      await metrics.registry.metrics();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { space_size, space_used_size } = oldSpace();
      console.log(JSON.stringify({ committed: space_size, used: space_used_size, survivors: survivors.length }));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: kit, encoding: 'utf8' });
    const { committed, used } = JSON.parse(out.trim().split('\n').at(-1)!) as { committed: number; used: number };
    expect(used).toBeGreaterThan(5 * 2 ** 20);
    // Without compaction the old space stays at about seven times what it holds (90 MB for 12).
    expect(committed).toBeLessThan(1.5 * used);
  }, 60_000);
});
