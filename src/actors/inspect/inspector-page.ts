import type { HealthReport } from '../system/health-report.ts';

/** Where the Stately inspector's UI comes from: the browser loads it from the internet, inlet never does. */
export const STATELY_INSPECTOR_URL = 'https://stately.ai/inspect';

/** How long the page waits for the inspector's frame to say it is ready before explaining that it did not load. */
const LOAD_NOTICE_MS = 10_000;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The service's state in plain words, rendered by inlet itself so it shows even when the inspector cannot load. */
export function describeService(report: HealthReport | undefined): string {
  if (!report) return 'inlet is starting: its actors are not running yet.';
  const connectors = report.connectors.map((c) => `${c.name} (${c.kind}): ${c.status}, breaker ${c.circuit_breaker}`);
  const workers = report.workers.map((w) => `${w.id}: ${w.status}`);
  const queue = report.queue ? `${report.queue.size} of ${report.queue.max_size} waiting (${report.queue.state})` : 'unknown';
  return [
    `inlet is ${report.status}.`,
    `Connectors: ${connectors.join('; ') || 'none in this process'}.`,
    `Workers: ${workers.join('; ') || 'none in this process'}.`,
    `Queue: ${queue}.`,
    ...report.reasons.map((r) => `Why ${report.status}: ${r}.`),
  ].join('\n');
}

/**
 * The relay's page: the service's state in plain words, then the Stately inspector in a frame, fed with the
 * inspection events this page receives over the relay's WebSocket (`wsPath` carries the token when one is needed).
 */
export function inspectorPage(state: string, wsPath: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>inlet: live statecharts</title>
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { padding: 0.6em 1em; background: #f4f4f5; border-bottom: 1px solid #ddd; }
  header p { margin: 0.3em 0; max-width: 70em; }
  pre { margin: 0.3em 0; white-space: pre-wrap; }
  #notice { display: none; color: #9a3412; font-weight: 600; }
  iframe { flex: 1; width: 100%; border: none; }
</style>
</head>
<body>
<header>
  <pre id="state">${escapeHtml(state)}</pre>
  <p>This page shows inlet's connectors, circuit breakers and workers as live statecharts in the Stately inspector.
  Your browser loads the inspector from <a href="${STATELY_INSPECTOR_URL}">${STATELY_INSPECTOR_URL}</a>, so it needs
  internet access; inlet itself sends the events only to this page. The same states are in the health report,
  <code>/webhooks/health</code> on the service's port, which needs no internet.</p>
  <p id="notice">The Stately inspector did not load: this browser cannot reach ${STATELY_INSPECTOR_URL}
  (offline, or blocked by a proxy). The state above was true when this page was served; reload to refresh it.</p>
</header>
<iframe id="inspector" src="${STATELY_INSPECTOR_URL}" title="Stately inspector"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const buffer = [];
  let connected = false;
  const notice = setTimeout(() => { document.getElementById('notice').style.display = 'block'; }, ${LOAD_NOTICE_MS});
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      connected = true;
      clearTimeout(notice);
      for (const event of buffer.splice(0)) frame.contentWindow.postMessage(event, '*');
    }
  });
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + ${JSON.stringify(wsPath)});
  ws.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (connected) frame.contentWindow.postMessage(event, '*');
    else buffer.push(event);
  };
</script>
</body>
</html>
`;
}
