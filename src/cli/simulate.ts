/** `pilotlight simulate`: placeholder until it lands. */
export async function simulateCommand(_argv: string[]): Promise<number> {
  throw new Error('simulate: not built yet');
}
