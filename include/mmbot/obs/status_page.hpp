// mmbot/obs/status_page.hpp
//
// GET /status on the obs server: a live status page for an operator who would rather look than
// curl. The page itself is static (this file); its script polls GET /status.json once a second and
// draws the state, the freeze banner with its reason, per symbol the position and PnL, the open
// orders, the recent fills and every risk limit's headroom as a bar. Read-only: it sends nothing
// but those GETs, and builds the page with textContent (venue and config text never becomes
// markup). docs/observability.md.
#pragma once

#include <string_view>

namespace mmbot::obs {

inline constexpr std::string_view status_page_html = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mmbot status</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}
h1{font-size:20px}h2{font-size:16px;margin-top:22px}
table{border-collapse:collapse;margin:6px 0 14px}th,td{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:right}
th{text-align:left}.state{display:inline-block;padding:2px 10px;border-radius:10px;background:#d3f9d8}
.state.freeze{background:#ffc9c9}.state.shutdown,.state.init{background:#e9ecef}
#banner{display:none;padding:10px 14px;margin:10px 0;background:#fff0f0;border:1px solid #ffa8a8;border-radius:6px}
#stale{display:none;color:#c92a2a}
.bar{width:160px;height:10px;background:#e9ecef;border-radius:5px;overflow:hidden;display:inline-block}
.bar>span{display:block;height:100%;background:#40c057}.bar>span.hot{background:#fab005}.bar>span.broken{background:#fa5252}
</style></head><body>
<h1>mmbot <span id="env"></span> <span id="state" class="state">…</span> <span id="stale">(no answer from the bot)</span></h1>
<div id="banner"></div>
<h2>Positions</h2><table id="positions"><thead><tr><th>symbol</th><th>position</th><th>mid</th><th>realized</th><th>unrealized</th></tr></thead><tbody></tbody></table>
<h2>Risk limits</h2><table id="limits"><thead><tr><th>symbol</th><th>limit</th><th>value</th><th>max</th><th>headroom</th><th>used</th></tr></thead><tbody></tbody></table>
<h2>Open orders</h2><table id="orders"><thead><tr><th>symbol</th><th>side</th><th>price</th><th>qty</th><th>filled</th><th>client order id</th></tr></thead><tbody></tbody></table>
<h2>Recent fills</h2><table id="fills"><thead><tr><th>time (s)</th><th>symbol</th><th>side</th><th>price</th><th>qty</th><th>fee</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
function row(cells){const tr=document.createElement("tr");for(const c of cells){const td=document.createElement("td");if(c instanceof Node){td.appendChild(c);}else{td.textContent=String(c);}tr.appendChild(td);}return tr;}
function fill(id,rows){const body=document.querySelector("#"+id+" tbody");body.replaceChildren(...rows);}
function bar(value,max){const outer=document.createElement("span");outer.className="bar";const inner=document.createElement("span");
 const v=Number(value),m=Number(max);let used=m>0&&isFinite(v)?Math.max(0,v)/m:0;
 inner.className=used>=1?"broken":used>=0.8?"hot":"";inner.style.width=Math.min(100,Math.round(used*100))+"%";outer.appendChild(inner);outer.title=Math.round(used*100)+"% used";return outer;}
function limitRows(symbol,limits){return limits.filter(l=>"value" in l||"value_ms" in l).map(l=>{
 const value=l.value_ms!==undefined?l.value_ms+" ms":l.value;const max=l.max_ms!==undefined?l.max_ms+" ms":l.max;
 const head=l.headroom_ms!==undefined?l.headroom_ms+" ms":(l.headroom!==undefined?l.headroom:"-");
 const bv=l.value_ms!==undefined?l.value_ms:l.value;const bm=l.max_ms!==undefined?l.max_ms:l.max;
 return row([symbol,l.limit,value,max,head,bar(bv,bm)]);});}
function draw(s){
 document.getElementById("env").textContent=s.environment||"";const st=document.getElementById("state");st.textContent=s.state||"?";st.className="state "+String(s.state||"").toLowerCase();
 const banner=document.getElementById("banner");
 if(s.frozen&&s.freeze){banner.style.display="block";banner.textContent="FROZEN: "+s.freeze.reason+" on "+s.freeze.symbol+" (observed "+s.freeze.observed+", limit "+s.freeze.limit+"), for "+Math.round(s.freeze.for_ms/1000)+" s; ends by "+s.freeze.ends;}
 else if(s.frozen){banner.style.display="block";banner.textContent="FROZEN";}else{banner.style.display="none";}
 s.symbols=s.symbols||[];s.global_limits=s.global_limits||[];
 fill("positions",s.symbols.map(x=>row([x.symbol,x.position,x.mid,x.realized_pnl,x.unrealized_pnl])));
 fill("limits",s.symbols.flatMap(x=>limitRows(x.symbol,x.limits)).concat(limitRows("all",s.global_limits)));
 fill("orders",s.symbols.flatMap(x=>x.open_orders.map(o=>row([x.symbol,o.side,o.price,o.qty,o.filled,o.client_order_id]))));
 fill("fills",(s.recent_fills||[]).slice().reverse().map(f=>row([f.time_s,f.symbol,f.side,f.price,f.qty,f.fee])));
 document.body.dataset.updates=String(Number(document.body.dataset.updates||0)+1);}
async function poll(){try{const r=await fetch("/status.json",{cache:"no-store"});if(!r.ok)throw new Error(String(r.status));draw(await r.json());document.getElementById("stale").style.display="none";}
 catch(e){document.getElementById("stale").style.display="inline";}setTimeout(poll,1000);}
poll();
</script></body></html>
)html";

}  // namespace mmbot::obs
