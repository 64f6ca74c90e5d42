/* upperback client pages: guided session (timers, drafts saved as it goes, offline sync),
   service-worker registration. No third-party code. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator && location.pathname.indexOf("/me") === 0) {
    navigator.serviceWorker.register("/me/sw.js", { scope: "/me/" }).catch(function () {});
  }
  document.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener("submit", function () {
      // Nothing of the record stays on a shared phone after logging out.
      try {
        Object.keys(localStorage).filter(function (k) { return k.indexOf("ub-") === 0; })
          .forEach(function (k) { localStorage.removeItem(k); });
        if (window.caches) caches.keys().then(function (ks) { ks.forEach(function (k) { caches.delete(k); }); });
      } catch (e) { /* storage may be disabled */ }
    });
  });

  // Questionnaires: one question per screen (the whole form stays one submit; without
  // JavaScript all questions show at once).
  var qform = document.getElementById("questionnaire-form");
  if (qform && !qform.querySelector(".c-error")) {
    var qs = Array.prototype.slice.call(qform.querySelectorAll("fieldset.c-q"));
    var submit = qform.querySelector("button[type=submit]");
    var at = 0;
    var nav = document.createElement("div");
    nav.className = "c-qnav";
    var back = document.createElement("button");
    back.type = "button"; back.className = "c-btn c-ghost"; back.textContent = "Back";
    var count = document.createElement("span");
    count.className = "c-muted";
    nav.appendChild(back); nav.appendChild(count);
    qform.insertBefore(nav, submit);
    function showQ() {
      qs.forEach(function (f, i) { f.hidden = i !== at; });
      back.hidden = at === 0;
      count.textContent = "Question " + (at + 1) + " of " + qs.length;
      submit.hidden = at !== qs.length - 1 || !qs[at].querySelector("input:checked");
    }
    qs.forEach(function (f, i) {
      f.addEventListener("change", function () {
        if (i < qs.length - 1) { at = i + 1; }
        showQ();
      });
    });
    back.addEventListener("click", function () { if (at > 0) { at -= 1; showQ(); } });
    if (qs.length > 1) showQ();
  }

  var root = document.getElementById("guided");
  if (!root) return;
  var data = JSON.parse(document.getElementById("session-data").textContent);
  if (!data) return;
  var csrf = root.getAttribute("data-csrf");
  var KEY = "ub-draft-" + data.week + "-" + data.index;
  var OUTBOX = KEY + "-finish";
  var STAGE = { set: 0, rate: 1, finish: 2 };
  var state = { week: data.week, index: data.index, sets: [], ratings: [],
                position: { ex: 0, set: 1, stage: STAGE.set } };
  var statusEl = document.getElementById("sync-status");
  var timer = null;

  function say(text) { statusEl.textContent = text; }
  function payload() {
    return { week: state.week, index: state.index, sets: state.sets, ratings: state.ratings,
             position: state.position };
  }
  function further(a, b) {
    var pa = a.position || {}, pb = b.position || {};
    var ka = [pa.ex || 0, pa.stage || 0, pa.set || 1], kb = [pb.ex || 0, pb.stage || 0, pb.set || 1];
    for (var i = 0; i < 3; i++) { if (ka[i] !== kb[i]) return ka[i] > kb[i] ? a : b; }
    return a;
  }
  function merge(a, b) {
    if (!a) return b; if (!b) return a;
    var sets = {}, ratings = {};
    (a.sets || []).concat(b.sets || []).forEach(function (s) { sets[s.ex + ":" + s.set] = s; });
    (a.ratings || []).concat(b.ratings || []).forEach(function (r) { ratings[r.ex] = r; });
    return { week: a.week, index: a.index,
             sets: Object.keys(sets).map(function (k) { return sets[k]; }),
             ratings: Object.keys(ratings).map(function (k) { return ratings[k]; }),
             position: further(a, b).position };
  }
  function saveLocal() {
    try { localStorage.setItem(KEY, JSON.stringify(payload())); } catch (e) { /* full */ }
  }
  function sync() {
    return fetch("/me/session/draft", {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(payload())
    }).then(function (r) {
      if (!r.ok) { return r.json().then(function (j) { say(j.detail || "Could not save"); }); }
      root.setAttribute("data-synced", String(state.sets.length));
      say("Saved");
    }).catch(function () {
      root.setAttribute("data-pending", "1");
      say("Saved on this phone. It will be sent when you are back online.");
    });
  }
  function persist() { saveLocal(); return sync(); }

  function section(i) { return document.getElementById("ex" + i); }
  function show() {
    var p = state.position, n = data.exercises.length;
    var done = p.stage === STAGE.finish ? n : p.ex;
    document.getElementById("progress-bar").style.width = Math.round(100 * done / n) + "%";
    data.exercises.forEach(function (_, i) { section(i).hidden = i !== p.ex || p.stage === STAGE.finish; });
    document.getElementById("finish").hidden = p.stage !== STAGE.finish;
    if (p.stage === STAGE.finish) return;
    var sec = section(p.ex);
    sec.querySelector(".set-now").textContent = p.set;
    sec.querySelector(".c-set").hidden = p.stage !== STAGE.set;
    sec.querySelector(".c-rate").hidden = p.stage !== STAGE.rate;
    sec.querySelector(".c-rest").hidden = true;
    window.scrollTo(0, 0);
  }
  function stopTimer() { if (timer) { clearInterval(timer); timer = null; } }
  var sound = document.getElementById("sound-on");
  try { sound.checked = localStorage.getItem("ub-sound") === "1"; } catch (e) { /* no storage */ }
  sound.addEventListener("change", function () {
    try { localStorage.setItem("ub-sound", sound.checked ? "1" : "0"); } catch (e) { /* no storage */ }
  });
  var audio = null;
  function beep() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!sound.checked || !AC) return;
    try {
      audio = audio || new AC();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.25);
    } catch (e) { /* audio blocked */ }
  }
  function buzz() {
    if (navigator.vibrate) { try { navigator.vibrate(200); } catch (e) { /* no */ } }
    beep();
  }

  function countdown(seconds, labelEl, valueEl, label, done) {
    stopTimer();
    var end = Date.now() + seconds * 1000;
    labelEl.textContent = label;
    function tick() {
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      valueEl.textContent = left + " s";
      if (left <= 0) { stopTimer(); buzz(); if (done) done(); }
    }
    tick();
    timer = setInterval(tick, 250);
  }
  function tempoGuide(ex, labelEl, valueEl) {
    stopTimer();
    var start = Date.now(), reps = ex.reps || 1, cycle = Math.max(1, ex.cycle_s);
    labelEl.textContent = "Rep";
    function tick() {
      var t = (Date.now() - start) / 1000, rep = Math.floor(t / cycle) + 1;
      if (rep > reps) { stopTimer(); buzz(); labelEl.textContent = "Done:"; valueEl.textContent = reps + " reps"; return; }
      valueEl.textContent = rep + " of " + reps;
    }
    tick();
    timer = setInterval(tick, 250);
  }

  function advanceSet() {
    var p = state.position, ex = data.exercises[p.ex];
    if (p.set < ex.sets) {
      var sec = section(p.ex), rest = sec.querySelector(".c-rest");
      sec.querySelector(".c-set").hidden = true;
      rest.hidden = false;
      p.set += 1;
      persist();
      countdown(ex.rest_s, { textContent: "" }, rest.querySelector(".rest-value"), "Rest", show);
      return;
    }
    p.stage = STAGE.rate;
    persist();
    show();
  }
  function recordSet(extra) {
    var p = state.position;
    var entry = { ex: p.ex, set: p.set, lost_form: !!extra.lost_form };
    if (extra.reps !== undefined) entry.reps = extra.reps;
    if (extra.hold_s !== undefined) entry.hold_s = extra.hold_s;
    state.sets = state.sets.filter(function (s) { return !(s.ex === p.ex && s.set === p.set); });
    state.sets.push(entry);
    stopTimer();
    advanceSet();
  }

  data.exercises.forEach(function (ex, i) {
    var sec = section(i);
    var label = sec.querySelector(".timer-label"), value = sec.querySelector(".timer-value");
    sec.querySelector(".start-timer").addEventListener("click", function () {
      if (ex.hold_s) countdown(ex.hold_s, label, value, "Hold", null);
      else tempoGuide(ex, label, value);
    });
    sec.querySelector(".done-set").addEventListener("click", function () { recordSet({}); });
    sec.querySelector(".skip-set").addEventListener("click", function () { stopTimer(); advanceSet(); });
    sec.querySelector(".skip-rest").addEventListener("click", function () { stopTimer(); show(); });
    sec.querySelector(".done-diff").addEventListener("click", function () {
      var err = sec.querySelector(".diff-error"), extra = { lost_form: sec.querySelector(".diff-lost").checked };
      var input = sec.querySelector(".diff-reps") || sec.querySelector(".diff-hold");
      var raw = input.value.trim(), v = Number(raw), max = input.classList.contains("diff-reps") ? 200 : 1800;
      if (raw !== "" && (!isFinite(v) || v < 0 || v > max)) {
        err.textContent = "Enter a number from 0 to " + max + ", or leave it empty if the count was right.";
        err.hidden = false; return;
      }
      err.hidden = true;
      if (raw !== "") { if (input.classList.contains("diff-reps")) extra.reps = Math.round(v); else extra.hold_s = v; }
      input.value = ""; sec.querySelector(".diff-lost").checked = false;
      sec.querySelector(".c-diff").open = false;
      recordSet(extra);
    });
    sec.querySelector(".c-rate").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var pain = sec.querySelector('input[name="pain' + i + '"]:checked');
      var effort = sec.querySelector('input[name="effort' + i + '"]:checked');
      var err = sec.querySelector(".rate-error");
      if (!pain || !effort) { err.textContent = "Choose a number for pain and for effort."; err.hidden = false; return; }
      err.hidden = true;
      state.ratings = state.ratings.filter(function (r) { return r.ex !== i; });
      state.ratings.push({ ex: i, pain: Number(pain.value), effort: Number(effort.value) });
      var p = state.position;
      if (p.ex + 1 < data.exercises.length) { p.ex += 1; p.set = 1; p.stage = STAGE.set; }
      else { p.stage = STAGE.finish; }
      persist();
      show();
    });
  });

  function finish() {
    var btn = document.getElementById("finish-btn"), err = document.getElementById("finish-error");
    btn.disabled = true;
    try { localStorage.setItem(OUTBOX, "1"); } catch (e) { /* full */ }
    fetch("/me/session/finish", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(payload())
    }).then(function (r) {
      return r.json().then(function (j) {
        btn.disabled = false;
        localStorage.removeItem(OUTBOX);
        if (!r.ok) { err.textContent = j.detail || "Could not save"; err.hidden = false; return; }
        localStorage.removeItem(KEY);
        var ul = document.getElementById("changes");
        ul.innerHTML = "";
        (j.changes.length ? j.changes : ["Nothing changes: next time is as planned."]).forEach(function (c) {
          var li = document.createElement("li"); li.textContent = c; ul.appendChild(li);
        });
        document.getElementById("finish").hidden = true;
        document.getElementById("saved").hidden = false;
      });
    }).catch(function () {
      btn.disabled = false;
      err.textContent = "You are offline. The session is kept on this phone and saved when you are back online.";
      err.hidden = false;
    });
  }
  document.getElementById("finish-btn").addEventListener("click", finish);

  window.addEventListener("online", function () {
    sync();
    try { if (localStorage.getItem(OUTBOX)) finish(); } catch (e) { /* no storage */ }
  });

  var local = null;
  try { local = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { local = null; }
  fetch("/me/session/draft?week=" + data.week + "&index=" + data.index, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .catch(function () { return null; })
    .then(function (server) {
      var merged = merge(local, server);
      if (merged && merged.position) {
        state = merged;
        if (state.sets.length || state.ratings.length) say("Welcome back: you continue where you stopped.");
        if (local && (!server || (local.sets || []).length > (server.sets || []).length)) sync();
      }
      root.setAttribute("data-ready", "1");
      show();
    });
})();
