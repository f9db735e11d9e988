export async function serveCommand(_argv: string[]): Promise<number> {
  throw new Error('serve: not built yet');
}
