import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

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

/**
 * Create a self-signed serving certificate for `127.0.0.1`, `localhost` and the given host, or
 * reuse the one kept in `dir` (mode 0600) so kubeconfigs stay valid across restarts.
 *
 * @remarks
 * kubectl (client-go) does not send bearer tokens to plain `http://` servers, so kubeconfigs point
 * at the TLS side of the same port.
 */
export function servingCertificate(host: string, dir?: string): ServingCertificate {
  const file = dir ? path.join(dir, 'serving-cert.json') : undefined;
  if (file && fs.existsSync(file)) {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ServingCertificate;
  }
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost') {
    altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const result = generate([{ name: 'commonName', value: 'embedded-openshift' }], {
    days: 825,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  const cert = { key: result.private, cert: result.cert };
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(cert), { mode: 0o600 });
  }
  return cert;
}
