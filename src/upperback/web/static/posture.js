// Drag the tragus and C7 points on the photo; draws the CVA and keeps the pixel inputs in step.
"use strict";
(function () {
  var box = document.getElementById("marker");
  if (!box) return;
  var svg = document.getElementById("overlay");
  var W = Number(box.dataset.w), H = Number(box.dataset.h);
  var mean = parseFloat(box.dataset.normMean), cutoff = parseFloat(box.dataset.cutoff);
  var pts = {
    tragus: { el: document.getElementById("pt-tragus"), x: document.getElementById("tragus_x"), y: document.getElementById("tragus_y") },
    c7: { el: document.getElementById("pt-c7"), x: document.getElementById("c7_x"), y: document.getElementById("c7_y") }
  };
  var r = Math.max(W, H) / 60;
  function val(input, max) { var v = parseFloat(String(input.value).replace(",", ".")); return isFinite(v) ? Math.min(Math.max(v, 0), max) : 0; }
  function angle() {
    var tx = val(pts.tragus.x, W), ty = val(pts.tragus.y, H), cx = val(pts.c7.x, W), cy = val(pts.c7.y, H);
    return { tx: tx, ty: ty, cx: cx, cy: cy, deg: Math.atan2(cy - ty, Math.abs(tx - cx)) * 180 / Math.PI };
  }
  function draw() {
    var a = angle();
    ["tragus", "c7"].forEach(function (k) {
      pts[k].el.setAttribute("cx", k === "tragus" ? a.tx : a.cx);
      pts[k].el.setAttribute("cy", k === "tragus" ? a.ty : a.cy);
      pts[k].el.setAttribute("r", r);
    });
    var dir = a.tx >= a.cx ? 1 : -1, len = Math.max(Math.abs(a.tx - a.cx), W / 5);
    var h = document.getElementById("horizon");
    h.setAttribute("x1", a.cx); h.setAttribute("y1", a.cy); h.setAttribute("x2", a.cx + dir * len); h.setAttribute("y2", a.cy);
    var n = document.getElementById("neckline");
    n.setAttribute("x1", a.cx); n.setAttribute("y1", a.cy); n.setAttribute("x2", a.tx); n.setAttribute("y2", a.ty);
    var rad = len / 3, t = a.deg * Math.PI / 180;
    document.getElementById("arc").setAttribute("d", "M" + (a.cx + dir * rad) + "," + a.cy + " A" + rad + "," + rad + " 0 0 " + (dir > 0 ? 0 : 1) + " " + (a.cx + dir * rad * Math.cos(t)) + "," + (a.cy - rad * Math.sin(t)));
    var live = document.getElementById("angle-live"), band = document.getElementById("angle-band");
    if (a.ty >= a.cy) { live.textContent = "tragus must be above C7"; band.textContent = ""; return; }
    live.textContent = a.deg.toFixed(1) + "°";
    var words = [];
    if (isFinite(mean)) words.push((a.deg - mean >= 0 ? "+" : "") + (a.deg - mean).toFixed(1) + "° from the norm mean");
    if (isFinite(cutoff)) words.push(a.deg < cutoff ? "below the " + cutoff + "° cut-off" : "at or above the " + cutoff + "° cut-off");
    band.textContent = words.join(" · ");
  }
  function toImage(evt) {
    var rect = svg.getBoundingClientRect();
    return { x: (evt.clientX - rect.left) * W / rect.width, y: (evt.clientY - rect.top) * H / rect.height };
  }
  var dragging = null;
  ["tragus", "c7"].forEach(function (k) {
    var p = pts[k];
    p.el.addEventListener("pointerdown", function (e) { dragging = k; p.el.setPointerCapture(e.pointerId); e.preventDefault(); });
    p.el.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 10 : 1, dx = 0, dy = 0;
      if (e.key === "ArrowLeft") dx = -step; else if (e.key === "ArrowRight") dx = step;
      else if (e.key === "ArrowUp") dy = -step; else if (e.key === "ArrowDown") dy = step; else return;
      p.x.value = (val(p.x, W) + dx).toFixed(1); p.y.value = (val(p.y, H) + dy).toFixed(1); draw(); e.preventDefault();
    });
    p.x.addEventListener("input", draw); p.y.addEventListener("input", draw);
  });
  svg.addEventListener("pointermove", function (e) {
    if (!dragging) return;
    var q = toImage(e), p = pts[dragging];
    p.x.value = Math.min(Math.max(q.x, 0), W).toFixed(1); p.y.value = Math.min(Math.max(q.y, 0), H).toFixed(1); draw();
  });
  svg.addEventListener("pointerup", function () { dragging = null; });
  svg.addEventListener("pointercancel", function () { dragging = null; });
  draw();
})();
