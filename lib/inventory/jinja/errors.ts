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
export class UndefinedError extends JinjaError {}

/** The template text is not valid Jinja. */
export class JinjaSyntaxError extends JinjaError {}
