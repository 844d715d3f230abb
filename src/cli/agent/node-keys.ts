import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-errors.js';

export interface NodeKeyFiles {
  privateKeyPath: string;
  publicKeyPath: string;
  /** SPKI PEM: what `POST /admin/nodes` takes as `publicKey`. */
  publicKeyPem: string;
}

/**
 * Writes a new Ed25519 key pair for a bridge node: `DIR/node.key` (PKCS8 PEM,
 * mode 600) and `DIR/node.pub` (SPKI PEM). An existing key is never
 * overwritten: replacing it would cut the node off from the service.
 *
 * @example
 * const { publicKeyPem } = await writeNodeKeys('/etc/fbstats-agent');
 */
export async function writeNodeKeys(dir: string): Promise<NodeKeyFiles> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const privateKeyPath = join(dir, 'node.key');
  const publicKeyPath = join(dir, 'node.pub');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    await writeFile(publicKeyPath, publicKeyPem, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${dir} already holds a node key; remove node.key and node.pub first, or choose another --out`);
    }
    throw new CliError(`cannot write the keys into ${dir}: ${(error as Error).message}`);
  }
  // The mode given to writeFile is narrowed by the umask; 600 must hold whatever it is.
  await chmod(privateKeyPath, 0o600);
  return { privateKeyPath, publicKeyPath, publicKeyPem };
}

/**
 * The node's Ed25519 private key from a PEM file (as `writeNodeKeys` writes it).
 *
 * @example
 * const privateKey = await loadNodePrivateKey('/etc/fbstats-agent/node.key');
 */
export async function loadNodePrivateKey(file: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(file));
  } catch (error) {
    throw new CliError(`cannot read a private key from ${file}: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CliError(`${file} holds a ${String(key.asymmetricKeyType)} key; a node signs with Ed25519 (fbstats agent keygen)`);
  }
  return key;
}
