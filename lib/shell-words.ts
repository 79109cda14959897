/**
 * Splitting a string of words the way a POSIX shell does, without expanding anything: whitespace
 * separates, single and double quotes group, a backslash escapes the next character (inside
 * double quotes too). The inverse of lib/shell.ts; used for k3s-ansible's extra_server_args and
 * for ansible_ssh_common_args. Throws on an unbalanced quote.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}
