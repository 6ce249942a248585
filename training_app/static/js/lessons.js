/* Class lessons: live updates by short polling, a quick "Leave this page", clicker keys.

   Progressive enhancement: every page works without this file (a Refresh button, plain
   forms and links). With it:
   - the screen asks for its own page with If-None-Match; an unchanged page is a 304 with
     no body, so a waiting class costs the server one or two small queries per poll;
   - pupils' forms (marked data-inline) are sent in the background and the page content is
     swapped, so the whole lesson stays one entry in the browser's history, and "Leave this
     page" replaces that entry: Back does not return to the lesson. */
(function () {
  "use strict";

  var MAX_BACKOFF_MS = 60000;
  var HIDDEN_MS = 15000;
  var root = document.documentElement;
  var timer = null;
  var delay = 0;

  function live() { return document.getElementById("lesson-live"); }

  function every() {
    var node = live();
    var seconds = node ? Number(node.getAttribute("data-poll-seconds")) : 0;
    return Math.max(1, seconds || 4) * 1000;
  }

  function schedule(ms) {
    window.clearTimeout(timer);
    if (!live()) { return; }
    // Jitter spreads a class's polls out instead of arriving in one burst.
    var wait = ms * (0.8 + Math.random() * 0.4);
    if (document.hidden) { wait = Math.max(wait, HIDDEN_MS); }
    timer = window.setTimeout(poll, wait);
  }

  function focusFirst(container) {
    var target = container.querySelector(".error-summary, #step-title") ||
      container.querySelector("h1");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  }

  // Put a freshly fetched page's content in place; true if the page still polls.
  function apply(html, url, whole) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("lesson-live");
    var current = live();
    if (!whole && next && current &&
        next.getAttribute("data-step-key") === current.getAttribute("data-step-key")) {
      // Same step: only the live parts (counts) change; focus and scroll stay put.
      var parts = next.querySelectorAll("[data-live]");
      for (var i = 0; i < parts.length; i++) {
        var old = document.getElementById(parts[i].id);
        if (old) { old.replaceWith(document.importNode(parts[i], true)); }
      }
      current.setAttribute("data-etag", next.getAttribute("data-etag"));
      return true;
    }
    var main = doc.getElementById("main-content");
    var here = document.getElementById("main-content");
    if (!main || !here) { window.location.reload(); return false; }
    var active = document.activeElement;
    var hadFocus = !active || active === document.body || here.contains(active);
    here.innerHTML = main.innerHTML;
    document.title = doc.title;
    if (url) { window.history.replaceState(null, "", url); }
    if (hadFocus) { focusFirst(here); }
    return Boolean(live());
  }

  function failed() {
    root.classList.remove("js-live");
    delay = Math.min(Math.max(delay, every()) * 2, MAX_BACKOFF_MS);
    schedule(delay);
  }

  function poll() {
    var node = live();
    if (!node) { return; }
    window.fetch(node.getAttribute("data-poll-url"), {
      headers: { "If-None-Match": 'W/"' + node.getAttribute("data-etag") + '"' },
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected && !document.body.classList.contains("pupil")) {
        window.location.assign(response.url);  // the teacher's lesson ended: its record
        return;
      }
      if (response.status === 304) {
        root.classList.add("js-live");
        delay = every();
        schedule(delay);
        return;
      }
      if (response.ok || response.status === 404 || response.status === 410) {
        return response.text().then(function (html) {
          root.classList.add("js-live");
          delay = every();
          if (apply(html, null, false)) { schedule(delay); }
        });
      }
      failed();
    }).catch(failed);
  }

  function start() {
    if (!live() || !window.fetch || !window.DOMParser) { return; }
    root.classList.add("js-live");
    delay = every();
    schedule(delay);
  }

  // "Leave this page": replace this history entry, so Back does not return to the lesson.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-leave]") : null;
    if (!link) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });

  // Pupils' forms: sent in the background, the answer page swapped in place.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-inline") || !window.fetch || !window.URLSearchParams) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    window.fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.text().then(function (html) {
        if (apply(html, response.url, true)) { start(); }
      });
    }).catch(function () {
      form.submit();  // the ordinary way: a full page load
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(250); }
  });

  // Presenter mode keys. Clickers send PageDown/PageUp (or arrows): move the class on and
  // back; R shows the answer, T hides or shows the counts, F asks for full screen.
  document.addEventListener("keydown", function (event) {
    var node = live();
    if (!node || !node.classList.contains("presenter")) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey ||
        event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var keys = {
      PageDown: "next", ArrowRight: "next", n: "next", N: "next",
      PageUp: "back", ArrowLeft: "back", b: "back", B: "back",
      r: "reveal", R: "reveal", t: "tally", T: "tally", f: "full", F: "full"
    };
    var key = keys[event.key];
    if (!key) { return; }
    var target = {
      next: 'button[data-key="next"]', back: 'button[data-key="back"]',
      reveal: "button[data-reveal]", tally: "button[data-tally-toggle]",
      full: "button[data-fullscreen]"
    }[key];
    var button = document.querySelector(target);
    if (button && !button.hidden) { event.preventDefault(); button.click(); }
  });

  // "Hide the counts": kept while this page is open, so a poll that redraws the step keeps it.
  // Not in browser storage (docs/security.md, 8.2.2): a new step shows the counts again.
  var countsHidden = false;
  function showTallyState() {
    var hidden = countsHidden;
    root.classList.toggle("tally-hidden", hidden);
    var button = document.querySelector("button[data-tally-toggle]");
    if (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", hidden ? "true" : "false");
      button.textContent = hidden ? "Show the counts" : "Hide the counts";
    }
  }

  // Full screen is asked for by a click or key (browsers allow it only then).
  function showFullscreenButton() {
    var button = document.querySelector("button[data-fullscreen]");
    if (button && document.documentElement.requestFullscreen) {
      button.hidden = false;
      button.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen";
    }
  }

  // Shrink the type a little until the whole step fits the screen without scrolling.
  function fit() {
    if (!root.classList.contains("presenter-mode") || window.innerWidth < 768) {
      root.style.removeProperty("--pm-fit");
      return;
    }
    var scale = 1;
    root.style.setProperty("--pm-fit", "1");
    while (root.scrollHeight > window.innerHeight && scale > 0.62) {
      scale -= 0.04;
      root.style.setProperty("--pm-fit", String(scale));
    }
  }

  function presenterReady() {
    showTallyState();
    showFullscreenButton();
    fit();
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("button[data-tally-toggle]") : null;
    if (toggle) {
      countsHidden = !countsHidden;
      showTallyState();
      return;
    }
    var full = event.target.closest ? event.target.closest("button[data-fullscreen]") : null;
    if (full) {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else { document.documentElement.requestFullscreen().catch(function () {}); }
    }
  });
  document.addEventListener("fullscreenchange", function () { showFullscreenButton(); fit(); });
  window.addEventListener("resize", fit);
  if (root.classList.contains("presenter-mode")) {
    new window.MutationObserver(presenterReady).observe(document.getElementById("main-content"),
      { childList: true });
    presenterReady();
  }

  start();
}());
