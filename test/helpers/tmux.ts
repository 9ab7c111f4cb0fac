/** A real terminal for tests: a detached tmux session, driven with send-keys, read with capture-pane. */
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface Terminal {
  session: string;
  tmux: (...args: string[]) => string;
  screen: () => string;
  /** Wait until the screen shows `text`, then return the screen. */
  waitFor: (text: string, timeoutMs?: number) => Promise<string>;
  /** Wait for `prompt` after `seen` characters of the screen, type `keys` and Enter; returns the new `seen`. */
  answer: (prompt: string, keys: string, seen: number) => Promise<number>;
  kill: () => void;
}

export function terminal(session: string): Terminal {
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', session);
  const waitFor = async (text: string, timeoutMs = 90_000): Promise<string> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = screen();
      if (s.includes(text)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for "${text}"; screen:\n${s.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const answer = async (prompt: string, keys: string, seen: number): Promise<number> => {
    const end = Date.now() + 90_000;
    for (;;) {
      const s = screen();
      const at = s.indexOf(prompt, seen);
      if (at >= 0) {
        if (keys) tmux('send-keys', '-t', session, '-l', keys);
        tmux('send-keys', '-t', session, 'Enter');
        return at + prompt.length;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for "${prompt}"; screen:\n${s.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  return {
    session,
    tmux,
    screen,
    waitFor,
    answer,
    kill: () => {
      spawnSync('tmux', ['kill-session', '-t', session]);
    },
  };
}
