/** The report's stylesheet (inline in the page). System fonts only: nothing is fetched. */
export const STYLE = `
:root { --ok:#16a34a; --changed:#d97706; --failed:#dc2626; --unreachable:#7f1d1d; --skipped:#0891b2;
  --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width:1280px; margin:0 auto; padding:0 24px 40px; }
header { background:linear-gradient(120deg,#0f172a,#1e3a8a); color:#fff; margin:0 -24px 24px; padding:22px 32px 18px; }
header .title { display:flex; align-items:center; gap:16px; }
h1 { margin:0; font-size:24px; letter-spacing:.3px; }
header dl { display:flex; flex-wrap:wrap; gap:8px 32px; margin:14px 0 0; }
header dt { font-size:11px; text-transform:uppercase; letter-spacing:.8px; color:#93c5fd; }
header dd { margin:0; font-weight:600; }
.verdict { border-radius:999px; padding:3px 12px; font-weight:700; font-size:13px; text-transform:uppercase; letter-spacing:.6px; }
.verdict.ok { background:var(--ok); } .verdict.changed { background:var(--changed); } .verdict.failed { background:var(--failed); }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 20px 18px; margin:0 0 20px; box-shadow:0 1px 2px rgba(15,23,42,.05); }
h2 { margin:0 0 12px; font-size:17px; }
h3 { margin:14px 0 8px; font-size:14px; } h4 { margin:10px 0 6px; font-size:13px; color:#334155; }
.muted { color:var(--muted); font-weight:400; }
.recap td.host { font:600 14px system-ui, sans-serif; border-left:5px solid var(--ok); }
.recap tr.changed td.host { border-left-color:var(--changed); } .recap tr.failed td.host { border-left-color:var(--failed); }
.recap .n { text-align:right; width:86px; } .recap td.n { font-weight:700; } .recap td.zero { color:#cbd5e1; font-weight:400; }
.recap td.ok:not(.zero) { color:var(--ok); } .recap td.changed:not(.zero) { color:var(--changed); }
.recap td.failed:not(.zero), .recap td.unreachable:not(.zero) { color:var(--failed); } .recap td.skipped:not(.zero) { color:var(--skipped); }
.recap td.time { color:#334155; font-weight:400; }
.recap .mix { width:30%; } .stack { display:flex; height:12px; border-radius:6px; overflow:hidden; background:#f1f5f9; }
.stack i { display:block; height:100%; } .stack i.ok { background:var(--ok); } .stack i.changed { background:var(--changed); }
.stack i.failed { background:var(--failed); } .stack i.unreachable { background:var(--unreachable); } .stack i.skipped { background:var(--skipped); opacity:.55; }
.legend { display:flex; flex-wrap:wrap; gap:14px; margin:-4px 0 8px; font-size:12px; color:#334155; }
.legend i { display:inline-block; width:12px; height:12px; border-radius:3px; margin-right:5px; vertical-align:-2px; }
#timeline-chart { display:block; font-size:12px; }
#timeline-chart .stripe { fill:transparent; } #timeline-chart .row:nth-of-type(even) .stripe { fill:#f8fafc; }
#timeline-chart .row:hover .stripe { fill:#eff6ff; }
#timeline-chart .grid { stroke:#e2e8f0; stroke-width:1; }
#timeline-chart .tick { fill:var(--muted); text-anchor:middle; font-size:11px; }
#timeline-chart .label { fill:#1e293b; } #timeline-chart .host { fill:#1d4ed8; font-weight:600; }
#timeline-chart .play { fill:#0f172a; font-weight:700; font-size:12px; letter-spacing:.4px; }
#timeline-chart .dur { fill:var(--muted); font-size:11px; }
#timeline-chart .span.failed { stroke:var(--failed); stroke-width:1.5; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th { text-align:left; font-size:11px; text-transform:uppercase; letter-spacing:.6px; color:var(--muted); border-bottom:2px solid var(--line); padding:6px 8px; }
td { border-bottom:1px solid var(--line); padding:5px 8px; font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12.5px; }
tr.ok td.result { color:var(--ok); font-weight:700; } tr.fail td.result { color:var(--failed); font-weight:700; } tr.warn td.result { color:var(--changed); font-weight:700; }
tr.fail td { background:#fef2f2; }
details { border:1px solid var(--line); border-radius:6px; margin:6px 0; background:#fff; }
summary { cursor:pointer; padding:6px 10px; }
pre { margin:0; padding:10px 12px; background:#0f172a; color:#e2e8f0; border-radius:0 0 6px 6px; overflow-x:auto; font:12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
pre .add { color:#86efac; } pre .del { color:#fca5a5; } pre .hunk { color:#93c5fd; } pre .file { color:#cbd5e1; font-weight:700; }
.status, .kind { font-size:11px; border-radius:4px; padding:1px 6px; color:#fff; text-transform:uppercase; letter-spacing:.4px; }
.status.ok { background:var(--ok); } .status.changed { background:var(--changed); } .status.failed { background:var(--failed); }
.kind.helm { background:#6d28d9; } .kind.manifest { background:#0369a1; } .kind.file { background:#475569; } .kind.command { background:#334155; } .kind.note { background:#94a3b8; }
div.obj { padding:4px 10px; } code { font:12px ui-monospace, "DejaVu Sans Mono", monospace; }
.plan-host { border-top:1px solid var(--line); } .task .tname { font-size:12px; color:var(--muted); margin:6px 0 2px; }
#warnings li { color:#78350f; }
footer { color:var(--muted); font-size:12px; text-align:center; }
`;
