import net from 'node:net';
import { Duplex } from 'node:stream';

/**
 * A plain stream over a socket whose first bytes were already read (and unshifted): TLS then
 * reads through JavaScript and sees those bytes too.
 */
export class SocketProxy extends Duplex {
  readonly #socket: net.Socket;

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
    socket.on('data', chunk => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
  }

  _read(): void {
    this.#socket.resume();
  }

  _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#socket.write(chunk, callback);
  }

  _final(callback: (error?: Error | null) => void): void {
    this.#socket.end();
    callback();
  }

  _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.#socket.destroy();
    callback(error);
  }
}
