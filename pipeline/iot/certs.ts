// A throwaway PKI for the local broker, made with openssl: a CA, the broker's server certificate
// (127.0.0.1 / localhost), and client certificates signed by that CA, each for one device.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CertPair {
  cert: string;
  key: string;
}

export interface LocalPki {
  dir: string;
  ca: string;
  server: CertPair;
  /** Issues (once) a client certificate with this common name, signed by the CA. */
  client(name: string): CertPair;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA with its own key; `subject` names it (certificates from different CAs do not trust each other). */
export function createPki(dir: string, subject = 'sdfleet local CA'): LocalPki {
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${subject}`], dir);
  const issue = (name: string, ext: string): CertPair => {
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', extFile(dir, name, ext)], dir);
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  const issued = new Map<string, CertPair>();
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    server: issue('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth'),
    client(name) {
      let pair = issued.get(name);
      if (!pair) issued.set(name, (pair = issue(name, 'extendedKeyUsage=clientAuth')));
      return pair;
    },
  };
}

function extFile(dir: string, name: string, text: string): string {
  const path = join(dir, `${name}.ext`);
  execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', text, path]);
  return path;
}
