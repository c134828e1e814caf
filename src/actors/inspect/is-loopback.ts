/** True for the bind addresses only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
