/** `pilotlight modelsim`: placeholder until the simulator lands. */
export async function modelsimCommand(_argv: string[]): Promise<number> {
  throw new Error('modelsim: not built yet');
}
