// A self-contained HTML rendering of the OpenAPI document (no script, no CDN): the API reference at /docs.

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{
    name: string;
    in: string;
    required?: boolean;
    schema?: unknown;
    description?: string;
  }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

const code = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function schemaName(schema: unknown): string {
  if (schema && typeof schema === 'object' && '$ref' in schema)
    return String(schema.$ref).split('/').pop() ?? '';
  if (schema && typeof schema === 'object' && 'type' in schema) return String(schema.type);
  return 'object';
}

function renderOperation(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(schemaName(p.schema))}</td></tr>`,
    )
    .join('');
  const bodies = Object.entries(op.requestBody?.content ?? {})
    .map(
      ([type, { schema }]) => `<li><code>${escapeHtml(type)}</code>: ${escapeHtml(schemaName(schema))}</li>`,
    )
    .join('');
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${status}</b> ${escapeHtml(r.description ?? '')}</li>`)
    .join('');
  return `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${code(op.summary ?? '')}</p>${op.description ? `<p>${code(op.description)}</p>` : ''}
${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th></tr>${params}</table>` : ''}
${bodies ? `<p>Body:</p><ul>${bodies}</ul>` : ''}<p>Responses:</p><ul>${responses}</ul></section>`;
}

export function renderApiReference(document: unknown): string {
  const doc = document as OpenApiDocument;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('')}`)
    .join('');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace;background:#f3f4f6;border-radius:4px;padding:0 .25em}pre{padding:.75em;overflow:auto}
.op{border-top:1px solid #d0d7de;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.1em .4em}
.get{background:#0b6bcb}.post{background:#1a7f37}.put{background:#9a6700}.delete{background:#cf222e}.patch{background:#8250df}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2em .5em;text-align:left}</style></head>
<body><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1><p>${code(doc.info.description ?? '')}</p>
<p>Every <code>/v1</code> route takes <code>Authorization: Bearer &lt;token&gt;</code>. Errors answer <code>{"error": {"code", "message"}}</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${sections}<h2>Schemas</h2>${schemas}</body></html>`;
}
