// crisol pages: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // Article page: the highlight checkboxes switch a class on the text.
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    var body = document.getElementById("article-body");
    if (!body) return;
    box.addEventListener("change", function () {
      body.classList.toggle(box.getAttribute("data-toggle"), box.checked);
    });
  });
  // A cited sentence (#s-N) gets keyboard focus too, so screen readers land on it.
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^s-\d+$/.test(id)) return;
    var el = document.getElementById(id);
    if (!el) return;
    el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: false });
    el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", focusTarget);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusTarget);
  else focusTarget();
})();
