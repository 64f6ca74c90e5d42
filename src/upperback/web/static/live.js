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
    const w = canvas.width, h = canvas.height, max = 4.0;
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
    $("state").textContent = "t = " + msg.t_s.toFixed(1) + " s";
    if (msg.ratio !== null) { history.push(msg.ratio); if (history.length > 200) history.shift(); }
    draw(msg.target);
  }

  $("start").addEventListener("click", function () {
    if (socket) socket.close();
    history.length = 0;
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + root.dataset.ws);
    socket.onmessage = onMessage;
    socket.onopen = () => { $("state").textContent = "connected"; };
    socket.onclose = (e) => { if (e.code >= 4000) $("state").textContent = "refused (" + e.code + ")"; };
  });
})();
