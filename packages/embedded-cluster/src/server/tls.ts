import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A serving certificate for the API server's TLS side.
 *
 * @public
 */
export interface ServingCertificate {
  /** PEM private key (secret: never logged or printed). */
  key: string;
  /** PEM certificate (self-signed; also the CA of kubeconfigs). */
  cert: string;
}

const cache = new Map<string, ServingCertificate>();

function createCertificate(host: string): ServingCertificate {
  // The key comes from Node's native crypto (fast); forge only assembles and signs the certificate.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(
    keyPem,
  ) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 825 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: 'embedded-openshift' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0') {
    altNames.push(
      /^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
    );
  }
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(cert) };
}

/**
 * A self-signed serving certificate for `127.0.0.1`, `localhost` and the given host: the one kept
 * in `dir` (mode 0600) when there is one, so kubeconfigs stay valid across restarts; otherwise one
 * shared by the clusters of this process.
 *
 * @remarks
 * kubectl (client-go) does not send bearer tokens to plain `http://` servers, and client-node
 * refuses them without `skipTLSVerify`, so kubeconfigs point at the TLS side of the same port.
 */
export function servingCertificate(
  host: string,
  dir?: string,
): ServingCertificate {
  const file = dir ? path.join(dir, 'serving-cert.json') : undefined;
  if (file && fs.existsSync(file)) {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ServingCertificate;
  }
  let cert = cache.get(host);
  if (!cert) {
    cert = createCertificate(host);
    cache.set(host, cert);
  }
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(cert), { mode: 0o600 });
  }
  return cert;
}
