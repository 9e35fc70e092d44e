/* Behaviour pages declare with data- attributes, so that no page needs an inline script or style
   (the Content-Security-Policy in core/security.py allows neither).

   data-confirm="Question?"  on a button or link: asks before it acts (keyboard or mouse alike).
   data-autosubmit           on a form control: submits its form when it changes. Only where the
                             form also has its own submit button (WCAG 3.2.2: pickers that change the
                             page do not submit on change; they have a button).
   data-left / data-width    numbers: the element's left / width in % of its container.
   data-lane                 a timeline bar's lane (0, 1, …), each lane 2.2rem below the one before.
   data-lanes                a timeline track's number of lanes (its height). */
(function () {
  "use strict";
  var LANE_REM = 2.2;

  function num(el, name) {
    var v = el.getAttribute(name);
    if (v === null || v === "") return null;
    var n = parseFloat(v);
    return isFinite(n) ? n : null;
  }

  function place(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var els = Array.prototype.slice.call(scope.querySelectorAll("[data-left],[data-width],[data-lane],[data-lanes]"));
    if (scope.matches && scope.matches("[data-left],[data-width],[data-lane],[data-lanes]")) els.push(scope);
    els.forEach(function (el) {
      var left = num(el, "data-left"), width = num(el, "data-width"), lane = num(el, "data-lane"), lanes = num(el, "data-lanes");
      // CSSOM properties, not a style attribute: allowed by style-src 'self'
      if (left !== null) el.style.left = left + "%";
      if (width !== null) el.style.width = width + "%";
      if (lane !== null) el.style.top = (lane * LANE_REM) + "rem";
      if (lanes !== null && el.classList.contains("tl-track")) el.style.height = (Math.max(lanes, 1) * LANE_REM) + "rem";
    });
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-autosubmit") || !el.form) return;
    if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { place(document); });
  else place(document);
  document.addEventListener("htmx:load", function (event) { place(event.detail && event.detail.elt); });
})();
