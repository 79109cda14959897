/** Errors raised while rendering an expression; resolve.ts turns them into `file › key` problems. */
export class JinjaError extends Error {
  /** The variable whose value was being rendered when this happened. */
  varName: string | undefined;
  constructor(message: string, varName?: string) {
    super(message);
    this.varName = varName;
  }
}

/** A reference to something that is not defined (Ansible's AnsibleUndefinedVariable). */
export class UndefinedError extends JinjaError {
  /** The message already carries its fix (a fact capstan does not gather...). */
  readonly hasFix: boolean;
  constructor(message: string, varName?: string, hasFix = false) {
    super(message, varName);
    this.hasFix = hasFix;
  }
}

/** The template text is not valid Jinja. */
export class JinjaSyntaxError extends JinjaError {}
