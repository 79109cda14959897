/**
 * Asking for a secret on the terminal (--ask-vault-pass, --vault-id x@prompt, --ask-become-pass,
 * an encrypted SSH key's passphrase), as ansible-playbook and ssh do: the prompt on stderr, the
 * answer read from the terminal without echo. Without a terminal on stdin nobody can answer:
 * `ask` is then undefined and the caller says what to give instead.
 */
import { registerSecret } from '../secrets.ts';

export type Ask = (prompt: string) => Promise<string>;

interface TtyIn extends NodeJS.ReadableStream { isTTY?: boolean; setRawMode?(raw: boolean): unknown }

/** Reads one line from a raw-mode terminal, echoing nothing; Ctrl-C rejects. */
function readHidden(input: TtyIn, output: { write(s: string): unknown }, prompt: string): Promise<string> {
  output.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let answer = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('interrupted at the prompt'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    input.on('data', onData);
  });
}

/** A terminal prompt, or undefined when stdin is no terminal. Answers are registered as secrets. */
export function terminalAsk(input: TtyIn = process.stdin, output: { write(s: string): unknown } = process.stderr): Ask | undefined {
  if (!input.isTTY) return undefined;
  return async (prompt) => {
    const answer = await readHidden(input, output, prompt);
    if (answer) registerSecret(answer);
    return answer;
  };
}
