/** A security group an elevation grants. `directory` names where its membership lives. */
export interface Group {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** 'embedded' is Elevate's own store; other names refer to configured directories. */
  readonly directory: string;
}

const NAME = /^[^\x00-\x1f\x7f]{1,128}$/;

export function isValidGroupName(name: string): boolean {
  return NAME.test(name) && name.trim() === name;
}
