/** `pilotlight loadtest`: placeholder until it lands. */
export async function loadtestCommand(_argv: string[]): Promise<number> {
  throw new Error('loadtest: not built yet');
}
