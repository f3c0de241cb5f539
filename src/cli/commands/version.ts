import { VERSION } from '../../version';
import type { CliIO } from '../io';

export async function run(_args: readonly string[], io: CliIO): Promise<number> {
  io.out(`${VERSION}\n`);
  return 0;
}
