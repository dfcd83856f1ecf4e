// The stylesheet and the script embedded in every HTML report. The page reads fine without the
// script (tables under every chart); the script adds hover values, timeline zoom and the flame
// graph's zoom, search and scope switch. Dark and light follow the browser's preference.
#include "html_internal.hpp"

namespace perfprobe::report::html {

const char* stylesheet() {
  return R"CSS(
:root{--bg:#fff;--fg:#1d2329;--muted:#5f6b76;--line:#dde2e7;--panel:#f4f6f8;--accent:#2563eb;--token:#2f855a;
--stall:#dc2626;--anon:#7c3aed;--file:#0891b2;--total:#334155;--ok:#15803d;--bad:#b91c1c;--warn:#b45309;--sel:rgba(37,99,235,.15)}
@media (prefers-color-scheme:dark){:root{--bg:#121518;--fg:#e4e8ec;--muted:#98a4b0;--line:#2c333a;--panel:#1b2025;
--accent:#60a5fa;--token:#4ade80;--stall:#f87171;--anon:#b197fc;--file:#22d3ee;--total:#cbd5e1;--ok:#4ade80;--bad:#f87171;
--warn:#fbbf24;--sel:rgba(96,165,250,.2)}}
html{color-scheme:light dark}
body{margin:0 auto;max-width:1180px;padding:18px 28px 40px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:30px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:16px 0 6px}
code,.mono,td.fn{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.cmd code{background:var(--panel);padding:3px 7px;border-radius:4px;word-break:break-all}
p.note{color:var(--muted);margin:4px 0 8px;max-width:80em}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{padding:3px 12px 3px 0;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted)}td.num,th.num{text-align:right;white-space:nowrap;padding-left:12px}
td.fn{word-break:break-all;max-width:46em}
.facts th{width:8em}.facts td{word-break:break-all}
ul.warnings{margin:8px 0;padding-left:20px}.grew{color:hsl(0,78%,50%);font-weight:600}.fell{color:hsl(215,78%,50%);font-weight:600}ul.warnings li{color:var(--warn)}
.pass{color:var(--ok);font-weight:600}.fail{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}.dim{color:var(--muted)}
.row{display:flex;gap:40px;flex-wrap:wrap;align-items:flex-start}
details{margin:4px 0 10px}summary{cursor:pointer;color:var(--muted)}
figure{margin:6px 0 4px}figcaption{color:var(--muted);font-size:12.5px;margin:2px 0}
svg{width:100%;height:auto;display:block;font-size:11px;overflow:visible}
svg text{fill:var(--fg)}svg text.muted{fill:var(--muted)}svg .grid{stroke:var(--line);stroke-width:1}
svg .frame{fill:none;stroke:var(--line)}.zt *{vector-effect:non-scaling-stroke}
.phase{stroke:rgba(0,0,0,.25);stroke-width:.5}.tick{stroke:var(--token);stroke-width:1}.stall{stroke:var(--stall);stroke-width:2}
.mark{stroke:var(--accent);stroke-width:1.5}.ready{stroke:var(--ok);stroke-width:1.5;stroke-dasharray:4 3}
.rss-anon{stroke:var(--anon);fill:none;stroke-width:1.5}.rss-file{stroke:var(--file);fill:none;stroke-width:1.5}
.rss-total{stroke:var(--total);fill:none;stroke-width:2}.lat{stroke:var(--accent);fill:none;stroke-width:1}
.dot-stall{fill:var(--stall)}.bar{fill:var(--accent);opacity:.75}.bar:hover{opacity:1}
.pline{stroke-width:1.5;stroke-dasharray:5 3}.p50{stroke:var(--ok)}.p90{stroke:var(--warn)}.p99{stroke:var(--bad)}
.whisker{stroke:var(--muted);stroke-width:1.5}.box{fill:var(--sel);stroke:var(--accent)}.median{stroke:var(--accent);stroke-width:2.5}
.pt{fill:var(--fg);opacity:.55}
.cross{stroke:var(--muted);stroke-width:1;pointer-events:none}.sel{fill:var(--sel);pointer-events:none}
svg.tl{cursor:crosshair;user-select:none}
.legend span{display:inline-block;margin-right:14px;color:var(--muted);font-size:12.5px}
.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}
.tools{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:6px 0}
.tools input,.tools select,.tools button{font:inherit;color:var(--fg);background:var(--panel);border:1px solid var(--line);
border-radius:4px;padding:3px 8px}.tools button{cursor:pointer}
.fg g.n{cursor:pointer}.fg g.n text{fill:#111;font-size:11px;pointer-events:none}.fg g.n rect{stroke:var(--bg);stroke-width:.5}
.fg g.n:hover rect{stroke:var(--fg);stroke-width:1}.fg g.anc rect{opacity:.55}.fg g.hit rect{fill:#e11d8f}
.js .fg-scope:not(.on){display:none}.js .fg-scope h3{display:none}
#tip{position:fixed;z-index:10;pointer-events:none;white-space:pre;background:var(--panel);color:var(--fg);
border:1px solid var(--line);border-radius:4px;padding:4px 8px;font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.2)}
#js-errors{white-space:pre;color:var(--bad)}
footer{margin-top:36px;color:var(--muted);font-size:12px}
)CSS";
}

const char* script() {
  return R"JS(
(function(){
'use strict';
var root=document.documentElement,errs=document.getElementById('js-errors');
window.addEventListener('error',function(e){errs.hidden=false;errs.textContent+='script error: '+e.message+'\n';
root.setAttribute('data-js-error',e.message);});
root.classList.add('js');
var W=1000,L=110,PW=878,NS='http://www.w3.org/2000/svg',tip=document.getElementById('tip');
function showTip(ev,text){tip.textContent=text;tip.hidden=false;
var x=Math.min(ev.clientX+14,window.innerWidth-tip.offsetWidth-8),y=ev.clientY+16;
if(y+tip.offsetHeight>window.innerHeight)y=ev.clientY-tip.offsetHeight-10;tip.style.left=x+'px';tip.style.top=y+'px';}
function hideTip(){tip.hidden=true;}
function data(e){var id=e.getAttribute('data-src'),s=id&&document.getElementById(id);return s?JSON.parse(s.textContent):{};}
function pt(svg,ev){var p=svg.createSVGPoint();p.x=ev.clientX;p.y=ev.clientY;return p.matrixTransform(svg.getScreenCTM().inverse());}
function fmtMs(ms){var a=Math.abs(ms);if(a>=1000)return(ms/1000).toFixed(a>=1e5?0:a>=1e4?1:2)+' s';
if(a>=1||a===0)return ms.toFixed(a>=100||a===0?0:a>=10?1:2)+' ms';return(ms*1000).toFixed(a>=0.1?0:1)+' \u00b5s';}
function fmtBytes(b){var u=['B','KiB','MiB','GiB','TiB'],i=0;while(Math.abs(b)>=1024&&i<4){b/=1024;i++;}
return(i?b.toFixed(Math.abs(b)>=100?0:1):b.toFixed(0))+' '+u[i];}
function ticks(lo,hi,n){var raw=(hi-lo)/n,mag=Math.pow(10,Math.floor(Math.log10(raw))),step=mag,m=[1,2,5,10],out=[];
for(var i=0;i<m.length;i++){step=m[i]*mag;if(step>=raw)break;}
for(var v=Math.ceil(lo/step)*step;v<=hi+step*1e-9;v+=step)out.push(v);return out;}
function mk(name,attrs,text){var e=document.createElementNS(NS,name);for(var k in attrs)e.setAttribute(k,attrs[k]);
if(text!==undefined)e.textContent=text;return e;}
function upto(a,t,key){var lo=0,hi=a.length;while(lo<hi){var m=(lo+hi)>>1;if((key?a[m][0]:a[m])<=t)lo=m+1;else hi=m;}return lo;}
function fit(name,width){var c=Math.floor((width-6)/6.2);return c<3?'':name.length<=c?name:name.slice(0,c-1)+'\u2026';}

document.querySelectorAll('svg.tl').forEach(function(svg){
var T=+svg.getAttribute('data-t'),d=data(svg),a=0,b=T,drag=null;
var groups=svg.querySelectorAll('.zt'),labels=svg.querySelectorAll('.zl'),axis=svg.querySelector('.axis');
var cross=svg.querySelector('.cross'),sel=svg.querySelector('.sel'),ay=+axis.getAttribute('data-y'),top=+axis.getAttribute('data-top');
function X(t){return L+(t-a)/(b-a)*PW;}function Tm(x){return a+(x-L)/PW*(b-a);}
function clamp(x){return Math.max(L,Math.min(L+PW,x));}
function apply(){var s=T/(b-a),c=L-s*(L+a/T*PW);
groups.forEach(function(g){g.setAttribute('transform','matrix('+s+' 0 0 1 '+c+' 0)');});
labels.forEach(function(t){var t0=Math.max(+t.getAttribute('data-t0'),a),t1=Math.min(+t.getAttribute('data-t1'),b);
var txt=t1>t0?fit(t.getAttribute('data-label'),(t1-t0)/(b-a)*PW):'';t.textContent=txt;t.setAttribute('x',X(t0)+3);});
while(axis.firstChild)axis.removeChild(axis.firstChild);
ticks(a,b,8).forEach(function(t){var x=X(t);axis.appendChild(mk('line',{'class':'grid',x1:x,x2:x,y1:top,y2:ay}));
axis.appendChild(mk('text',{x:x,y:ay+14,'text-anchor':'middle'},fmtMs(t)));});}
function describe(t){var lines=[fmtMs(t)];
(d.phases||[]).forEach(function(p){if(t>=p[1]&&t<=p[2])lines.push('phase '+p[0]+': '+fmtMs(p[1])+' \u2013 '+fmtMs(p[2])+' ('+fmtMs(p[2]-p[1])+')');});
if(d.ready!==undefined)lines.push(t>=d.ready?'ready at '+fmtMs(d.ready):'not ready yet');
if(d.tokens&&d.tokens.length)lines.push('tokens so far: '+upto(d.tokens,t));
if(d.rss&&d.rss.length){var i=upto(d.rss,t,1)-1;if(i>=0){var r=d.rss[i];
lines.push('RSS '+fmtBytes(r[3])+' (anon '+fmtBytes(r[1])+', file '+fmtBytes(r[2])+')');}}
return lines.join('\n');}
svg.addEventListener('mousedown',function(ev){var p=pt(svg,ev);if(p.x<L||p.x>L+PW)return;drag=p.x;ev.preventDefault();});
svg.addEventListener('mousemove',function(ev){var p=pt(svg,ev),x=clamp(p.x);
if(drag!==null){sel.setAttribute('x',Math.min(drag,x));sel.setAttribute('width',Math.abs(x-drag));sel.style.display='';}
if(p.x<L||p.x>L+PW){cross.style.display='none';hideTip();return;}
cross.setAttribute('x1',x);cross.setAttribute('x2',x);cross.style.display='';showTip(ev,describe(Tm(x)));});
svg.addEventListener('mouseleave',function(){cross.style.display='none';hideTip();});
window.addEventListener('mouseup',function(ev){if(drag===null)return;var x=clamp(pt(svg,ev).x),x0=drag;drag=null;
sel.style.display='none';if(Math.abs(x-x0)<4)return;var t0=Tm(Math.min(x,x0)),t1=Tm(Math.max(x,x0));a=t0;b=t1;apply();});
svg.addEventListener('dblclick',function(){a=0;b=T;apply();});
var box=svg.closest('figure'),btn=box&&box.querySelector('button.reset');
if(btn)btn.addEventListener('click',function(){a=0;b=T;apply();});
apply();});

document.querySelectorAll('svg.latplot').forEach(function(svg){
var d=data(svg),v=d.lat||[],n=v.length,cross=svg.querySelector('.cross');
svg.addEventListener('mousemove',function(ev){var p=pt(svg,ev);if(p.x<L||p.x>L+PW||!n){hideTip();cross.style.display='none';return;}
var i=Math.min(n-1,Math.max(0,Math.round((p.x-L)/PW*(n-1)))),x=L+(n>1?i/(n-1):0)*PW;
cross.setAttribute('x1',x);cross.setAttribute('x2',x);cross.style.display='';
showTip(ev,'token '+(i+(d.first||2))+': '+fmtMs(v[i])+' after the one before');});
svg.addEventListener('mouseleave',function(){cross.style.display='none';hideTip();});});

document.querySelectorAll('.fg-box').forEach(function(box){
var scopes=Array.prototype.slice.call(box.querySelectorAll('.fg-scope')),select=box.querySelector('select'),
search=box.querySelector('input'),match=box.querySelector('.fg-match');
function current(){return box.querySelector('.fg-scope.on')||scopes[0];}
scopes.forEach(function(s){var svg=s.querySelector('svg'),nodes=Array.prototype.slice.call(svg.querySelectorAll('g.n'));
function layout(x,w,dep){nodes.forEach(function(g){var nx=+g.getAttribute('data-x'),nw=+g.getAttribute('data-w'),
nd=+g.getAttribute('data-d'),r=g.querySelector('rect'),t=g.querySelector('text'),px,pw;
if(nx>=x-1e-9&&nx+nw<=x+w+1e-9){px=(nx-x)/w*W;pw=nw/w*W;g.classList.remove('anc');}
else if(nd<dep&&nx<=x+1e-9&&nx+nw>=x+w-1e-9){px=0;pw=W;g.classList.add('anc');}
else{g.style.display='none';return;}
g.style.display='';r.setAttribute('x',px);r.setAttribute('width',Math.max(pw-0.5,0.1));t.setAttribute('x',px+3);
t.textContent=fit(g.getAttribute('data-n'),pw);});}
svg.addEventListener('click',function(ev){var g=ev.target.closest('g.n');if(g)layout(+g.getAttribute('data-x'),
+g.getAttribute('data-w'),+g.getAttribute('data-d'));});
s.ppReset=function(){layout(0,1,0);};s.ppNodes=nodes;});
function mark(){var q=search.value.trim(),re=null,cur=current(),hits=[],covered=0,end=-1;
if(q){try{re=new RegExp(q,'i');}catch(e){re=null;}}
scopes.forEach(function(sc){sc.ppNodes.forEach(function(g){var n=g.getAttribute('data-n');
var hit=!!q&&(re?re.test(n):n.toLowerCase().indexOf(q.toLowerCase())>=0);g.classList.toggle('hit',hit);
if(hit&&sc===cur)hits.push([+g.getAttribute('data-x'),+g.getAttribute('data-w')]);});});
hits.sort(function(p,r){return p[0]-r[0];});
hits.forEach(function(h){var s0=Math.max(h[0],end),e=h[0]+h[1];if(e>s0){covered+=e-s0;end=e;}});
match.textContent=q?'matched: '+(covered*100).toFixed(1)+'% of the samples in view':'';}
function show(v){scopes.forEach(function(s){s.classList.toggle('on',s.getAttribute('data-scope')===v);});mark();}
if(select)select.addEventListener('change',function(){show(select.value);});
search.addEventListener('input',mark);
box.querySelector('button.reset').addEventListener('click',function(){current().ppReset();});
if(scopes.length)show(scopes[0].getAttribute('data-scope'));});

root.setAttribute('data-js','ok');
})();
)JS";
}

}  // namespace perfprobe::report::html
