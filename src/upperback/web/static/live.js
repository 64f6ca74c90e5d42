// Live biofeedback: read ratio, cue and controller level from the WebSocket, draw them.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const canvas = $("trace");
  const ctx = canvas.getContext("2d");
  const history = [];
  let socket = null;

  function draw(target) {
    const w = canvas.width, h = canvas.height, max = Math.max(2.0, 2 * target);
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#b26a00";
    ctx.setLineDash([4, 4]);
    const ty = h - (Math.min(target, max) / max) * h;
    ctx.beginPath(); ctx.moveTo(0, ty); ctx.lineTo(w, ty); ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#2a5d84";
    ctx.beginPath();
    history.forEach((r, i) => {
      const x = (i / 200) * w, y = h - (Math.min(r, max) / max) * h;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }

  function onMessage(event) {
    const msg = JSON.parse(event.data);
    if (msg.done) { $("state").textContent = msg.error || "finished"; return; }
    $("ratio").textContent = msg.ratio === null ? "–" : msg.ratio.toFixed(2);
    $("target").textContent = msg.target.toFixed(2);
    $("level").textContent = Math.round(msg.level * 100) + " %";
    $("level-bar").style.width = Math.round(msg.level * 100) + "%";
    $("cue").textContent = msg.cue || "";
    $("basis").textContent = msg.basis === "mvc" ? "normalised to MVC" : "raw (no MVC)";
    const words = {
      calibration_not_at_rest: "the first 2 s were not at rest",
      raw_ratio_not_class_units: "raw ratio: choose an MVC recording to compare with the classes",
    };
    $("flags").textContent = (msg.flags || []).map((f) => words[f] || f).join("; ");
    $("state").textContent = "t = " + msg.t_s.toFixed(1) + " s";
    if (msg.ratio !== null) { history.push(msg.ratio); if (history.length > 200) history.shift(); }
    draw(msg.target);
  }

  $("start").addEventListener("click", function () {
    if (socket) socket.close();
    history.length = 0;
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    const q = new URLSearchParams();
    const mvc = $("mvc") ? $("mvc").value : "";
    if (mvc) q.set("mvc", mvc);
    const t = $("target-in") ? $("target-in").value.trim() : "";
    if (t) q.set("target", t);
    const qs = q.toString();
    socket = new WebSocket(proto + location.host + root.dataset.ws + (qs ? "?" + qs : ""));
    socket.onmessage = onMessage;
    socket.onopen = () => { $("state").textContent = "connected"; };
    socket.onclose = (e) => { if (e.code >= 4000) $("state").textContent = "refused (" + e.code + ")"; };
  });
})();
