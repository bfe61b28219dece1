/** Sizes and settings of one run (`--quick` shrinks them). */
export interface Context {
  readonly quick: boolean;
  /** Where stores and logs go: on the same disk as a real data directory would be. */
  readonly root: string;
  readonly connections: number;
  readonly durableConnections: number;
  readonly loadS: number;
  readonly warmupS: number;
  readonly rawS: number;
  readonly historyRows: number;
  readonly users: number;
  readonly expiries: number;
  readonly historyQueries: number;
  /** Extra node flags for every Elevate server process (`--profile` adds --cpu-prof). */
  readonly serverNodeArgs: readonly string[];
  readonly step: (msg: string) => void;
}
