/** Small text helpers the console and the HTML report share. */

/** 1.23s under a minute, else 2m 5s. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** Cut a one-line text to `width` characters (a live terminal line must not wrap). */
export function fitWidth(text: string, width: number): string {
  const line = text.replace(/\n[\s\S]*$/, ' …');
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}
