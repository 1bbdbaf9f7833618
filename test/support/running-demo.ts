// The community demo kept running for the web tests (`exit: false`): it
// resolves once the demo says the community runs, with the page address it
// printed for each person, and `stop()` ends it.
import { runCommunityDemo } from '../../demo-community/community-demo.js';

export interface RunningDemo {
  /** The page address the demo printed for `who` (alice, bob, mallory, auditor). */
  url(who: string): string;
  stop(): Promise<void>;
}

export const startRunningDemo = async (): Promise<RunningDemo> => {
  let end: () => void = () => {};
  const until = new Promise<void>(resolve => (end = resolve));
  let running: () => void = () => {};
  const ready = new Promise<void>(resolve => (running = resolve));
  const lines: string[] = [];
  const demo = runCommunityDemo({
    exit: false,
    until,
    say: line => {
      lines.push(line);
      if (line.startsWith('the community keeps running')) running();
    },
  });
  const stop = async () => {
    end();
    await demo.catch(() => undefined);
  };
  try {
    await Promise.race([ready, demo.then(() => Promise.reject(Error('the demo ended early')))]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: who =>
      lines
        .map(l => new RegExp(`^  ${who} +(http://127\\.0\\.0\\.1:\\d+/[\\w-]+/)$`).exec(l)?.[1])
        .find(Boolean)!,
    stop,
  };
};
