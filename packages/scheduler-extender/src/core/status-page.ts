// The storage picture as one self-contained, read-only HTML page (served by the extender at GET /status): a
// bar per VG, device and mount point with the claims on it. Every name is escaped; no script, no external asset.
import { formatBytes, usedRatio, type PictureNode, type PictureResource } from './storage-picture.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Pure: text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%;max-width:1100px}td,th{padding:4px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
.bar{width:260px;height:14px;background:#e8eef3;border-radius:3px;overflow:hidden}.fill{height:100%;background:#2f7fc1}
.full{background:#d9534f}.claims{color:#555;font-size:12px}.muted{color:#888}`;

function resourceRow(r: PictureResource): string {
  const ratio = usedRatio(r);
  const percent = Math.round(ratio * 100);
  const claims = r.claims.length === 0 ? '<span class="muted">none</span>' : r.claims.map(escapeHtml).join('<br>');
  return `<tr><td>${escapeHtml(r.kind)}</td><td>${escapeHtml(r.name)}</td>`
    + `<td><div class="bar" title="${percent}%"><div class="fill${ratio >= 0.9 ? ' full' : ''}" style="width:${percent}%"></div></div></td>`
    + `<td>${percent}%</td><td>${formatBytes(r.usedBytes)} / ${formatBytes(r.allocatableBytes)}</td><td class="claims">${claims}</td></tr>`;
}

function nodeSection(node: PictureNode): string {
  const rows = node.resources.length === 0
    ? '<tr><td colspan="6" class="muted">no VG, device or mount point reported</td></tr>'
    : node.resources.map(resourceRow).join('\n');
  return `<section><h2>${escapeHtml(node.name)}</h2><table><thead><tr><th>kind</th><th>name</th><th>used / allocatable</th><th></th><th>bytes</th><th>claims</th></tr></thead>\n<tbody>${rows}</tbody></table></section>`;
}

/** Pure: the whole page; `generatedAt` is shown so a reader knows how fresh it is. */
export function statusPageHtml(nodes: readonly PictureNode[], generatedAt: string): string {
  const body = nodes.length === 0 ? '<p class="muted">No node has a NodeLocalStorage with storage yet.</p>' : nodes.map(nodeSection).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Open-Local storage</title><style>${STYLE}</style></head>`
    + `<body><h1>Open-Local storage</h1><p class="muted">As the scheduler extender sees it at ${escapeHtml(generatedAt)}: charged (PVs, inline volumes and planned claims) against allocatable.</p>\n${body}</body></html>\n`;
}
