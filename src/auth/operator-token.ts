import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken } from './token-secret.js';

/**
 * The operator's token: `FLASHBACK_ADMIN_TOKEN` when set; otherwise the one
 * in `$DATA_DIR/operator-token`, generated (mode 600) on first start.
 * The token itself is never logged, only where it is kept.
 */
export function resolveOperatorToken(adminToken: string | null, dataDir: string, log: (message: string) => void): string {
  if (adminToken !== null) return adminToken;
  const path = join(dataDir, 'operator-token');
  if (existsSync(path)) {
    log(`operator token: read from ${path}`);
    return readFileSync(path, 'utf8').trim();
  }
  mkdirSync(dataDir, { recursive: true });
  const token = generateToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  log(`operator token: generated into ${path}`);
  return token;
}
