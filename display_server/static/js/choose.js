/* Choosing a counter: number keys 1-9 pick the counter of that number (Quầy 3: key 3). */
(function () {
  "use strict";
  var links = document.querySelectorAll("#counter-choices a.choice");
  if (links.length && document.activeElement === document.body) links[0].focus();
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    for (var i = 0; i < links.length; i++) {
      if (links[i].dataset.key && links[i].dataset.key === e.key) {
        e.preventDefault();
        links[i].click();
        return;
      }
    }
  });
})();
