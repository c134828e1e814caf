import { isLoopback } from '../actors/inspect/is-loopback.ts';

/** The settings the start-up warning looks at: `server.host`, `server.admin_token`, `server.read_token`. */
export interface ExposureSettings {
  host: string;
  admin_token: string;
  read_token: string;
}

/**
 * The one loud line `serve` writes when it listens beyond loopback with no token (issue 13), or undefined. The routes
 * stay safe (they refuse), but an operator who meant to open them must know why they answer 403.
 */
export function securityWarningOf(server: ExposureSettings): string | undefined {
  if (isLoopback(server.host) || server.admin_token !== '' || server.read_token !== '') return undefined;
  return `SECURITY: listening on ${server.host} (beyond loopback) with no server.admin_token or server.read_token: search, health details, queue and breaker operations refuse every caller until you set them (INLET_ADMIN_TOKEN, INLET_READ_TOKEN); webhooks, /livez and /readyz stay public; see SECURITY.md`;
}
