//! The inline style sheet and script of the certification page. Neither loads anything: the page is
//! one file that works offline. The script holds no data from the report; it only reads the DOM.

/// The style sheet: light by default, dark under `prefers-color-scheme: dark`.
pub(super) const STYLE: &str = r#"
:root{--bg:#f6f7f9;--fg:#1d2330;--muted:#667085;--card:#fff;--border:#d8dce4;--code:#f1f3f6;
--pass:#17763a;--pass-bg:#dcf4e3;--fail:#c4231c;--fail-bg:#fde3e1;--skip:#55606f;--skip-bg:#e7eaef;
--error:#a85300;--error-bg:#ffedd2;--accent:#3451b2;--lane:#98a2b3;--sent:#3451b2;--received:#17763a;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
@media (prefers-color-scheme:dark){:root{--bg:#0e1217;--fg:#e2e6ed;--muted:#9aa4b4;--card:#161b22;
--border:#2d3541;--code:#11161c;--pass:#56d27a;--pass-bg:#123220;--fail:#ff8079;--fail-bg:#3e1719;
--skip:#aab3c1;--skip-bg:#262d37;--error:#f3a651;--error-bg:#3a2710;--accent:#93abff;--lane:#566175;
--sent:#93abff;--received:#56d27a}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1220px;margin:0 auto;padding:20px 24px 40px}
code,pre{font-family:var(--mono);font-size:12px}
h1{font-size:23px;margin:0 0 2px}
h2{font-size:16px;margin:22px 0 8px}
h3{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:14px 0 5px}
h4{font-size:12px;margin:4px 0}
p{margin:6px 0}
a{color:var(--accent)}
.muted{color:var(--muted)}
.pass{--c:var(--pass);--cb:var(--pass-bg)}.fail{--c:var(--fail);--cb:var(--fail-bg)}
.skip{--c:var(--skip);--cb:var(--skip-bg)}.error{--c:var(--error);--cb:var(--error-bg)}
header.top{display:flex;justify-content:space-between;align-items:center;gap:16px;padding-bottom:14px;
border-bottom:1px solid var(--border)}
.verdict{padding:8px 18px;border-radius:10px;text-align:right}
.verdict b{display:block;font-size:19px}.verdict small{font-size:12px}
.verdict.ok{background:var(--pass-bg);color:var(--pass)}.verdict.bad{background:var(--fail-bg);color:var(--fail)}
.identity dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:6px 20px;margin:12px 0}
.identity dt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.identity dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.title{flex:1;min-width:0}
.totals{display:flex;gap:8px;flex-wrap:wrap}
.total{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--c,var(--fg));
border-radius:8px;padding:3px 12px;min-width:84px;line-height:1.25}
.total b{display:block;font-size:19px;color:var(--c,var(--fg))}.total span{color:var(--muted);font-size:12.5px}
table{border-collapse:separate;border-spacing:0;width:100%;background:var(--card);border:1px solid var(--border);
border-radius:8px;overflow:hidden}
th,td{padding:4px 12px;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
thead th{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--code)}
tbody th{font-weight:500}
tbody tr:last-child>*{border-bottom:0}
tr.sum>*{font-weight:600;background:var(--code)}
.matrix th:first-child{width:22%}
.chip{display:inline-block;padding:1px 9px;margin:2px 5px 2px 0;border-radius:999px;font-size:12px;
font-weight:600;text-decoration:none;color:var(--c);background:var(--cb)}
.chip:hover{outline:1px solid var(--c)}
.badge{display:inline-block;min-width:46px;text-align:center;padding:1px 6px;border-radius:4px;font-size:11px;
font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:var(--c);background:var(--cb)}
.tag{font-size:11px;border:1px solid var(--border);border-radius:4px;padding:0 6px;color:var(--muted)}
.tag.bad{color:var(--fail);border-color:var(--fail)}
.changes tr.regressed td:first-child{color:var(--fail);font-weight:600}
.changes tr.fixed td:first-child{color:var(--pass);font-weight:600}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 10px}
.filters .label{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-right:4px}
.filters label{display:flex;align-items:center;margin-left:8px}
.filters button,.filters select,.filters input{font:inherit;font-size:13px;color:var(--fg);background:var(--card);
border:1px solid var(--border);border-radius:6px;padding:3px 10px}
.filters input{min-width:200px}
.filters button.toggle{border-color:var(--c);color:var(--c);background:var(--cb);border-radius:999px;font-weight:600;
cursor:pointer}
.filters button.toggle[aria-pressed=false]{background:transparent;opacity:.5;text-decoration:line-through}
#shown{margin-left:auto;font-size:12px}
ul.cases{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--border);border-radius:8px}
li.case-item+li.case-item{border-top:1px solid var(--border)}
details.case>summary{display:flex;gap:10px;align-items:center;padding:5px 12px;cursor:pointer;list-style:none}
details.case>summary::-webkit-details-marker{display:none}
details.case>summary::before{content:"\25B8";color:var(--muted);transition:transform .1s}
details.case[open]>summary::before{transform:rotate(90deg)}
details.case[open]{box-shadow:inset 3px 0 0 var(--c)}
details.case[open]>summary{border-bottom:1px solid var(--border)}
summary .id{font-weight:600;white-space:nowrap}
summary .sum{flex:1;min-width:0;color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
summary .dur{color:var(--muted);font-size:12px;white-space:nowrap}
.body{padding:6px 18px 16px 36px}
.body>p.what{margin:8px 0 4px;font-size:14.5px}
.message{border-left:4px solid var(--c);background:var(--cb);border-radius:4px;padding:8px 12px;margin:8px 0}
.message pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;color:var(--fg);font-size:12.5px}
.note-box{background:var(--code);border-radius:4px;padding:6px 10px}
ul.reqs{list-style:none;margin:0;padding:0}
ul.reqs li{padding:2px 0;font-size:13.5px}
ul.reqs code{background:var(--code);padding:0 3px;border-radius:3px}
.chapter{font-size:11px;color:var(--muted);border:1px solid var(--border);border-radius:4px;padding:0 5px;margin:0 4px}
pre.diff{background:var(--code);border:1px solid var(--border);border-radius:6px;padding:6px 0;margin:0;overflow:auto;
max-height:420px}
pre.diff span{display:block;padding:0 12px;min-height:1.3em}
pre.diff .ins{background:var(--pass-bg);color:var(--pass)}pre.diff .del{background:var(--fail-bg);color:var(--fail)}
pre.diff .hunk{color:var(--accent)}pre.diff .file{color:var(--muted)}
details.full{margin-top:8px}
details.full>summary{cursor:pointer;color:var(--muted);font-size:12.5px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:6px}
.two pre{background:var(--code);border:1px solid var(--border);border-radius:6px;padding:8px 12px;margin:0;overflow:auto;
max-height:360px}
.seq{background:var(--code);border:1px solid var(--border);border-radius:6px;padding:0 8px 10px 0;overflow-x:auto}
.seq-row{display:grid;grid-template-columns:var(--cols);min-width:680px}
.lanes2{--cols:4.6rem 10.5rem 7rem minmax(0,1fr) 7rem}
.lanes3{--cols:4.6rem 9rem 7rem minmax(0,1fr) 7rem minmax(0,1fr) 7rem}
.seq-row>*{grid-row:1}
.seq-row .t{grid-column:1;text-align:right;padding:5px 8px 0 0;color:var(--muted);font:11px var(--mono)}
.seq-row .s{grid-column:2;padding:5px 6px 0 4px;color:var(--muted);font:11px var(--mono);overflow:hidden;
text-overflow:ellipsis;white-space:nowrap}
.seq-head{position:sticky;top:0;z-index:2;background:var(--code);padding-top:8px;border-radius:6px 6px 0 0}
.seq-head .t,.seq-head .s{font-family:inherit;text-transform:uppercase;letter-spacing:.04em;padding-top:10px}
.l0{grid-column:3}.l1{grid-column:5}.l2{grid-column:7}
.c01{grid-column:3/6}.c12{grid-column:5/8}
.lane{text-align:center;background:var(--card);border:1px solid var(--lane);border-radius:6px;padding:3px 2px;
margin:0 4px 6px;line-height:1.25}
.lane b{display:block;font-size:12.5px}.lane small{color:var(--muted);font-size:11px}
.ll{background:linear-gradient(var(--lane),var(--lane)) center/2px 100% no-repeat}
.m{margin:0 3.5rem;padding:5px 4px 0;display:flex;flex-direction:column;justify-content:flex-end;min-width:0;z-index:1}
.sent .m{color:var(--sent)}.received .m{color:var(--received)}
.lbl{font:11.5px/1.35 var(--mono);color:var(--fg);overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;
-webkit-line-clamp:2;overflow:hidden;cursor:pointer;padding:0 8px;margin-bottom:3px}
.lbl.open{display:block;-webkit-line-clamp:unset}
.arr{position:relative;height:0;border-top:2px solid currentColor;margin-bottom:7px}
.arr::after{content:"";position:absolute;top:-7px;border-top:6px solid transparent;border-bottom:6px solid transparent}
.to-r .arr::after{right:-2px;border-left:10px solid currentColor}
.to-l .arr::after{left:-2px;border-right:10px solid currentColor}
.note{margin:0 3.5rem;padding:5px 0;text-align:center;z-index:1;align-self:center}
.note span{display:inline-block;font-size:11.5px;color:var(--muted);background:var(--card);border:1px dashed var(--lane);
border-radius:4px;padding:0 8px}
details.output>summary{cursor:pointer}
details.output pre{background:var(--code);border:1px solid var(--border);border-radius:6px;padding:8px 12px;overflow:auto}
footer{margin-top:28px;color:var(--muted);font-size:12px}
@media (max-width:1000px){header.top{flex-wrap:wrap}}
@media (max-width:760px){header.top{flex-direction:column;align-items:flex-start}.two{grid-template-columns:1fr}
summary .sum{display:none}}
"#;

/// The script: outcome, area, mode and ID filters; the matrix's counts as filter shortcuts; open and
/// close all; long trace labels that expand on click; and `#case-<id>` (open it and scroll to it) or
/// `#open=<id>,<id>` (open them where they are) in the URL.
pub(super) const SCRIPT: &str = r#"
"use strict";
(() => {
  const items = Array.from(document.querySelectorAll("li.case-item"));
  const toggles = Array.from(document.querySelectorAll(".filters .toggle"));
  const area = document.getElementById("area");
  const mode = document.getElementById("mode");
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const apply = () => {
    const on = new Set(toggles.filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset.outcome));
    const query = search.value.trim().toLowerCase();
    let count = 0;
    for (const item of items) {
      const show = on.has(item.dataset.outcome)
        && (!area.value || item.dataset.area === area.value)
        && (!mode.value || item.dataset.mode === mode.value)
        && (!query || item.dataset.id.toLowerCase().includes(query));
      item.hidden = !show;
      if (show) count += 1;
    }
    shown.textContent = count + " of " + items.length + " cases shown";
  };
  for (const button of toggles) {
    button.addEventListener("click", () => {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply();
    });
  }
  area.addEventListener("change", apply);
  mode.addEventListener("change", apply);
  search.addEventListener("input", apply);
  for (const chip of document.querySelectorAll(".matrix a.chip")) {
    chip.addEventListener("click", () => {
      area.value = chip.dataset.area;
      mode.value = chip.dataset.mode;
      search.value = "";
      for (const button of toggles) {
        button.setAttribute("aria-pressed", String(button.dataset.outcome === chip.dataset.outcome));
      }
      apply();
    });
  }
  const setAll = (open) => {
    for (const item of items) {
      if (!item.hidden) item.querySelector("details.case").open = open;
    }
  };
  document.getElementById("expand").addEventListener("click", () => setAll(true));
  document.getElementById("collapse").addEventListener("click", () => setAll(false));
  document.addEventListener("click", (event) => {
    const label = event.target.closest(".lbl");
    if (label) label.classList.toggle("open");
  });
  const openCase = (id, scroll) => {
    const details = document.getElementById("case-" + id);
    if (!details || details.tagName !== "DETAILS") return;
    details.open = true;
    details.closest("li").hidden = false;
    if (scroll) details.scrollIntoView({ block: "start" });
  };
  const fromHash = () => {
    let hash = "";
    try { hash = decodeURIComponent(location.hash.slice(1)); } catch (_) { return; }
    if (hash.startsWith("open=")) {
      for (const id of hash.slice(5).split(",")) openCase(id, false);
    } else if (hash.startsWith("case-")) {
      openCase(hash.slice(5), true);
    }
  };
  window.addEventListener("hashchange", fromHash);
  apply();
  fromHash();
})();
"#;
